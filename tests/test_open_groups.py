"""Question groups open on the form when their `open_when` holds: the rules decide, the engine evaluates."""

from __future__ import annotations

import pytest

from generator.rules.compile import compile_rules
from generator.rules.load import load_rules
from generator.scoring import Engine
from tests.conftest import ROOT

RULES = compile_rules(load_rules(ROOT))
ENGINE = Engine(RULES)


def test_compiled_groups_carry_their_condition_and_stages_their_actions():
    groups = {g["id"]: g for g in RULES["groups"]}
    assert "open_when" not in groups["traction"]  # always open
    assert groups["scaling"]["open_when"]
    assert all(s.get("this_week") for f in RULES["frameworks"] for s in f["stages"]), "every stage has this-week actions"
    assert RULES["crosswalk_main"] == "milestone-ladder"


@pytest.mark.parametrize("answers, opened", [
    ({}, []),  # nothing known: only the groups without a condition are open
    ({"paying_customers": 2}, ["discovery"]),
    ({"paying_customers": 8}, ["fit"]),
    ({"paying_customers": 30, "hell_yes_customers": 28, "sqls": 40, "sqls_won": 20, "sales_calls_per_week": 6},
     ["fit", "sales-engine", "scaling"]),
    ({"annual_revenue_usd": 2_000_000}, ["scaling"]),
])
def test_open_groups_follow_the_answers(answers, opened):
    assert sorted(ENGINE.score(answers)["open_groups"]) == opened
