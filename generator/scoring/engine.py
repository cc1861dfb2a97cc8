"""Score a founder's answers against compiled rules.

The compiled rules are plain data (see ``generator.rules.compile``): the same
JSON document is scored here on CPython and in the browser under Pyodide.
This module imports only the standard library and does no I/O.
"""

from __future__ import annotations

import json
from typing import Any

from .answers import InvalidAnswers, check_answers
from .explain import clauses
from .expr import UNKNOWN, check_types, evaluate, names, parse

RULES_FORMAT = 1

_ANSWER_TYPES = {"integer": "number", "number": "number", "boolean": "bool", "choice": "str"}


class Engine:
    """Parses the conditions of one compiled rule set once; scores many answer sets."""

    def __init__(self, rules: dict) -> None:
        if rules.get("format") != RULES_FORMAT:
            raise ValueError(f"compiled rules have format {rules.get('format')!r}; this engine reads {RULES_FORMAT}")
        self.rules = rules
        self.questions = {q["id"]: q for q in rules["questions"]}
        types = {qid: _ANSWER_TYPES[q["type"]] for qid, q in self.questions.items()}
        self.constraints = [self._compile(c, "rule", types) for c in rules["constraints"]]
        self.milestones = [self._compile(m, "condition", types) for m in rules["milestones"]]

    @classmethod
    def from_json(cls, text: str) -> "Engine":
        return cls(json.loads(text))

    @staticmethod
    def _compile(entry: dict, key: str, types: dict) -> dict:
        node = parse(entry[key])
        check_types(node, types)
        return {**entry, "node": node, "names": [n.value for n in names(node)]}

    def check(self, answers: Any):
        """(clean answers, problems) without scoring."""
        return check_answers(answers, self.questions, self.constraints)

    def score(self, answers: Any) -> dict:
        """The score result for one answer set; raises InvalidAnswers."""
        clean, problems = self.check(answers)
        if problems:
            raise InvalidAnswers(problems)
        milestones = {m["id"]: self._milestone(m, clean) for m in self.milestones}
        next_goal = _next_goal(self.milestones, milestones)
        return {
            "milestones": milestones,
            "next_goal": next_goal,
            "next_goal_why": _next_goal_why(self.milestones, milestones, next_goal),
            "stages": {},
            "flags": [],
            "checklists": {},
        }

    def score_json(self, answers_json: str) -> str:
        """JSON in, JSON out: the entry point the browser calls.

        Returns {"ok": true, "result": ...} or {"ok": false, "problems": [...]}.
        """
        try:
            answers = json.loads(answers_json)
            result = {"ok": True, "result": self.score(answers)}
        except InvalidAnswers as err:
            result = {"ok": False, "problems": [{"id": p.id, "message": p.message} for p in err.problems]}
        except ValueError as err:
            result = {"ok": False, "problems": [{"id": "", "message": f"answers are not valid JSON: {err}"}]}
        return json.dumps(result, ensure_ascii=False)

    def _milestone(self, milestone: dict, answers: dict) -> dict:
        parts = clauses(milestone["node"], answers, self.questions)
        value = evaluate(milestone["node"], answers)
        status = "met" if value is True else "not_met" if value is False else "unknown"
        return {"status": status, "why": _why(status, parts, self.questions)}


def _why(status: str, parts: list, questions: dict) -> str:
    held = [p.text for p in parts if p.value is True]
    failed = [p.text for p in parts if p.value is False]
    if status == "met":
        return _sentence("Met", held)
    if status == "not_met":
        text = _sentence("Not met", failed)
        return text + (" " + _sentence("Already there", held) if held else "")
    missing = dict.fromkeys(qid for p in parts if p.value is UNKNOWN for qid in p.missing)
    labels = [f"“{questions[qid]['label']}”" for qid in missing]
    text = _sentence("Unknown until you answer", labels)
    return text + (" " + _sentence("Already there", held) if held else "")


def _sentence(lead: str, items: list[str]) -> str:
    return f"{lead}: {'; '.join(items)}."


def _next_goal(ladder: list, statuses: dict) -> str | None:
    """The lowest required milestone not met; then the lowest optional one."""
    for optional in (False, True):
        for milestone in ladder:
            if bool(milestone.get("optional")) == optional and statuses[milestone["id"]]["status"] != "met":
                return milestone["id"]
    return None


def _next_goal_why(ladder: list, statuses: dict, next_goal: str | None) -> str:
    if next_goal is None:
        return "Every milestone is met: hold each of them while you grow."
    goal = next(m for m in ladder if m["id"] == next_goal)
    status = statuses[next_goal]["status"]
    state = "is not answered yet" if status == "unknown" else "is not met yet"
    if goal.get("optional"):
        return (
            f"{goal['id']} ({goal['title']}) {state}. Every required milestone is met, "
            "so this optional one is next if you want to grow faster."
        )
    index = [m["id"] for m in ladder].index(next_goal)
    below = [m["id"] for m in ladder[:index] if not m.get("optional")]
    lead = f"{', '.join(below)} {'is' if len(below) == 1 else 'are'} met; " if below else ""
    return f"{lead}{goal['id']} ({goal['title']}) {state}, and it is the lowest milestone that is not met."
