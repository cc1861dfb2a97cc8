"""The live preview renders again only the pages an edit changed, and the site it publishes is the site a full
build makes of the same sources, byte for byte (tags, search index and service worker included)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.site.build import build_site
from generator.site.incremental import KeptEngineOutput
from generator.synthetic import make_synthetic_kb
from tests.conftest import files_digest

ROOT = Path(__file__).resolve().parents[1]
URL = "http://127.0.0.1:8000/"
FULL: dict[str, dict[str, str]] = {}  # a full build's files' SHA-256, by the digest of the sources it was built from


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    return make_synthetic_kb(ROOT, tmp_path_factory.mktemp("incremental") / "kb", 20)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files(folder).items()}


def sources_digest(kb: Path) -> str:
    """Every file of the knowledge base but build/ (the builds' scratch, caches and last docs tree), and of the
    generator (its code, assets and theme: edited while a run goes on, they change what it builds), names and bytes."""
    return files_digest(kb, "build") + files_digest(ROOT / "generator", "__pycache__")


def full_build(kb: Path, tmp_path: Path) -> dict[str, str]:
    """What a full build (no kept output) of ``kb`` as it is now publishes, file by file: built once per state of the
    sources. A build is a function of its sources (test_build.py's two builds are byte for byte the same): the tests
    that start from the same sources compare their previews with one full build of them."""
    key = sources_digest(kb)
    if key not in FULL:
        build_site(kb, tmp_path / "full", URL)
        FULL[key] = digests(tmp_path / "full")
    return FULL[key]


def rebuilt_like_a_full_build(kb: Path, kept: KeptEngineOutput, tmp_path: Path) -> str:
    """Build with ``kept`` and without; assert both sites are the same; say how the engine ran."""
    build_site(kb, tmp_path / "preview", URL, kept=kept)
    preview, full = digests(tmp_path / "preview"), full_build(kb, tmp_path)
    assert preview.keys() == full.keys()
    assert [name for name in preview if preview[name] != full[name]] == []
    return kept.last_run


def test_an_edited_body_renders_one_page_and_publishes_the_full_site(kb: Path, tmp_path: Path):
    kept = KeptEngineOutput(tmp_path / "kept")
    assert rebuilt_like_a_full_build(kb, kept, tmp_path) == "full"
    article = sorted((kb / "content" / "articles").glob("*.md"))[3]
    original = article.read_text()
    try:
        article.write_text(original + "\nA sentence added in the preview, findable by search.\n")
        assert rebuilt_like_a_full_build(kb, kept, tmp_path) == "dirty (1 pages)"
        assert b"findable by search" in (tmp_path / "preview" / "search" / "search_index.json").read_bytes()
        kept_page = kept.folder / "site" / "articles" / article.name.split("-")[0] / "index.html"
        assert "Content-Security-Policy" not in kept_page.read_text(), "the kept output is the engine's, never hardened"
    finally:
        article.write_text(original)


@pytest.mark.parametrize("edit", ["front matter", "new page"])
def test_what_other_pages_show_makes_a_full_build(kb: Path, tmp_path: Path, edit: str):
    kept = KeptEngineOutput(tmp_path / "kept")
    rebuilt_like_a_full_build(kb, kept, tmp_path)
    article = sorted((kb / "content" / "articles").glob("*.md"))[5]
    original = article.read_text()
    added = kb / "content" / "articles" / "1.010121-added.md"
    try:
        if edit == "front matter":  # its tags: the listing and every tag link depend on them
            article.write_text(original.replace("tags: [", "tags: [Renamed, ", 1))
        else:
            added.write_text(original.replace(article.name.split("-")[0], "1.010121"))
        assert rebuilt_like_a_full_build(kb, kept, tmp_path) == "full"
    finally:
        article.write_text(original)
        added.unlink(missing_ok=True)


@pytest.fixture
def converted(monkeypatch) -> list[str]:
    """The pages MkDocs converts from Markdown to HTML (``Page.render``), in order, for the builds that follow."""
    from mkdocs.structure.pages import Page

    pages: list[str] = []
    render = Page.render

    def counted(page, config, files):
        pages.append(page.file.src_uri)
        return render(page, config, files)

    monkeypatch.setattr(Page, "render", counted)
    return pages


def changed_markdown(kb: Path, before: dict[str, bytes]) -> set[str]:
    """The generated pages whose Markdown differs from ``before`` (build/ keeps the last docs tree that built)."""
    after = files(kb / "build" / "docs")
    return {name for name, text in after.items() if name.endswith(".md") and before.get(name) != text}


def test_a_body_edit_converts_that_page_alone(kb: Path, tmp_path: Path, converted: list[str]):
    kept = KeptEngineOutput(tmp_path / "kept")
    rebuilt_like_a_full_build(kb, kept, tmp_path)
    article = sorted((kb / "content" / "articles").glob("*.md"))[7]
    original, before = article.read_text(), files(kb / "build" / "docs")
    try:
        article.write_text(original + "\n## A heading the edit added\n\nAnd a sentence under it.\n")
        converted.clear()
        build_site(kb, tmp_path / "preview", URL, kept=kept)
        assert kept.last_run == "dirty (1 pages)"
        assert converted == [f"articles/{article.name.split('-')[0]}.md"] == sorted(changed_markdown(kb, before))
        assert rebuilt_like_a_full_build(kb, kept, tmp_path) == "dirty (0 pages)"
    finally:
        article.write_text(original)


def test_a_rule_edit_that_changes_an_outcome_converts_the_pages_that_show_it(tmp_path: Path, converted: list[str]):
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "fixtures" / "plant-kb", kb)
    home = kb / "content" / "pages" / "home.md"
    home.write_text(home.read_text() + "\nWatered means [[milestone.watered.met_when]].\n")
    kept = KeptEngineOutput(tmp_path / "kept")
    rebuilt_like_a_full_build(kb, kept, tmp_path)
    rule = kb / "rules" / "milestones" / "watered.yaml"
    rule.write_text(rule.read_text().replace("waterings_per_week >= 2", "waterings_per_week >= 1.5"))  # 1.5 a week: now met
    before, rules_before = files(kb / "build" / "docs"), (tmp_path / "preview" / "assets" / "kb" / "rules.json").read_bytes()
    converted.clear()
    build_site(kb, tmp_path / "preview", URL, kept=kept)
    changed = changed_markdown(kb, before)
    assert kept.last_run == f"dirty ({len(changed)} pages)"
    assert {"index.md", "milestones/watered.md"} <= changed and "sources.md" not in changed
    assert sorted(converted) == sorted(changed)
    assert rebuilt_like_a_full_build(kb, kept, tmp_path) == "dirty (0 pages)"
    assert b"1.5" in (tmp_path / "preview" / "index.html").read_bytes()
    assert (tmp_path / "preview" / "assets" / "kb" / "rules.json").read_bytes() != rules_before
