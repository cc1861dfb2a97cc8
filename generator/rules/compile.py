"""Compile validated rules into the plain document the engine scores with.

The same JSON goes to the CLI, to the tests and, as ``rules.json``, to the
browser. Only what scoring and the form need is kept; prose for pages stays
with the page renderer.
"""

from __future__ import annotations

import json

from ..scoring import RULES_FORMAT, Engine
from .load import Rules

_QUESTION_KEYS = ("id", "type", "label", "help", "group", "noun", "noun_one", "unit", "min", "max", "step", "choices")


def plain(value):
    """YMap/YList -> dict/list, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def compile_rules(rules: Rules) -> dict:
    document = {
        "format": RULES_FORMAT,
        "groups": [{"id": g["id"], "title": g["title"]} for g in rules.groups],
        "questions": [
            {k: plain(q[k]) for k in _QUESTION_KEYS if k in q}
            for q in rules.questions.values()
        ],
        "constraints": [{k: c[k] for k in ("id", "rule", "message")} for c in rules.constraints],
        "milestones": [
            {
                "id": m["id"],
                "title": m["title"],
                "summary": m["summary"],
                "condition": m["condition"],
                "optional": m["optional"],
                "page": f"milestones/{m['id']}/",
            }
            for m in rules.milestones.values()
        ],
    }
    Engine(document)  # proves the engine accepts what it will be given
    return document


def rules_json(document: dict) -> str:
    """Stable serialisation: byte-identical for identical rules."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
