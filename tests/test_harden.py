"""The safety layers on the built pages cost little: each page is read and written once, pages are shared among
the cores when there are many, and a page the engine wrote as before is not hardened again. None of it may
change what a page becomes, nor let a changed page through unaudited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.site import harden
from generator.site.offline import BUNDLE_META

PINS = f'<meta name="{BUNDLE_META}" content="rules=abc">'


def page(number: int, body: str = "", head: str = "") -> str:
    """A page as the engine writes it: the theme's inline script, an article body from text."""
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>Page {number}</title>{head}'
            f'<script>var scope = new URL("{"../" * (number % 3) or "."}",location)</script></head><body><nav>nav</nav>'
            f'{harden.ARTICLE}<h1>Page {number}</h1><p onclick="steal()">text {number}</p>{body}{harden.ARTICLE_END}'
            "</body></html>")


def engine_output(folder: Path, pages: int = 40) -> Path:
    for number in range(pages):
        path = folder / (f"p{number}" if number else "") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(number))
    return folder


@pytest.fixture(autouse=True)
def nothing_kept(monkeypatch):
    monkeypatch.setattr(harden, "_last", {})


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_shared_among_processes_come_out_as_from_one(tmp_path: Path, monkeypatch, worker_pools):
    alone, shared = engine_output(tmp_path / "alone"), engine_output(tmp_path / "shared")
    harden.harden_site(alone, PINS)
    monkeypatch.setattr(harden, "_last", {})
    monkeypatch.setattr(harden, "PARALLEL_FROM", 0)
    harden.harden_site(shared, PINS)
    assert worker_pools, "the shared path was not taken"
    assert files(alone) == files(shared)
    home = (alone / "index.html").read_text()
    assert "onclick" not in home and "text 0" in home, "the article body went through the sanitiser"
    assert 'http-equiv="Content-Security-Policy"' in home and PINS in home
    assert home.index("Content-Security-Policy") < home.index(BUNDLE_META) < home.index("<script>var scope"), "both before any script"
    assert home.count("'sha256-") == 3, "every page allows the theme's scripts of every depth"


def test_a_later_build_hardens_only_the_pages_the_engine_changed(tmp_path: Path, monkeypatch):
    harden.harden_site(engine_output(tmp_path / "first"), PINS)
    second = engine_output(tmp_path / "second")
    (second / "p7" / "index.html").write_text(page(7, body="<p>An edit.</p>"))
    hardened = []
    real = harden.harden_page
    monkeypatch.setattr(harden, "harden_page", lambda text, pins="": hardened.append(text) or real(text, pins))
    harden.harden_site(second, PINS)
    assert len(hardened) == 1 and "An edit." in hardened[0]
    monkeypatch.setattr(harden, "_last", {})
    fresh = engine_output(tmp_path / "fresh")
    (fresh / "p7" / "index.html").write_text(page(7, body="<p>An edit.</p>"))
    harden.harden_site(fresh, PINS)
    assert files(second) == files(fresh), "a kept page is the page a fresh build makes"
    third = engine_output(tmp_path / "third")
    harden.harden_site(third, PINS.replace("abc", "def"))
    assert len(hardened) == 1 + 40 + 40 and "rules=def" in (third / "p3" / "index.html").read_text(), "new pins: every page again"


def test_a_changed_page_is_audited_again_and_a_refused_build_keeps_nothing(tmp_path: Path):
    harden.harden_site(engine_output(tmp_path / "first"), PINS)
    kept = dict(harden._last)
    for attempt in ("hostile", "again"):  # refused twice: nothing of the refused build was kept
        hostile = engine_output(tmp_path / attempt)
        (hostile / "p5" / "index.html").write_text(page(5, head='<img src="x" onerror="alert(1)">'))
        with pytest.raises(UserError, match=r"p5/index.html: an event handler onerror= on <img>"):
            harden.harden_site(hostile, PINS)
        assert harden._last == kept


def test_a_page_is_rewritten_in_place_but_never_through_a_link(tmp_path: Path):
    """Hardened pages are written over the engine's files (far cheaper than new ones), except a page that shares its
    file with another name: the other name keeps its bytes, and the page gets a file of its own."""
    site = engine_output(tmp_path / "site", pages=3)
    (site / "p2" / "index.html").write_text(page(2, body='<p onclick="steal()">more</p>' * 300))  # the sanitised page is shorter
    elsewhere = tmp_path / "elsewhere.html"
    os.link(site / "p1" / "index.html", elsewhere)
    before = elsewhere.read_bytes()
    plain = (site / "p2" / "index.html").stat().st_ino
    harden.harden_site(site, PINS)
    assert elsewhere.read_bytes() == before, "written through a hard link"
    linked = (site / "p1" / "index.html").read_text()
    assert "Content-Security-Policy" in linked and "onclick" not in linked
    assert (site / "p2" / "index.html").stat().st_ino == plain, "a page of its own was not rewritten in place"
    written = (site / "p2" / "index.html").read_text()
    assert written.count("</html>") == 1 and written.endswith("</html>") and "onclick" not in written, "the old text's tail is left"
