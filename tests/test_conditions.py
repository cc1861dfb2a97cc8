"""Conditions in plain words, as stage, flag and milestone pages print them."""

from __future__ import annotations

import pytest

from generator.render.conditions import in_words
from generator.render.translate import PageWords

QUESTIONS = {
    "paying_customers": {"type": "integer", "label": "How many paying customers?", "noun": "paying customers", "noun_one": "paying customer"},
    "hell_yes_customers": {"type": "integer", "label": "How many hell-yes?", "noun": "hell-yes customers", "noun_one": "hell-yes customer"},
    "pipeline": {"type": "boolean", "label": "Does one pipeline source work?"},
    "revenue": {"type": "number", "label": "Revenue?", "noun": "${} of revenue"},
    "demand": {"type": "number", "label": "Demand?", "noun": "demand at {} times the forecast"},
}
LABELS = {("met", "m1"): "m1 (5 calls a week)", ("met", "m2"): "m2 (1 paying customer)"}


@pytest.mark.parametrize("condition, words", [
    ("paying_customers >= 5", "you have at least 5 paying customers"),
    ("paying_customers >= 1", "you have at least 1 paying customer"),
    ("paying_customers < 4", "you have fewer than 4 paying customers"),
    ("paying_customers > 20 and hell_yes_customers / paying_customers >= 0.9",
     "you have more than 20 paying customers and at least 90% of them are hell-yes customers"),
    ("paying_customers >= 5 and hell_yes_customers >= 1", "you have at least 5 paying customers and at least 1 hell-yes customer"),
    ("hell_yes_customers / paying_customers >= 0.9", "hell-yes customers are at least 90% of paying customers"),
    ("revenue < 1000000", "you have less than $1,000,000 of revenue"),
    ("demand < 0.5", "you have demand at less than 0.5 times the forecast"),
    ("pipeline and not met('m2')", "the answer to “Does one pipeline source work?” is yes and m2 (1 paying customer) is not met"),
    ("met('m1')", "m1 (5 calls a week) is met"),
    ("met('m1') and met('m2')", "m1 and m2 are both met"),
    ("met('m1') and met('m2') and met('m3') and paying_customers > 20",
     "m1, m2 and m3 are all met and you have more than 20 paying customers"),
    ("not met('m1') and (met('m2') or met('m3'))", "m1 (5 calls a week) is not met and either m2 (1 paying customer) is met or m3 is met"),
    # three or more milestones, any of them: one list, not "either m2 is met or m3 is met or m4 is met"
    ("not met('m1') and (met('m2') or met('m3') or met('m4'))",
     "m1 (5 calls a week) is not met and at least one of m2 (1 paying customer), m3 or m4 is met"),
])
def test_conditions_read_as_sentences(condition, words):
    assert in_words(condition, QUESTIONS, LABELS) == words


@pytest.mark.parametrize("condition, words", [
    ("revenue < 1000000", "tienes menos de $1.000.000 de ingresos"),
    ("demand < 0.5", "tienes la demanda a menos de 0,5 veces la previsión"),
    ("paying_customers > 20 and hell_yes_customers / paying_customers >= 0.925", "al menos 92,5% de ellos"),
])
def test_a_spanish_page_writes_numbers_as_spanish_does(condition, words):
    spanish = {**QUESTIONS, "revenue": {**QUESTIONS["revenue"], "noun": "${} de ingresos"},
               "demand": {**QUESTIONS["demand"], "noun": "la demanda a {} veces la previsión"}}
    assert words in in_words(condition, spanish, LABELS, PageWords("es"))
