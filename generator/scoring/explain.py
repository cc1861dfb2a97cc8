"""Turn an evaluated condition into sentences with the founder's real numbers.

A condition is explained as a list of clauses, one per comparison or yes/no
answer at the leaves of its and/or tree. Each clause carries its own truth
value, so a caller can say what already holds and what is still missing.
The wording comes from the questions (``noun``, ``noun_one``, ``label``);
nothing here knows what the answers mean.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, NamedTuple

from .expr import UNDEFINED, UNKNOWN, Node, evaluate

_OP_WORDS = {
    ">=": "at least",
    ">": "more than",
    "<=": "at most",
    "<": "less than",
    "==": "exactly",
    "!=": "anything but",
}


class Clause(NamedTuple):
    text: str
    value: Any  # True, False or UNKNOWN
    missing: tuple  # answer ids this clause still needs


def clauses(node: Node, answers: dict, questions: dict) -> list[Clause]:
    """The leaf clauses of a condition, each with its value and wording."""
    if node.kind in ("and", "or"):
        out: list[Clause] = []
        for arg in node.args:
            out.extend(clauses(arg, answers, questions))
        return out
    value = evaluate(node, answers)
    missing = tuple(dict.fromkeys(n for n in _names(node) if answers.get(n) is None))
    return [Clause(_describe_condition(node, answers, questions), value, missing)]


def _names(node: Node):
    if node.kind == "name":
        yield node.value
    for arg in node.args:
        yield from _names(arg)


def _describe_condition(node: Node, answers: dict, questions: dict) -> str:
    if node.kind == "name":
        return _describe_yes_no(node.value, answers, questions, negated=False)
    if node.kind == "not" and node.args[0].kind == "name":
        return _describe_yes_no(node.args[0].value, answers, questions, negated=True)
    if node.kind == "cmp":
        left, right = node.args
        percent = _is_ratio(left) and right.kind == "num" and 0 < right.value <= 1
        threshold = _describe_value(right, answers, questions, percent)
        return f"{_describe_value(left, answers, questions, percent)} (needs {_OP_WORDS[node.value]} {threshold})"
    if node.kind == "not":
        return "not (" + _describe_condition(node.args[0], answers, questions) + ")"
    return _describe_value(node, answers, questions, False)


def _describe_yes_no(qid: str, answers: dict, questions: dict, negated: bool) -> str:
    label = questions[qid]["label"]
    value = answers.get(qid)
    wanted = "no" if negated else "yes"
    if value is None:
        return f"“{label}” is not answered yet (needs {wanted})"
    said = "yes" if value else "no"
    return f"you answered {said} to “{label}” (needs {wanted})"


def _is_ratio(node: Node) -> bool:
    return node.kind == "arith" and node.value == "/"


def _describe_value(node: Node, answers: dict, questions: dict, percent: bool) -> str:
    if node.kind == "num":
        return format_percent(node.value) if percent else format_number(node.value)
    if node.kind == "bool":
        return "yes" if node.value else "no"
    if node.kind == "str":
        return f"“{node.value}”"
    if node.kind == "name":
        return describe_answer(node.value, answers.get(node.value), questions[node.value])
    if _is_ratio(node):
        top, bottom = node.args
        ratio = evaluate(node, answers)
        if ratio is UNKNOWN:
            shown = "unknown"
        elif ratio is UNDEFINED:
            shown = "undefined, since it divides by zero"
        else:
            shown = format_percent(ratio) if percent else format_number(ratio)
        return (
            f"{_describe_value(top, answers, questions, False)} out of "
            f"{_describe_value(bottom, answers, questions, False)} = {shown}"
        )
    if node.kind == "call":
        return f"{_describe_number(evaluate(node, answers))} of {len(node.args)} answered yes"
    return _describe_number(evaluate(node, answers))


def _describe_number(value: Any) -> str:
    if value is UNKNOWN:
        return "unknown"
    if value is UNDEFINED:
        return "undefined (a division by zero)"
    return format_number(value)


def describe_answer(qid: str, value: Any, question: dict) -> str:
    """'6 sales calls a week', '$120,000 of revenue in the last 12 months'."""
    noun = question.get("noun") or question["label"]
    if value is None:
        return f"{noun} (not answered yet)"
    if isinstance(value, bool):
        return f"{question['label']}: {'yes' if value else 'no'}"
    if value == 1 and question.get("noun_one"):
        noun = question["noun_one"]
    shown = format_number(value)
    if "{}" in noun:
        return noun.replace("{}", shown)
    return f"{shown} {noun}"


def format_number(value: Any) -> str:
    """Whole numbers as integers with thousands separators, others to 3 significant decimals."""
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text


def format_percent(value: Any) -> str:
    """A ratio as a percentage, with as many decimals as it takes to be honest.

    19/21 is '90.5%'; 0.8999 is '89.99%', never a rounded-up '90.0%' that
    would seem to meet a 90% bar.
    """
    exact = Fraction(repr(value) if isinstance(value, float) else value) * 100
    for digits in range(5):
        shown = round(exact, digits)
        if shown == exact or (digits and math.floor(shown) == math.floor(exact)):
            break
    return f"{float(shown):.{digits}f}%"
