"""The knowledge base covers its sources: every article the CxO-Atlas table lists exists, under its own title.

Skipped where the source documents are absent (as in test_originality).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
ROW = re.compile(r"^\| (\d\.\d{6}) \| ([^|]+?) \|", re.M)


@pytest.fixture(scope="module")
def articles():
    return load_knowledge(ROOT).articles


def test_every_article_of_the_cxo_atlas_table_is_written(articles):
    tables = [p for p in sorted(SOURCES.glob("003_*.txt"))] if SOURCES.is_dir() else []
    if not tables:
        pytest.skip(f"the source documents are not beside the repository ({SOURCES})")
    listed = dict(ROW.findall(tables[0].read_text(encoding="utf-8")))
    assert len(listed) == 23
    assert {number: articles[number].title if number in articles else None for number in listed} == listed


def test_article_bodies_are_between_300_and_900_words(articles):
    lengths = {n: len(re.findall(r"[\w$%'’-]+", a.body)) for n, a in articles.items()}
    assert {n: words for n, words in lengths.items() if not 300 <= words <= 900} == {}
