"""The knowledge base covers its sources: every article the CxO-Atlas table lists exists, under its own title.

The table's rows are read from tests/data/source-ngrams.txt (the article numbers, and keyed digests of their titles),
so the test runs without the source documents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.knowledge import load_knowledge
from tests.source_ngrams import load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def articles():
    return load_knowledge(ROOT).articles


def test_every_article_of_the_cxo_atlas_table_is_written(articles):
    digests = load()
    assert len(digests.articles) == 23
    missing = sorted(number for number in digests.articles if number not in articles)
    retitled = sorted(number for number, title in digests.articles.items()
                      if number in articles and digests.of(articles[number].title) != title)
    assert (missing, retitled) == ([], []), "write the missing articles; give the others the title the table lists"


def test_article_bodies_are_between_300_and_900_words(articles):
    lengths = {n: len(re.findall(r"[\w$%'’-]+", a.body)) for n, a in articles.items()}
    assert {n: words for n, words in lengths.items() if not 300 <= words <= 900} == {}
