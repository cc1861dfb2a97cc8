"""The generated docs tree also builds with Zensical, Material's successor."""

from __future__ import annotations

import platform
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[1]


def test_the_generated_tree_builds_with_zensical(built_site: Path, tmp_path: Path, capsys):
    zensical = shutil.which("zensical", path=str(Path(__import__("sys").executable).parent))
    if zensical is None and platform.machine() != "x86_64":
        pytest.skip("zensical is only installed on x86_64 (pyproject.toml: the index has no other build)")
    if zensical is None:
        require_or_skip("zensical is not installed here (pip install -e '.[test]' installs it on x86_64)")
    from generator.site.build import generate

    generate(ROOT, tmp_path / "docs")  # the same tree MkDocs builds
    shutil.copytree(ROOT / "generator" / "theme", tmp_path / "site_assets" / "theme")  # theme.custom_dir
    config = (ROOT / "mkdocs.yml").read_text().replace("docs_dir: build/docs", "docs_dir: docs")
    config = config.replace("  name: material\n", "  name: material\n  custom_dir: site_assets/theme\n")
    (tmp_path / "mkdocs.yml").write_text(config + "\nsite_dir: site\n")
    started = time.perf_counter()
    result = subprocess.run([zensical, "build", "-f", str(tmp_path / "mkdocs.yml")], capture_output=True, text=True, cwd=tmp_path)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    expected = {p.relative_to(built_site).as_posix() for p in built_site.rglob("index.html")}
    built = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("index.html")}
    assert expected - built == set()
    with capsys.disabled():
        print(f"\n[zensical] {len(built)} pages in {seconds:.2f}s")
