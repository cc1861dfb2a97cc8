"""The generator's own words on pages, in the knowledge base's language (the ``generator`` gettext domain).

Templates say ``{% trans %}…{% endtrans %}`` and ``{{ _("…") }}``; Python that
writes page text says ``words.gettext("…")`` for plain text (escaped later,
like any value) or ``words.md_gettext("…")`` for a piece of Markdown. Messages
use named placeholders (``%(title)s``) so a translation may reorder them, and
are always formatted, so a literal percent sign is written ``%%``.

A translation is ours and trusted as Markdown; the values put into it are not:
each is escaped as Markdown text (``md_text``) unless it already is
``MarkdownSafe`` (a link this package made). So a title in a translated
sentence is as inert as a title anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import DEFAULT_LANGUAGE, catalog_language, translations
from .markdown_text import MarkdownSafe, md_text

DOMAIN = "generator"


class PageWords:
    """One language's translations of the generator's page text."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language
        self._translations = translations(DOMAIN, language)

    def gettext(self, message: str, **values) -> str:
        """Plain text: the translation, formatted with ``values`` as they are."""
        return self._translations.gettext(message) % values

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        values.setdefault("num", num)
        return self._translations.ngettext(singular, plural, num) % values

    def md_gettext(self, message: str, **values) -> MarkdownSafe:
        """Markdown: the translation as markup, every value in it escaped as text."""
        return MarkdownSafe(self._translations.gettext(message)) % _escaped(values)

    def md_ngettext(self, singular: str, plural: str, num: int, **values) -> MarkdownSafe:
        values.setdefault("num", num)
        return MarkdownSafe(self._translations.ngettext(singular, plural, num)) % _escaped(values)

    def install(self, env) -> None:
        """Make ``{% trans %}`` and ``_()`` in ``env``'s templates give escaped Markdown in this language."""
        env.add_extension("jinja2.ext.i18n")
        env.newstyle_gettext = True  # placeholders by name, values passed as keywords: see md_gettext
        env.policies["ext.i18n.trimmed"] = True  # a sentence wrapped over lines in a template is one line of text
        env.globals.update(gettext=self.md_gettext, ngettext=self.md_ngettext)


def site_words(root: Path) -> PageWords:
    """The words of the knowledge base at ``root``, in the language its mkdocs.yml names (``theme.language``).

    English when the language has no catalog or mkdocs.yml is wrong: check reports that, by name and line.
    """
    from ..site.config import read_site_config  # the site's settings; imported here, as the site package imports this one

    config, _problems = read_site_config(root)
    return PageWords(catalog_language(DOMAIN, config.language) or DEFAULT_LANGUAGE)


def _escaped(values: dict) -> dict:
    """Numbers stay numbers (``%(num)d``); everything else is Markdown text."""
    return {key: value if isinstance(value, (int, float)) and not isinstance(value, bool) else md_text(value)
            for key, value in values.items()}
