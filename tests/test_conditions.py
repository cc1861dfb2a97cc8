"""Conditions in plain words, as stage, flag and milestone pages print them."""

from __future__ import annotations

import pytest

from generator.render.conditions import in_words

QUESTIONS = {
    "paying_customers": {"type": "integer", "label": "How many paying customers?", "noun": "paying customers"},
    "hell_yes_customers": {"type": "integer", "label": "How many hell-yes?", "noun": "hell-yes customers"},
    "pipeline": {"type": "boolean", "label": "Does one pipeline source work?"},
}
LABELS = {("met", "m1"): "m1 (5 calls a week)", ("met", "m2"): "m2 (1 paying customer)"}


@pytest.mark.parametrize("condition, words", [
    ("paying_customers >= 5", "paying customers at least 5"),
    ("hell_yes_customers / paying_customers >= 0.9", "hell-yes customers as a share of paying customers at least 90%"),
    ("pipeline and not met('m2')", "the answer to “Does one pipeline source work?” is yes and m2 (1 paying customer) is not met"),
    ("met('m1')", "m1 (5 calls a week) is met"),
    ("met('m1') and met('m2')", "m1 and m2 are both met"),
    ("met('m1') and met('m2') and met('m3') and paying_customers > 20",
     "m1, m2 and m3 are all met and paying customers more than 20"),
    ("not met('m1') and (met('m2') or met('m3'))", "m1 (5 calls a week) is not met and either m2 (1 paying customer) is met or m3 is met"),
])
def test_conditions_read_as_sentences(condition, words):
    assert in_words(condition, QUESTIONS, LABELS) == words
