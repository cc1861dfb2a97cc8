"""Check a reader's answers against the question definitions and constraints.

Answers arrive as a plain mapping (from YAML, JSON, a form or a URL). Each
problem names the answer id and says what was expected; nothing is coerced
silently except a whole-valued float for an integer (5.0 -> 5). Whatever the
input, checking does bounded work and raises nothing: too many answers or
numbers too large to be true are problems like any other, and every value
echoed in a message is escaped and cut short (``shown``). Messages are in the
site's language (``Messages``, the engine catalog), so the widget says them in it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NamedTuple

from .explain import describe_answer, format_number
from .expr import closest, evaluate
from .messages import ENGLISH, Messages

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


def answer_name(key: str, limit: int = 60) -> str:
    """An answer id as a message names it: escaped, and quoted when blank at either end, which would not read as a
    name (a key of one space once printed ``answers.yaml:1:2:  : unknown answer id``)."""
    return shown(key, limit) if key != key.strip() else escaped(key, limit)


def shown(value: Any, limit: int = 60, m: Messages = ENGLISH) -> str:
    """repr() for messages: quoted and escaped like repr(), but never longer than about ``limit`` characters."""
    if isinstance(value, str):
        text = repr(value[:limit])
        return text[:-1] + "…" + text[-1] if len(value) > limit else text
    if isinstance(value, int) and value.bit_length() > 3 * limit:  # repr() itself refuses past 4,300 digits
        digits = format_number(value.bit_length() * 3 // 10, m)
        return m._("a number of about %(digits)s digits", digits=digits)
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


def _type_words(qtype: str, m: Messages) -> str:
    """What a question of ``qtype`` expects, in words: 'expected a whole number'."""
    return {"integer": m._("a whole number"), "number": m._("a number"), "boolean": m._("true or false"),
            "choice": m._("one of the listed choices")}[qtype]


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[][{}]")


def read_json(text: str, m: Messages = ENGLISH) -> tuple[Any, str]:
    """(answers, "") or (None, what is wrong), for answers JSON from anywhere; never raises.

    Size and nesting are measured before json.loads, which recurses: deep enough
    input overflows the stack, and under Pyodide that kills the interpreter."""
    if len(text) > MAX_JSON:
        length, limit = format_number(len(text), m), format_number(MAX_JSON, m)
        return None, m._("answers are too long: %(length)s characters (at most %(limit)s)", length=length, limit=limit)
    depth = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING:
            return None, m._("answers are nested more than %(limit)s levels deep", limit=MAX_NESTING)
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as err:  # worded here, not by the interpreter: identical on every Python
        return None, m._("answers are not valid JSON (line %(line)s, column %(column)s)", line=err.lineno, column=err.colno)
    except (ValueError, RecursionError):  # a number of more than 4,300 digits
        return None, m._("answers hold a number too long to read")


def check_answers(answers: Any, questions: dict, constraints: list, m: Messages = ENGLISH) -> tuple[dict, list[AnswerProblem]]:
    """Return (clean answers, problems), the problems worded by ``m``. Missing and null answers are left out."""
    if not isinstance(answers, dict):
        return {}, [AnswerProblem("", m._("answers must be a mapping of answer id to value, not %(kind)s", kind=_kind(answers, m)))]
    if len(answers) > MAX_ANSWERS:
        count, limit = format_number(len(answers), m), format_number(MAX_ANSWERS, m)
        return {}, [AnswerProblem("", m._n("too many answers: %(count)s (at most %(limit)s; the questionnaire has %(num)s question)",
                                           "too many answers: %(count)s (at most %(limit)s; the questionnaire has %(num)s questions)",
                                           len(questions), count=count, limit=limit))]
    clean: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for key, value in answers.items():
        if not isinstance(key, str) or key not in questions:
            close = closest(str(key), questions) if len(str(key)) < 100 else None
            problems.append(AnswerProblem(str(key), m._("unknown answer id (did you mean '%(id)s'?)", id=close) if close
                                          else m._("unknown answer id")))
            continue
        if value is None:
            continue
        checked, problem = _check_value(value, questions[key], m)
        if problem:
            problems.append(AnswerProblem(key, problem))
        else:
            clean[key] = checked
    for constraint in constraints:
        if evaluate(constraint["node"], clean) is False:
            involved = list(dict.fromkeys(constraint["names"]))
            given = [describe_answer(qid, clean[qid], questions[qid], m) for qid in involved]
            given_text = m._("%(first)s and %(last)s", first=", ".join(given[:-1]), last=given[-1]) if len(given) > 1 else given[0]
            problems.append(AnswerProblem(involved[0], m._("%(rule)s (you gave %(given)s)", rule=constraint["message"], given=given_text)))
    return clean, problems


def _check_value(value: Any, question: dict, m: Messages) -> tuple[Any, str]:
    qtype = question["type"]
    expected, got = _type_words(qtype, m), _show(value, m)
    if qtype == "boolean":
        if isinstance(value, bool):
            return value, ""
        return None, m._("expected %(expected)s, got %(got)s", expected=expected, got=got)
    if qtype == "choice":
        if isinstance(value, str) and value in question["choices"]:
            return value, ""
        return None, m._("expected one of %(choices)s; got %(got)s", choices=", ".join(question["choices"]), got=got)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        return None, m._("expected %(expected)s, got %(got)s", expected=expected, got=got)
    if qtype == "integer" and isinstance(value, float) and not value.is_integer():
        return None, m._("expected %(expected)s, got %(got)s", expected=_type_words("integer", m), got=got)
    low, high = question.get("min"), question.get("max")
    if low is not None and value < low:
        return None, m._("expected %(expected)s of at least %(low)s, got %(got)s", expected=expected, low=format(low, "g"), got=got)
    if high is not None and value > high:
        return None, m._("expected %(expected)s of at most %(high)s, got %(got)s", expected=expected, high=format(high, "g"), got=got)
    if not -LARGEST < value < LARGEST:  # 1e300 as a whole number would read as 1000000000000000052504760255204420…
        bound = format_number(LARGEST, m)
        return None, (m._("expected %(expected)s below %(bound)s, got %(got)s", expected=expected, bound=bound, got=got) if value > 0
                      else m._("expected %(expected)s above -%(bound)s, got %(got)s", expected=expected, bound=bound, got=got))
    return int(value) if qtype == "integer" else value, ""


def _kind(value: Any, m: Messages) -> str:
    if isinstance(value, list):
        return m._("a list")
    if isinstance(value, str):
        return m._("text")
    return type(value).__name__


def _show(value: Any, m: Messages) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return m._("the text %(text)s", text=shown(value, m=m))
    if isinstance(value, (int, float)):
        return shown(value, m=m)
    return _kind(value, m)
