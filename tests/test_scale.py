"""The site stays the same shape as the knowledge base grows (synthetic knowledge bases, real builds).

Sizes only: speed is measured by `python -m generator bench site`, never in a unit test.
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

import pytest

from generator.knowledge import load_knowledge
from generator.render.context import SOURCE_ARTICLES_LISTED
from generator.site.build import build_site
from generator.synthetic import make_synthetic_kb
from tests.conftest import ROOT, require_or_skip

SMALL = SOURCE_ARTICLES_LISTED + 5  # past the sources page's list, as every size after it
LARGE = 5 * SMALL


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[int, Path]:
    if not (ROOT / "node_modules" / "pyodide").is_dir() and not shutil.which("npm"):
        require_or_skip("node_modules/pyodide is missing; run `npm ci`")
    built = {}
    for size in (SMALL, LARGE):
        scratch = tmp_path_factory.mktemp(f"kb{size}")
        kb = make_synthetic_kb(ROOT, scratch / "kb", size)
        built[size] = build_site(kb, scratch / "site").site_dir
    return built


def page_kb(site: Path, rel: str) -> float:
    return (site / rel).stat().st_size / 1024


def test_a_synthetic_knowledge_base_is_valid_and_repeatable(tmp_path: Path):
    first = make_synthetic_kb(ROOT, tmp_path / "a", 120)
    second = make_synthetic_kb(ROOT, tmp_path / "b", 120)
    knowledge = load_knowledge(first)  # raises on any problem
    assert len(knowledge.articles) == 120
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_pages_do_not_grow_with_the_number_of_articles(sites):
    small, large = sites[SMALL], sites[LARGE]
    for rel in ("index.html", "milestones/m3/index.html", "articles/1.010101/index.html", "flags/calls-dropped/index.html"):
        assert abs(page_kb(large, rel) - page_kb(small, rel)) < 2, rel  # the navigation is the same size
    medians = [statistics.median(p.stat().st_size for p in site.rglob("*.html")) / 1024 for site in (small, large)]
    assert medians[1] <= 25 and medians[1] <= medians[0] * 1.05


def test_long_lists_move_to_their_own_pages(sites):
    site = sites[LARGE]
    volume = (site / "articles" / "volume-1" / "index.html").read_text()
    assert "1.010101" not in volume and "chapter-1.01/" in volume  # a table of contents, not every article
    chapter = (site / "articles" / "chapter-1.01" / "index.html").read_text()
    assert chapter.count('href="../1.01') >= LARGE  # every article of the chapter, in its tables
    sources = (site / "sources" / "index.html").read_text()
    assert f"{LARGE} draw on it" in sources and "1.010101" not in sources
    tags = (site / "tags" / "index.html").read_text()
    assert 'href="c/"' in tags and "1.010101" not in tags
