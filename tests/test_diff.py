"""The outcome diff reads the base rules from git and reports what a change moves."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("rules", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    return tmp_path


def diff(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(repo), "diff", "--base", "HEAD", *args],
                          capture_output=True, text=True)


def test_no_change_no_outcome_change(repo: Path):
    result = diff(repo, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["moved"] == 0 and report["changes"] == []
    assert report["profiles"] >= 1000


def test_lowering_m5_to_85_percent_moves_m5_and_the_next_goal(repo: Path):
    m5 = repo / "rules" / "milestones" / "m5.yaml"
    m5.write_text(m5.read_text().replace("paying_customers >= 0.9", "paying_customers >= 0.85"))
    report = json.loads(diff(repo, "--format", "json").stdout)
    rows = {(r["kind"], r["what"], r["from"], r["to"]): r for r in report["changes"]}
    assert rows[("milestone", "m5", "not_met", "met")]["profiles"] > 0
    assert ("next goal", "next goal", "m5", "m6") in rows
    assert all(kind != "milestone" or what == "m5" for kind, what, _, _ in rows), "only m5 moves"
    example = rows[("milestone", "m5", "not_met", "met")]["examples"][0]
    assert set(example) == {"paying_customers", "hell_yes_customers"}
    assert 0.85 <= example["hell_yes_customers"] / example["paying_customers"] < 0.9
    text = diff(repo).stdout
    assert text.startswith("### Outcome diff against `HEAD`")
    assert "| milestone `m5` | not_met → met |" in text


def test_an_unknown_ref_is_a_clear_error(repo: Path):
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(repo), "diff", "--base", "no-such-ref"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "cannot read rules at 'no-such-ref' from git" in result.stderr
    assert "Traceback" not in result.stderr
