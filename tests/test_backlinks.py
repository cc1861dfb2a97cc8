"""“Referenced by”: each page's referrers listed by kind, each under its section's own title, so that a stage
page and the article about that stage (near-identical titles) read as two different things; every referrer
is still linked, once. Rendered from this repository's knowledge base, as the build renders it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.knowledge import load_knowledge
from generator.render.backlinks import Kind, add_backlinks
from generator.render.pages import render_docs
from generator.render.translate import PageWords
from tests.conftest import ROOT

LINK = re.compile(r"^- \[(.+)\]\(([^)]+\.md)\)$", re.M)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    render_docs(load_knowledge(ROOT), out, words=PageWords())
    return out


def referenced_by(page: str) -> str:
    return page[page.index("\n## Referenced by\n"):]


def groups(section: str) -> dict[str, list[tuple[str, str]]]:
    """Heading -> [(link text, target)] under each ### of a "Referenced by" section."""
    found: dict[str, list[tuple[str, str]]] = {}
    for block in re.split(r"\n### ", section)[1:]:
        heading, _, rest = block.partition("\n")
        found[heading] = LINK.findall(rest)
    return found


def test_a_stage_page_and_the_article_about_it_are_told_apart(docs: Path):
    section = referenced_by((docs / "milestones" / "m3.md").read_text(encoding="utf-8"))
    listed = groups(section)
    assert list(listed) == ["The milestone ladder", "Stage frameworks", "Articles"], list(listed)
    assert ("CxO-Atlas business stages: Has some customers", "../frameworks/cxo-atlas/has-some-customers.md") in listed["Stage frameworks"]
    assert ("Stage 6: Has Some Customers", "../articles/1.030106.md") in listed["Articles"]
    assert all(target.startswith("../frameworks/") for _text, target in listed["Stage frameworks"])
    assert all(target.startswith("../articles/") for _text, target in listed["Articles"])
    assert [text for text, _target in listed["Stage frameworks"]] == sorted((text for text, _target in listed["Stage frameworks"]), key=str.lower)


def test_every_referrer_is_listed_once_under_one_kind(docs: Path):
    pages = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in docs.rglob("*.md")}
    seen = 0
    for rel, text in pages.items():
        if "\n## Referenced by\n" not in text:
            continue
        section = referenced_by(text)
        targets = [target for _text, target in LINK.findall(section)]
        assert len(targets) == len(set(targets)), rel
        assert sum(len(items) for items in groups(section).values()) == len(targets), f"{rel}: every link sits under a kind"
        seen += 1
    assert seen > 20


def test_referrers_of_no_kind_come_first_unheaded_and_the_order_of_kinds_is_kept():
    pages = {
        "a.md": "# A\n",
        "b.md": "# Beta\n\n[a](a.md)\n",
        "c.md": "# Gamma\n\n[a](a.md)\n",
        "d.md": "# Delta\n\n[a](a.md)\n",
    }
    kinds = {"c.md": Kind("Listed first"), "b.md": Kind("Listed second", "Frame: ")}
    out = add_backlinks(pages, PageWords(), kinds)["a.md"]
    expected = "## Referenced by\n\n- [Delta](d.md)\n\n### Listed first\n\n- [Gamma](c.md)\n\n### Listed second\n\n- [Frame: Beta](b.md)\n"
    assert out.endswith(expected), out
