"""The engine's sentences in the site's language: rules.json carries the table, `score` loads the same one.

English stays exactly as the golden results have it (test_engine.py);
here a knowledge base whose mkdocs.yml says ``theme.language: es`` is scored
through the real CLI and compiled as the build compiles it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from generator.knowledge import load_knowledge
from generator.locale_tables import engine_table
from generator.rules.compile import compile_rules
from generator.scoring import Engine
from generator.scoring.explain import format_like, format_number, format_percent
from generator.scoring.messages import Messages

PLANTS = Path(__file__).parent / "fixtures" / "plant-kb"
ANSWERS = {"waterings_per_week": 1, "new_leaves": 1, "repotted": False}
ENGLISH_LEADS = ("Met:", "Not met:", "Unknown until you answer:", "Already there:", "needs", "is not met", "answered")


@pytest.fixture
def spanish_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "plantas"
    shutil.copytree(PLANTS, kb)
    (kb / "mkdocs.yml").write_text("site_name: Plantas\ntheme:\n  name: material\n  language: es\n", encoding="utf-8")
    return kb


def score(kb: Path, answers: dict) -> dict:
    done = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "score", "--answers", "-", "--format", "json"],
                          input=json.dumps(answers), capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_score_speaks_the_sites_language(spanish_kb: Path) -> None:
    result = score(spanish_kb, ANSWERS)
    whys = [m["why"] for m in result["milestones"].values()] + [result["next_goal_why"], result["next_goal_change"]["text"]]
    assert result["milestones"]["watered"]["why"].startswith("No cumplido: ")
    assert result["next_goal_why"].endswith("es el hito más bajo sin cumplir.")
    for why in whys:
        assert not any(lead in why for lead in ENGLISH_LEADS), why
    assert {k: v["status"] for k, v in result["milestones"].items()} == {
        k: v["status"] for k, v in score(PLANTS, ANSWERS)["milestones"].items()}  # the words change, never the outcome


def test_the_build_and_the_cli_use_one_table(spanish_kb: Path) -> None:
    knowledge = load_knowledge(spanish_kb)
    compiled = compile_rules(knowledge.rules, knowledge.articles, "es")
    assert compiled["messages"] == engine_table("es") and compiled["messages"]["messages"]["Met"] == "Cumplido"
    assert Engine(compiled).score(ANSWERS) == score(spanish_kb, ANSWERS)
    assert "messages" not in compile_rules(knowledge.rules, knowledge.articles)  # English needs no table


def test_default_words_follow_the_language(spanish_kb: Path) -> None:
    (spanish_kb / "rules" / "site.yaml").write_text(
        "# yaml-language-server: $schema=schemas/site.schema.json\nid: plantas\nwords:\n  reader: jardinera\n", encoding="utf-8")
    knowledge = load_knowledge(spanish_kb)
    assert compile_rules(knowledge.rules, knowledge.articles, "es")["site"]["words"] == {
        "reader": "jardinera", "readers": "lectores", "subject": "tema", "subjects": "temas"}


def test_a_missing_message_is_english_and_plurals_follow_the_catalog() -> None:
    spanish = Messages({"plural": "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
                        "messages": {"%(met)s is met; %(rest)s": ["uno %(met)s", "millón %(met)s", "varios %(met)s"]}})
    assert spanish._("Met") == "Met"
    assert [spanish._n("%(met)s is met; %(rest)s", "%(met)s are met; %(rest)s", n, met="x", rest="") for n in (1, 2, 1_000_000)] == [
        "uno x", "varios x", "millón x"]
    assert Messages()._n("%(met)s is met; %(rest)s", "%(met)s are met; %(rest)s", 2, met="m1, m2", rest="r") == "m1, m2 are met; r"


@pytest.mark.parametrize(("language", "million", "half", "share"), [("en", "1,000,000", "2.5", "90.5%"), ("es", "1.000.000", "2,5", "90,5%")])
def test_numbers_take_the_languages_separators(language: str, million: str, half: str, share: str) -> None:
    m = Messages(engine_table(language))
    assert (format_number(1_000_000, m), format_number(2.5, m), format_percent(Fraction(19, 21), m)) == (million, half, share)
    assert format_like(1_000_000, {"noun": "${} spent on supplies"}, m) == "$" + million


def test_score_writes_numbers_as_the_language_does(spanish_kb: Path) -> None:
    answers = {"waterings_per_week": 2.5, "new_leaves": 7, "yellow_leaves": 3}
    spanish, english = score(spanish_kb, answers)["milestones"], score(PLANTS, answers)["milestones"]
    assert "2,5 " in spanish["watered"]["why"] and "= 42,9% " in spanish["growing"]["why"]
    assert "2.5 " in english["watered"]["why"] and "= 42.9% " in english["growing"]["why"]
    knowledge = load_knowledge(spanish_kb)
    assert Engine(compile_rules(knowledge.rules, knowledge.articles, "es")).score(answers)["milestones"] == spanish  # rules.json too


def test_invalid_answers_are_told_in_the_sites_language(spanish_kb: Path) -> None:
    """What the widget shows under a question comes from the engine (score_json): in the site's language too."""
    knowledge = load_knowledge(spanish_kb)
    spanish = Engine(compile_rules(knowledge.rules, knowledge.articles, "es"))
    answers = json.dumps({"waterings_per_week": -1, "new_leaves": "muchas", "repotted": 1, "yelow_leaves": 2})
    told = {p["id"]: p["message"] for p in json.loads(spanish.score_json(answers))["problems"]}
    assert told == {
        "waterings_per_week": "se esperaba un número de al menos 0; llegó -1",
        "new_leaves": "se esperaba un número entero; llegó el texto 'muchas'",
        "repotted": "se esperaba verdadero o falso; llegó 1",
        "yelow_leaves": "identificador de respuesta desconocido (¿quisiste decir 'yellow_leaves'?)",
    }
    over = json.loads(spanish.score_json(json.dumps({"new_leaves": 1, "yellow_leaves": 102})))["problems"]
    assert over[0]["message"].startswith("that is more yellow leaves than a plant this size can have (respondiste ")  # the rule's own words
    assert json.loads(spanish.score_json("[1,"))["problems"][0]["message"].startswith("las respuestas no son JSON válido (línea 1")
    english = {p["id"]: p["message"] for p in json.loads(Engine(compile_rules(knowledge.rules, knowledge.articles)).score_json(answers))["problems"]}
    assert english["waterings_per_week"] == "expected a number of at least 0, got -1"  # the CLI's and English sites' words


@pytest.mark.parametrize(("language", "many", "long", "large"), [
    ("es", "1.500 (como máximo 1.000;", "2.097.152 caracteres (como máximo 1.048.576)", "por debajo de 1.000.000.000.000.000;"),
    ("en", "1,500 (at most 1,000;", "2,097,152 characters (at most 1,048,576)", "below 1,000,000,000,000,000,"),
])
def test_limits_in_answer_problems_take_the_languages_separators(spanish_kb: Path, language: str, many: str, long: str, large: str) -> None:
    """The numbers in 'too many answers', 'too long' and 'too large' are grouped as the site's language groups them."""
    knowledge = load_knowledge(spanish_kb)
    engine = Engine(compile_rules(knowledge.rules, knowledge.articles, language))

    def told(text: str) -> str:
        return json.loads(engine.score_json(text))["problems"][0]["message"]

    assert many in told(json.dumps({f"x{i}": 1 for i in range(1500)}))
    assert long in told(" " * (2 << 20))
    assert large in told(json.dumps({"waterings_per_week": 10**16}))
