"""Every rule case in rules/tests/*.yaml, one pytest test each, on CPython.

(The Pyodide parity test scores the same answers in the browser's runtime.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.rules.cases import case_failures
from generator.rules.compile import compile_rules
from generator.rules.load import load_rules
from generator.scoring import Engine

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(ROOT)
ENGINE = Engine(compile_rules(RULES))
CASES = [pytest.param(case, id=f"{Path(file.rel).stem}: {case['name']}") for file, case in RULES.cases]


def test_there_are_enough_cases_on_both_sides():
    assert len(CASES) >= 60
    flags_seen = {f for _, c in RULES.cases for key in ("flags", "flags_include") for f in c["expect"].get(key, [])}
    flags_cleared = {f for _, c in RULES.cases for f in c["expect"].get("flags_exclude", [])} | {
        f for _, c in RULES.cases if c["expect"].get("flags") == [] for f in RULES.flags
    }
    assert flags_seen == set(RULES.flags), "every flag needs a case that raises it"
    assert flags_cleared == set(RULES.flags), "every flag needs a case that does not raise it"
    stages_seen = {(fid, sid) for _, c in RULES.cases for fid, sid in c["expect"].get("stages", {}).items()}
    assert stages_seen == {(fid, s["id"]) for fid, f in RULES.frameworks.items() for s in f["stages"]}


@pytest.mark.parametrize("case", CASES)
def test_rule_case(case):
    assert case_failures(ENGINE, case) == []


MILESTONE_CASES = [case for file, case in RULES.cases if file.rel.endswith("milestones.yaml")]


def test_there_are_at_least_60_milestone_cases():
    assert len(MILESTONE_CASES) >= 60


@pytest.mark.parametrize("milestone", [f"m{i}" for i in range(1, 9)])
def test_each_milestone_is_seen_met_not_met_and_unknown(milestone):
    seen = {case["expect"].get("milestones", {}).get(milestone) for case in MILESTONE_CASES} - {None}
    assert seen == {"met", "not_met", "unknown"}


def test_every_next_goal_is_expected_somewhere():
    goals = {case["expect"]["next_goal"] for case in MILESTONE_CASES if "next_goal" in case["expect"]}
    assert goals == {f"m{i}" for i in range(1, 9)} | {None}


@pytest.mark.parametrize(
    "answer_id",
    ["sales_calls_per_week", "paying_customers", "hell_yes_customers", "sqls", "sqls_won", "product_market_fit", "paying_custmers"],
)
def test_invalid_answers_are_covered(answer_id):
    assert any(answer_id in case["expect"].get("invalid", []) for case in MILESTONE_CASES)


def test_case_names_are_unique():
    names = [case["name"] for _, case in RULES.cases]
    assert len(names) == len(set(names))


def test_rule_cases_do_not_pay_for_ask_next(monkeypatch):
    """No case asserts ask_next, and it costs more than the rest of a score: `check` runs every case, so it skips it."""
    case = next(case for _, case in RULES.cases if "invalid" not in case["expect"])
    asked = []
    monkeypatch.setattr(ENGINE.asker, "ask_next", lambda answers: asked.append(answers) or [])
    assert case_failures(ENGINE, case) == []
    assert asked == []
    assert "ask_next" in ENGINE.score(case["answers"])  # while score's own result keeps it
    assert asked
