"""The live preview renders again only the pages an edit changed, and the site it publishes is the site a full
build makes of the same sources, byte for byte (tags, search index and service worker included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.site.build import build_site
from generator.site.incremental import KeptEngineOutput
from generator.synthetic import make_synthetic_kb

ROOT = Path(__file__).resolve().parents[1]
URL = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    return make_synthetic_kb(ROOT, tmp_path_factory.mktemp("incremental") / "kb", 20)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rebuilt_like_a_full_build(kb: Path, kept: KeptEngineOutput, tmp_path: Path) -> str:
    """Build with ``kept`` and without; assert both sites are the same; say how the engine ran."""
    build_site(kb, tmp_path / "preview", URL, kept=kept)
    build_site(kb, tmp_path / "full", URL)
    preview, full = files(tmp_path / "preview"), files(tmp_path / "full")
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
