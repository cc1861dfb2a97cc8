"""ask_next: the unanswered questions that can still change the next goal, the main stage or a warning.

Held to the evaluation itself: a question left out changes none of them,
whatever value it takes; an empty list means every outcome is decided; the
engine's shortcut values equal the full score's. And the quick path it
drives meets its targets over the corpus of answer profiles.
"""

from __future__ import annotations

import json
import math
import random
from functools import cache
from pathlib import Path

import pytest

from generator.ask_bench import follow, quick_paths
from generator.corpus import answer_sets
from generator.rules.compile import compile_rules
from generator.rules.load import load_rules
from generator.scoring import Engine
from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[1]
RULES = compile_rules(load_rules(ROOT))
ENGINE = Engine(RULES)
MAIN = RULES["crosswalk_main"]
PLANTS = Engine(compile_rules(load_rules(ROOT / "tests" / "fixtures" / "plant-kb")))


def outcome(engine: Engine, answers: dict) -> tuple:
    """What ask_next promises about: the next goal, the main framework's stage, the raised warnings.

    The full score without its ``ask_next`` (``ask=False``): these outcomes are computed the same either way, and the
    list is what the tests hold to them, so it must not be what computes them (and it is over half a score's cost)."""
    result = engine.score(answers, ask=False)
    return result["next_goal"], result["stages"].get(MAIN), sorted(f["id"] for f in result["flags"])


@cache
def corpus_figures() -> dict:
    """The quick path's figures over the corpus, followed once for the two tests that read them (pure: the same
    rules and corpus give the same figures)."""
    return quick_paths(ROOT)["figures"]


def states(count: int, seed: int, keep: float = 0.6) -> list[dict]:
    """Valid partial answer sets: corpus profiles with a random share of their answers dropped."""
    rng = random.Random(seed)
    found = []
    for profile in answer_sets(RULES["questions"], count * 2, seed, RULES["constraints"]):
        clean, problems = ENGINE.check(profile)
        if not problems:
            found.append({k: v for k, v in clean.items() if rng.random() < keep})
    return found[:count]


def values_for(question: dict) -> list:
    if question["type"] == "boolean":
        return [True, False]
    if question["type"] == "choice":
        return question["choices"]
    return [0, 0.04, 0.45, 0.5, 1, 2, 3, 4, 4.5, 5, 6, 10, 20, 21, 25, 29, 30, 31, 40, 999_999, 1_000_000]


def test_from_an_empty_form_the_next_goals_input_comes_first():
    assert ENGINE.score({})["ask_next"][0] == "sales_calls_per_week"


@pytest.mark.parametrize("answers, first", [
    ({"sales_calls_per_week": 10}, "paying_customers"),
    ({"sales_calls_per_week": 10, "paying_customers": 6}, "hell_yes_customers"),
    ({"sales_calls_per_week": 10, "paying_customers": 30, "hell_yes_customers": 29}, "sqls"),
    ({"sales_calls_per_week": 10, "paying_customers": 30, "hell_yes_customers": 29, "sqls": 40}, "sqls_won"),
])
def test_the_next_goals_own_inputs_come_first(answers, first):
    assert ENGINE.score(answers)["ask_next"][0] == first


def test_goal_and_stage_questions_come_before_warning_only_ones():
    ranked = ENGINE.asker.open_questions({"sales_calls_per_week": 10})
    kinds = [bool({"next_goal", "stage"} & changes) for _, changes in ranked]
    assert kinds == sorted(kinds, reverse=True) and kinds[0] and not kinds[-1]


def test_decided_goal_and_stage_leave_only_the_warnings_still_open():
    """m1 unmet decides the goal and the stage; a paying customer can still raise calls-dropped."""
    ranked = dict(ENGINE.asker.open_questions({"sales_calls_per_week": 1}))
    assert all(kind[0] == "flag" for changes in ranked.values() for kind in changes)
    assert ("flag", "calls-dropped") in ranked["paying_customers"]
    assert ranked["products_count"] == {("flag", "products-before-fit")}


def test_a_raised_warning_is_decided_and_no_longer_asks():
    answers = {"products_count": 3, "product_market_fit": False, "sales_calls_per_week": 1}
    assert "products-before-fit" in outcome(ENGINE, answers)[2]
    assert all(("flag", "products-before-fit") not in changes for _, changes in ENGINE.asker.open_questions(answers))


def test_nothing_to_ask_once_every_answer_is_given():
    answers = {q["id"]: (True if q["type"] == "boolean" else 10) for q in RULES["questions"]} | {"demand_vs_forecast": 1}
    assert ENGINE.score(answers)["ask_next"] == []


@pytest.mark.parametrize("seed", [1, 2])
def test_a_question_left_out_changes_nothing_whatever_its_value(seed):
    for answers in states(40, seed):
        before = outcome(ENGINE, answers)
        listed = set(ENGINE.score(answers)["ask_next"])
        for question in RULES["questions"]:
            if question["id"] in answers or question["id"] in listed:
                continue
            for value in values_for(question):
                trial = answers | {question["id"]: value}
                if not ENGINE.check(trial)[1]:
                    assert outcome(ENGINE, trial) == before, (answers, question["id"], value)


@pytest.mark.parametrize("seed", [3, 4])
def test_an_empty_list_means_no_completion_changes_the_outcome(seed):
    rng = random.Random(seed)
    checked = 0
    for answers in states(300, seed, keep=0.95):
        if ENGINE.score(answers)["ask_next"]:
            continue
        checked += 1
        before = outcome(ENGINE, answers)
        for _ in range(10):
            trial = dict(answers)
            for question in RULES["questions"]:
                if question["id"] not in trial:
                    trial[question["id"]] = rng.choice(values_for(question))
            if not ENGINE.check(trial)[1]:
                assert outcome(ENGINE, trial) == before, (answers, trial)
    assert checked >= 20


@pytest.mark.parametrize("seed", [5])
def test_the_shortcut_values_equal_the_full_score(seed):
    for answers in states(200, seed):
        result = ENGINE.score(answers)
        values = ENGINE.asker.values(answers)
        for mid, milestone in result["milestones"].items():
            assert {True: "met", False: "not_met"}.get(values[("met", mid)], "unknown") == milestone["status"]
        for fid, detail in result["stage_details"].items():
            assert values[("stages", fid)][0] == detail["stage"] and (len(values[("stages", fid)]) == 1) == detail["settled"]
        assert sorted(k[1] for k, v in values.items() if k[0] == "flag" and v is True) == sorted(f["id"] for f in result["flags"])


def test_the_same_answers_give_the_same_list():
    answers = {"sales_calls_per_week": 6, "paying_customers": 3}
    assert len({json.dumps(ENGINE.score(dict(reversed(answers.items())))["ask_next"]) for _ in range(3)} | {
        json.dumps(ENGINE.score(answers)["ask_next"])}) == 1


def test_another_knowledge_base_without_frameworks():
    """The plant fixture: no stages, a ratio between two counts; the denominator decides whether the ratio can turn."""
    assert PLANTS.score({})["ask_next"] == ["waterings_per_week", "new_leaves", "repotted"]
    assert PLANTS.score({"waterings_per_week": 3, "new_leaves": 5})["ask_next"] == ["yellow_leaves", "repotted"]
    assert PLANTS.score({"waterings_per_week": 1})["ask_next"] == []


def test_following_ask_next_decides_a_complete_profile_in_ladder_order():
    profile = {q["id"]: (True if q["type"] == "boolean" else 0) for q in RULES["questions"]}
    profile |= {"sales_calls_per_week": 8, "paying_customers": 30, "hell_yes_customers": 28, "sqls": 40, "sqls_won": 20,
                "scalable_pipeline_source": False}
    run = follow(ENGINE, profile)
    assert run == {"shown": ["sales_calls_per_week", "paying_customers", "hell_yes_customers", "sqls", "sqls_won",
                             "scalable_pipeline_source"], "decided": True}


def test_the_quick_path_meets_the_targets_over_the_corpus():
    figures = corpus_figures()
    assert figures["profiles"] > 500 and figures["decided"] > 200
    assert figures["shown_median"] <= figures["targets"]["median"] == 4
    assert figures["shown_max"] <= figures["targets"]["max"] == 8


def test_score_json_and_text_show_it():
    run = run_cli("score", "--answers", "-", "--format", "json", cwd=ROOT, input='{"sales_calls_per_week": 10}')
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["ask_next"][:2] == ["paying_customers", "hell_yes_customers"]
    run = run_cli("score", "--answers", "-", cwd=ROOT, input='{"sales_calls_per_week": 10}')
    assert run.returncode == 0, run.stderr
    assert "  Answer next: How many customers have paid you so far, including any who have left? (paying_customers); " in run.stdout


WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def test_the_home_pages_promise_matches_the_form():
    """The home page says how many questions the quick path takes and how many the form holds."""
    text = " ".join((ROOT / "content" / "pages" / "home.md").read_text(encoding="utf-8").split())
    figures = corpus_figures()
    assert f"on {figures['profiles']} varied answer sets" in text
    assert f"stopped asking after {WORDS[math.ceil(figures['shown_median'])]} questions or fewer for half of them" in text
    assert f"after {WORDS[figures['shown_max']]} at most for all" in text and figures["shown_max"] <= figures["targets"]["max"]
    assert f"{figures['decided']} ended with the next goal and the stage decided" in text
    assert f"{len(RULES['questions'])} questions in all" in text


@pytest.mark.parametrize("engine", [ENGINE, PLANTS], ids=["this", "plants"])
def test_a_remembered_trial_is_the_one_a_new_engine_makes(engine, monkeypatch):
    """Answering one question after another, as a reader does, re-uses most questions' trials: the list must be
    exactly what an engine that remembers nothing works out, also when the memo fills up and starts again."""
    monkeypatch.setattr("generator.scoring.ask._REMEMBERED", 64)
    rng = random.Random(6)
    questions = engine.rules["questions"]
    remembering = Engine(engine.rules)
    answers: dict = {}
    for _ in range(300):
        question = rng.choice(questions)
        trial = dict(answers)
        if rng.random() < 0.15:
            trial.pop(question["id"], None)
        else:
            trial[question["id"]] = rng.choice(values_for(question))
        if remembering.check(trial)[1]:
            continue
        answers = trial
        assert remembering.asker.open_questions(answers) == Engine(engine.rules).asker.open_questions(answers), answers
    assert 0 < len(remembering.asker._found) <= 64
