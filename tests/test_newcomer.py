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
                   "KB_CHROMIUM", "KB_REQUIRE_ALL"):
        assert needed in README, needed


def test_help_names_only_files_the_repository_has():
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    named = set(re.findall(r"[\w./-]+\.(?:md|ya?ml|toml)\b", result.stdout))
    assert named and {name for name in named if not (ROOT / name).is_file()} == set()


def test_ci_installs_chromium_after_refreshing_the_package_lists():
    assert 0 <= CI.index("apt-get update") < CI.index("apt-get install")
    assert "export KB_REQUIRE_ALL=1" in CI


def test_ci_stops_at_once_on_a_chromium_that_is_not_there(tmp_path: Path):
    missing = tmp_path / "no-chromium"
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env={**os.environ, "KB_CHROMIUM": str(missing)},
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (1, f"ci: KB_CHROMIUM={missing} is not an executable Chromium\n")


def _fake_ci(tmp_path: Path, failing: str = "") -> tuple[Path, dict]:
    """.ci/run in a scratch copy whose make and .venv/bin/python only say what they were asked (``failing`` fails)."""
    if subprocess.run(["python3", "-c", "import ensurepip, venv"], capture_output=True).returncode:
        require_or_skip("python3 here cannot create a venv: .ci/run would apt-get install python3-venv")
    if not (shutil.which("node") and shutil.which("npm")):
        require_or_skip("node and npm are not installed")
    repo, fake = tmp_path / "repo", tmp_path / "bin"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for script in (fake / "make", repo / ".venv" / "bin" / "python"):
        script.parent.mkdir(parents=True, exist_ok=True)
        name, fails = script.name, failing or "<nothing>"
        script.write_text(f'#!/bin/sh\necho "{name} $* KB_REQUIRE_ALL=$KB_REQUIRE_ALL"\n'
                          f'case "$*" in "{fails}") exit 1;; esac\n')
        script.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "KB_CHROMIUM": sys.executable, "PYTEST_ADDOPTS": "",
           "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    return repo, env


def test_ci_runs_every_step_with_nothing_allowed_to_skip(tmp_path: Path):
    repo, env = _fake_ci(tmp_path)
    result = subprocess.run(["bash", str(repo / ".ci" / "run")], env={**env, "KB_DIFF_BASE": "origin/main"},
                            capture_output=True, text=True, timeout=60)
    calls = [line for line in result.stdout.splitlines() if not line.startswith("ci: ")]
    assert (result.returncode, calls) == (0, [
        "make setup KB_REQUIRE_ALL=1",
        "python -m generator check --format github KB_REQUIRE_ALL=1",
        "make lint KB_REQUIRE_ALL=1",  # (schemas ran before it: its output goes nowhere)
        "make test KB_REQUIRE_ALL=1",
    ]), result.stdout + result.stderr
    diff = (repo / "build" / "outcome-diff.md").read_text()
    assert diff == "python -m generator diff --base origin/main KB_REQUIRE_ALL=1\n"
    assert (tmp_path / "summary.md").read_text() == diff  # the job summary


def test_a_failing_test_run_still_writes_the_outcome_diff_and_fails(tmp_path: Path):
    repo, env = _fake_ci(tmp_path, failing="test")
    result = subprocess.run(["bash", str(repo / ".ci" / "run")], env={**env, "KB_DIFF_BASE": "origin/main"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.endswith("ci: failed: tests (make test)\n"), result.stderr
    assert "generator diff --base origin/main" in (tmp_path / "summary.md").read_text()
