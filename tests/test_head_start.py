"""Pages hardened while MkDocs still writes the others (generator/site/head_start.py): the work moves off the
build's critical path, but a page comes out exactly as without it, and a head start is taken only for the very
bytes the engine left in the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.site import build, harden
from generator.site.head_start import HeadStart
from tests.test_harden import PINS, engine_output, files, page

PLANTS = Path(__file__).parent / "fixtures" / "plant-kb"


@pytest.fixture(autouse=True)
def nothing_kept(monkeypatch, two_cores):
    monkeypatch.setattr(harden, "_last", {})


def after_engine(monkeypatch) -> list[int]:
    """How many pages each call of harden_site had to harden itself (the head start did not give it)."""
    counts: list[int] = []
    real = harden._harden_all

    def counted(texts, pins):
        counts.append(len(texts))
        return real(texts, pins)

    monkeypatch.setattr(harden, "_harden_all", counted)
    return counts


def head_start_of(site: Path) -> dict:
    """The head start's results for every page of ``site`` as it is now."""
    with HeadStart(PINS) as early:
        for path in sorted(site.rglob("*.html")):
            early.page(path.read_text(encoding="utf-8"))
        return early.results()


def test_pages_from_the_head_start_come_out_as_hardened_after(tmp_path: Path, monkeypatch):
    after, ahead = engine_output(tmp_path / "after"), engine_output(tmp_path / "ahead")
    harden.harden_site(after, PINS)
    monkeypatch.setattr(harden, "_last", {})
    counts = after_engine(monkeypatch)
    harden.harden_site(ahead, PINS, early=head_start_of(ahead))
    assert counts == [0]
    assert files(ahead) == files(after)


def test_a_page_changed_after_the_head_start_saw_it_is_audited_again(tmp_path: Path, monkeypatch):
    site = engine_output(tmp_path / "site")
    early = head_start_of(site)  # saw p5 clean
    (site / "p5" / "index.html").write_text(page(5, head='<img src="x" onerror="alert(1)">'))
    counts = after_engine(monkeypatch)
    with pytest.raises(UserError, match=r"p5/index.html: an event handler onerror= on <img>"):
        harden.harden_site(site, PINS, early=early)
    assert counts == [1]


def test_a_build_hardens_while_mkdocs_writes_and_publishes_the_same_site(tmp_path: Path, monkeypatch):
    kb = tmp_path / "kb"
    shutil.copytree(PLANTS, kb)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    counts = after_engine(monkeypatch)
    build.build_site(kb, tmp_path / "ahead")
    assert counts == [1]  # 404.html: MkDocs writes it from a theme template, not as a page
    monkeypatch.setattr(harden, "_last", {})
    monkeypatch.setattr(build, "HeadStart", lambda pins, enabled: HeadStart(pins, enabled=False))
    build.build_site(kb, tmp_path / "after")
    assert counts[1] > 10
    assert files(tmp_path / "ahead") == files(tmp_path / "after")
