"""A condition in plain words, for pages: 'paying customers at least 5 and …'."""

from __future__ import annotations

from ..scoring.explain import format_like, format_number, format_percent
from ..scoring.expr import Node, parse

_OP_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly", "!=": "not"}


def in_words(condition: str, questions: dict, labels: dict | None = None) -> str:
    """``labels`` names met()/stage()/checklist() references, as the engine's Explainer does."""
    return _words(parse(condition), questions, False, labels or {})


def _noun(qid: str, questions: dict) -> str:
    q = questions[qid]
    return q.get("measure") or q.get("noun") or q["label"]


def _words(node: Node, questions: dict, percent: bool, labels: dict | None = None) -> str:
    labels = labels or {}
    kind = node.kind
    if kind == "call" and node.value == "met":
        return f"{labels.get(('met', node.args[0].value), node.args[0].value)} is met"
    if kind == "not" and node.args[0].kind == "call" and node.args[0].value == "met":
        return f"{labels.get(('met', node.args[0].args[0].value), node.args[0].args[0].value)} is not met"
    if kind == "call" and node.value == "checklist":
        return f"the yes answers in {labels.get(('checklist', node.args[0].value), node.args[0].value)}"
    if kind == "cmp" and node.args[0].kind == "call" and node.args[0].value == "stage" and node.args[1].kind == "str":
        fid, sid = node.args[0].args[0].value, node.args[1].value
        verb = "is" if node.value == "==" else "is not"
        return f"{labels.get(('stage', fid), fid)} {verb} {labels.get(('stage-of', fid, sid), sid)}"
    if kind == "and":
        met = [a.args[0].value for a in node.args if _is_met(a)]
        if len(met) > 1:  # "m1, m2 and m3 are all met": the titles are one click away, a list of them is not readable
            rest = [_words(a, questions, percent, labels) for a in node.args if not _is_met(a)]
            quantity = "both" if len(met) == 2 else "all"
            return " and ".join([f"{', '.join(met[:-1])} and {met[-1]} are {quantity} met", *rest])
        return " and ".join(_words(a, questions, percent, labels) for a in node.args)
    if kind == "or":
        return "either " + " or ".join(_words(a, questions, percent, labels) for a in node.args)
    if kind == "not" and node.args[0].kind == "name":
        return f"the answer to “{questions[node.args[0].value]['label']}” is no"
    if kind == "not":
        return "not (" + _words(node.args[0], questions, percent, labels) + ")"
    if kind == "name":
        q = questions[node.value]
        if q["type"] == "boolean":
            return f"the answer to “{q['label']}” is yes"
        return _noun(node.value, questions)
    if kind == "num":
        return format_percent(node.value) if percent else format_number(node.value)
    if kind == "bool":
        return "yes" if node.value else "no"
    if kind == "str":
        return f"“{node.value}”"
    if kind == "cmp":
        left, right = node.args
        ratio = left.kind == "arith" and left.value == "/"
        as_percent = ratio and right.kind == "num" and 0 < right.value <= 1
        if left.kind == "name" and right.kind == "num":
            return f"{_words(left, questions, False, labels)} {_OP_WORDS[node.value]} {format_like(right.value, questions[left.value])}"
        return f"{_words(left, questions, False, labels)} {_OP_WORDS[node.value]} {_words(right, questions, as_percent, labels)}"
    if kind == "arith" and node.value == "/":
        top, bottom = node.args
        return f"{_words(top, questions, False, labels)} as a share of {_words(bottom, questions, False, labels)}"
    if kind == "arith":
        return f"{_words(node.args[0], questions, False, labels)} {node.value} {_words(node.args[1], questions, False, labels)}"
    if kind == "neg":
        return "minus " + _words(node.args[0], questions, False, labels)
    if kind == "call":
        return "the number of yes answers among " + ", ".join(_words(a, questions, False, labels) for a in node.args)
    raise AssertionError(kind)


def _is_met(node: Node) -> bool:
    return node.kind == "call" and node.value == "met"
