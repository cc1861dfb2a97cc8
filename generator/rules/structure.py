"""Checks on how rules fit together: stage order, the crosswalk, checklists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import did_you_mean
from .yamlfile import YamlFile, YList

if TYPE_CHECKING:
    from .load import Rules


def check_frameworks(rules: "Rules") -> None:
    for fid, framework in rules.frameworks.items():
        file = rules.where[("framework", fid)]
        stages = framework["stages"]
        if not stages:
            file.problem(framework.value_pos["stages"], f"framework {fid!r} has no stages")
            continue
        seen: dict[str, int] = {}
        for index, stage in enumerate(stages):
            if stage["id"] in seen:
                file.problem(stage.value_pos["id"], f"duplicate stage id {stage['id']!r} in framework {fid!r}",
                             f"stage {seen[stage['id']] + 1} already uses it")
            seen.setdefault(stage["id"], index)
            if index == 0 and "when" in stage:
                file.problem(stage.key_pos["when"], f"the first stage {stage['id']!r} must not have a condition",
                             "everyone starts at the first stage; move the condition to a later stage")
            if index > 0 and "when" not in stage:
                file.problem(stage.pos, f"stage {stage['id']!r} has no 'when' condition",
                             "only the first stage may do without one: say what puts a founder at this stage")


def check_crosswalk(rules: "Rules", files: list[YamlFile]) -> None:
    """Every stage sits in exactly one row, and rows follow each framework's order."""
    if not files:
        return
    file = files[0]
    placed: dict[tuple[str, str], str] = {}
    last_index: dict[str, tuple[int, str]] = {}
    for row in rules.crosswalk:
        mapping = row["stages"]
        for fid in mapping:
            pos = mapping.key_pos[fid]
            if fid not in rules.frameworks:
                if fid not in rules.broken.get("framework", ()):
                    file.problem(pos, f"unknown framework {fid!r}", did_you_mean(fid, rules.frameworks) or "")
                continue
            order = [s["id"] for s in rules.frameworks[fid]["stages"]]
            listed = mapping[fid]
            if isinstance(listed, str):
                listed = [listed]
            if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
                file.problem(mapping.value_pos[fid], f"stages of {fid!r} must be a list of stage ids")
                continue
            for offset, sid in enumerate(listed):
                spot = listed.item_pos[offset] if isinstance(listed, YList) else mapping.value_pos[fid]
                if sid not in order:
                    file.problem(spot, f"framework {fid!r} has no stage {sid!r}", did_you_mean(sid, order) or "its stages: " + ", ".join(order))
                    continue
                if (fid, sid) in placed:
                    file.problem(spot, f"stage {fid}/{sid} is mapped twice (rows {placed[(fid, sid)]!r} and {row['id']!r})",
                                 "a stage corresponds to one period only")
                    continue
                placed[(fid, sid)] = row["id"]
                index = order.index(sid)
                if fid in last_index and index < last_index[fid][0]:
                    file.problem(spot, f"stage {fid}/{sid} comes before {fid}/{last_index[fid][1]} in its framework but after it here",
                                 "rows must follow each framework's stage order")
                last_index[fid] = max(last_index.get(fid, (index, sid)), (index, sid))
    for fid, framework in rules.frameworks.items():
        for stage in framework["stages"]:
            if (fid, stage["id"]) not in placed:
                file.problem((1, 1), f"stage {fid}/{stage['id']} is not in the crosswalk", "add it to the row of the period it belongs to")


def check_checklists(rules: "Rules") -> None:
    for cid, checklist in rules.checklists.items():
        file = rules.where[("checklist", cid)]
        items: YList = checklist["items"]
        seen: set[str] = set()
        for index, qid in enumerate(items):
            question = rules.questions.get(qid)
            if question is not None and question["type"] != "boolean":
                file.problem(items.item_pos[index], f"checklist item {qid!r} is a {question['type']} question",
                             "checklists count yes answers: use boolean questions")
            if qid in seen:
                file.problem(items.item_pos[index], f"checklist item {qid!r} is listed twice")
            seen.add(qid)

