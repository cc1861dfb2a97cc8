"""The real pipeline: rules -> Markdown -> `mkdocs build --strict` -> site/, atomically."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from generator.errors import UserError
from generator.site.build import PYODIDE_FILES, build_site, generate

MILESTONES = [f"m{i}" for i in range(1, 9)]


def test_every_page_is_built(built_site: Path):
    for rel in ["index.html", "assess/index.html", "milestones/index.html", "questions/index.html", "sources/index.html"]:
        assert (built_site / rel).is_file(), rel
    for mid in MILESTONES:
        assert (built_site / "milestones" / mid / "index.html").is_file()
    for name in PYODIDE_FILES:
        assert (built_site / "assets" / "pyodide" / name).is_file()
    for name in ["assess.js", "worker.js", "assess.css", "engine.zip", "rules.json"]:
        assert (built_site / "assets" / "kb" / name).is_file()


def test_the_assessment_page_carries_the_widget_root(built_site: Path):
    html = (built_site / "assess" / "index.html").read_text()
    assert re.search(r'<div id="kb-assess" class="kb-assess" data-kb-state="loading">', html)
    assert "assets/kb/assess.js" in html


def test_milestone_pages_are_cross_linked(built_site: Path):
    html = (built_site / "milestones" / "m3" / "index.html").read_text()
    assert 'href="../m2/"' in html and 'href="../m4/"' in html
    assert 'href="../../questions/#paying_customers"' in html
    assert 'href="../../questions/#hell_yes_customers"' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "Met when you have at least 5 paying customers and at least 1 hell-yes customer." in text
    assert 'href="../../glossary/#hell-yes-customer"' in html  # first use of a term links to the glossary
    assert 'href="../../sources/#milestone-ladder"' in html  # the source credit


def test_no_page_loads_anything_from_another_host(built_site: Path):
    for page in built_site.rglob("*.html"):
        html = page.read_text()
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert not re.match(r"https?://(?!127\.0\.0\.1:8000/)", src), (page, src)


def copy_kb(source: Path, target: Path) -> Path:
    for name in ["rules", "content", "site_assets"]:
        if (source / name).exists():
            shutil.copytree(source / name, target / name)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    return target


def tree_digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def previous_site(built_site: Path, tmp_path: Path) -> Path:
    """A site already in place for a build to replace: the session's build of these sources, copied."""
    return Path(shutil.copytree(built_site, tmp_path / "site", symlinks=True))


def test_a_failed_build_leaves_the_previous_site_untouched(repo_root: Path, tmp_path: Path, built_site: Path):
    kb = copy_kb(repo_root, tmp_path / "kb")
    site = previous_site(built_site, tmp_path)
    before = tree_digest(site)
    m3 = kb / "rules" / "milestones" / "m3.yaml"
    m3.write_text(m3.read_text().replace("paying_customers >= 5", "paying_custmers >= 5"))
    with pytest.raises(UserError) as failure:
        build_site(kb, site)
    assert [str(p) for p in failure.value.problems] == [
        "rules/milestones/m3.yaml:5:12: in condition: unknown answer id 'paying_custmers'; did you mean 'paying_customers'?"
    ]
    assert tree_digest(site) == before
    assert not list(tmp_path.glob(".site.*")), "no scratch directories are left behind"


def test_a_broken_template_is_reported_at_its_line_and_nothing_is_replaced(repo_root: Path, tmp_path: Path,
                                                                          built_site: Path):
    kb = copy_kb(repo_root, tmp_path / "kb")
    site = previous_site(built_site, tmp_path)
    before = tree_digest(site)
    overrides = kb / "site_assets" / "templates"
    overrides.mkdir()
    (overrides / "milestone.md.j2").write_text("# {{ m.title }}\n\n{{ m.sumary }}\n")
    with pytest.raises(UserError) as failure:
        build_site(kb, site)
    (problem,) = failure.value.problems
    assert problem.path.endswith("site_assets/templates/milestone.md.j2") and problem.line == 3
    assert "'dict object' has no attribute 'sumary'" in problem.message
    assert tree_digest(site) == before


def test_two_builds_are_byte_identical(repo_root: Path, built_site: Path, tmp_path: Path):
    """This process's build and the run's shared one (made earlier, most often by another process) are the same."""
    build_site(repo_root, tmp_path / "again")
    assert tree_digest(tmp_path / "again") == tree_digest(built_site)


def test_every_heading_starts_its_own_block(repo_root: Path, tmp_path: Path):
    """A heading right under a table row becomes part of the table: templates must leave a blank line."""
    docs = tmp_path / "docs"
    generate(repo_root, docs)
    glued = []
    for page in sorted(docs.rglob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        fence = False
        for number, (before, line) in enumerate(pairwise(lines), start=2):
            fence ^= before.startswith("```")
            if not fence and line.startswith("#") and before.lstrip().startswith("|"):
                glued.append(f"{page.relative_to(docs)}:{number}: {line[:60]}")
    assert glued == []


def test_every_page_names_the_revisions_it_scores_with_and_the_worker_lists_every_files_sha256(built_site: Path):
    """A page scores with its own build's rules (assets/kb/pinned.js checks them against these)."""
    assets = built_site / "assets" / "kb"
    sha = {name: hashlib.sha256((assets / file).read_bytes()).hexdigest()
           for name, file in (("runtime", "runtime.json"), ("rules", "rules.json"), ("engine", "engine.zip"), ("messages", "messages.json"))}
    pages = sorted(built_site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        pins = re.findall(r'<meta name="kb-bundle" content="([^"]*)">', html)
        assert len(pins) == 1 and {k: v[0] for k, v in parse_qs(pins[0].replace("&amp;", "&")).items()} == sha, page
        assert html.index('name="kb-bundle"') < html.index("assets/kb/"), f"{page}: pinned before any of the site's scripts"
    manifest = json.loads(re.search(r"const MANIFEST = (.*);", (built_site / "sw.js").read_text(encoding="utf-8")).group(1))
    for url, revision, _ in manifest["entries"]:
        rel = "index.html" if url == "./" else url + "index.html" if url.endswith("/") else url
        assert revision == hashlib.sha256((built_site / rel).read_bytes()).hexdigest(), url


def test_builds_of_one_knowledge_base_finishing_together_each_keep_a_whole_copy(tmp_path: Path):
    """build/ keeps the last docs tree; two builds of one root (the tests run them in parallel) must not collide."""
    from concurrent.futures import ThreadPoolExecutor

    from generator.site.build import _keep_latest

    keep = tmp_path / "build"
    keep.mkdir()
    scratches = []
    for n in range(12):
        scratch = tmp_path / f"scratch-{n}"
        for name in ("docs", "theme"):
            (scratch / name / "deep").mkdir(parents=True)
            (scratch / name / "deep" / "page.md").write_text(str(n), encoding="utf-8")
        scratches.append(scratch)
    config = {"site_dir": "x", "theme": {"name": "material"}}
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda scratch: _keep_latest(scratch, keep, config), scratches))
    assert sorted(p.name for p in keep.iterdir()) == ["docs", "mkdocs.yml", "theme"]
    assert (keep / "docs" / "deep" / "page.md").read_text(encoding="utf-8") in {str(n) for n in range(12)}
