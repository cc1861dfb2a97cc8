"""Maintaining the message catalogs: extract, update, and check them (``make catalogs``; the tests run ``problems``).

``python -m generator.catalogs`` extracts every domain's template
(``generator/locale/<domain>.pot``) with Babel and merges it into each
language's ``.po``: a new message arrives untranslated (or fuzzy, when Babel
finds a close old one) and the tests fail until someone translates it. English
is a catalog like any other; its new entries are filled with their msgids, so
rewording English never needs a code change.

Messages are formatted with named placeholders (``%(title)s`` in Python and the
templates, ``{title}`` in the widget's JavaScript), always, so a translation must
name exactly the placeholders of its msgid and write a literal percent sign as
``%%`` (a literal brace as ``{{``/``}}`` in the widget).
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from .i18n import LOCALE, catalog, languages

ROOT = LOCALE.parents[1]
# domain -> the extraction's Babel configuration and extra keywords. Other domains add their line here.
DOMAINS = {
    "generator": (LOCALE / "babel.cfg", ("md_gettext", "md_ngettext:1,2")),
    "engine": (LOCALE / "engine.cfg", ("_n:1,2", "default_word")),  # the engine's sentences (rules.json, score)
    "widget": (LOCALE / "widget.cfg", ("t", "tn:1,2")),  # the widget's words (assets/kb/messages.json, i18n.js)
}
BRACE_DOMAINS = {"widget"}  # placeholders written {name} (i18n.js), not %(name)s
SOURCE_LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"%(?:\(([^)]*)\))?([-#0 +]*\d*(?:\.\d+)?)([diouxXeEfFgGcrsa%])|%")
_BRACE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|[{}]")


def template_path(domain: str) -> Path:
    return LOCALE / f"{domain}.pot"


def extract(domain: str, output: Path | None = None) -> Path:
    """Write ``output`` (``generator/locale/<domain>.pot``) from the sources the domain's Babel configuration names."""
    config, keywords = DOMAINS[domain]
    output = output or template_path(domain)
    argv = ["pybabel", "-q", "extract", "-F", str(config), "--add-location=file", "--sort-by-file", "--no-wrap",
            "--add-comments=Translators:", "--project=kb-generator", "--copyright-holder=its contributors", "-o", str(output)]
    for keyword in keywords:
        argv += ["-k", keyword]
    with contextlib.chdir(ROOT):  # locations relative to the repository, the same on every machine
        CommandLineInterface().run([*argv, "."])
    return output


def update(domain: str) -> None:
    """Merge the template into every language's catalog; English gets its new entries filled with their msgids."""
    for language in languages(domain):
        CommandLineInterface().run(["pybabel", "-q", "update", "--no-wrap", "--domain", domain, "-i", str(template_path(domain)),
                                    "-d", str(LOCALE), "-l", language, "--ignore-obsolete"])
        if language == SOURCE_LANGUAGE:
            _fill_source(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
    catalog.cache_clear()


def _fill_source(path: Path) -> None:
    with path.open("rb") as handle:
        po = read_po(handle, locale=SOURCE_LANGUAGE)
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            if message.fuzzy or not all(message.string):
                message.string = tuple(message.id)
        elif message.fuzzy or not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, po, width=0, ignore_obsolete=True)


def brace_placeholders(text: str) -> set[str] | None:
    """The names of ``text``'s {placeholders}, or None when it holds a brace that is neither one nor doubled."""
    names = set()
    for match in _BRACE.finditer(text):
        if match.group(0) in ("{{", "}}"):
            continue
        if match.group(1) is None:
            return None
        names.add(match.group(1))
    return names


def placeholder_style(domain: str):
    """The function that reads ``domain``'s placeholders: {name} in the widget, %(name)s elsewhere."""
    return brace_placeholders if domain in BRACE_DOMAINS else placeholders


def placeholders(text: str) -> set[str] | None:
    """The names of ``text``'s placeholders, or None when it holds one that is not named (a bare '%', '%s')."""
    names = set()
    for match in _PLACEHOLDER.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group(1) is None:
            return None
        names.add(match.group(1))
    return names


def problems(po: Catalog, template: Catalog, names=placeholders) -> list[str]:
    """Everything wrong with one catalog against its template: a message missing, untranslated or fuzzy,
    a placeholder the translation lacks or invents, a plural with the wrong number of forms.
    ``names`` reads a text's placeholders (``placeholder_style`` of the catalog's domain)."""
    found = []
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    for message in template:
        if message.id and (message.id if isinstance(message.id, str) else message.id[0]) not in ids:
            found.append(f"missing: {message.id!r} (run 'make catalogs')")
    for message in po:
        if not message.id:
            continue
        forms = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        if not all(forms):
            found.append(f"untranslated: {message.id!r}")
            continue
        found += [f"{message.id!r}: {what}" for what in _placeholder_problems(message, forms, po.num_plurals, names)]
    return found


def _placeholder_problems(message, forms: list[str], num_plurals: int, names) -> list[str]:
    literal = "a literal { is {{" if names is brace_placeholders else "a literal % is %%"
    if isinstance(message.id, str):
        wanted = names(message.id)
        got = names(forms[0])
        return [] if got == wanted and got is not None else [f"placeholders {sorted(got or [])} in {forms[0]!r}, "
                                                                  f"want {sorted(wanted or [])} ({literal})"]
    out = [] if len(forms) == num_plurals else [f"{len(forms)} plural forms, the language has {num_plurals}"]
    singular, plural = (names(text) for text in message.id)
    allowed = (singular or set()) | (plural or set())
    for form in forms:
        got = names(form)
        if got is None or not got <= allowed:
            out.append(f"placeholders {sorted(got or [])} in {form!r}, want some of {sorted(allowed)}")
    if names(forms[-1]) != plural:  # the form for most numbers says everything the plural says
        out.append(f"the last form {forms[-1]!r} lacks placeholders of {message.id[1]!r}")
    return out


def main() -> int:
    for domain in DOMAINS:
        extract(domain)
        update(domain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
