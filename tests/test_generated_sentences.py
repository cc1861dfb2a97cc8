"""Every sentence the engine writes about a reader's own answers is true of them.

The rules' texts state patterns; what a reader's answers were is said by the engine, from the
evaluation. Hypothesis draws answer sets (the questions' types and bounds, the rules' thresholds
and either side of them, the cross-answer constraints, about one answer in ten left out) and
holds each generated sentence to what the engine evaluated:

- questions named as still to answer are exactly the unanswered ones the rule reads;
- questions named as answered no are exactly the ones answered no;
- a milestone named as the next goal, or as not met, is the one evaluated so;
- a raised flag that reads a checklist names the checklist's items answered no, and one that
  reads a stage names what the next stage still needs: each of its questions not answered yes.

Runs are deterministic (``derandomize=True``), as the other hypothesis tests here.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings

from generator.scoring.expr import names, parse
from tests.conftest import examples
from tests.test_flag_texts import COMPILED, ENGINE, answer_sets, score

SEARCH = settings(derandomize=True, database=None, max_examples=examples(300), deadline=None,
                  suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
QUESTIONS = {q["id"]: q for q in COMPILED["questions"]}
MILESTONES = {m["id"]: m for m in COMPILED["milestones"]}
FRAMEWORKS = {f["id"]: f for f in COMPILED["frameworks"]}
CHECKLISTS = {c["id"]: c for c in COMPILED["checklists"]}


def quoted(text: str) -> set[str]:
    return set(re.findall(r"“([^”]*)”", text))


def part(text: str, lead: str) -> str:
    """The sentence of ``text`` that starts with ``lead``, or ''."""
    start = text.find(lead)
    if start < 0:
        return ""
    end = text.find(".", start + len(lead))
    while end >= 0 and "”" in text[end:end + 2]:  # a full stop inside a quoted label
        end = text.find(".", end + 1)
    return text[start:end + 1 if end >= 0 else None]


def labels(ids) -> set[str]:
    return {QUESTIONS[qid]["label"] for qid in ids}


def reads(condition: str) -> list[str]:
    return [n.value for n in names(parse(condition))]


def stage_call(condition: str) -> list[str]:
    """The frameworks a condition compares the stage of with ==."""
    return re.findall(r"stage\('([^']+)'\)\s*==", condition)


@SEARCH
@given(answer_sets())
def test_milestone_whys_name_exactly_the_open_questions(answers):
    result = score(answers)
    assume(result is not None)
    for mid, outcome in result["milestones"].items():
        ids = reads(MILESTONES[mid]["condition"])
        unanswered = {qid for qid in ids if answers.get(qid) is None}
        why = outcome["why"]
        if outcome["status"] == "unknown":
            assert quoted(part(why, "Unknown until you answer")) == labels(unanswered), (mid, why)
        else:
            assert "not answered" not in why and "Unknown until" not in why, (mid, why)
        said_no = {label for label in quoted(why) if f"you answered no to “{label}”" in why}
        assert said_no == labels(q for q in ids if answers.get(q) is False), (mid, why)


@SEARCH
@given(answer_sets())
def test_the_next_goal_named_is_the_one_evaluated_unmet(answers):
    result = score(answers)
    assume(result is not None)
    goal, why = result["next_goal"], result["next_goal_why"]
    if goal is None:
        assert all(m["status"] == "met" for m in result["milestones"].values())
        return
    status = result["milestones"][goal]["status"]
    assert status != "met"
    named = f"{goal} ({MILESTONES[goal]['title']})"
    assert (f"{named} is not met yet" in why) == (status == "not_met"), why
    assert (f"{named} is not answered yet" in why) == (status == "unknown"), why
    if not MILESTONES[goal].get("optional"):
        below = [m for m in MILESTONES if m == goal or not MILESTONES[m].get("optional")]
        below = below[: below.index(goal)]
        if below:
            said = why.split(" is met;" if len(below) == 1 else " are met;")[0]
            assert said.split(", ") == below, why
            assert all(result["milestones"][m]["status"] == "met" for m in below)


@SEARCH
@given(answer_sets())
def test_a_raised_flag_names_the_answers_behind_it(answers):
    result = score(answers)
    assume(result is not None and result["flags"])
    for flag in result["flags"]:
        condition = next(f["condition"] for f in COMPILED["flags"] if f["id"] == flag["id"])
        why = flag["why"]
        for cid in re.findall(r"checklist\('([^']+)'\)", condition):
            no = [qid for qid in CHECKLISTS[cid]["items"] if answers.get(qid) is False]
            assert quoted(part(why, "You answered no to")) == labels(no), why
        for fid in stage_call(condition):
            stages = FRAMEWORKS[fid]["stages"]
            ids = [s["id"] for s in stages]
            here = ids.index(result["stages"][fid])
            if here + 1 == len(stages):
                assert "To reach" not in why
                continue
            following = stages[here + 1]
            needed = [qid for qid in reads(following["when"]) if answers.get(qid) is not True]
            sentence = part(why, f"To reach {following['title']}")
            assert quoted(sentence) == labels(needed), why
            for qid in needed:
                word = "you answered no to" if answers.get(qid) is False else "is not answered yet"
                label = QUESTIONS[qid]["label"]
                assert f"{word} “{label}”" in sentence or f"“{label}” {word}" in sentence, sentence


def test_the_flags_that_read_answers_through_a_checklist_or_a_stage_exist():
    """The last property is not empty: this knowledge base has a flag of each kind."""
    conditions = [f["condition"] for f in COMPILED["flags"]]
    assert any("checklist(" in c for c in conditions)
    assert any(stage_call(c) for c in conditions)


@pytest.mark.parametrize("answers, lead, expected", [
    ({"paying_customers": 6, **dict.fromkeys(CHECKLISTS["pmf-repeatability"]["items"], False), "knows_target_customers": True},
     "You answered no to", 6),
    ({"scale_commitment": True, "understands_customer_problems": True, "features_solve_problems": True,
      "found_visionary_customers": False}, "To reach Customer validation", 1),
])
def test_one_named_set_each(answers, lead, expected):
    """Readable examples of the properties above: velocity names its six no answers; execution
    before learning names the one discovery question still open, not all three."""
    result = ENGINE.score(answers)
    (why,) = [f["why"] for f in result["flags"] if lead in f["why"]]
    assert len(quoted(part(why, lead))) == expected, why
