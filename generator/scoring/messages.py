"""The engine's sentences in the site's language, from a table it is given: English when a message is missing.

The engine reads no file (it runs under Pyodide too), so the language comes in
with the rules: the build puts the ``engine`` catalog's messages for the site's
language into rules.json (``"messages"``), the CLI loads the same table from
the catalog (generator/i18n.py), and every sentence goes through ``Messages``.
Sentences use named placeholders (``%(value)s``) so a translation may reorder
them; the msgids are the English (generator/locale/engine.pot, extracted by
Babel from the ``_`` and ``_n`` calls in this package).
"""

from __future__ import annotations

import gettext

ENGLISH_PLURAL = "n != 1"


class Messages:
    """``table``: {"plural": a gettext plural expression, "messages": {msgid: text or [plural forms]},
    "numbers": {"decimal": "," , "group": "."}} (the language's symbols, from Babel's locale data at build time)."""

    def __init__(self, table: dict | None = None) -> None:
        table = table or {}
        self.texts = table.get("messages") or {}
        self.plural = gettext.c2py(table.get("plural") or ENGLISH_PLURAL)  # a C expression, compiled safely by gettext
        numbers = table.get("numbers") or {}
        self.decimal, self.group = numbers.get("decimal", "."), numbers.get("group", ",")

    def _(self, message: str, **values) -> str:
        text = self.texts.get(message)
        return (text if isinstance(text, str) and text else message) % values

    def _n(self, singular: str, plural: str, num: int, **values) -> str:
        forms = self.texts.get(singular)
        if isinstance(forms, list) and forms:
            text = forms[min(self.plural(num), len(forms) - 1)]
        else:
            text = singular if num == 1 else plural
        return text % {"num": num, **values}

    def digits(self, english: str) -> str:
        """'1,000,000.5' (a number as Python formats it) with this language's separators: '1.000.000,5'."""
        if (self.decimal, self.group) == (".", ","):
            return english
        return english.translate({ord("."): self.decimal, ord(","): self.group})


ENGLISH = Messages()
