"""The site builds with both engines, MkDocs + Material (the default) and Zensical, and the safety layers run
on what either wrote (generator/site/harden.py): sanitised article bodies and search index, the audit, the
Content-Security-Policy, the bundle pins and the service worker. The browser half (the assessment scores on
both) is tests/browser/test_site_engines.py."""

from __future__ import annotations

import importlib.util
import json
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.site.audit import audit_site, read_page
from generator.site.csp import script_hash
from generator.site.harden import sanitize_pages, sanitize_search_index
from tests.cli_run import run_cli
from tests.conftest import ROOT, require_or_skip

ENGINES = ("mkdocs", "zensical")
SEARCH_INDEX = {"mkdocs": "search/search_index.json", "zensical": "search.json"}


def require_zensical() -> None:
    if importlib.util.find_spec("zensical") is None:
        if platform.machine() != "x86_64":
            pytest.skip("zensical is only installed on x86_64 (pyproject.toml: the index has no other build)")
        require_or_skip("zensical is not installed here (pip install -e '.[test]' installs it on x86_64)")


@pytest.fixture(scope="module", params=ENGINES)
def engine_site(request, tmp_path_factory) -> tuple[str, Path]:
    """This repository's site, built once per engine: MkDocs' is the run's shared build (the default engine's),
    Zensical's is built through `build --engine zensical` (the flag for both: test_a_broken_link_..._on_both_engines)."""
    engine = request.param
    if engine == "mkdocs":
        return engine, request.getfixturevalue("built_site")
    require_zensical()
    site = tmp_path_factory.mktemp(engine) / "site"
    done = run_cli("build", "--engine", engine, "--site-dir", str(site), cwd=ROOT)  # in this process: tests/cli_run.py
    assert done.returncode == 0, done.stderr
    return engine, site


def test_both_engines_build_every_page_and_pass_the_audit(engine_site, built_site: Path):
    engine, site = engine_site
    expected = {p.relative_to(built_site).as_posix() for p in built_site.rglob("index.html")}
    built = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert expected <= built, sorted(expected - built)[:5]
    pages = {path: path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    problems, hashes = audit_site(pages, site)
    assert problems == []
    for path, text in pages.items():
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
        assert len(policies) == 1, (engine, path)
        script_src = dict(d.strip().split(" ", 1) for d in policies[0].split(";"))["script-src"]
        assert set(script_src.split()) == {"'self'", "'wasm-unsafe-eval'", *hashes}, (engine, path)
        assert text.index("Content-Security-Policy") < text.index("<script")
        assert '<meta name="kb-bundle"' in text, (engine, path)
        assert text.count('<article class="md-content__inner md-typeset">') == 1, (engine, path)
    assert all(script_hash(s) in hashes for text in pages.values() for s in read_page(text).inline_scripts)
    worker = (site / "sw.js").read_text(encoding="utf-8")
    assert "assets/kb/rules.json" in worker and SEARCH_INDEX[engine] in worker, "the service worker lists the engine's files"
    title = re.search(r"<title>([^<]*)</title>", (site / "milestones/m1/index.html").read_text(encoding="utf-8")).group(1)
    assert title.startswith("m1: ") and title.endswith(" - Founder Stages")


def test_a_page_without_its_article_body_is_refused(tmp_path: Path):
    """The sanitiser cleans the article body; a page where it cannot find one, or finds two, is not published."""
    head = "<!doctype html><html><head><title>x</title></head><body>"
    pages = {
        tmp_path / "ok.html": head + '<article class="md-content__inner md-typeset"><p onclick="x()">a</p></article></body></html>',
        tmp_path / "none.html": head + "<div><p>b</p></div></body></html>",
        tmp_path / "two.html": head + '<article class="md-content__inner md-typeset"></article>'
                                      '<article class="md-content__inner md-typeset"></article></body></html>',
        tmp_path / "fragment.html": "<span>no head: a theme's fragment</span>",
    }
    cleaned, unfound = sanitize_pages(pages, tmp_path)
    assert cleaned[tmp_path / "ok.html"] == head + '<article class="md-content__inner md-typeset"><p>a</p></article></body></html>'
    assert sorted(unfound) == [
        'none.html: no single article body (<article class="md-content__inner md-typeset">…</article>) to sanitise',
        'two.html: no single article body (<article class="md-content__inner md-typeset">…</article>) to sanitise']
    assert cleaned[tmp_path / "fragment.html"] == pages[tmp_path / "fragment.html"]


def test_the_search_index_is_sanitised_entry_by_entry(tmp_path: Path):
    for key in ("docs", "items"):
        path = tmp_path / f"{key}.json"
        path.write_text(json.dumps({"config": {}, key: [
            {"location": "a/", "title": "A &lt;b&gt;", "text": '<p>ok <img src=x onerror="alert(1)"></p><script>alert(2)</script>',
             "tags": ["<i onmouseover=alert(3)>t</i>"], "path": ["<b onclick=x>P</b>"]}]}))
        sanitize_search_index(path)
        (entry,) = json.loads(path.read_text())[key]
        assert entry == {"location": "a/", "title": "A &lt;b&gt;", "text": '<p>ok <img src="x"></p>', "tags": ["<i>t</i>"], "path": ["<b>P</b>"]}


def test_the_search_index_of_the_next_build_takes_only_what_the_last_made_of_the_same_text(tmp_path: Path):
    """The live preview's rebuilds: an entry whose text the last call sanitised gets that result; any other text,
    a changed one too, goes through the sanitiser."""
    path = tmp_path / "search_index.json"

    def sanitised(texts: list[str]) -> list[str]:
        path.write_text(json.dumps({"docs": [{"location": f"p{i}/", "title": "T", "text": text} for i, text in enumerate(texts)]}))
        sanitize_search_index(path)
        return [entry["text"] for entry in json.loads(path.read_text())["docs"]]

    assert sanitised(["<p>kept</p>", "<p>one</p>"]) == ["<p>kept</p>", "<p>one</p>"]
    assert sanitised(["<p>kept</p>", '<p>one <img src=x onerror="alert(1)"></p>']) == ["<p>kept</p>", '<p>one <img src="x"></p>']
    assert sanitised(['<p>one <img src=x onerror="alert(1)"></p>']) == ['<p>one <img src="x"></p>']


def test_an_unknown_engine_or_a_missing_zensical_is_one_line(tmp_path: Path, monkeypatch):
    def build(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return run_cli("build", "--site-dir", str(tmp_path / "site"), *args, cwd=ROOT, env=env)

    import os

    done = build("--engine", "hugo")
    assert (done.returncode, done.stderr) == (1, "build: --engine 'hugo' is not a site engine; choose mkdocs or zensical\n")
    done = build(env={**os.environ, "KB_SITE_ENGINE": "jekyll"})
    assert (done.returncode, done.stderr) == (1, "build: KB_SITE_ENGINE 'jekyll' is not a site engine; choose mkdocs or zensical\n")
    assert not (tmp_path / "site").exists()

    from generator.site import engines

    monkeypatch.setattr(engines.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError) as raised:
        engines.zensical_build({}, tmp_path, {}, tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "build: --engine zensical: Zensical is not installed; run pip install 'zensical==0.0.73'"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_link_is_placed_in_its_rules_file_on_both_engines(engine: str, tmp_path: Path):
    if engine == "zensical":
        require_zensical()
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "fixtures" / "plant-kb", kb)  # small: the engine converts every page before it fails
    rules = kb / "rules" / "milestones" / "watered.yaml"
    rules.write_text(rules.read_text().replace("why: Roots", "why: Read [the missing page](nowhere-at-all.md). Roots"))
    done = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "build", "--engine", engine],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and not (kb / "site").exists()
    col = rules.read_text().splitlines()[5].index("nowhere-at-all.md") + 1
    (line,) = [line for line in done.stderr.splitlines() if "nowhere-at-all.md" in line]
    assert line.startswith(f"rules/milestones/watered.yaml:6:{col}: {engine} build --strict failed: "), done.stderr
