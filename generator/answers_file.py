"""Read a reader's answers file (YAML or JSON, or stdin) for `score`.

What is read is bounded before anything is parsed: at most MAX_BYTES of
strict UTF-8 (so `/dev/zero` or a multi-gigabyte file is refused at once, not
read into memory) and at most MAX_VALUES values; and what is reported, to
the first 20 problems and a count of the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from .errors import EXIT_INVALID_ANSWERS, Problem, UserError
from .rules.compile import plain
from .rules.yamlfile import YMap, decode, parse_yaml
from .scoring import AnswerProblem
from .scoring.answers import answer_name

MAX_BYTES = 1 << 20  # a full set of answers takes about 1 KB
MAX_VALUES = 5000


def read_answers(source: str) -> tuple[object, Callable[[AnswerProblem], Problem]]:
    """Return the answers as plain data and a function that places a problem in the file."""
    rel = "<stdin>" if source == "-" else source
    try:
        data = _read_bytes(source)
    except OSError as err:
        reason = err.strerror or str(err)
        raise UserError([Problem(rel, 1, 1, f"cannot read the answers: {reason}")], EXIT_INVALID_ANSWERS) from None
    if len(data) > MAX_BYTES:
        raise UserError([Problem(rel, 1, 1, f"the answers are larger than {MAX_BYTES // 1024:,} KiB",
                                 "an answers file holds one short line per question")], EXIT_INVALID_ANSWERS)
    text, problem = decode(data, rel)
    if problem:
        raise UserError([problem], EXIT_INVALID_ANSWERS)
    parsed = parse_yaml(text, Path(rel), rel, max_nodes=MAX_VALUES)
    if parsed.problems:
        raise UserError(first_problems(parsed.problems), EXIT_INVALID_ANSWERS)
    answers = parsed.data

    def locate(problem: AnswerProblem) -> Problem:
        line, col = (1, 1)
        if isinstance(answers, YMap):
            line, col = answers.key_pos.get(problem.id, answers.pos)
        message = f"{answer_name(problem.id)}: {problem.message}" if problem.id else problem.message
        return Problem(rel, line, col, message)

    return plain(answers), locate


def first_problems(problems: list[Problem], shown: int = 20) -> list[Problem]:
    """At most ``shown`` problems, then one line that counts the rest: a broken file is not a flood."""
    if len(problems) <= shown:
        return problems
    rest = problems[shown]
    return [*problems[:shown], Problem(rest.path, rest.line, rest.col, f"and {len(problems) - shown:,} more problems from here on",
                                       f"only the first {shown} are shown")]


def _read_bytes(source: str) -> bytes:
    """At most one byte more than MAX_BYTES: enough to tell that there is too much."""
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream standing in for stdin (tests, embedding)
            return sys.stdin.read(MAX_BYTES + 1).encode("utf-8", errors="surrogateescape")
        return stream.read(MAX_BYTES + 1)
    with open(source, "rb") as file:
        return file.read(MAX_BYTES + 1)
