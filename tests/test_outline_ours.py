"""Outline titles the source does not give are marked ours (rules/outline.yaml `ours: true`), and
the volume and chapter pages say so; the CxO-Atlas's own volume 1, chapter 03, section 01 are not."""

from __future__ import annotations

from pathlib import Path

from generator.knowledge import load_knowledge
from generator.render.context import build_context

ROOT = Path(__file__).resolve().parents[1]


def test_titles_the_atlas_gives_are_its_own_and_the_rest_are_marked_ours():
    volumes = {v["id"]: v for v in build_context(load_knowledge(ROOT))["outline"]}
    atlas = volumes["1"]
    assert not atlas["ours"] and not atlas["chapters"][0]["ours"] and not atlas["chapters"][0]["sections"][0]["ours"]
    for vid, volume in volumes.items():
        if vid != "1":
            assert volume["ours"], vid
            assert all(c["ours"] and all(s["ours"] for s in c["sections"]) for c in volume["chapters"]), vid


def test_the_volume_and_chapter_pages_say_title_ours(built_site: Path):
    volume = (built_site / "articles" / "volume-3" / "index.html").read_text(encoding="utf-8")
    chapter = (built_site / "articles" / "chapter-3.04" / "index.html").read_text(encoding="utf-8")
    atlas = (built_site / "articles" / "chapter-1.03" / "index.html").read_text(encoding="utf-8")
    assert "Volume title ours" in volume and "Chapter title ours" in chapter and "Section title ours" in chapter
    assert "title ours" not in atlas.lower()
