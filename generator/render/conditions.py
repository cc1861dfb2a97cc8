"""A condition in plain words, for pages: 'you have at least 5 paying customers and …'.

The result completes "Met when …" or "Raised when …", in the page's language
(``words``, a ``translate.PageWords``; English when none is given). A
comparison of an answer with a number reads as a quantity the reader has ("you
have more than 20 paying customers"); a share that follows the count it
divides by reads "at least 90% of them are hell-yes customers". The nouns come
from the questions, in the knowledge base's own language.
"""

from __future__ import annotations

from ..locale_tables import number_symbols
from ..scoring.explain import describe_answer, format_like, format_number, format_percent
from ..scoring.expr import Node, parse
from ..scoring.messages import Messages
from .translate import PageWords


def in_words(condition: str, questions: dict, labels: dict | None = None, words: PageWords | None = None) -> str:
    """``labels`` names met()/stage()/checklist() references, as the engine's Explainer does."""
    return _Phrases(questions, labels or {}, words or PageWords()).say(parse(condition), False)


class _Phrases:
    def __init__(self, questions: dict, labels: dict, words: PageWords) -> None:
        self.questions, self.labels, self.words = questions, labels, words
        self.numbers = Messages({"numbers": number_symbols(words.language)})  # '1.000.000' on a Spanish page
        gettext = words.gettext
        self.op_words = {">=": gettext("at least"), ">": gettext("more than"), "<=": gettext("at most"),
                         "<": gettext("less than"), "==": gettext("exactly"), "!=": gettext("other than")}
        self.count_words = {**self.op_words, "<": gettext("fewer than")}  # for whole numbers of things

    def noun(self, qid: str) -> str:
        q = self.questions[qid]
        return q.get("measure") or q.get("noun") or q["label"]

    def label(self, *key) -> str:
        return self.labels.get(key, key[-1])

    def say(self, node: Node, percent: bool, counted: frozenset = frozenset()) -> str:
        """``counted``: answers an earlier clause of the same 'and' already gave as a count ('of them')."""
        _ = self.words.gettext
        kind = node.kind
        if kind == "call" and node.value == "met":
            return _("%(milestone)s is met", milestone=self.label("met", node.args[0].value))
        if kind == "not" and _is_met(node.args[0]):
            return _("%(milestone)s is not met", milestone=self.label("met", node.args[0].args[0].value))
        if kind == "cmp" and node.args[0].kind == "call" and node.args[0].value == "checklist" and node.args[1].kind == "num":
            return _("%(comparison)s %(number)s of the answers in %(checklist)s are yes", comparison=self.count_words[node.value],
                     number=format_number(node.args[1].value, self.numbers), checklist=self.label("checklist", node.args[0].args[0].value))
        if kind == "call" and node.value == "checklist":
            return _("the yes answers in %(checklist)s", checklist=self.label("checklist", node.args[0].value))
        if kind == "cmp" and node.args[0].kind == "call" and node.args[0].value == "stage" and node.args[1].kind == "str":
            fid, sid = node.args[0].args[0].value, node.args[1].value
            values = {"framework": self.label("stage", fid), "stage": self.label("stage-of", fid, sid)}
            return _("%(framework)s is %(stage)s", **values) if node.value == "==" else _("%(framework)s is not %(stage)s", **values)
        if kind == "and":
            return self.all_of(node, percent, counted)
        if kind == "or" and len(node.args) > 2 and all(_is_met(a) for a in node.args):
            # "at least one of m2, m3 or m4 is met", not "either m2 is met or m3 is met or …"
            names = [self.label("met", a.args[0].value) for a in node.args]
            listed = _("%(first)s or %(second)s", first=", ".join(names[:-1]), second=names[-1])
            return _("at least one of %(milestones)s is met", milestones=listed)
        if kind == "or":
            choices = self.joined([self.say(a, percent) for a in node.args],
                                  lambda first, second: _("%(first)s or %(second)s", first=first, second=second))
            return _("either %(choices)s", choices=choices)
        if kind == "not" and node.args[0].kind == "name":
            return _("the answer to “%(question)s” is no", question=self.questions[node.args[0].value]["label"])
        if kind == "not":
            return _("not (%(condition)s)", condition=self.say(node.args[0], percent))
        if kind == "name":
            q = self.questions[node.value]
            return _("the answer to “%(question)s” is yes", question=q["label"]) if q["type"] == "boolean" else self.noun(node.value)
        if kind == "num":
            return format_percent(node.value, self.numbers) if percent else format_number(node.value, self.numbers)
        if kind == "bool":
            return _("yes") if node.value else _("no")
        if kind == "str":
            return _("“%(text)s”", text=node.value)
        if kind == "cmp":
            return self.comparison(node, counted)
        if kind == "arith" and node.value == "/":
            return _("%(part)s as a share of %(whole)s", part=self.say(node.args[0], False), whole=self.say(node.args[1], False))
        if kind == "arith":
            return f"{self.say(node.args[0], False)} {node.value} {self.say(node.args[1], False)}"
        if kind == "neg":
            return _("minus %(value)s", value=self.say(node.args[0], False))
        if kind == "call":
            return _("the number of yes answers among %(answers)s", answers=", ".join(self.say(a, False) for a in node.args))
        raise AssertionError(kind)

    def all_of(self, node: Node, percent: bool, counted: frozenset) -> str:
        _ = self.words.gettext
        met = [a.args[0].value for a in node.args if _is_met(a)]
        if len(met) > 1:  # "m1, m2 and m3 are all met": the titles are one click away, a list of them is not readable
            listed = {"milestones": ", ".join(met[:-1]), "last": met[-1]}
            if len(met) == 2:
                said = _("%(milestones)s and %(last)s are both met", **listed)
            else:
                said = _("%(milestones)s and %(last)s are all met", **listed)
            return self.joined([said, *(self.say(a, percent) for a in node.args if not _is_met(a))], self.both)
        parts, seen, had = [], set(counted), False
        for arg in node.args:
            have = self.quantity_of(arg)
            # "you have 5 customers and you have 1 …" says "you have" once
            parts.append(have if have is not None and had else self.say(arg, percent, frozenset(seen)))
            had = have is not None
            if arg.kind == "cmp" and arg.args[0].kind == "name":
                seen.add(arg.args[0].value)
        return self.joined(parts, self.both)

    def both(self, first: str, second: str) -> str:
        return self.words.gettext("%(first)s and %(second)s", first=first, second=second)

    @staticmethod
    def joined(parts: list[str], pair) -> str:
        """'a and b and c': ``pair`` joins two, in the page's language."""
        text = parts[0]
        for part in parts[1:]:
            text = pair(text, part)
        return text

    def quantity_of(self, node: Node) -> str | None:
        """'at least 5 paying customers' when ``node`` compares a number the reader gives with a number, else None."""
        if node.kind == "cmp" and node.args[0].kind == "name" and node.args[1].kind == "num":
            question = self.questions[node.args[0].value]
            if question["type"] in ("integer", "number"):
                return self.quantity(node.value, node.args[1].value, question)
        return None

    def comparison(self, node: Node, counted: frozenset) -> str:
        _ = self.words.gettext
        left, right = node.args
        ratio = left.kind == "arith" and left.value == "/"
        as_percent = ratio and right.kind == "num" and 0 < right.value <= 1
        if (have := self.quantity_of(node)) is not None:
            return _("you have %(quantity)s", quantity=have)
        if ratio and as_percent and left.args[0].kind == "name" and left.args[1].kind == "name":
            top, bottom = (self.noun(arg.value) for arg in left.args)
            share = f"{self.op_words[node.value]} {format_percent(right.value, self.numbers)}"
            if left.args[1].value in counted:
                return _("%(share)s of them are %(part)s", share=share, part=top)
            return _("%(part)s are %(share)s of %(whole)s", part=top, share=share, whole=bottom)
        return _("%(left)s %(comparison)s %(right)s", left=self.say(left, False), comparison=self.op_words[node.value],
                 right=self.say(right, as_percent))

    def quantity(self, op: str, value, question: dict) -> str:
        """'at least 5 sales calls a week', '$1,000,000 of revenue …', 'demand at less than 0.5 times the forecast'."""
        comparison = (self.count_words if question["type"] == "integer" else self.op_words)[op]
        text, number = describe_answer("", value, question, self.numbers), format_like(value, question, self.numbers)
        at = text.find(number)
        return f"{comparison} {text}" if at <= 0 else f"{text[:at]}{comparison} {text[at:]}"


def _is_met(node: Node) -> bool:
    return node.kind == "call" and node.value == "met"


def labels(rules, words: PageWords | None = None) -> dict:
    """Names for met(), stage() and checklist() references in page text."""
    words = words or PageWords()
    out = {("met", mid): f"{mid} ({m['title']})" for mid, m in rules.milestones.items()}
    out.update({("checklist", cid): c["title"] for cid, c in rules.checklists.items()})
    for fid, f in rules.frameworks.items():
        out[("stage", fid)] = words.gettext("the %(framework)s stage", framework=f["title"])
        out.update({("stage-of", fid, s["id"]): s["title"] for s in f["stages"]})
    return out
