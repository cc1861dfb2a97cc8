"""What `score` prints: the plain-text report (`--format text`) and the JSON (`--format json`).

Both show every control, bidi and separator character as an escape (``\\x1b``, ``\\u202e``): a rules
text that reached them past `check` must not clear, recolour or reorder the reader's terminal.
"""

from __future__ import annotations

import json

from .scoring.answers import escaped

_MARKS = {"met": "[x]", "not_met": "[ ]", "unknown": "[?]"}


def text_report(result: dict, rules: dict) -> str:
    titles = {m["id"]: m["title"] for m in rules["milestones"]}
    lines = []
    goal = result["next_goal"]
    lines.append(f"Next goal: {goal} — {titles[goal]}" if goal else "Next goal: none, every milestone is met")
    lines.append(f"  {result['next_goal_why']}")
    if result.get("next_goal_change"):
        lines.append(f"  Smallest step: {result['next_goal_change']['text']}")
    if result.get("ask_next"):
        lines.append(f"  Answer next: {_ask_next(result['ask_next'], rules)}")
    lines += ["", "Milestones:"]
    for mid, outcome in result["milestones"].items():
        lines.append(f"  {_MARKS[outcome['status']]} {mid} {titles[mid]}")
        lines.append(f"      {outcome['why']}")
    frameworks = {f["id"]: f for f in rules.get("frameworks", [])}
    if result["stages"]:
        lines += ["", "Stages:"]
        for fid, detail in result.get("stage_details", {}).items():
            stage = next(s for s in frameworks[fid]["stages"] if s["id"] == detail["stage"])
            lines.append(f"  {frameworks[fid]['title']}: {stage['title']}{'' if detail['settled'] else ' (not settled)'}")
            lines.append(f"      {detail['why']}")
    if result["flags"]:
        lines += ["", "Warnings:"]
        for flag in result["flags"]:
            lines.append(f"  ! {flag['title']} ({flag['id']})")
            lines.append(f"      {flag['why']}")
    checklists = {c["id"]: c for c in rules.get("checklists", [])}
    if result["checklists"]:
        lines += ["", "Checklists:"]
        for cid, score in result["checklists"].items():
            open_items = f", {len(score['unanswered'])} not answered" if score["unanswered"] else ""
            lines.append(f"  {checklists[cid]['title']}: {score['yes']} of {score['of']} yes{open_items}")
    if result.get("reading"):
        lines += ["", "Read next:"]
        for item in result["reading"]:
            lines.append(f"  - {item['number']} {item['title']} ({item['why']})")
    if result.get("warnings"):
        lines += ["", "Answers to double-check:"]
        for warning in result["warnings"]:
            lines.append(f"  ? {warning['message']} {warning['why']}")
    return inert("\n".join(lines))


def _ask_next(ids: list[str], rules: dict, shown: int = 3) -> str:
    """The first few questions that can still change the result, with their ids for an answers file."""
    labels = {q["id"]: q["label"] for q in rules["questions"]}
    text = "; ".join(f"{labels[qid]} ({qid})" for qid in ids[:shown])
    return text + (f"; and {len(ids) - shown} more" if len(ids) > shown else "")


def inert(text: str) -> str:
    """``text`` with each character that is not printable written as its escape; line breaks kept."""
    return "\n".join(escaped(line, len(line)) for line in text.split("\n"))


def inert_json(data: object) -> str:
    """``data`` as indented JSON in which no character is shown raw that is not printable: the same JSON value."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(ch if ch.isprintable() or ch == "\n" else json.dumps(ch)[1:-1] for ch in text)
