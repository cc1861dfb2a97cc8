"""A condition in plain words, for pages: 'paying customers at least 5 and …'."""

from __future__ import annotations

from ..scoring.explain import format_number, format_percent
from ..scoring.expr import Node, parse

_OP_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly", "!=": "not"}


def in_words(condition: str, questions: dict) -> str:
    return _words(parse(condition), questions, percent=False)


def _noun(qid: str, questions: dict) -> str:
    q = questions[qid]
    noun = q.get("noun") or q["label"]
    return noun.replace("{}", "").replace("$", "").strip() if "{}" in noun else noun


def _words(node: Node, questions: dict, percent: bool) -> str:
    kind = node.kind
    if kind == "and":
        return " and ".join(_words(a, questions, percent) for a in node.args)
    if kind == "or":
        return "either " + " or ".join(_words(a, questions, percent) for a in node.args)
    if kind == "not" and node.args[0].kind == "name":
        return f"the answer to “{questions[node.args[0].value]['label']}” is no"
    if kind == "not":
        return "not (" + _words(node.args[0], questions, percent) + ")"
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
        return f"{_words(left, questions, False)} {_OP_WORDS[node.value]} {_words(right, questions, as_percent)}"
    if kind == "arith" and node.value == "/":
        top, bottom = node.args
        return f"{_words(top, questions, False)} as a share of {_words(bottom, questions, False)}"
    if kind == "arith":
        return f"{_words(node.args[0], questions, False)} {node.value} {_words(node.args[1], questions, False)}"
    if kind == "neg":
        return "minus " + _words(node.args[0], questions, False)
    if kind == "call":
        return "the number of yes answers among " + ", ".join(_words(a, questions, False) for a in node.args)
    raise AssertionError(kind)
