"""Check a reader's answers against the question definitions and constraints.

Answers arrive as a plain mapping (from YAML, JSON, a form or a URL). Each
problem names the answer id and says what was expected; nothing is coerced
silently except a whole-valued float for an integer (5.0 -> 5). Whatever the
input, checking does bounded work and raises nothing: too many answers or
numbers too large to be true are problems like any other, and every value
echoed in a message is escaped and cut short (``shown``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NamedTuple

from .explain import describe_answer
from .expr import closest, evaluate


MAX_JSON = 1 << 20  # characters of answers JSON read at all
MAX_NESTING = 32  # answers are flat; JSON nested deeper would only exhaust the (Pyodide) stack
MAX_ANSWERS = 1000  # far more than any questionnaire asks; bounds the work one answer set can cause
LARGEST = 10**15  # no answer a reader gives is this large; it keeps arithmetic on answers small and exact


def escaped(text: str, limit: int = 60) -> str:
    """``text`` fit to echo in a one-line message: what repr() escapes (line breaks,
    terminal escapes, invisible characters) escaped, and at most ``limit`` characters, then '…'."""
    cut = text[:limit]
    if not cut.isprintable():
        cut = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in cut)
    return cut + "…" if len(text) > limit else cut


def shown(value: Any, limit: int = 60) -> str:
    """repr() for messages: quoted and escaped like repr(), but never longer than about ``limit`` characters."""
    if isinstance(value, str):
        text = repr(value[:limit])
        return text[:-1] + "…" + text[-1] if len(value) > limit else text
    if isinstance(value, int) and value.bit_length() > 3 * limit:  # repr() itself refuses past 4,300 digits
        return f"a number of about {value.bit_length() * 3 // 10:,} digits"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


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


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[][{}]")


def read_json(text: str) -> tuple[Any, str]:
    """(answers, "") or (None, what is wrong), for answers JSON from anywhere; never raises.

    Size and nesting are measured before json.loads, which recurses: deep enough
    input overflows the stack, and under Pyodide that kills the interpreter."""
    if len(text) > MAX_JSON:
        return None, f"answers are too long: {len(text):,} characters (at most {MAX_JSON:,})"
    depth = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING:
            return None, f"answers are nested more than {MAX_NESTING} levels deep"
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as err:  # worded here, not by the interpreter: identical on every Python
        return None, f"answers are not valid JSON (line {err.lineno}, column {err.colno})"
    except (ValueError, RecursionError):  # a number of more than 4,300 digits
        return None, "answers hold a number too long to read"


def check_answers(answers: Any, questions: dict, constraints: list) -> tuple[dict, list[AnswerProblem]]:
    """Return (clean answers, problems). Missing and null answers are left out."""
    if not isinstance(answers, dict):
        return {}, [AnswerProblem("", f"answers must be a mapping of answer id to value, not {_kind(answers)}")]
    if len(answers) > MAX_ANSWERS:
        return {}, [AnswerProblem("", f"too many answers: {len(answers):,} (at most {MAX_ANSWERS:,}; "
                                      f"the questionnaire has {len(questions)} questions)")]
    clean: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for key, value in answers.items():
        if not isinstance(key, str) or key not in questions:
            close = closest(str(key), questions) if len(str(key)) < 100 else None
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
    if qtype == "integer" and isinstance(value, float) and not value.is_integer():
        return None, f"expected a whole number, got {_show(value)}"
    low, high = question.get("min"), question.get("max")
    if low is not None and value < low:
        return None, f"expected {expected} of at least {low:g}, got {_show(value)}"
    if high is not None and value > high:
        return None, f"expected {expected} of at most {high:g}, got {_show(value)}"
    if not -LARGEST < value < LARGEST:  # 1e300 as a whole number would read as 1000000000000000052504760255204420…
        return None, f"expected {expected} {'below ' if value > 0 else 'above -'}{LARGEST:,}, got {_show(value)}"
    return int(value) if qtype == "integer" else value, ""


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
        return f"the text {shown(value)}"
    if isinstance(value, (int, float)):
        return shown(value)
    return _kind(value)
