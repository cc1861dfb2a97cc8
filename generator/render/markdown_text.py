"""Values from rules and content as Markdown text: what a template puts on a page reads as the characters it holds.

Templates write Markdown, and most of what they interpolate is not Markdown but
text: a milestone's title in a link, a stage's focus in a table cell, a rule
fact in an article, a condition's literal in words. Read as Markdown, one title
(``1 paying customer](https://evil.example/login) [more``) would rewrite every
link to its page. So every value is one of two things, said in the template:

- ``| md_text``: text. Escaped for Markdown (a backslash before every character
  Markdown could read as syntax where it stands, on one line) and for HTML.
  The result is the same text in link text, a table cell, a heading before its
  ``{ #anchor }``, a list item or a paragraph.
- ``| markdown``: a field that is Markdown by design (``text`` fields, page and
  article bodies), whose markup ``check`` has already vouched for.

Both give ``MarkdownSafe``. The template environment's ``finalize`` refuses any
other value that escaping would change, so a forgotten filter fails the first
build that puts such a value there (tests/test_markdown_text.py puts one in
every field) instead of publishing it.
"""

from __future__ import annotations

import functools
import re

from jinja2 import TemplateError, Undefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

# Python-Markdown with the site's extensions (tables, attr_list, toc, admonition, md_in_html) reads these as syntax
# anywhere in a line: code spans, emphasis, links and images, attribute lists, trailing heading hashes, table cells.
# '<', '>' and '&' are left to HTML escaping: as '&lt;' they can start neither a tag nor a blockquote.
# '_' between two letters or digits is no emphasis in Python-Markdown (ids keep theirs); next to anything else it may be.
_ANYWHERE = re.compile(r"[\\`*\[\]{}#|]|(?<![^\W_])_|_(?![^\W_])")
# What makes a block where a value starts a line or a list item: '- x', '+ x', '!!! note', '1. x', a line of '='.
# Python-Markdown reads up to three spaces of indent before them; a value keeps at most one.
_LINE_START = re.compile(r"^( ?)(?:([-+!]|=+ ?$)|(\d+)(?=\.(?: |$)))")
# Spaces, tabs and line breaks become one space: a value cannot start a line, indent code or end in a hard break.
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


class MarkdownSafe(Markup):
    """Markdown that may go into a page as it is: text escaped by ``md_text``, markup written by this package.

    Like ``Markup`` for HTML: joining, adding or formatting plain strings into one escapes them,
    here as Markdown text (``MarkdownSafe("[{}]({})").format(title, href)`` escapes both).
    """

    __slots__ = ()

    @classmethod
    def escape(cls, s) -> MarkdownSafe:
        if isinstance(s, MarkdownSafe):
            return s
        # Spaces kept (", " stays ", "). Python-Markdown reads '[\\]: url' at a line's start as a link reference
        # before it reads escapes, so a ':' after ']' is written as a character reference.
        return cls(str(escape(markdown_escape(s))).replace("]:", "]&#58;"))


def markdown_escape(text: str) -> str:
    """``text`` on one line, with a backslash before everything Markdown would read as syntax.

    For text that lands in Markdown which is HTML-escaped later (a rule fact in a body). Inline, any
    character Python-Markdown treats as syntax is escaped; at the start, what would open a block there.
    """
    text = _ANYWHERE.sub(r"\\\g<0>", _WHITESPACE.sub(" ", str(text)))
    return _LINE_START.sub(_escape_line_start, text, count=1)


def _escape_line_start(match: re.Match) -> str:
    space, marker, digits = match.groups()
    return space + ("\\" + marker if marker else digits + "\\")


def md_text(value) -> MarkdownSafe:
    """The template filter ``md_text``: ``value`` as Markdown text, escaped for Markdown and then for HTML.

    Spaces around a value mean nothing and would undo the syntax around it (``*{{ title }}*`` is no
    emphasis when the title ends in a space): they go.
    """
    if isinstance(value, MarkdownSafe):
        return value
    return _text(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _text(text: str) -> MarkdownSafe:
    """md_text of a plain string, remembered: a pure function of it, and a site prints the same titles and names
    on many pages (46,000 values for 1,000 articles), build after build in the live preview."""
    return MarkdownSafe.escape(_WHITESPACE.sub(" ", text).strip(" "))


def markdown(value) -> MarkdownSafe:
    """The template filter ``markdown``: a field that is Markdown by design; HTML-escaped, as check refuses raw HTML in it.

    Templates print it as a block, on a line of its own: it ends with exactly one line break, so the
    template's own line break closes the block. A one-line YAML value has none, and the table the
    template writes next would otherwise continue its paragraph.
    """
    return MarkdownSafe(escape(str(value).rstrip("\n") + "\n"))


def md_link(text, href: str) -> MarkdownSafe:
    """A Markdown link to a page of this site: ``text`` escaped, ``href`` a path this package made from ids."""
    if not re.fullmatch(r"[\w./#-]+", href):
        raise ValueError(f"not a site path: {href!r}")
    return MarkdownSafe("[{}]({})").format(md_text(text), MarkdownSafe(href))


def to_json(value) -> MarkdownSafe:
    """The template filter ``tojson`` (front matter, the tags marker comment): JSON with '<', '>', '&' and "'" escaped."""
    return MarkdownSafe(htmlsafe_json_dumps(value))


class UnescapedValue(TemplateError):
    """A template printed a value without saying whether it is text (md_text) or Markdown (markdown)."""


def only_escaped(value):
    """The environment's ``finalize``: what ``{{ … }}`` may print.

    Escaped values, numbers and text that escaping would leave as it is (ids, article numbers, paths).
    Plain ``Markup`` is what a template macro returns, assembled from values that passed here: the
    environment has no filter that makes it from a value (``pages.MARKUP_FILTERS`` are removed).
    """
    if isinstance(value, (Markup, Undefined, int, float)) or value is None:
        return value
    if isinstance(value, str) and md_text(value) == value:
        return value
    shown = str(value) if len(str(value)) <= 60 else str(value)[:60] + "…"
    raise UnescapedValue(f"the value {shown!r} reaches the page unescaped; "
                         "print text as {{ value | md_text }} and Markdown fields as {{ value | markdown }}")
