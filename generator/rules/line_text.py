"""What check refuses in one-line fields and in the text literals of conditions.

A one-line field (a title, a label, a summary, a stage's focus) is plain text:
pages print it escaped whole (render/markdown_text.py), and so they print a
condition's quoted text in words. Markdown or HTML in such a value never works,
so the pieces that could only be syntax there are a mistake or an attempt on a
page: those that carry an address or an attribute to a reader's browser
(the joints of a link, image or reference, a reference definition, an
attribute list, a character reference; raw HTML is refused for every text by
html_policy). Ordinary punctuation stays allowed: ':', '(', '#', '*', '_',
'[draft]', '&', 'x < 5'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..render.html_policy import markup_problems
from ..scoring.expr import Node

_PLAIN = "one-line fields are plain text on every page"
_LITERAL = "pages print a condition's quoted text in words, as plain text"
_SYNTAX = (
    (re.compile(r"\]\(|\]\s?\["), "link syntax ('](' or '][')",
     f"{_PLAIN}: put links in a Markdown field (why:, explanation:, an article)"),
    (re.compile(r"^\s*\[[^\]]*\]:"), "a link reference definition ('[x]:')",
     f"{_PLAIN}: put links in a Markdown field (why:, explanation:, an article)"),
    (re.compile(r"\{\s*[:#.]"), "an attribute list ('{:', '{#' or '{.')",
     f"{_PLAIN}: they set no ids, classes or attributes; drop the braces"),
    (re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"), "an HTML character reference",
     f"{_PLAIN}: write the character itself"),
)


def line_markup_problems(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, what, hint) for the first of each kind of syntax in a one-line text."""
    for pattern, what, hint in _SYNTAX:
        if match := pattern.search(text):
            yield match.start(), what, hint


def literal_problems(node: Node) -> Iterator[tuple[int, str, str]]:
    """(offset in the condition, message, hint) for markup in each quoted text of a parsed condition."""
    if node.kind == "str":
        found = [(offset, f"{what} is not allowed in a condition's text", hint.replace(_PLAIN, _LITERAL))
                 for offset, what, hint in line_markup_problems(node.value)]
        found += [(offset, message, hint) for offset, message, hint in markup_problems(node.value)]
        yield from ((node.pos + 1 + offset, message, hint) for offset, message, hint in found)
    for arg in node.args:
        yield from literal_problems(arg)

