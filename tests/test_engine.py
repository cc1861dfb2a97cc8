"""The scoring engine: explanations with real numbers, the smallest change, JSON in and out, purity."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from generator.rules.compile import compile_rules
from generator.rules.load import load_rules
from generator.scoring import Engine, InvalidAnswers

ROOT = Path(__file__).resolve().parents[1]
ENGINE = Engine(compile_rules(load_rules(ROOT)))


def score(**answers):
    return ENGINE.score(answers)


@pytest.mark.parametrize(
    "answers, milestone, why",
    [
        ({"sales_calls_per_week": 6}, "m1", "Met: 6 sales calls a week (needs at least 5)."),
        ({"sales_calls_per_week": 1}, "m1", "Not met: 1 sales call a week (needs at least 5)."),
        ({}, "m1", "Unknown until you answer: “How many sales calls do you hold in a week?”."),
        ({"paying_customers": 5}, "m3",
         "Unknown until you answer: “How many of them are a \"hell yes\" after the sale?”. Already there: 5 paying customers (needs at least 5)."),
        ({"paying_customers": 21, "hell_yes_customers": 18}, "m5",
         "Not met: 18 hell-yes customers out of 21 paying customers = 85.7% (needs at least 90%). "
         "Already there: 21 paying customers (needs more than 20)."),
        ({"paying_customers": 30, "hell_yes_customers": 27}, "m5",
         "Met: 30 paying customers (needs more than 20); 27 hell-yes customers out of 30 paying customers = 90% (needs at least 90%)."),
        ({"sqls": 31, "sqls_won": 9}, "m6",
         "Not met: 9 closed-won deals out of 31 SQLs = 29.0% (needs at least 30%). Already there: 31 SQLs (needs more than 30)."),
        ({"scalable_pipeline_source": False}, "m7",
         "Not met: you answered no to “Does one scalable pipeline source work and pay for itself?” (needs yes)."),
    ],
)
def test_why_states_the_real_numbers(answers, milestone, why):
    assert score(**answers)["milestones"][milestone]["why"] == why


@pytest.mark.parametrize(
    "answers, text",
    [
        ({"sales_calls_per_week": 3}, "2 more sales calls a week."),
        ({"sales_calls_per_week": 6, "paying_customers": 3, "hell_yes_customers": 0}, "2 more paying customers and 1 more hell-yes customer."),
        ({"sales_calls_per_week": 6, "paying_customers": 3, "hell_yes_customers": 3}, "2 more paying customers."),
        ({"sales_calls_per_week": 6, "paying_customers": 10, "hell_yes_customers": 5},
         "11 more paying customers and 14 more hell-yes customers."),
        ({"sales_calls_per_week": 6, "paying_customers": 25, "hell_yes_customers": 20}, "3 more hell-yes customers."),
        ({"sales_calls_per_week": 6, "paying_customers": 25, "hell_yes_customers": 25, "sqls": 10, "sqls_won": 2},
         "21 more SQLs and 8 more closed-won deals."),
        ({"sales_calls_per_week": 6, "paying_customers": 3},
         "Answer “How many of them are a \"hell yes\" after the sale?”; then 2 more paying customers."),
        ({"sales_calls_per_week": 6, "paying_customers": 25, "hell_yes_customers": 25, "sqls": 31, "sqls_won": 10,
          "scalable_pipeline_source": False}, "A yes to “Does one scalable pipeline source work and pay for itself?”."),
    ],
)
def test_smallest_change_toward_the_next_goal(answers, text):
    change = score(**answers)["next_goal_change"]
    assert change["text"] == text
    after = {**answers, **{c["id"]: c["to"] for c in change["changes"]}}
    goal = score(**answers)["next_goal"]
    if not change["answer_first"]:
        assert score(**after)["milestones"][goal]["status"] == "met", "the proposed change really meets the goal"


def test_no_change_when_everything_is_met():
    answers = dict(sales_calls_per_week=5, paying_customers=30, hell_yes_customers=27, sqls=31, sqls_won=10,
                   scalable_pipeline_source=True, metrics_held_with_reps=True)
    result = score(**answers)
    assert result["next_goal"] is None and result["next_goal_change"] is None
    assert result["next_goal_why"] == "Every milestone is met: hold each of them while you grow."


def test_next_goal_why_names_what_is_met():
    result = score(sales_calls_per_week=6, paying_customers=2)
    assert result["next_goal_why"] == (
        "m1, m2 are met; m3 (5 paying customers, 1 of them a hell-yes) is not met yet, and it is the lowest milestone that is not met."
    )


def test_stage_and_flag_explanations_carry_the_values():
    result = score(annual_revenue_usd=1200000, optimal_selling_strategy=False, products_count=3, product_market_fit=False)
    assert result["stages"]["spinning-plates"] == "stage-1"
    assert result["stage_details"]["spinning-plates"]["settled"] is True
    flags = {f["id"]: f for f in result["flags"]}
    assert flags["revenue-without-fit"]["why"] == (
        "Raised because: $1,200,000 of revenue over the last 12 months, which is at least $1,000,000; "
        "Spinning Plates stage is Stage 1: Getting to $1M."
    )
    assert flags["products-before-fit"]["see"] == ["flags/products-before-fit/"]


def test_checklist_lists_unanswered_items():
    result = score(knows_target_customers=True, junior_reps_close=False)
    assert result["checklists"]["pmf-repeatability"] == {
        "yes": 1, "of": 7, "answered": 2,
        "unanswered": ["knows_buyers_and_budget", "knows_marketing_channels", "single_marketing_message",
                       "repeatable_sales_process", "roadmap_aligned"],
    }


def test_contract_keys_are_present():
    result = score()
    assert {"milestones", "next_goal", "stages", "flags", "checklists"} <= set(result)
    assert list(result["milestones"]) == [f"m{i}" for i in range(1, 9)]
    assert set(result["stages"]) == {"spinning-plates", "cxo-atlas", "four-steps", "milestone-ladder"}


def test_invalid_answers_raise_with_every_problem():
    with pytest.raises(InvalidAnswers) as err:
        ENGINE.score({"paying_customers": 2, "hell_yes_customers": 3, "sqls": -1, "bogus": 1})
    assert [(p.id, p.message) for p in err.value.problems] == [
        ("sqls", "expected a whole number of at least 0, got -1"),
        ("bogus", "unknown answer id"),
        ("hell_yes_customers", "hell-yes customers can't exceed paying customers (you gave 3 hell-yes customers and 2 paying customers)"),
    ]


def test_score_json_round_trip_and_determinism():
    text = json.dumps({"sales_calls_per_week": 6, "paying_customers": 3})
    first, second = ENGINE.score_json(text), ENGINE.score_json(text)
    assert first == second
    reply = json.loads(first)
    assert reply["ok"] is True and reply["result"]["next_goal"] == "m3"
    assert json.loads(ENGINE.score_json("[1, 2]")) == {
        "ok": False, "problems": [{"id": "", "message": "answers must be a mapping of answer id to value, not a list"}]
    }
    assert json.loads(ENGINE.score_json("{oops"))["problems"][0]["message"] == "answers are not valid JSON (line 1, column 2)"


ENGINE_FILES = sorted((ROOT / "generator" / "scoring").glob("*.py"))
FORBIDDEN_MODULES = {"os", "sys", "io", "pathlib", "subprocess", "socket", "urllib", "http", "shutil", "tempfile", "importlib"}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "compile", "__import__"}


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_engine_is_pure_standard_library(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [] if node.level else [node.module.split(".")[0]]
        else:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {node.func.id}()"
            continue
        for module in modules:
            assert module in sys.stdlib_module_names or module == "__future__", f"{path.name}:{node.lineno} imports {module}"
            assert module not in FORBIDDEN_MODULES, f"{path.name}:{node.lineno} imports {module}, which does I/O"
