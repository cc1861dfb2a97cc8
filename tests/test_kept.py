"""Results one build keeps for the next (generator/kept.py): the audit of each hardened page, the tags Markdown made
of each article body, that the rule cases passed. Each is taken only for the same input, made by the same code; a
damaged file or another version of the generator's is ignored, and what is taken is what computing gives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator import gate, kept
from generator.render import html_policy
from generator.site import audit, harden

from .test_harden import PINS, engine_output, files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch):
    """A cache of this test's own, read afresh, and no build's memory of the last in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(harden, "_last", {})
    monkeypatch.setattr(harden, "_known_audits", None)
    monkeypatch.setattr(html_policy, "_kept", [])
    monkeypatch.setattr(html_policy, "_TAGS", {})


def counting(monkeypatch, module, name: str) -> list:
    calls: list = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    return calls


def test_a_page_audited_by_the_last_build_is_not_parsed_again_and_comes_out_the_same(tmp_path: Path, monkeypatch):
    harden.harden_site(engine_output(tmp_path / "first"), PINS)
    monkeypatch.setattr(harden, "_last", {})
    monkeypatch.setattr(harden, "_known_audits", None)  # the next build: another process
    read = counting(monkeypatch, harden, "read_page")
    second = engine_output(tmp_path / "second")
    (second / "p3" / "index.html").write_text((second / "p3" / "index.html").read_text().replace("text 3", "text three"))
    harden.harden_site(second, PINS)
    assert len(read) == 1 and "text three" in read[0][0], "only the changed page is parsed"
    first = files(tmp_path / "first")
    assert {rel: data for rel, data in files(second).items() if rel != "p3/index.html"} == {
        rel: data for rel, data in first.items() if rel != "p3/index.html"}


def test_a_kept_audit_is_taken_only_for_the_same_bytes_and_a_finding_still_stops_the_build(tmp_path: Path, monkeypatch):
    harden.harden_site(engine_output(tmp_path / "first"), PINS)
    monkeypatch.setattr(harden, "_last", {})
    monkeypatch.setattr(harden, "_known_audits", None)
    second = engine_output(tmp_path / "second")
    home = second / "index.html"
    home.write_text(home.read_text().replace("<nav>nav</nav>", '<nav><a href="javascript:alert(1)">x</a></nav>'))
    with pytest.raises(harden.UserError, match="javascript: URL"):
        harden.harden_site(second, PINS)


def test_other_code_or_a_damaged_file_is_ignored(tmp_path: Path, monkeypatch):
    harden.harden_site(engine_output(tmp_path / "first"), PINS)
    [stored] = (tmp_path / "cache" / "kb-generator" / "kept").glob("page-audits.*.json")
    assert harden._read_audits(kept.read("page-audits"))
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 1
    stored.write_bytes(bytes(data))
    assert kept.read("page-audits") == {}, "damaged"
    monkeypatch.setattr(harden, "_known_audits", None)  # the next build
    harden.harden_site(engine_output(tmp_path / "again"), PINS)
    assert kept.read("page-audits"), "written again"
    monkeypatch.setattr(kept, "_own_files", lambda: hashlib.sha256(b"another generator").digest())
    kept.code_digest.cache_clear()
    try:
        assert kept.read("page-audits") == {}, "made by other code"
    finally:
        kept.code_digest.cache_clear()


def test_kept_audits_are_what_the_audit_reads(tmp_path: Path, monkeypatch):
    harden.harden_site(engine_output(tmp_path / "site"), PINS)
    monkeypatch.setattr(harden, "_known_audits", None)
    pages = [harden.harden_page(path.read_text(encoding="utf-8"), PINS)[0] for path in engine_output(tmp_path / "more").rglob("*.html")]
    assert all(kept.key(text) in harden.kept_audits() for text in pages), "every page's audit was kept"
    assert all(harden.audit_page(text) == audit.read_page(text) for text in pages)
    assert any(harden.audit_page(text).inline_scripts for text in pages)


def test_markdown_tags_kept_for_a_body_are_those_rendering_gives():
    texts = ["See [a](https://example.org) and [b](b.md).", "A {: #x .y } list\n\n* [c](javascript:alert(1))"]
    html_policy.render_ahead(texts)
    rendered = dict(html_policy._TAGS)
    html_policy._TAGS.clear()
    html_policy._kept.clear()  # the next build
    html_policy.render_ahead(texts)
    assert html_policy._TAGS == rendered
    assert [list(html_policy.markup_problems(text)) for text in texts][1], "the kept tags still show the javascript: link"


def test_rule_cases_are_scored_again_unless_the_same_rules_and_cases_passed(monkeypatch):
    scored = counting(monkeypatch, gate, "case_failures")
    gate.check_knowledge(ROOT)
    assert scored, "scored the first time"
    scored.clear()
    gate.check_knowledge(ROOT)
    assert not scored, "the same rules, cases and code passed"
    monkeypatch.setattr(gate, "_cases_key", lambda compiled, cases: "other rules")
    gate.check_knowledge(ROOT)
    assert scored, "other rules are scored"
