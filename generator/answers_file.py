"""Read a founder's answers file (YAML or JSON, or stdin) for `score`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from .errors import EXIT_INVALID_ANSWERS, Problem, UserError
from .rules.compile import plain
from .rules.yamlfile import YMap, parse_yaml
from .scoring import AnswerProblem


def read_answers(source: str) -> tuple[object, Callable[[AnswerProblem], Problem]]:
    """Return the answers as plain data and a function that places a problem in the file."""
    rel = "<stdin>" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise UserError([Problem(rel, 1, 1, f"cannot read the answers: {reason}")], EXIT_INVALID_ANSWERS) from None
    parsed = parse_yaml(text, Path(rel), rel)
    if parsed.problems:
        raise UserError(parsed.problems, EXIT_INVALID_ANSWERS)
    data = parsed.data

    def locate(problem: AnswerProblem) -> Problem:
        line, col = (1, 1)
        if isinstance(data, YMap):
            line, col = data.key_pos.get(problem.id, data.pos)
        message = f"{problem.id}: {problem.message}" if problem.id else problem.message
        return Problem(rel, line, col, message)

    return plain(data), locate
