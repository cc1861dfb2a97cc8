"""The smallest change of answers that would make a condition true.

"2 more new leaves and 1 more repotted plant" is computed from the
condition itself, not written by hand: each comparison that fails is made to
hold by moving one answer the least it can, in the direction its question
calls progress (``improves: up`` by default), until the whole condition and
every cross-answer constraint hold. For ``or``, the cheapest branch wins.

Cost is the total distance moved (a yes/no answer flipped counts 1). This is
a greedy repair, exact for the shapes rules use (thresholds, ratios, counts);
when it cannot find a change it says so rather than guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .answers import LARGEST
from .explain import format_number
from .expr import UNKNOWN, Node, evaluate, names
from .messages import ENGLISH, Messages

_ROUNDS = 12


def smallest_change(node: Node, answers: dict, questions: dict, constraints: list, m: Messages = ENGLISH) -> dict | None:
    """None when the condition already holds; else {"text", "changes", "answer_first"}."""
    if evaluate(node, answers) is True:
        return None
    unanswered = [n for n in dict.fromkeys(n.value for n in names(node)) if answers.get(n) is None]
    best = _solve(node, dict(answers), questions, constraints)
    changes = []
    if best is not None:
        for qid, value in best.items():
            if value != answers.get(qid) and answers.get(qid) is not None:
                changes.append({"id": qid, "from": answers[qid], "to": value})
    parts = [_phrase(c, questions[c["id"]], m) for c in changes]
    if unanswered:
        labels = ", ".join(m._("“%(text)s”", text=questions[q]["label"]) for q in unanswered)
        if parts:
            text = m._("Answer %(questions)s; then %(changes)s.", questions=labels, changes=_join(parts, m))
        else:
            text = m._("Answer %(questions)s to see what is missing.", questions=labels)
    elif parts:
        joined = _join(parts, m)
        text = m._("%(changes)s.", changes=joined[0].upper() + joined[1:])
    else:
        text = m._("No change of answers within the rules' bounds meets this.")
    return {"text": text, "changes": changes, "answer_first": unanswered}


def _solve(node: Node, answers: dict, questions: dict, constraints: list) -> dict | None:
    if node.kind == "or":
        solved = (_solve(arg, dict(answers), questions, constraints) for arg in node.args)
        options = [o for o in solved if o is not None]
        return min(options, key=lambda o: _cost(o, answers), default=None)
    goals = list(node.args) if node.kind == "and" else [node]
    goals += [c["node"] for c in constraints]
    current = dict(answers)
    for _ in range(_ROUNDS):
        failing = [g for g in goals if evaluate(g, current) is False]
        if not failing:
            break
        for goal in failing:
            if evaluate(goal, current) is False and not _repair(goal, current, questions):
                return None
    if evaluate(node, current) is UNKNOWN:  # unanswered parts: keep what the known part needs
        return current
    return current if evaluate(node, current) is True else None


def _repair(goal: Node, answers: dict, questions: dict) -> bool:
    """Move one answer so that ``goal`` holds; False when no allowed move does it."""
    if goal.kind == "name":
        return _set(goal.value, True, answers, questions)
    if goal.kind == "not" and goal.args[0].kind == "name":
        return _set(goal.args[0].value, False, answers, questions)
    if goal.kind == "and":
        return all(evaluate(g, answers) is not False or _repair(g, answers, questions) for g in goal.args)
    if goal.kind == "or":
        trials: list[dict] = []
        for arg in goal.args:
            trial = dict(answers)
            if _repair(arg, trial, questions) and evaluate(goal, trial) is not False:
                trials.append(trial)
        if not trials:
            return False
        cheapest = min(trials, key=lambda t: _cost(t, answers))
        answers.update(cheapest)
        return True
    if goal.kind == "cmp":
        return _repair_comparison(goal, answers, questions)
    if goal.kind == "call" and goal.value == "count":
        return False  # count() only appears inside comparisons
    return False


def _repair_comparison(goal: Node, answers: dict, questions: dict) -> bool:
    op = goal.value
    left, right = goal.args
    moves = []
    for side, other, flipped in ((left, right, False), (right, left, True)):
        target_op = _FLIP[op] if flipped else op
        other_value = evaluate(other, answers)
        if other_value is UNKNOWN:
            continue
        if side.kind == "name":
            moves.append((side.value, _target(side.value, target_op, other_value, answers, questions)))
        elif side.kind == "arith" and side.value == "/" and side.args[0].kind == "name":
            top, bottom = side.args
            bottom_value = evaluate(bottom, answers)
            if bottom_value is UNKNOWN or bottom_value is None or bottom_value <= 0:
                continue
            moves.append((top.value, _target(top.value, target_op, Fraction(other_value) * bottom_value, answers, questions)))
        elif side.kind == "call" and side.value == "count":
            moves.extend(_count_moves(side, target_op, other_value, answers, questions))
    moves = [(qid, value) for qid, value in moves if value is not None]
    for qid, value in sorted(moves, key=lambda m: abs(_distance(answers.get(m[0]), m[1]))):
        trial = dict(answers)
        trial[qid] = value
        if evaluate(goal, trial) is True:
            answers.update(trial)
            return True
    return False


_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def _target(qid: str, op: str, bound: Any, answers: dict, questions: dict) -> Any:
    """The value nearest to the current one with `value op bound`, in the allowed direction."""
    question = questions[qid]
    current = answers.get(qid)
    if current is None or question["type"] not in ("integer", "number"):
        return None
    step = Fraction(repr(question["step"])) if question.get("step") else Fraction(1)
    bound = Fraction(repr(bound)) if isinstance(bound, float) else Fraction(bound)
    if op == ">=":
        value = _ceil_to(bound, step, question)
    elif op == ">":
        value = _ceil_to(bound, step, question)
        value = value + step if value == bound else value
    elif op == "<=":
        value = _floor_to(bound, step, question)
    elif op == "<":
        value = _floor_to(bound, step, question)
        value = value - step if value == bound else value
    elif op == "==":
        value = bound
    else:
        return None
    if abs(value) >= LARGEST:
        return None  # no answer may be this large
    up = value > current
    if (question.get("improves", "up") == "up") != up:
        return None
    if question.get("min") is not None and value < question["min"]:
        return None
    if question.get("max") is not None and value > question["max"]:
        return None
    return _plain(value, question)


def _ceil_to(bound: Fraction, step: Fraction, question: dict) -> Fraction:
    unit = Fraction(1) if question["type"] == "integer" else step
    return math.ceil(bound / unit) * unit


def _floor_to(bound: Fraction, step: Fraction, question: dict) -> Fraction:
    unit = Fraction(1) if question["type"] == "integer" else step
    return math.floor(bound / unit) * unit


def _plain(value: Fraction, question: dict) -> Any:
    if question["type"] == "integer" or value.denominator == 1:
        return int(value)
    return float(value)


def _count_moves(call: Node, op: str, bound: Any, answers: dict, questions: dict) -> list:
    if op not in (">=", ">"):
        return []
    needed = math.floor(bound) + 1 if op == ">" else math.ceil(bound)
    have = sum(1 for arg in call.args if evaluate(arg, answers) is True)
    moves = []
    for arg in call.args:
        if have >= needed:
            break
        if arg.kind == "name" and answers.get(arg.value) is False:
            moves.append((arg.value, True))
            have += 1
    return moves[:1]


def _set(qid: str, value: bool, answers: dict, questions: dict) -> bool:
    if questions[qid]["type"] != "boolean" or answers.get(qid) is None:
        return False
    answers[qid] = value
    return True


def _distance(before: Any, after: Any) -> Any:
    if isinstance(before, bool) or isinstance(after, bool):
        return 0 if before == after else 1
    if before is None:
        return 0
    return after - before


def _cost(candidate: Mapping, base: Mapping) -> Any:
    return sum(abs(_distance(base.get(k), v)) for k, v in candidate.items() if base.get(k) is not None)


def _phrase(change: dict, question: dict, m: Messages) -> str:
    before, after = change["from"], change["to"]
    if isinstance(after, bool):
        if after:
            return m._("a yes to “%(question)s”", question=question["label"])
        return m._("a no to “%(question)s”", question=question["label"])
    noun = question.get("noun") or question["label"]
    delta = after - before
    amount = abs(delta)
    if "{}" in noun:
        values = {"before": noun.replace("{}", format_number(before, m)), "after": noun.replace("{}", format_number(after, m))}
        return m._("raise it from %(before)s to %(after)s", **values) if delta > 0 else m._("lower it from %(before)s to %(after)s", **values)
    if amount == 1 and question.get("noun_one"):
        noun = question["noun_one"]
    if delta > 0:
        return m._("%(amount)s more %(noun)s", amount=format_number(amount, m), noun=noun)
    return m._("%(amount)s fewer %(noun)s", amount=format_number(amount, m), noun=noun)


def _join(parts: list[str], m: Messages) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return m._("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])
