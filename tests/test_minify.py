"""Our scripts and styles are published minified (generator/site/minify.py): smaller than their sources, still
ES modules that parse and behave the same, and minified before the service worker revisions and pins them."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

from generator.site.minify import minify_assets
from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "generator" / "assets"
MODULE = """/*! kept: a licence comment */
// a comment a phone need not download
import { readFileSync } from "node:fs";
const spaced = `two   spaces // not a comment
  /* nor this */ ${1 + 2}   end`;
export const squeezed = spaced.replace(/\\s+/g, " ");  /* the regular expression stays one */
console.log(JSON.stringify([spaced, squeezed, typeof readFileSync]));
"""


def _node() -> str:
    node = shutil.which("node")
    if not node:
        require_or_skip("node is not installed")
    return node


def test_a_module_is_smaller_and_prints_the_same(tmp_path: Path):
    node = _node()
    source = tmp_path / "source" / "module.mjs"
    source.parent.mkdir()
    source.write_text(MODULE, encoding="utf-8")
    published = tmp_path / "published"
    shutil.copytree(source.parent, published)
    before, after = minify_assets(published)
    small = (published / "module.mjs").read_text(encoding="utf-8")
    assert before == len(MODULE.encode()) and after == len(small.encode()) < before
    assert "a phone need not" not in small and "/*! kept: a licence comment */" in small
    ran = [subprocess.run([node, str(path)], capture_output=True, text=True, timeout=60) for path in (source, published / "module.mjs")]
    assert ran[0].returncode == ran[1].returncode == 0, ran[1].stderr
    assert ran[0].stdout == ran[1].stdout


def test_a_file_that_is_not_text_is_published_as_it_came(tmp_path: Path):
    odd = tmp_path / "odd.js"
    odd.write_bytes(b"\xff\xfe // not UTF-8")
    assert minify_assets(tmp_path) == (0, 0)
    assert odd.read_bytes() == b"\xff\xfe // not UTF-8"


def test_the_built_scripts_and_styles_are_minified_modules(built_site: Path, tmp_path: Path):
    node = _node()
    kb = built_site / "assets" / "kb"
    published = {p.name: p for p in kb.iterdir() if p.suffix in (".js", ".css") and (SOURCES / p.name).is_file()}
    assert {"assess.js", "worker.js", "site.js", "assess.css", "site.css", "pinned.js"} <= set(published)
    for name, path in published.items():
        assert path.stat().st_size < (SOURCES / name).stat().st_size * 0.9, name
        if path.suffix == ".js":  # parsed as the ES module the page loads it as
            module = tmp_path / f"{path.stem}.mjs"
            shutil.copyfile(path, module)
            checked = subprocess.run([node, "--check", str(module)], capture_output=True, text=True, timeout=60)
            assert checked.returncode == 0, f"{name}: {checked.stderr}"


def test_the_service_worker_revisions_the_minified_bytes(built_site: Path):
    manifest = json.loads(re.search(r"const MANIFEST = (\{.*\});", (built_site / "sw.js").read_text()).group(1))
    revisions = {url: revision for url, revision, _ in manifest["entries"]}
    for url in ("assets/kb/assess.js", "assets/kb/site.css"):
        source = (SOURCES / url.rsplit("/", 1)[1]).read_bytes()
        assert revisions[url] == hashlib.sha256((built_site / url).read_bytes()).hexdigest() != hashlib.sha256(source).hexdigest()
