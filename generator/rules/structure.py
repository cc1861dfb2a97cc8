"""Checks on how rules fit together: stage order, the crosswalk, checklists."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import Problem, did_you_mean, shown
from .yamlfile import YamlFile, YList

if TYPE_CHECKING:
    from .load import Rules


def check_frameworks(rules: Rules) -> None:
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
                             "only the first stage may do without one: say what puts a reader at this stage")


def check_crosswalk(rules: Rules, files: list[YamlFile]) -> None:
    """Every stage sits in the crosswalk, in consecutive rows that follow its framework's order,
    and rows agree with the stages' milestones (see ``_check_milestone_periods``)."""
    if not files:
        return
    file = files[0]
    placed: dict[tuple[str, str], list[tuple[int, tuple[int, int]]]] = {}  # stage -> [(row index, spot)]
    before: dict[str, tuple[int, str]] = {}  # framework -> latest stage (index, id) in the rows before this one
    for number, row in enumerate(rules.crosswalk):
        mapping = row["stages"]
        latest = dict(before)
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
                rows_of = placed.setdefault((fid, sid), [])
                if rows_of and rows_of[-1][0] == number:
                    file.problem(spot, f"stage {fid}/{sid} is listed twice in row {row['id']!r}")
                    continue
                if rows_of and rows_of[-1][0] != number - 1:
                    gap = rules.crosswalk[rows_of[-1][0] + 1]["id"]
                    file.problem(spot, f"stage {fid}/{sid} is mapped to rows {rules.crosswalk[rows_of[-1][0]]['id']!r} and {row['id']!r} "
                                       f"but not to {gap!r} between them", "a stage spans consecutive periods only")
                    continue
                rows_of.append((number, spot))
                index = order.index(sid)
                if fid in before and index < before[fid][0]:
                    file.problem(spot, f"stage {fid}/{sid} comes before {fid}/{before[fid][1]} in its framework but after it here",
                                 "rows must follow each framework's stage order")
                latest[fid] = max(latest.get(fid, (index, sid)), (index, sid))
        before = latest
    for fid, framework in rules.frameworks.items():
        for stage in framework["stages"]:
            if (fid, stage["id"]) not in placed:
                file.problem((1, 1), f"stage {fid}/{stage['id']} is not in the crosswalk", "add it to the row of the period it belongs to")
    _check_milestone_periods(rules, file, placed)


def _check_milestone_periods(rules: Rules, file: YamlFile, placed: dict) -> None:
    """Stages that work on the same milestone are the same period, so they share a row; and a stage
    shares a milestone with every other framework in each of its rows (stages without milestones aside)."""
    works: dict[tuple[str, str], set[str]] = {
        (fid, s["id"]): set(s.get("milestones") or ()) for fid, fw in rules.frameworks.items() for s in fw["stages"]}
    rows: list[dict[tuple[str, str], tuple[int, int]]] = [{} for _ in rules.crosswalk]
    for stage, where in placed.items():
        for number, spot in where:
            rows[number][stage] = spot
    name = lambda stages: ", ".join(f"{f}/{s}" for f, s in stages)  # noqa: E731
    reported: set = set()
    for mid in rules.milestones:
        sharing = [stage for stage in placed if mid in works.get(stage, ())]
        if len(sharing) < 2 or any(all(stage in row for stage in sharing) for row in rows):
            continue
        best = max(range(len(rows)), key=lambda n: (sum(stage in rows[n] for stage in sharing), -n))
        inside = [stage for stage in sharing if stage in rows[best]]
        for stage in sharing:
            if stage not in rows[best] and stage not in reported:
                reported.add(stage)
                file.problem(placed[stage][0][1], f"stage {name([stage])} works on {mid} but is not in row {rules.crosswalk[best]['id']!r} "
                             f"with {name(inside)}, which also work on {mid}",
                             "stages that share a milestone are the same period: put them in one row (a stage may span consecutive rows)")
    for number, row in enumerate(rows):
        for stage, spot in row.items():
            apart = []
            for other in dict.fromkeys(f for f, _ in row if f != stage[0]):
                theirs = [s for s in row if s[0] == other]
                milestones = set().union(*(works[s] for s in theirs))
                if works[stage] and milestones and not works[stage] & milestones:
                    apart += theirs
            if apart:
                file.problem(spot, f"stage {name([stage])} shares no milestone with {name(apart)} in row {rules.crosswalk[number]['id']!r}",
                             "a row is one period: the stages of each framework in it work on a milestone in common")


def check_outline(rules: Rules, files: list[YamlFile]) -> None:
    """Volume numbers are whole numbers, chapter and section numbers two digits, in ASCII digits: '١' or '１'
    would pass Python's isdigit() and \\d, and show on the site as numbers that are not the outline's."""
    if not files:
        return
    file = files[0]
    for volume in file.data["volumes"]:
        _outline_number(file, volume, "volume", _VOLUME, "a whole number such as '1'")
        for chapter in volume["chapters"]:
            _outline_number(file, chapter, "chapter", _TWO_DIGITS, "two digits such as '03'")
            for section in chapter["sections"]:
                _outline_number(file, section, "section", _TWO_DIGITS, "two digits such as '01'")


_VOLUME = re.compile(r"[0-9]+")
_TWO_DIGITS = re.compile(r"[0-9]{2}")


def _outline_number(file: YamlFile, entry, what: str, pattern: re.Pattern, want: str) -> None:
    if not pattern.fullmatch(entry["number"]):
        file.problem(entry.value_pos["number"], f"{what} number {shown(entry['number'])} is not {want}",
                     "write it with the digits 0-9")


def check_checklists(rules: Rules) -> None:
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



def stage_tag_problems(rules: Rules, articles: dict) -> list[Problem]:
    """An article's stage tags agree with the frameworks' milestone mappings: an article that a milestone
    or a stage lists, and that tags a framework at all, tags that framework's stage for it too."""
    works_at: dict[tuple[str, str], list[str]] = {}  # (framework, milestone) -> the stages that work on it
    for fid, framework in rules.frameworks.items():
        for stage in framework["stages"]:
            for mid in stage.get("milestones") or ():
                works_at.setdefault((fid, mid), []).append(stage["id"])
    wants: dict[str, list[tuple[str, list[str], str]]] = {}  # article -> [(framework, stages, why)]
    for mid, milestone in rules.milestones.items():
        for number in milestone.get("articles") or ():
            for fid in rules.frameworks:
                if (fid, mid) in works_at:
                    listed_in = rules.where[("milestone", mid)].rel
                    said = f"milestone {mid} lists it ({listed_in}) and {fid} works on {mid} at"
                    wants.setdefault(number, []).append((fid, works_at[(fid, mid)], said))
    for fid, framework in rules.frameworks.items():
        for stage in framework["stages"]:
            for number in stage.get("articles") or ():
                wants.setdefault(number, []).append((fid, [stage["id"]], f"{rules.where[('framework', fid)].rel} lists it among the articles of"))
    problems = []
    for number, needs in wants.items():
        article = articles.get(number)
        if article is None:
            continue  # an unknown number is reported where it is listed
        for fid, stages, why in needs:
            tagged = [i for i, ref in enumerate(article.stages) if ref.split("/")[0] == fid]
            if tagged and not any(article.stages[i].split("/")[1] in stages for i in tagged):
                line, col = article.meta["stages"].item_pos[tagged[0]]
                want = " or ".join(f"{fid}/{s}" for s in stages)
                problems.append(Problem(article.rel, line, col,
                                        f"article {number} is tagged {', '.join(article.stages[i] for i in tagged)}, but {why} {want}",
                                        f"tag {want} too, or take the article off that list"))
    return problems
