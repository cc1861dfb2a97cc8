"""Characters no text in rules/ or content/ may hold: control, bidi and line-separator characters.

A terminal escape (ESC, ``\\e[2J`` in a YAML double-quoted string) clears or recolours the terminal of
whoever runs ``score``; a bidi override (U+202E) shows a reviewer text in another order than the one
the site and the engine read; NUL ends strings in other programs. None has a use in a title, an id or
an article, so ``check`` refuses each, raw or written as a YAML escape, at the line and column where
it is written, with the character's name. Tabs and line breaks stay allowed where the text may span
lines (Markdown fields and bodies); a one-line field reports its line breaks itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from .yamlfile import Pos, YList, YMap

_BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
_NAMES = {  # unicodedata has no names for control characters; these are ISO 6429's
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED",
    0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE",
    0x85: "NEXT LINE",
}
MULTI_LINE = "\t\n"  # allowed in Markdown text and bodies
ONE_LINE = "\n"  # a one-line field says "must fit on one line" itself; folded scalars end in one
# YAML's escapes in double-quoted strings, and the character each stands for.
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", "N": "\x85", "L": "\u2028", "P": "\u2029", "_": "\xa0"}
_HEX = {"x": 2, "u": 4, "U": 8}


def unsafe(ch: str, allowed: str = ONE_LINE) -> bool:
    """Is this a character no text may hold (``allowed`` aside)?"""
    if ch in allowed:
        return False
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ord(ch) in _BIDI


def first_unsafe(text: str, allowed: str = ONE_LINE) -> int | None:
    """The offset of the first character ``unsafe`` refuses, or None."""
    found = _unsafe_pattern(allowed).search(text)  # one pass in C: every article body goes through here
    return found.start() if found else None


@cache
def _unsafe_pattern(allowed: str) -> re.Pattern[str]:
    """The characters ``unsafe`` refuses, as one class: the categories Cc (U+0000-U+001F, U+007F-U+009F), Cs
    (surrogates), Zl (U+2028) and Zp (U+2029) are closed sets in Unicode, and the bidi controls are listed."""
    refused = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0x2028, 0x2029, *_BIDI]
    return re.compile("[" + "".join(re.escape(chr(code)) for code in refused if chr(code) not in allowed) + "]")


def describe(ch: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE', 'U+001B ESCAPE', 'U+0003 (a control character)'."""
    code = ord(ch)
    name = _NAMES.get(code) or unicodedata.name(ch, "")
    if not name:
        name = "(a lone surrogate)" if 0xD800 <= code <= 0xDFFF else "(a control character)"
    return f"U+{code:04X} {name}"


def problem(what: str, ch: str) -> tuple[str, str]:
    """(message, hint) for a text that holds ``ch``."""
    return (f"{what}: control or bidi character is not allowed",
            f"remove {describe(ch)}: such characters hide, reorder or restyle text in reviews, terminals and pages")


def written_at(lines: list[str], pos: Pos, style: str | None, allowed: str = ONE_LINE) -> Pos:
    """Where the first refused character of a YAML scalar starting at ``pos`` is written in the file.

    In a double-quoted scalar it may be an escape (``\\e``, ``\\0``, ``\\u202e``): the position is its
    backslash's. A character the file's lines cannot show (a raw line separator) is placed at ``pos``.
    """
    line, col = pos
    if not 0 < line <= len(lines):
        return pos
    quoted = style == '"' or style is None and lines[line - 1][col - 1: col] == '"'
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if number > line and not quoted and text.strip() and len(text) - len(text.lstrip(" ")) <= indent:
            break  # past the end of a plain or block scalar
        index = col if number == line and quoted else (col - 1 if number == line else 0)  # past the opening quote
        while index < len(text):
            ch: str | None = text[index]
            width = 1
            if quoted and ch == '"':
                return pos  # the closing quote: the character is not written where the lines show it
            if quoted and ch == "\\":
                ch, width = _escape(text, index)
            if ch is not None and unsafe(ch, allowed):
                return number, index + 1
            index += width
    return pos


def _escape(text: str, index: int) -> tuple[str | None, int]:
    """(the character, the escape's length) for the escape at ``text[index]``; None for a line continuation."""
    kind = text[index + 1: index + 2]
    if kind in _HEX:
        digits = text[index + 2: index + 2 + _HEX[kind]]
        try:
            return chr(int(digits, 16)), 2 + len(digits)
        except (ValueError, OverflowError):
            return None, 2
    return _ESCAPES.get(kind), 2


def mapping_problems(node: object, lines: list[str], what: str) -> Iterator[tuple[Pos, str, str]]:
    """(position, message, hint) for the first refused character of each key and text in a free-form mapping."""
    if isinstance(node, YMap):
        for key, value in node.items():
            at = first_unsafe(key)
            if at is not None:
                yield written_at(lines, node.key_pos[key], None), *problem(f"{what} key", key[at])
            yield from _scalar(value, node.value_pos[key], node.value_style.get(key), lines, f"{what}.{key}")
    elif isinstance(node, YList):
        for index, item in enumerate(node):
            yield from _scalar(item, node.item_pos[index], node.item_style[index], lines, f"{what}[{index + 1}]")


def _scalar(value: object, pos: Pos, style: str | None, lines: list[str], what: str) -> Iterator[tuple[Pos, str, str]]:
    if isinstance(value, str):
        at = first_unsafe(value)
        if at is not None:
            yield written_at(lines, pos, style), *problem(what, value[at])
    else:
        yield from mapping_problems(value, lines, what)
