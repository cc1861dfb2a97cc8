"""The pages a reader reads: the articles index by stage and by topic, titles first; milestone pages
that say how to reach the milestone; flag pages that show their severity; no sentence made of a title that says
nothing. Rendered from this repository's knowledge base, as the build renders it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.errors import UserError
from generator.knowledge import load_knowledge
from generator.render import pages
from generator.render.glossary import GlossaryLinker
from generator.render.pages import render_docs
from generator.render.translate import PageWords
from tests.conftest import ROOT

RISK = {"high": "**High risk.**", "medium": "**Medium risk.**", "low": "**Low risk.**"}


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    render_docs(load_knowledge(ROOT), out, words=PageWords())
    return out


def rules(kind: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "rules" / kind).glob("*.yaml"))}


def main_stages() -> list[dict]:
    main = yaml.safe_load((ROOT / "rules" / "crosswalk.yaml").read_text(encoding="utf-8"))["main"]
    return yaml.safe_load((ROOT / "rules" / "frameworks" / f"{main}.yaml").read_text(encoding="utf-8"))["stages"]


def test_the_articles_index_reads_by_stage_then_by_topic_titles_first(docs: Path):
    index = (docs / "articles" / "index.md").read_text(encoding="utf-8")
    by_stage, by_topic = index.index("\n## By stage\n"), index.index("\n## By topic\n")
    assert by_stage < by_topic
    headings = re.findall(r"^### \[([^\]]+)\]\(\.\./frameworks/", index[by_stage:by_topic], re.M)
    assert headings and headings == [s["title"] for s in main_stages() if s["title"] in headings], "the main framework's stages, in order"
    entries = re.findall(r"^- \[([^\]]+)\]\(([\d.]+)\.md\).*<span class=\"kb-muted\">([\d.]+)</span>$", index, re.M)
    assert len(entries) >= len(list((ROOT / "content" / "articles").rglob("*.md"))), "every article, under a topic"
    for title, number, shown in entries:
        assert number == shown and not re.match(r"[\d.]+ ", title), f"{number}: the title first, its number second"
    assert not re.search(r"^#+ .*Volume \d", index, re.M), "topics are named by their titles"


def test_read_more_lists_lead_with_titles(docs: Path):
    page = (docs / "milestones" / "m3.md").read_text(encoding="utf-8")
    reading = page[page.index("## Read more"):]
    assert re.search(r"^- \[Milestone 3[^\]]*\]\(\.\./articles/92\.010203\.md\)", reading, re.M)
    assert not re.search(r"^- \[\d", reading, re.M)


@pytest.mark.parametrize("mid", sorted(rules("milestones")))
def test_a_milestone_page_says_how_to_reach_it(docs: Path, mid: str):
    milestone = rules("milestones")[mid]
    page = (docs / "milestones" / f"{mid}.md").read_text(encoding="utf-8")
    assert "\n\n**Met when**" in page, "the summary and the condition are two paragraphs"
    how = page[page.index("## How to reach it"):page.index("## Why it matters")]
    steps = [re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", step) for step in re.findall(r"^1\. (.+)$", how, re.M)]  # glossary links off
    assert steps == milestone["steps"], "the rules' steps, in order"
    assert "These steps are written for this knowledge base, not taken from the source." in how, "marked as ours"
    playbooks = [s for s in main_stages() if mid in s.get("milestones", [])]
    assert playbooks and all(f"The playbook for [{s['title']}](../frameworks/" in how for s in playbooks)


@pytest.mark.parametrize("fid", sorted(rules("flags")))
def test_a_flag_page_shows_its_severity(docs: Path, fid: str):
    severity = rules("flags")[fid].get("severity", "medium")
    page = (docs / "flags" / f"{fid}.md").read_text(encoding="utf-8")
    assert page.split("\n\n")[1].startswith(RISK[severity]), "right under the title"
    assert sum(label in page for label in RISK.values()) == 1


def test_the_warnings_index_lists_the_most_severe_first(docs: Path):
    index = (docs / "flags" / "index.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[[^\]]+\]\(([\w-]+)\.md\) \| (High|Medium|Low) risk \|", index, re.M)
    flags = rules("flags")
    assert [fid for fid, _ in rows] == sorted(flags, key=lambda f: ["high", "medium", "low"].index(flags[f].get("severity", "medium")))
    assert all(risk.lower() == flags[fid].get("severity", "medium") for fid, risk in rows)


def test_no_sentence_says_a_stage_starts_where_it_starts(docs: Path):
    pages = "\n".join(p.read_text(encoding="utf-8") for p in docs.rglob("*.md"))
    assert "you start here" not in pages.lower()
    first = main_stages()[0]
    page = next(docs.glob(f"frameworks/*/{first['id']}.md")).read_text(encoding="utf-8")
    assert "**You are here when** no later stage&#39;s condition holds yet." in page  # the apostrophe escaped as text


def test_a_credit_line_names_the_author_in_a_few_plain_words(docs: Path):
    """The ladder's author as the post itself names him, short: no note on how we know it in the credit line."""
    m3 = (docs / "milestones" / "m3.md").read_text(encoding="utf-8")
    credit = next(line for line in m3.splitlines() if line.startswith("**Source:**"))
    assert "(../sources.md#milestone-ladder), Rob (reframeb2b.com) — " in credit, credit
    assert "email address" not in credit and "named only" not in credit


def test_the_atlas_example_of_an_interruption_is_told_once_and_linked_elsewhere():
    """A latent defect as the atlas's most obvious example of an interruption: said in the stage-6 article only;
    the defect article links to it instead of saying it again."""
    articles = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "content" / "articles").glob("*.md")}
    saying = [name for name, text in articles.items() if "most obvious example" in " ".join(text.split())]
    assert saying == ["1.030106-stage-6-has-some-customers.md"], saying
    assert "](1.030106.md)" in articles["96.010102-a-simple-definition-of-a-defect.md"]


def test_a_stage_lists_every_warning_raised_only_there(docs: Path):
    """Spinning Plates' stage 1: the flag whose condition names the stage, and the one the stage lists because its
    condition (no product/market fit) can only hold there, though it names no stage."""
    page = (docs / "frameworks" / "spinning-plates" / "stage-1.md").read_text(encoding="utf-8")
    section = page[page.index("\n## Warnings that often fire here\n"):]
    section = section[:section.index("\n## ", 1)]
    assert "(../../flags/revenue-without-fit.md)" in section and "(../../flags/products-before-fit.md)" in section, section
    stage2 = (docs / "frameworks" / "spinning-plates" / "stage-2.md").read_text(encoding="utf-8")
    assert "products-before-fit" not in stage2
    flag = (docs / "flags" / "products-before-fit.md").read_text(encoding="utf-8")
    assert "spinning-plates/stage-1.md" in flag, "the flag's page names the stage back"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_rendered_in_worker_processes_equal_pages_rendered_alone(docs: Path, tmp_path: Path, monkeypatch, worker_pools):
    """From pages.PARALLEL_FROM pages on, rendering and glossary linking run in forked workers: the same files come out,
    and a template error is placed in its template as when working alone."""
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "article.md.j2").write_text("# {{ a.title | md_text }}\n\n{{ a.no_such_field }}\n", encoding="utf-8")
    knowledge = load_knowledge(ROOT)
    with pytest.raises(UserError) as alone:
        render_docs(knowledge, tmp_path / "alone", (broken,), words=PageWords())
    monkeypatch.setattr(pages, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pages, "_LAST_LINKED", ((), {}))  # nothing linked before: every page goes to the workers
    render_docs(knowledge, tmp_path / "shared", words=PageWords())
    assert len(worker_pools) == 2, "rendering and linking were not shared"
    assert _tree(tmp_path / "shared") == _tree(docs)
    with pytest.raises(UserError) as shared:
        render_docs(knowledge, tmp_path / "shared-broken", (broken,), words=PageWords())
    assert [str(p) for p in shared.value.problems] == [str(p) for p in alone.value.problems]
    assert "article.md.j2:3:1: template error while rendering articles/" in str(shared.value.problems[0])


def test_a_page_is_linked_again_unless_the_last_call_linked_the_same_text_with_the_same_terms(monkeypatch):
    """The live preview renders every page on each save; pages.py takes a page's linked text from the last call."""
    monkeypatch.setattr(pages, "_LAST_LINKED", ((), {}))
    terms = [{"id": "sql", "term": "SQL"}]
    first = pages._link_all(GlossaryLinker(terms), {"a.md": "An SQL here.", "b/c.md": "No term."})
    assert first == {"a.md": "An [SQL](glossary.md#sql) here.", "b/c.md": "No term."}
    linked = []
    monkeypatch.setattr(pages, "_link_forked", lambda item: linked.append(item[0]) or item[1].upper())
    again = pages._link_all(GlossaryLinker(terms), {"a.md": "An SQL here.", "b/c.md": "An SQL there."})
    assert linked == ["b/c.md"] and again == {"a.md": first["a.md"], "b/c.md": "AN SQL THERE."}
    pages._link_all(GlossaryLinker([*terms, {"id": "mrr", "term": "MRR"}]), {"a.md": "An SQL here."})
    assert linked == ["b/c.md", "a.md"], "other terms: linked again"
