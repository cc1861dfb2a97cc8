"""Turn an evaluated condition into sentences with the reader's real numbers.

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
from .messages import ENGLISH, Messages

_HUGE = 10**15  # past this, numbers are shown whole: float() of a fraction this large may overflow

def _bar(op: str, threshold: str, m: Messages) -> str:
    """'at least 5': a comparison's operator and threshold in words."""
    return {
        ">=": lambda: m._("at least %(threshold)s", threshold=threshold),
        ">": lambda: m._("more than %(threshold)s", threshold=threshold),
        "<=": lambda: m._("at most %(threshold)s", threshold=threshold),
        "<": lambda: m._("less than %(threshold)s", threshold=threshold),
        "==": lambda: m._("exactly %(threshold)s", threshold=threshold),
        "!=": lambda: m._("anything but %(threshold)s", threshold=threshold),
    }[op]()


class Clause(NamedTuple):
    text: str
    value: Any  # True, False or UNKNOWN
    missing: tuple  # answer ids this clause still needs


class Explainer:
    """Words for conditions, given the answers and what the engine derived from them.

    ``derived`` holds the values of met(), stage() and checklist(); ``labels``
    names what they refer to, e.g. {('met', 'rooted'): 'rooted (3+ new leaves)'}.
    """

    def __init__(self, answers: dict, questions: dict, derived: dict | None = None, labels: dict | None = None,
                 facts: bool = False, messages: Messages = ENGLISH) -> None:
        self.m = messages
        self.answers = answers
        self.questions = questions
        self.derived = derived or {}
        self.labels = labels or {}
        self.facts = facts  # state what holds ("…, which is at least 5") rather than what is needed

    def value(self, node: Node) -> Any:
        return evaluate(node, self.answers, self.derived)

    def clauses(self, node: Node) -> list[Clause]:
        """The leaf clauses of a condition, each with its value and wording."""
        out = []
        for leaf in leaves(node):
            missing = tuple(dict.fromkeys(n for n in _names(leaf) if self.answers.get(n) is None))
            out.append(Clause(self.condition(leaf), self.value(leaf), missing))
        return out

    def condition(self, node: Node) -> str:
        if node.kind == "name":
            return self._yes_no(node.value, negated=False)
        if node.kind == "not" and node.args[0].kind == "name":
            return self._yes_no(node.args[0].value, negated=True)
        if node.kind == "call" and node.value == "met":
            return self._met(node, negated=False)
        if node.kind == "not" and node.args[0].kind == "call" and node.args[0].value == "met":
            return self._met(node.args[0], negated=True)
        if node.kind == "cmp":
            left, right = node.args
            if left.kind == "call" and left.value == "stage" and right.kind == "str":
                return self._stage(left, node.value, right.value)
            percent = _is_ratio(left) and right.kind == "num" and 0 < right.value <= 1
            threshold = self.describe(right, percent)
            if left.kind == "name" and right.kind == "num":
                threshold = format_like(right.value, self.questions[left.value], self.m)
            bar, value = _bar(node.value, threshold, self.m), self.describe(left, percent)
            if self.facts:
                return self.m._("%(value)s, which is %(bar)s", value=value, bar=bar)
            return self.m._("%(value)s (needs %(bar)s)", value=value, bar=bar)
        if node.kind == "not":
            return self.m._("not (%(clauses)s)", clauses="; ".join(c.text for c in self.clauses(node.args[0])))
        return self.describe(node, False)

    def _yes_no(self, qid: str, negated: bool) -> str:
        m, label = self.m, self.questions[qid]["label"]
        value = self.answers.get(qid)
        if value is None:
            if negated:
                return m._("“%(question)s” is not answered yet (needs no)", question=label)
            return m._("“%(question)s” is not answered yet (needs yes)", question=label)
        said = m._("you answered yes to “%(question)s”", question=label) if value else m._("you answered no to “%(question)s”", question=label)
        if self.facts:
            return said
        return m._("%(clause)s (needs no)", clause=said) if negated else m._("%(clause)s (needs yes)", clause=said)

    def _met(self, node: Node, negated: bool) -> str:
        key = ("met", node.args[0].value)
        value = self.derived.get(key, UNKNOWN)
        label = self.labels.get(key, key[1])
        if value is UNKNOWN:
            return self.m._("%(milestone)s is unknown", milestone=label)
        return self.m._("%(milestone)s is met", milestone=label) if value else self.m._("%(milestone)s is not met", milestone=label)

    def _stage(self, call: Node, op: str, wanted: str) -> str:
        key = ("stage", call.args[0].value)
        value = self.derived.get(key, UNKNOWN)
        m, name = self.m, self.labels.get(key, key[1])
        wanted_name = self.labels.get(("stage-of", key[1], wanted), wanted)
        if op != "==":
            wanted_name = m._("anything but %(threshold)s", threshold=wanted_name)
        if value is UNKNOWN:
            return m._("%(framework)s: not settled yet (needs %(stage)s)", framework=name, stage=wanted_name)
        shown = self.labels.get(("stage-of", key[1], value), value)
        if self.facts:
            return m._("%(framework)s is %(stage)s", framework=name, stage=shown)
        return m._("%(framework)s is %(stage)s (needs %(wanted)s)", framework=name, stage=shown, wanted=wanted_name)

    def describe(self, node: Node, percent: bool) -> str:
        m = self.m
        if node.kind == "num":
            return format_percent(node.value, m) if percent else format_number(node.value, m)
        if node.kind == "bool":
            return m._("yes") if node.value else m._("no")
        if node.kind == "str":
            return m._("“%(text)s”", text=node.value)
        if node.kind == "name":
            return describe_answer(node.value, self.answers.get(node.value), self.questions[node.value], m)
        if _is_ratio(node):
            top, bottom = node.args
            ratio = self.value(node)
            if ratio is UNKNOWN:
                shown = m._("unknown")
            elif ratio is UNDEFINED:
                shown = m._("undefined, since it divides by zero")
            else:
                shown = format_percent(ratio, m) if percent else format_number(ratio, m)
            return m._("%(top)s out of %(bottom)s = %(ratio)s", top=self.describe(top, False), bottom=self.describe(bottom, False), ratio=shown)
        if node.kind == "call" and node.value == "checklist":
            key = ("checklist", node.args[0].value)
            value = self.derived.get(key, UNKNOWN)
            label = self.labels.get(key, key[1])
            if value is UNKNOWN:
                return m._("%(checklist)s: not fully answered yet", checklist=label)
            return m._("%(checklist)s: %(count)s yes", checklist=label, count=format_number(value, m))
        if node.kind == "call" and node.value == "count":
            return m._("%(count)s of %(of)s answered yes", count=_number(self.value(node), m), of=len(node.args))
        return _number(self.value(node), m)


def leaves(node: Node):
    """The leaves of a condition's and/or tree: the parts that ``clauses`` words one by one."""
    if node.kind in ("and", "or"):
        for arg in node.args:
            yield from leaves(arg)
    else:
        yield node


def _names(node: Node):
    if node.kind == "name":
        yield node.value
    for arg in node.args:
        yield from _names(arg)


def _is_ratio(node: Node) -> bool:
    return node.kind == "arith" and node.value == "/"


def _number(value: Any, m: Messages) -> str:
    if value is UNKNOWN:
        return m._("unknown")
    if value is UNDEFINED:
        return m._("undefined (a division by zero)")
    return format_number(value, m)


def describe_answer(qid: str, value: Any, question: dict, m: Messages = ENGLISH) -> str:
    """'6 waterings a week', '$120 spent on supplies in the last 12 months'."""
    noun = question.get("noun") or question["label"]
    if value is None:
        return m._("%(noun)s (not answered yet)", noun=noun)
    if isinstance(value, bool):
        return m._("yes to “%(question)s”", question=question["label"]) if value else m._("no to “%(question)s”", question=question["label"])
    if value == 1 and question.get("noun_one"):
        noun = question["noun_one"]
    shown = format_number(value, m)
    if "{}" in noun:
        return noun.replace("{}", shown)
    return f"{shown} {noun}"


def format_like(value: Any, question: dict, m: Messages = ENGLISH) -> str:
    """A bare number in a question's style: '$1,000,000' when its noun is '${} of revenue…'."""
    noun = question.get("noun") or ""
    prefix = noun[: noun.index("{}")] if "{}" in noun else ""
    return (prefix if prefix and not any(ch.isalpha() for ch in prefix) else "") + format_number(value, m)


def format_number(value: Any, m: Messages = ENGLISH) -> str:
    """Whole numbers with thousands separators; others with as many decimals as they have (up to 6), with the
    separators of ``m``'s language ('1,000,000' and '2.5' in English, '1.000.000' and '2,5' in Spanish).

    Never rounded onto a threshold: 4.9999 calls a week is '4.9999', not '5'.
    """
    return m.digits(_english_number(value))


def _english_number(value: Any) -> str:
    if isinstance(value, Fraction) and (value.denominator == 1 or abs(value) >= _HUGE):
        value = round(value)  # a huge fraction would overflow float(); its fractional part does not show anyway
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def format_percent(value: Any, m: Messages = ENGLISH) -> str:
    """A ratio as a percentage, with as many decimals as it takes to be honest.

    19/21 is '90.5%' ('90,5%' in Spanish); 0.8999 is '89.99%', never a rounded-up
    '90.0%' that would seem to meet a 90% bar.
    """
    exact = Fraction(repr(value) if isinstance(value, float) else value) * 100
    if abs(exact) >= _HUGE:
        return m.digits(f"{round(exact):,}%")
    for digits in range(5):
        shown = round(exact, digits)
        if shown == exact or (digits and math.floor(shown) == math.floor(exact)):
            break
    return m.digits(f"{float(shown):.{digits}f}%")
