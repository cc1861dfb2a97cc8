"""The plain-text score report printed by `score --format text`."""

from __future__ import annotations

_MARKS = {"met": "[x]", "not_met": "[ ]", "unknown": "[?]"}


def text_report(result: dict, rules: dict) -> str:
    titles = {m["id"]: m["title"] for m in rules["milestones"]}
    lines = []
    goal = result["next_goal"]
    lines.append(f"Next goal: {goal} — {titles[goal]}" if goal else "Next goal: none, every milestone is met")
    lines.append(f"  {result['next_goal_why']}")
    lines.append("")
    lines.append("Milestones:")
    for mid, outcome in result["milestones"].items():
        lines.append(f"  {_MARKS[outcome['status']]} {mid} {titles[mid]}")
        lines.append(f"      {outcome['why']}")
    for framework, stage in result["stages"].items():
        lines.append(f"Stage in {framework}: {stage}")
    if result["flags"]:
        lines.append("")
        lines.append("Flags:")
        for flag in result["flags"]:
            lines.append(f"  ! {flag['id']}: {flag['why']}")
    return "\n".join(lines)
