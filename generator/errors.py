"""User-facing problems: one line each, ``path:line:col: message; hint``."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

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
        text = f"{self.path}:{self.line}:{self.col}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in a PR."""
        message = self.message + (f"; {self.hint}" if self.hint else "")
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},col={self.col}::{message}"


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
