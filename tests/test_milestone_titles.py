"""A milestone's title and summary are short names written by hand; every number in them must
be one its condition compares against (or, for a ratio, that number as a percentage), or one the
help of a question it reads gives (m1's 'four weeks'). So changing m5 to 85% fails here until
the title and summary say 85% too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.content.articles import load_articles
from generator.rules.load import load_rules
from generator.scoring.expr import names, parse

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(ROOT)
ARTICLES, _ = load_articles(ROOT)
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
         "twenty": 20, "thirty": 30}


def numbers_in(text: str) -> set[float]:
    found = {float(n.replace(",", "")) for n in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)}
    return found | {float(WORDS[w.lower()]) for w in re.findall(r"\b(" + "|".join(WORDS) + r")\b", text, re.I)}


def allowed(condition: str) -> set[float]:
    stated = numbers_in(condition)
    helps = " ".join(RULES.questions[n.value]["help"] for n in names(parse(condition)) if n.value in RULES.questions)
    return stated | {round(n * 100, 6) for n in stated if n < 1} | numbers_in(helps)


@pytest.mark.parametrize("mid", list(RULES.milestones))
def test_numbers_in_a_milestone_title_and_summary_come_from_its_rule(mid: str):
    milestone = RULES.milestones[mid]
    stray = numbers_in(f"{milestone['title']} {milestone['summary']}") - allowed(milestone["condition"])
    assert not stray, f"{mid}: {sorted(stray)} in its title or summary are not in its condition {milestone['condition']!r}"


def test_a_threshold_changed_in_the_condition_alone_is_caught():
    assert numbers_in("90%+ of customers are a hell-yes (more than 20 customers)") - allowed(
        "paying_customers > 20 and hell_yes_customers / paying_customers >= 0.85") == {90.0}



@pytest.mark.parametrize("mid", [mid for mid, m in RULES.milestones.items() if m.get("articles")])
def test_numbers_in_the_title_of_a_milestones_own_article_come_from_its_rule(mid: str):
    """The first article a milestone lists is the one about it; its title is written by hand too (titles hold no facts)."""
    milestone = RULES.milestones[mid]
    article = ARTICLES[milestone["articles"][0]]
    stray = numbers_in(article.title.split(":", 1)[-1]) - allowed(milestone["condition"])  # 'Milestone 6:' is its place
    assert not stray, f"{mid}: {sorted(stray)} in the title of {article.number} are not in its condition {milestone['condition']!r}"
