"""User-facing problems: one line each, ``path:line:col: message; hint``.

A problem's text never carries a raw control character: a line break or a
terminal escape inside a user's value could otherwise forge a second problem
line or recolour the terminal. ``shown`` (the engine's, so that the CLI and the
browser word values alike) quotes and cuts short any value a message echoes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .scoring.answers import escaped, shown

__all__ = ["EXIT_OK", "EXIT_INVALID_RULES", "EXIT_INVALID_ANSWERS", "Problem", "UserError", "did_you_mean", "escaped", "shown"]

EXIT_OK = 0
EXIT_INVALID_RULES = 1
EXIT_INVALID_ANSWERS = 2


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{_one_line(self.path)}:{self.line}:{self.col}: {_one_line(self.message)}"
        return f"{text}; {_one_line(self.hint)}" if self.hint else text

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in a PR.

        Escaped as GitHub's toolkit escapes commands (``escapeProperty``/``escapeData``): a ':' or ','
        in a path cannot end the properties or add one, and a line break cannot start a second command."""
        message = _one_line(self.message) + (f"; {_one_line(self.hint)}" if self.hint else "")
        properties = ",".join(f"{key}={_github_escape(str(value), _PROPERTY)}"
                              for key, value in (("file", _one_line(self.path)), ("line", self.line), ("col", self.col)))
        return f"::error {properties}::{_github_escape(message, _DATA)}"


_MAX_TEXT = 1000  # characters of a message or hint: values are cut shorter where they are echoed; this is the backstop
_CONTINUATION = re.compile(r"(\n(?=[ \t]))")  # an indented follow-up line cannot be read as a problem line of its own


_DATA = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY = (*_DATA, (":", "%3A"), (",", "%2C"))


def _github_escape(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for char, code in table:  # '%' first, so that no code is escaped twice
        text = text.replace(char, code)
    return text


def _one_line(text: str) -> str:
    if text.isprintable() and len(text) <= _MAX_TEXT:
        return text
    parts = _CONTINUATION.split(text)
    return "".join(part if index % 2 else escaped(part, _MAX_TEXT) for index, part in enumerate(parts))


class UserError(Exception):
    """A mistake in the user's input: reported without a traceback."""

    def __init__(self, problems: Iterable[Problem | str], exit_code: int = EXIT_INVALID_RULES) -> None:
        self.problems = list(problems)
        self.exit_code = exit_code
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: object, known: Iterable[str]) -> str:
    """A Click-style hint for a near-miss id, or ''."""
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""
