"""Pages converted by the forked helper while MkDocs converts the others (generator/site/convert_ahead.py).

Here the helper is given all the time it needs: MkDocs waits until it has
converted every page before converting one itself, so every page is offered
by the helper, and what comes out must be what one process makes alone. A
page whose conversion logs a warning is converted again where MkDocs counts
it, so a strict build still fails on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.site import build, convert_ahead
from generator.site.convert_ahead import ConvertAhead
from tests.test_harden import files

PLANTS = Path(__file__).parent / "fixtures" / "plant-kb"


@pytest.fixture
def helper_first(monkeypatch, two_cores) -> list[str]:
    """The helper converts every page before MkDocs converts any; the pages MkDocs then took from it, in order."""
    taken: list[str] = []
    start, restore = ConvertAhead.start, convert_ahead._Rendered.restore

    def start_and_wait(self, config, files) -> None:
        start(self, config, files)
        while self._helper is not None:  # until the helper closes its end: every page sent
            self._conn.poll(None)
            self._receive()

    def restored(self, page, files) -> None:
        taken.append(page.file.src_uri)
        restore(self, page, files)

    monkeypatch.setattr(ConvertAhead, "start", start_and_wait)
    monkeypatch.setattr(convert_ahead._Rendered, "restore", restored)
    return taken


def plant_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(PLANTS, kb)
    return kb


def test_pages_the_helper_converted_make_the_site_one_process_makes(tmp_path: Path, monkeypatch, helper_first):
    kb = plant_kb(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build.build_site(kb, tmp_path / "ahead")
    pages = sorted(p for p in (kb.parent / "ahead").rglob("index.html"))
    assert len(helper_first) == len(set(helper_first)) == len(pages) >= 10
    taken = len(helper_first)
    monkeypatch.setenv("KB_JOBS", "1")  # one core: no helper
    build.build_site(kb, tmp_path / "alone")
    assert len(helper_first) == taken, "a one-core build started the helper"
    assert files(tmp_path / "ahead") == files(tmp_path / "alone")


def test_a_warning_in_a_page_the_helper_converted_still_fails_the_strict_build(tmp_path: Path, helper_first):
    kb = plant_kb(tmp_path)
    rules = kb / "rules" / "milestones" / "watered.yaml"
    rules.write_text(rules.read_text().replace("why: Roots", "why: Read [the missing page](nowhere-at-all.md). Roots"))
    with pytest.raises(UserError) as failure:
        build.build_site(kb, tmp_path / "site")
    (problem,) = [p for p in failure.value.problems if "nowhere-at-all.md" in p.message]
    assert (problem.path, problem.line) == ("rules/milestones/watered.yaml", 6)
    assert "milestones/watered.md" not in helper_first, "the page that logged a warning was taken from the helper"
    assert helper_first, "the helper converted no page"
    assert not (tmp_path / "site").exists()
