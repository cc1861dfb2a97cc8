"""The engine's and the widget's words in a knowledge base's language, as plain tables for code that reads no catalog.

The engine (``engine`` domain) runs under Pyodide and reads no file: its table
goes into rules.json (``"messages"``) and the CLI builds the same one. The
widget (``widget`` domain) reads ``assets/kb/messages.json``, which the build
writes beside it. Both fall back to the English msgid for a missing message.

Plurals: the engine evaluates the catalog's gettext expression (``gettext.c2py``);
the browser asks ``Intl.PluralRules`` for the number's CLDR category, so the
widget's table maps each category of the language to the catalog's form index.
"""

from __future__ import annotations

import gettext

from babel import Locale

from .i18n import DEFAULT_LANGUAGE, catalog, catalog_language, messages

ENGINE = "engine"
WIDGET = "widget"
_SAMPLES = (*range(0, 1001), 1_000_000, 2_000_000, 1_000_001)  # enough integers to meet every category of a language
_FRACTIONS = (0.5, 1.5, 2.5)  # a fractional count: "1.5 snapshots"


def language_of(domain: str, language: str | None) -> str:
    """The catalog ``language`` reads in ``domain`` (English when none)."""
    return catalog_language(domain, language or DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def engine_table(language: str | None) -> dict:
    """{"language", "plural", "messages", "numbers"}: what ``scoring.messages.Messages`` reads."""
    lang = language_of(ENGINE, language)
    return {"language": lang, "plural": _plural_expression(ENGINE, lang), "messages": messages(ENGINE, lang),
            "numbers": number_symbols(lang)}


def number_symbols(language: str) -> dict:
    """{"decimal", "group"}: the language's separators in Latin digits, from Babel's CLDR data ('es': ',' and '.')."""
    symbols = Locale.parse(language).number_symbols["latn"]
    return {"decimal": symbols["decimal"], "group": symbols["group"]}


def translate_word(language: str | None):
    """gettext for the default domain words of rules/site.yaml, which the engine catalog holds."""
    table = messages(ENGINE, language_of(ENGINE, language))
    return lambda word: table.get(word) or word


def widget_table(language: str | None) -> dict:
    """{"language", "plural_index": {CLDR category: form index}, "messages"}: what the widget's t() reads."""
    lang = language_of(WIDGET, language)
    rule = Locale.parse(lang).plural_form
    index = gettext.c2py(_plural_expression(WIDGET, lang))
    plural_index: dict[str, int] = {}
    for number in _SAMPLES:
        plural_index.setdefault(rule(number), index(number))
    for number in _FRACTIONS:  # gettext sees a whole number; the browser's category for 1.5 decides the form
        plural_index.setdefault(rule(number), index(int(number)))
    return {"language": lang, "plural_index": plural_index, "messages": messages(WIDGET, lang)}


def _plural_expression(domain: str, language: str) -> str:
    """The gettext plural expression of a catalog: '(n != 1)'."""
    return catalog(domain, language).plural_expr
