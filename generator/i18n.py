"""The generator's message catalogs: gettext ``.po`` files in the package, read with Babel when a build needs them.

One catalog per domain and language, ``generator/locale/<lang>/LC_MESSAGES/<domain>.po``
(``generator`` for the pages Python and the templates write; other parts of the
package keep their own domains). The ``.po`` files are what ships and what
runs: they are parsed at build time (``read_po``, a few milliseconds each) and
compiled in memory, so there is no ``.mo`` to forget to rebuild. ``make
catalogs`` extracts the template (``generator/locale/<domain>.pot``) and
updates every language from it.

A knowledge base picks its language with ``theme.language`` in ``mkdocs.yml``,
as it does for Material itself. Region variants fall back to their language
(``es-MX`` reads ``es``); a language the package has no catalog for is an error,
not a silent English site.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"


def languages(domain: str) -> list[str]:
    """The languages that have a catalog for ``domain``, sorted."""
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{domain}.po"))


def catalog_language(domain: str, language: str) -> str | None:
    """The catalog ``language`` reads (``es_MX`` and ``es-MX`` fall back to ``es``), or None when there is none."""
    available = languages(domain)
    wanted = language.replace("-", "_")
    for candidate in (wanted, wanted.split("_")[0]):
        if candidate in available:
            return candidate
    return None


@cache
def catalog(domain: str, language: str) -> Catalog:
    """The parsed ``.po`` file of ``domain`` in ``language`` (a name ``catalog_language`` returned)."""
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


@cache
def translations(domain: str, language: str) -> gettext.GNUTranslations:
    """The catalog as ``gettext`` translations (compiled in memory; fuzzy entries are left out, as msgfmt does)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog(domain, language))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def messages(domain: str, language: str) -> dict[str, str | list[str]]:
    """msgid -> translation, for code that cannot read a catalog itself (the browser, the engine under Pyodide).

    A plural message is keyed by its singular and gives every plural form, in the language's order.
    Untranslated and fuzzy entries are left out: the reader falls back to the msgid.
    """
    out: dict[str, str | list[str]] = {}
    for message in catalog(domain, language):
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (list, tuple)):
            if all(message.string):
                out[message.id[0]] = list(message.string)
        elif message.string:
            out[message.id] = message.string
    return out
