"""Check a founder's answers against the question definitions and constraints.

Answers arrive as a plain mapping (from YAML, JSON, a form or a URL). Each
problem names the answer id and says what was expected; nothing is coerced
silently except a whole-valued float for an integer (5.0 -> 5).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from .explain import describe_answer
from .expr import closest, evaluate


class AnswerProblem(NamedTuple):
    id: str  # the answer id, or "" for the answers as a whole
    message: str


class InvalidAnswers(ValueError):
    """Raised by Engine.score; ``problems`` lists every problem found."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        super().__init__("; ".join(f"{p.id}: {p.message}" if p.id else p.message for p in problems))
        self.problems = problems


_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "choice": "one of the listed choices",
}


def check_answers(answers: Any, questions: dict, constraints: list) -> tuple[dict, list[AnswerProblem]]:
    """Return (clean answers, problems). Missing and null answers are left out."""
    if not isinstance(answers, dict):
        return {}, [AnswerProblem("", f"answers must be a mapping of answer id to value, not {_kind(answers)}")]
    clean: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for key, value in answers.items():
        if not isinstance(key, str) or key not in questions:
            close = closest(str(key), questions)
            hint = f" (did you mean '{close}'?)" if close else ""
            problems.append(AnswerProblem(str(key), f"unknown answer id{hint}"))
            continue
        if value is None:
            continue
        checked, problem = _check_value(value, questions[key])
        if problem:
            problems.append(AnswerProblem(key, problem))
        else:
            clean[key] = checked
    for constraint in constraints:
        if evaluate(constraint["node"], clean) is False:
            involved = list(dict.fromkeys(constraint["names"]))
            given = " and ".join(describe_answer(qid, clean[qid], questions[qid]) for qid in involved)
            problems.append(AnswerProblem(involved[0], f"{constraint['message']} (you gave {given})"))
    return clean, problems


def _check_value(value: Any, question: dict) -> tuple[Any, str]:
    qtype = question["type"]
    expected = _TYPE_WORDS[qtype]
    if qtype == "boolean":
        if isinstance(value, bool):
            return value, ""
        return None, f"expected true or false, got {_show(value)}"
    if qtype == "choice":
        if isinstance(value, str) and value in question["choices"]:
            return value, ""
        return None, f"expected one of {', '.join(question['choices'])}; got {_show(value)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"expected {expected}, got {_show(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"expected {expected}, got {_show(value)}"
    if qtype == "integer":
        if isinstance(value, float):
            if not value.is_integer():
                return None, f"expected a whole number, got {_show(value)}"
            value = int(value)
    low, high = question.get("min"), question.get("max")
    if low is not None and value < low:
        return None, f"expected {expected} of at least {low:g}, got {_show(value)}"
    if high is not None and value > high:
        return None, f"expected {expected} of at most {high:g}, got {_show(value)}"
    return value, ""


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (int, float)):
        return repr(value)
    return _kind(value)
