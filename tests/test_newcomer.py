"""A newcomer's path: the README, `--help` and CI say what a fresh machine needs, in the right order."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_refreshes_package_lists_before_installing_chromium():
    assert 0 <= README.index("apt-get update") < README.index("apt-get install -y chromium")


def test_the_readme_says_what_a_newcomer_runs_into():
    for needed in ("make check", "make test", "several minutes", "make serve", "second terminal", "make serve PORT=",
                   "KB_CHROMIUM", "KB_REQUIRE_ALL", "KB_SOURCES"):
        assert needed in README, needed


def test_help_names_only_files_the_repository_has():
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    named = set(re.findall(r"[\w./-]+\.(?:md|ya?ml|toml)\b", result.stdout))
    assert named and {name for name in named if not (ROOT / name).is_file()} == set()


def test_ci_installs_chromium_after_refreshing_the_package_lists():
    assert 0 <= CI.index("apt-get update") < CI.index("apt-get install")
    assert "export KB_REQUIRE_ALL=1" in CI and CI.rstrip().splitlines()[-1].startswith("make test")


def test_ci_stops_at_once_on_a_chromium_that_is_not_there(tmp_path: Path):
    missing = tmp_path / "no-chromium"
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env={**os.environ, "KB_CHROMIUM": str(missing)},
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (1, f"ci: KB_CHROMIUM={missing} is not an executable Chromium\n")


def test_ci_runs_make_test_with_nothing_allowed_to_skip(tmp_path: Path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "make").write_text('#!/bin/sh\necho "make $* KB_REQUIRE_ALL=$KB_REQUIRE_ALL PYTEST_ADDOPTS=$PYTEST_ADDOPTS"\n')
    (fake / "make").chmod(0o755)
    if subprocess.run(["python3", "-c", "import ensurepip, venv"], capture_output=True).returncode:
        require_or_skip("python3 here cannot create a venv: .ci/run would apt-get install python3-venv")
    if not (shutil.which("node") and shutil.which("npm")):
        require_or_skip("node and npm are not installed")
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "KB_CHROMIUM": sys.executable,
           "KB_SOURCES": str(tmp_path), "PYTEST_ADDOPTS": ""}
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "make test KB_REQUIRE_ALL=1 PYTEST_ADDOPTS= -p no:cacheprovider\n")
