"""Score a reader's answers against compiled rules.

The compiled rules are plain data (see ``generator.rules.compile``): the same
JSON document is scored here on CPython and in the browser under Pyodide.
This module imports only the standard library and does no I/O.

Order of evaluation: milestones and checklists read answers only; stages may
read both; flags and consistency checks may read everything before them.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from .answers import InvalidAnswers, check_answers, read_json
from .ask import Asker
from .behind import behind
from .change import smallest_change
from .explain import Explainer, describe_answer
from .expr import UNKNOWN, check_types, evaluate, names, parse
from .messages import Messages

RULES_FORMAT = 1

_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}  # as rules/model.py's SEVERITIES; the engine imports nothing from it
_ANSWER_TYPES = {"integer": "number", "number": "number", "boolean": "bool", "choice": "str"}


class Engine:
    """Parses the conditions of one compiled rule set once; scores many answer sets."""

    def __init__(self, rules: dict) -> None:
        if rules.get("format") != RULES_FORMAT:
            raise ValueError(f"compiled rules have format {rules.get('format')!r}; this engine reads {RULES_FORMAT}")
        self.rules = rules
        self.m = Messages(rules.get("messages"))  # the site's language (rules.json) or English
        self.questions = {q["id"]: q for q in rules["questions"]}
        self.milestones = rules["milestones"]
        self.frameworks = rules.get("frameworks", [])
        self.checklists = rules.get("checklists", [])
        self.flags = rules.get("flags", [])
        self.consistency = rules.get("consistency", [])
        types = {qid: _ANSWER_TYPES[q["type"]] for qid, q in self.questions.items()}
        refs = {
            "milestone": [m["id"] for m in self.milestones],
            "checklist": [c["id"] for c in self.checklists],
            "framework": {f["id"]: [s["id"] for s in f["stages"]] for f in self.frameworks},
        }
        compile_ = _Compiler(types, refs)
        self.constraints = [compile_(c, "rule") for c in rules["constraints"]]
        self.milestone_nodes = {m["id"]: compile_(m, "condition")["node"] for m in self.milestones}
        self.stage_nodes = {
            (f["id"], s["id"]): compile_(s, "when")["node"] for f in self.frameworks for s in f["stages"] if s.get("when")
        }
        self.flag_nodes = {f["id"]: compile_(f, "condition")["node"] for f in self.flags}
        self.consistency_nodes = {c["id"]: compile_(c, "when")["node"] for c in self.consistency}
        self.group_nodes = {g["id"]: compile_(g, "open_when")["node"] for g in rules.get("groups", []) if g.get("open_when")}
        self.labels = _labels(rules, self.m)
        self._checklist_rules = {c["id"]: c for c in self.checklists}
        self._framework_rules = {f["id"]: f for f in self.frameworks}

    @functools.cached_property
    def asker(self) -> Asker:
        """Built on first use: nearly half of building an engine, which `score`, `build` and `check` do once per run."""
        return Asker(self)

    @classmethod
    def from_json(cls, text: str) -> Engine:
        return cls(json.loads(text))

    def check(self, answers: Any):
        """(clean answers, problems) without scoring."""
        return check_answers(answers, self.questions, self.constraints, self.m)

    def score(self, answers: Any, *, ask: bool = True) -> dict:
        """The score result for one answer set; raises InvalidAnswers.

        ``ask=False`` leaves out ``ask_next``, more than half of a score's cost, for callers that never read it
        (the rule cases `check` runs); the result then has no ``ask_next`` key rather than a wrong one.
        """
        clean, problems = self.check(answers)
        if problems:
            raise InvalidAnswers(problems)
        derived: dict = {}
        milestones = {}
        for m in self.milestones:
            node = self.milestone_nodes[m["id"]]
            value = evaluate(node, clean)
            derived[("met", m["id"])] = value
            clauses = Explainer(clean, self.questions, messages=self.m).clauses(node)
            milestones[m["id"]] = {"status": _status(value), "why": _why(_status(value), clauses, self.questions, self.m)}
        checklists = {c["id"]: self._checklist(c, clean, derived) for c in self.checklists}
        stage_details = {f["id"]: self._stage(f, clean, derived) for f in self.frameworks}
        explainer = Explainer(clean, self.questions, derived, self.labels, facts=True, messages=self.m)
        needs = Explainer(clean, self.questions, derived, self.labels, messages=self.m)
        flags = []
        for flag in self.flags:
            node = self.flag_nodes[flag["id"]]
            if evaluate(node, clean, derived) is True:
                held = [c.text for c in explainer.clauses(node) if c.value is True]
                why = [_sentence(self.m._("Raised because"), held, self.m)]
                why += behind(node, needs, self._checklist_rules, self._framework_rules, self.stage_nodes)
                flags.append({"id": flag["id"], "title": flag["title"], "severity": flag.get("severity", "medium"),
                              "why": " ".join(why), "see": flag["see"]})
        flags.sort(key=lambda f: _SEVERITY_RANK.get(f["severity"], 1))  # most severe first; stable within a severity
        warnings = []
        for check in self.consistency:
            node = self.consistency_nodes[check["id"]]
            if evaluate(node, clean, derived) is True:
                given = [describe_answer(qid, clean[qid], self.questions[qid]) for qid in dict.fromkeys(n.value for n in names(node))]
                warnings.append({"id": check["id"], "message": check["message"], "why": _sentence(self.m._("You gave"), given, self.m)})
        next_goal = _next_goal(self.milestones, milestones)
        goal_node = self.milestone_nodes.get(next_goal) if next_goal else None
        result = {
            "milestones": milestones,
            "next_goal": next_goal,
            "next_goal_why": _next_goal_why(self.milestones, milestones, next_goal, self.m),
            "next_goal_change": smallest_change(goal_node, clean, self.questions, self.constraints, self.m) if goal_node else None,
            "stages": {fid: detail["stage"] for fid, detail in stage_details.items()},
            "stage_details": stage_details,
            "flags": flags,
            "checklists": checklists,
            "warnings": warnings,
            "reading": self._reading(next_goal, flags, stage_details),
            "open_groups": [gid for gid, node in self.group_nodes.items() if evaluate(node, clean, derived) is True],
        }
        if ask:
            result["ask_next"] = self.asker.ask_next(clean)
        return result

    def score_json(self, answers_json: str) -> str:
        """JSON in, JSON out: the entry point the browser calls.

        Returns {"ok": true, "result": ...} or {"ok": false, "problems": [...]}.
        """
        answers, problem = read_json(answers_json, self.m)
        if problem:
            return json.dumps({"ok": False, "problems": [{"id": "", "message": problem}]}, ensure_ascii=False)
        try:
            result = {"ok": True, "result": self.score(answers)}
        except InvalidAnswers as err:
            result = {"ok": False, "problems": [{"id": p.id, "message": p.message} for p in err.problems]}
        return json.dumps(result, ensure_ascii=False)

    def _reading(self, next_goal: str | None, flags: list, stages: dict, limit: int = 6) -> list[dict]:
        """What to read next, chosen by the rules: the next goal's articles, then each raised
        flag's, then those of the stage in each framework; each with the reason it is listed."""
        picks: list[tuple[dict, str]] = []
        if next_goal:
            goal = next(m for m in self.milestones if m["id"] == next_goal)
            picks += [(a, self.m._("explains your next goal, %(goal)s", goal=goal["id"])) for a in goal.get("articles", [])]
        by_flag = {f["id"]: f for f in self.flags}
        for flag in flags:
            picks += [(a, self.m._("about the warning “%(warning)s”", warning=flag["title"])) for a in by_flag[flag["id"]].get("articles", [])]
        for framework in self.frameworks:
            stage = next(s for s in framework["stages"] if s["id"] == stages[framework["id"]]["stage"])
            reason = self.m._("for your stage in %(framework)s: %(stage)s", framework=framework["title"], stage=stage["title"])
            picks += [(a, reason) for a in stage.get("articles", [])]
        reading: dict[str, dict] = {}
        for article, why in picks:
            if article["number"] not in reading:
                reading[article["number"]] = {**article, "why": why}
        return list(reading.values())[:limit]

    def _checklist(self, checklist: dict, answers: dict, derived: dict) -> dict:
        items = checklist["items"]
        unanswered = [qid for qid in items if answers.get(qid) is None]
        yes = sum(1 for qid in items if answers.get(qid) is True)
        derived[("checklist", checklist["id"])] = UNKNOWN if unanswered else yes
        return {"yes": yes, "of": len(items), "answered": len(items) - len(unanswered), "unanswered": unanswered}

    def _stage(self, framework: dict, answers: dict, derived: dict) -> dict:
        """The last stage whose condition is true; settled unless a later one is still unknown."""
        stages = framework["stages"]
        values = [True] + [evaluate(self.stage_nodes[(framework["id"], s["id"])], answers, derived) for s in stages[1:]]
        reached = max(i for i, v in enumerate(values) if v is True)
        open_above = [stages[i]["id"] for i in range(reached + 1, len(stages)) if values[i] is UNKNOWN]
        stage = stages[reached]
        derived[("stage", framework["id"])] = UNKNOWN if open_above else stage["id"]
        m = self.m
        explainer = Explainer(answers, self.questions, derived, self.labels, messages=m)
        if reached == 0:
            why = m._("Everyone starts at %(stage)s.", stage=stage["title"])
        else:
            facts = Explainer(answers, self.questions, derived, self.labels, facts=True, messages=m)
            held = [c.text for c in facts.clauses(self.stage_nodes[(framework["id"], stage["id"])]) if c.value is True]
            why = _sentence(m._("%(stage)s, because", stage=stage["title"]), held, m)
        following = stages[reached + 1] if reached + 1 < len(stages) else None
        if following:
            parts = explainer.clauses(self.stage_nodes[(framework["id"], following["id"])])
            if values[reached + 1] is False:
                why += " " + _sentence(m._("To reach %(stage)s", stage=following["title"]), [p.text for p in parts if p.value is False], m)
            else:
                why += " " + _sentence(m._("Whether you are at %(stage)s is unknown until you answer", stage=following["title"]),
                                       _missing(parts, self.questions, m), m)
        return {"stage": stage["id"], "settled": not open_above, "why": why, "next": following["id"] if following else None}


class _Compiler:
    def __init__(self, types: dict, refs: dict) -> None:
        self.types = types
        self.refs = refs

    def __call__(self, entry: dict, key: str) -> dict:
        node = parse(entry[key])
        check_types(node, self.types, refs=self.refs)
        return {**entry, "node": node, "names": [n.value for n in names(node)]}


def _labels(rules: dict, messages: Messages) -> dict:
    labels: dict = {}
    for m in rules["milestones"]:
        labels[("met", m["id"])] = f"{m['id']} ({m['title']})"
    for c in rules.get("checklists", []):
        labels[("checklist", c["id"])] = c["title"]
    for f in rules.get("frameworks", []):
        labels[("stage", f["id"])] = messages._("%(framework)s stage", framework=f["title"])
        for s in f["stages"]:
            labels[("stage-of", f["id"], s["id"])] = s["title"]
    return labels


def _status(value: Any) -> str:
    return "met" if value is True else "not_met" if value is False else "unknown"


def _why(status: str, parts: list, questions: dict, m: Messages) -> str:
    held = [p.text for p in parts if p.value is True]
    failed = [p.text for p in parts if p.value is False]
    if status == "met":
        return _sentence(m._("Met"), held, m)
    if status == "not_met":
        text = _sentence(m._("Not met"), failed, m)
    else:
        text = _sentence(m._("Unknown until you answer"), _missing(parts, questions, m), m)
    return text + (" " + _sentence(m._("Already there"), held, m) if held else "")


def _missing(parts: list, questions: dict, m: Messages) -> list[str]:
    """The questions still to answer, or the unsettled clauses when no answer is missing."""
    missing = dict.fromkeys(qid for p in parts if p.value is UNKNOWN for qid in p.missing)
    return [m._("“%(text)s”", text=questions[qid]["label"]) for qid in missing] or [p.text for p in parts if p.value is UNKNOWN]


def _sentence(lead: str, items: list[str], m: Messages) -> str:
    return m._("%(lead)s: %(items)s.", lead=lead, items="; ".join(items))


def _next_goal(ladder: list, statuses: dict) -> str | None:
    """The lowest required milestone not met; then the lowest optional one."""
    for optional in (False, True):
        for milestone in ladder:
            if bool(milestone.get("optional")) == optional and statuses[milestone["id"]]["status"] != "met":
                return milestone["id"]
    return None


def _next_goal_why(ladder: list, statuses: dict, next_goal: str | None, m: Messages) -> str:
    if next_goal is None:
        return m._("Every milestone is met: hold each of them while you grow.")
    goal = next(item for item in ladder if item["id"] == next_goal)
    named = f"{goal['id']} ({goal['title']})"
    unknown = statuses[next_goal]["status"] == "unknown"
    if goal.get("optional"):
        if unknown:
            return m._("%(goal)s is not answered yet. Every required milestone is met, so this optional one is next "
                       "if you want to grow faster.", goal=named)
        return m._("%(goal)s is not met yet. Every required milestone is met, so this optional one is next "
                   "if you want to grow faster.", goal=named)
    index = [item["id"] for item in ladder].index(next_goal)
    below = [item["id"] for item in ladder[:index] if not item.get("optional")]
    if unknown:
        state = m._("%(goal)s is not answered yet, and it is the lowest milestone that is not met.", goal=named)
    else:
        state = m._("%(goal)s is not met yet, and it is the lowest milestone that is not met.", goal=named)
    if not below:
        return state
    return m._n("%(met)s is met; %(rest)s", "%(met)s are met; %(rest)s", len(below), met=", ".join(below), rest=state)
