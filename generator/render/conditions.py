"""A condition in plain words, for pages: 'you have at least 5 paying customers and …'.

The result completes "Met when …" or "Raised when …". A comparison of an answer
with a number reads as a quantity the founder has ("you have more than 20
paying customers"); a share that follows the count it divides by reads "at
least 90% of them are hell-yes customers".
"""

from __future__ import annotations

from ..scoring.explain import describe_answer, format_like, format_number, format_percent
from ..scoring.expr import Node, parse

_OP_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly", "!=": "not"}
_COUNT_WORDS = {**_OP_WORDS, "<": "fewer than"}  # for whole numbers of things


def in_words(condition: str, questions: dict, labels: dict | None = None) -> str:
    """``labels`` names met()/stage()/checklist() references, as the engine's Explainer does."""
    return _words(parse(condition), questions, False, labels or {})


def _noun(qid: str, questions: dict) -> str:
    q = questions[qid]
    return q.get("measure") or q.get("noun") or q["label"]


def _words(node: Node, questions: dict, percent: bool, labels: dict | None = None, counted: frozenset = frozenset()) -> str:
    """``counted``: answers an earlier clause of the same 'and' already gave as a count ('of them')."""
    labels = labels or {}
    kind = node.kind
    if kind == "call" and node.value == "met":
        return f"{labels.get(('met', node.args[0].value), node.args[0].value)} is met"
    if kind == "not" and node.args[0].kind == "call" and node.args[0].value == "met":
        return f"{labels.get(('met', node.args[0].args[0].value), node.args[0].args[0].value)} is not met"
    if kind == "cmp" and node.args[0].kind == "call" and node.args[0].value == "checklist" and node.args[1].kind == "num":
        name = labels.get(("checklist", node.args[0].args[0].value), node.args[0].args[0].value)
        return f"{_COUNT_WORDS[node.value]} {format_number(node.args[1].value)} of the answers in {name} are yes"
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
        parts, seen = [], set(counted)
        for arg in node.args:
            parts.append(_words(arg, questions, percent, labels, frozenset(seen)))
            if arg.kind == "cmp" and arg.args[0].kind == "name":
                seen.add(arg.args[0].value)
        for index in range(1, len(parts)):  # "you have 5 customers and you have 1 …" says "you have" once
            if parts[index].startswith("you have ") and parts[index - 1].startswith("you have "):
                parts[index] = parts[index][len("you have "):]
        return " and ".join(parts)
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
        if left.kind == "name" and right.kind == "num" and questions[left.value]["type"] in ("integer", "number"):
            return "you have " + _quantity(node.value, right.value, questions[left.value])
        if ratio and as_percent and left.args[0].kind == "name" and left.args[1].kind == "name":
            top, bottom = (_noun(arg.value, questions) for arg in left.args)
            share = f"{_OP_WORDS[node.value]} {format_percent(right.value)}"
            if left.args[1].value in counted:
                return f"{share} of them are {top}"
            return f"{top} are {share} of {bottom}"
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


def _quantity(op: str, value, question: dict) -> str:
    """'at least 5 sales calls a week', '$1,000,000 of revenue …', 'demand at less than 0.5 times the forecast'."""
    words = (_COUNT_WORDS if question["type"] == "integer" else _OP_WORDS)[op]
    text, number = describe_answer("", value, question), format_like(value, question)
    at = text.find(number)
    return f"{words} {text}" if at <= 0 else f"{text[:at]}{words} {text[at:]}"


def _is_met(node: Node) -> bool:
    return node.kind == "call" and node.value == "met"


def labels(rules) -> dict:
    """Names for met(), stage() and checklist() references in page text."""
    out = {("met", mid): f"{mid} ({m['title']})" for mid, m in rules.milestones.items()}
    out.update({("checklist", cid): c["title"] for cid, c in rules.checklists.items()})
    for fid, f in rules.frameworks.items():
        out[("stage", fid)] = f"the {f['title']} stage"
        out.update({("stage-of", fid, s["id"]): s["title"] for s in f["stages"]})
    return out
