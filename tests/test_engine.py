"""The scoring engine: statuses and explanations at every threshold, the next goal, the smallest change,
JSON in and out, determinism, and purity (standard library only, no I/O)."""

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
RULES = compile_rules(load_rules(ROOT))
ENGINE = Engine(RULES)

ALL_M1_TO_M6 = dict(sales_calls_per_week=5, paying_customers=30, hell_yes_customers=27, sqls=31, sqls_won=10)
EVERYTHING = dict(ALL_M1_TO_M6, scalable_pipeline_source=True, metrics_held_with_reps=True)

HELL_YES_LABEL = "“How many of them are a \"hell yes\" after the sale?”"
PIPELINE_LABEL = "“Does one scalable pipeline source work and pay for itself?”"
REPS_LABEL = "“Did your sales and customer-success numbers hold after reps took over selling?”"


def score(**answers):
    return ENGINE.score(answers)


@pytest.mark.parametrize(
    "answers, milestone, status, why",
    [
        ({"sales_calls_per_week": 4}, "m1", "not_met", "Not met: 4 sales calls a week (needs at least 5)."),
        ({"sales_calls_per_week": 4.5}, "m1", "not_met", "Not met: 4.5 sales calls a week (needs at least 5)."),
        ({"sales_calls_per_week": 5}, "m1", "met", "Met: 5 sales calls a week (needs at least 5)."),
        ({"sales_calls_per_week": 6}, "m1", "met", "Met: 6 sales calls a week (needs at least 5)."),
        ({"sales_calls_per_week": 1}, "m1", "not_met", "Not met: 1 sales call a week (needs at least 5)."),
        ({}, "m1", "unknown", "Unknown until you answer: “How many sales calls do you hold in a week?”."),
        ({"paying_customers": 0}, "m2", "not_met", "Not met: 0 paying customers (needs at least 1)."),
        ({"paying_customers": 1}, "m2", "met", "Met: 1 paying customer (needs at least 1)."),
        ({"paying_customers": 4, "hell_yes_customers": 1}, "m3", "not_met",
         "Not met: 4 paying customers (needs at least 5). Already there: 1 hell-yes customer (needs at least 1)."),
        ({"paying_customers": 5, "hell_yes_customers": 0}, "m3", "not_met",
         "Not met: 0 hell-yes customers (needs at least 1). Already there: 5 paying customers (needs at least 5)."),
        ({"paying_customers": 5, "hell_yes_customers": 1}, "m3", "met",
         "Met: 5 paying customers (needs at least 5); 1 hell-yes customer (needs at least 1)."),
        ({"paying_customers": 5}, "m3", "unknown",
         f"Unknown until you answer: {HELL_YES_LABEL}. Already there: 5 paying customers (needs at least 5)."),
        ({"paying_customers": 9, "hell_yes_customers": 4}, "m4", "not_met", "Not met: 4 hell-yes customers (needs at least 5)."),
        ({"paying_customers": 9, "hell_yes_customers": 5}, "m4", "met", "Met: 5 hell-yes customers (needs at least 5)."),
        ({"paying_customers": 20, "hell_yes_customers": 20}, "m5", "not_met",
         "Not met: 20 paying customers (needs more than 20). "
         "Already there: 20 hell-yes customers out of 20 paying customers = 100% (needs at least 90%)."),
        ({"paying_customers": 21, "hell_yes_customers": 19}, "m5", "met",
         "Met: 21 paying customers (needs more than 20); 19 hell-yes customers out of 21 paying customers = 90.5% (needs at least 90%)."),
        ({"paying_customers": 21, "hell_yes_customers": 18}, "m5", "not_met",
         "Not met: 18 hell-yes customers out of 21 paying customers = 85.7% (needs at least 90%). "
         "Already there: 21 paying customers (needs more than 20)."),
        ({"paying_customers": 30, "hell_yes_customers": 27}, "m5", "met",
         "Met: 30 paying customers (needs more than 20); 27 hell-yes customers out of 30 paying customers = 90% (needs at least 90%)."),
        ({"paying_customers": 29, "hell_yes_customers": 26}, "m5", "not_met",
         "Not met: 26 hell-yes customers out of 29 paying customers = 89.7% (needs at least 90%). "
         "Already there: 29 paying customers (needs more than 20)."),
        ({"paying_customers": 10000, "hell_yes_customers": 8999}, "m5", "not_met",  # never a rounded-up 90.0%
         "Not met: 8,999 hell-yes customers out of 10,000 paying customers = 89.99% (needs at least 90%). "
         "Already there: 10,000 paying customers (needs more than 20)."),
        ({"paying_customers": 0, "hell_yes_customers": 0}, "m5", "not_met",
         "Not met: 0 paying customers (needs more than 20); "
         "0 hell-yes customers out of 0 paying customers = undefined, since it divides by zero (needs at least 90%)."),
        ({"sqls": 30, "sqls_won": 15}, "m6", "not_met",
         "Not met: 30 SQLs (needs more than 30). Already there: 15 closed-won deals out of 30 SQLs = 50% (needs at least 30%)."),
        ({"sqls": 31, "sqls_won": 9}, "m6", "not_met",
         "Not met: 9 closed-won deals out of 31 SQLs = 29.0% (needs at least 30%). Already there: 31 SQLs (needs more than 30)."),
        ({"sqls": 40, "sqls_won": 12}, "m6", "met",
         "Met: 40 SQLs (needs more than 30); 12 closed-won deals out of 40 SQLs = 30% (needs at least 30%)."),
        ({"sqls": 31}, "m6", "unknown",
         "Unknown until you answer: “How many of those SQLs closed as won?”. Already there: 31 SQLs (needs more than 30)."),
        ({"scalable_pipeline_source": True}, "m7", "met", f"Met: you answered yes to {PIPELINE_LABEL} (needs yes)."),
        ({"scalable_pipeline_source": False}, "m7", "not_met", f"Not met: you answered no to {PIPELINE_LABEL} (needs yes)."),
        ({}, "m7", "unknown", f"Unknown until you answer: {PIPELINE_LABEL}."),
        ({"metrics_held_with_reps": False}, "m8", "not_met", f"Not met: you answered no to {REPS_LABEL} (needs yes)."),
        ({}, "m8", "unknown", f"Unknown until you answer: {REPS_LABEL}."),
    ],
)
def test_status_and_why_at_the_thresholds(answers, milestone, status, why):
    assert score(**answers)["milestones"][milestone] == {"status": status, "why": why}


@pytest.mark.parametrize(
    "answers, milestone",
    [({"sales_calls_per_week": 4.9999}, "m1"), ({"sales_calls_per_week": 4.99999}, "m1")],
)
def test_why_never_rounds_a_miss_onto_the_threshold(answers, milestone):
    why = score(**answers)["milestones"][milestone]["why"]
    assert why != "Not met: 5 sales calls a week (needs at least 5)."


@pytest.mark.parametrize(
    "answers, next_goal, why",
    [
        ({}, "m1", "m1 (5+ sales calls a week, kept up) is not answered yet, and it is the lowest milestone that is not met."),
        ({**ALL_M1_TO_M6, "sales_calls_per_week": 4}, "m1",
         "m1 (5+ sales calls a week, kept up) is not met yet, and it is the lowest milestone that is not met."),
        ({"sales_calls_per_week": 5}, "m2",
         "m1 is met; m2 (1 paying customer) is not answered yet, and it is the lowest milestone that is not met."),
        ({"sales_calls_per_week": 6, "paying_customers": 2}, "m3",
         "m1, m2 are met; m3 (5 paying customers, 1 of them a hell-yes) is not met yet, and it is the lowest milestone that is not met."),
        (ALL_M1_TO_M6, "m7",
         "m7 (One scalable pipeline source that pays for itself) is not answered yet. "
         "Every required milestone is met, so this optional one is next if you want to grow faster."),
        ({**EVERYTHING, "metrics_held_with_reps": False}, "m8",
         "m8 (Sales and success numbers hold with reps selling) is not met yet. "
         "Every required milestone is met, so this optional one is next if you want to grow faster."),
        (EVERYTHING, None, "Every milestone is met: hold each of them while you grow."),
    ],
)
def test_next_goal_and_why(answers, next_goal, why):
    result = ENGINE.score(answers)
    assert (result["next_goal"], result["next_goal_why"]) == (next_goal, why)


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
    result = score(**answers)
    change = result["next_goal_change"]
    assert change["text"] == text
    if not change["answer_first"]:
        after = {**answers, **{c["id"]: c["to"] for c in change["changes"]}}
        assert score(**after)["milestones"][result["next_goal"]]["status"] == "met", "the proposed change really meets the goal"


def test_no_change_when_everything_is_met():
    result = score(**EVERYTHING)
    assert result["next_goal"] is None and result["next_goal_change"] is None


def test_stage_and_flag_explanations_carry_the_values():
    result = score(annual_revenue_usd=1200000, optimal_selling_strategy=False, products_count=3, product_market_fit=False)
    assert result["stages"]["spinning-plates"] == "stage-1"
    assert result["stage_details"]["spinning-plates"]["settled"] is True
    flags = {f["id"]: f for f in result["flags"]}
    assert flags["revenue-without-fit"]["why"] == (
        "Raised because: $1,200,000 of revenue over the last 12 months, which is at least $1,000,000; "
        "Spinning Plates stage is Getting to $1M. "
        "To reach All three in place (our name): you answered no to “Have you found the right product for the right market?” (needs yes); "
        "“Is your marketing message tested and tuned to that market?” is not answered yet (needs yes); "
        "you answered no to “Have you worked out a repeatable way to sell the product?” (needs yes)."
    )
    assert flags["products-before-fit"]["see"] == ["flags/products-before-fit/"]


def test_flag_why_never_rounds_onto_the_threshold():
    result = score(scale_commitment=True, demand_vs_forecast=0.4999)
    (flag,) = [f for f in result["flags"] if f["id"] == "premature-scaling"]
    assert "which is less than 0.5" in flag["why"] and "demand at 0.5 times" not in flag["why"]


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
    assert {"spinning-plates", "cxo-atlas"} <= set(result["stages"])


@pytest.mark.parametrize(
    "answers, problems",
    [
        ({"paying_customers": 2, "hell_yes_customers": 3, "sqls": -1, "bogus": 1}, [
            ("sqls", "expected a whole number of at least 0, got -1"),
            ("bogus", "unknown answer id"),
            ("hell_yes_customers", "hell-yes customers can't exceed paying customers (you gave 3 hell-yes customers and 2 paying customers)"),
        ]),
        ({"sqls": 10, "sqls_won": 11}, [
            ("sqls_won", "deals won can't exceed the SQLs they came from (you gave 11 closed-won deals and 10 SQLs)"),
        ]),
        ({"sales_calls_per_week": -0.5}, [("sales_calls_per_week", "expected a number of at least 0, got -0.5")]),
        ({"paying_customers": 2.5}, [("paying_customers", "expected a whole number, got 2.5")]),
        ({"paying_customers": "five"}, [("paying_customers", "expected a whole number, got the text 'five'")]),
        ({"paying_customers": True}, [("paying_customers", "expected a whole number, got true")]),
        ({"product_market_fit": "yes"}, [("product_market_fit", "expected true or false, got the text 'yes'")]),
        ({"product_market_fit": 1}, [("product_market_fit", "expected true or false, got 1")]),
        ({"paying_custmers": 3}, [("paying_custmers", "unknown answer id (did you mean 'paying_customers'?)")]),
        ({"sqls": float("nan")}, [("sqls", "expected a whole number, got nan")]),
        ([], [("", "answers must be a mapping of answer id to value, not a list")]),
        ("paying_customers: 3", [("", "answers must be a mapping of answer id to value, not text")]),
    ],
)
def test_invalid_answers_raise_with_every_problem(answers, problems):
    with pytest.raises(InvalidAnswers) as err:
        ENGINE.score(answers)
    assert [(p.id, p.message) for p in err.value.problems] == problems
    assert ENGINE.check(answers)[1] == err.value.problems


def test_check_returns_clean_answers():
    clean, problems = ENGINE.check({"paying_customers": 5.0, "sales_calls_per_week": 4.5, "sqls": None})
    assert problems == [] and clean == {"paying_customers": 5, "sales_calls_per_week": 4.5}
    assert type(clean["paying_customers"]) is int  # a whole float for an integer question becomes an int


# --- JSON in and out ------------------------------------------------------------------------------------


def test_score_json_ok_round_trip():
    answers = {"sales_calls_per_week": 6, "paying_customers": 3}
    reply = json.loads(ENGINE.score_json(json.dumps(answers)))
    assert reply["ok"] is True and set(reply) == {"ok", "result"}
    assert reply["result"] == json.loads(json.dumps(ENGINE.score(answers)))
    assert reply["result"]["next_goal"] == "m3"
    assert reply["result"]["milestones"]["m1"] == {"status": "met", "why": "Met: 6 sales calls a week (needs at least 5)."}


@pytest.mark.parametrize(
    "text, problems",
    [
        ('{"sqls": 10, "sqls_won": 11}',
         [{"id": "sqls_won", "message": "deals won can't exceed the SQLs they came from (you gave 11 closed-won deals and 10 SQLs)"}]),
        ('{"product_market_fit": "yes", "bogus": 1}',
         [{"id": "product_market_fit", "message": "expected true or false, got the text 'yes'"},
          {"id": "bogus", "message": "unknown answer id"}]),
        ("[1, 2]", [{"id": "", "message": "answers must be a mapping of answer id to value, not a list"}]),
        ("{oops", [{"id": "", "message": "answers are not valid JSON (line 1, column 2)"}]),
        ("", [{"id": "", "message": "answers are not valid JSON (line 1, column 1)"}]),
    ],
)
def test_score_json_invalid_round_trip(text, problems):
    assert json.loads(ENGINE.score_json(text)) == {"ok": False, "problems": problems}


def test_score_json_keeps_non_ascii_text():
    assert "“" in ENGINE.score_json("{}")  # ensure_ascii=False: the quotes of a question label arrive as written


# --- determinism --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"sales_calls_per_week": 6, "paying_customers": 3},
        dict(EVERYTHING, products_count=2, product_market_fit=False, annual_revenue_usd=1_500_000),
        {"paying_customers": 21, "hell_yes_customers": 19, "scale_commitment": True, "demand_vs_forecast": 0.25},
        {"sqls": 10, "sqls_won": 11},
    ],
    ids=["nothing", "early", "everything", "ratios", "invalid"],
)
def test_same_answers_give_identical_json(answers):
    text = json.dumps(answers)
    first = ENGINE.score_json(text)
    assert ENGINE.score_json(text) == first
    assert Engine(compile_rules(load_rules(ROOT))).score_json(text) == first, "a fresh engine from the same rules agrees"
    assert Engine.from_json(json.dumps(RULES)).score_json(text) == first, "so does one built from the rules as JSON"


def test_answer_order_does_not_matter_to_a_valid_score():
    answers = dict(EVERYTHING, products_count=2, product_market_fit=False)
    backwards = dict(reversed(list(answers.items())))
    assert ENGINE.score_json(json.dumps(backwards)) == ENGINE.score_json(json.dumps(answers))


def test_scoring_does_not_change_the_answers_or_the_rules():
    answers = {"sales_calls_per_week": 6, "paying_customers": 5.0}
    before_rules = json.dumps(RULES, sort_keys=True, default=str)
    ENGINE.score(answers)
    assert answers == {"sales_calls_per_week": 6, "paying_customers": 5.0}
    assert json.dumps(RULES, sort_keys=True, default=str) == before_rules


def test_an_engine_refuses_rules_of_another_format():
    with pytest.raises(ValueError, match="compiled rules have format 2; this engine reads 1"):
        Engine({**RULES, "format": 2})


# --- purity: the package runs unchanged under Pyodide ------------------------------------------------------

SCORING = ROOT / "generator" / "scoring"
ENGINE_FILES = sorted(SCORING.glob("*.py"))
OWN_MODULES = {p.stem for p in ENGINE_FILES}
FORBIDDEN_MODULES = {"os", "sys", "io", "pathlib", "subprocess", "socket", "urllib", "http", "shutil", "tempfile", "importlib"}
FORBIDDEN_NAMES = {"open", "print", "input", "exec", "eval", "compile", "__import__", "breakpoint"}


def _imports(tree: ast.AST):
    """(line, module, relative level) for every import in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, 0
        elif isinstance(node, ast.ImportFrom):
            if node.level and node.module is None:
                for alias in node.names:
                    yield node.lineno, alias.name, node.level
            else:
                yield node.lineno, node.module, node.level


def test_the_engine_files_are_found():
    assert {"engine", "expr", "answers", "__init__"} <= OWN_MODULES


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_imports_are_standard_library_or_relative(path: Path):
    for line, module, level in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.name}:{line}"
        if level:
            assert level == 1, f"{where} imports from outside generator/scoring (level {level}), which is not shipped to the browser"
            assert module.split(".")[0] in OWN_MODULES, f"{where} imports .{module}, which is not in generator/scoring"
            continue
        top = module.split(".")[0]
        assert top != "generator", f"{where} imports {module} absolutely; use a relative import"
        assert top in sys.stdlib_module_names, f"{where} imports {module}, which is not in the standard library"
        assert top not in FORBIDDEN_MODULES, f"{where} imports {module}, which does I/O or reaches outside the engine"


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_no_io_or_dynamic_code(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = sorted({(node.lineno, node.id) for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES})
    assert used == [], f"{path.name} uses {used}"
    attributes = sorted({(node.lineno, node.attr) for node in ast.walk(tree)
                         if isinstance(node, ast.Attribute) and node.attr in {"open", "read_text", "write_text", "system"}})
    assert attributes == [], f"{path.name} uses {attributes}"


def test_the_purity_check_catches_what_it_forbids():
    bad = "import os\nfrom generator.rules import load\nfrom ..rules import model\nopen('x')\nprint(1)\n"
    tree = ast.parse(bad)
    assert list(_imports(tree)) == [(1, "os", 0), (2, "generator.rules", 0), (3, "rules", 2)]
    assert {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} & FORBIDDEN_NAMES == {"open", "print"}


def test_raised_warnings_come_most_severe_first():
    result = score(product_market_fit=True, message_market_match=True, optimal_selling_strategy=True,
                   annual_revenue_usd=500_000, scale_commitment=True, demand_vs_forecast=0.2)
    assert [(f["id"], f["severity"]) for f in result["flags"]] == [("premature-scaling", "high"), ("too-niche", "low")]
