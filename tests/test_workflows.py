"""The GitHub workflows, this repository's and the ones init writes: actionlint finds nothing, and each does its part.

actionlint (with shellcheck on PATH it checks every run: script too) comes from the test extra.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, require_or_skip

WORKFLOWS = ROOT / ".github" / "workflows"
SKELETON = ROOT / "generator" / "skeleton" / "common" / "dot-github" / "workflows"


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if not found:
        require_or_skip("actionlint is not installed (pip install -e '.[test]' installs it)")
    return found


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_actionlint_finds_nothing():
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(SKELETON.glob("*.yml"))
    result = subprocess.run([actionlint(), "-no-color", *map(str, files)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_the_pull_request_workflow_runs_ci_run_with_its_chromium_and_keeps_the_diff():
    run = steps(load(WORKFLOWS / "pull-request.yml"))
    ci = next(step for step in run if "bash .ci/run" in step.get("run", ""))
    chrome = next(step for step in run if step.get("uses", "").startswith("browser-actions/setup-chrome@"))
    assert ci["env"]["KB_CHROMIUM"] == f"${{{{ steps.{chrome['id']}.outputs.chrome-path }}}}"
    assert ci["env"]["KB_DIFF_BASE"] == "origin/${{ github.base_ref }}"
    kept = next(step for step in run if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert kept["if"] == "always()" and kept["with"]["path"] == "outcome/"
    assert [step.get("run") for step in run if "run" in step] == [ci["run"]]  # every other step is .ci/run's


def test_the_outcome_diff_is_one_comment_edited_on_each_push():
    for path, after in ((WORKFLOWS / "pr-comment.yml", "pull request"), (SKELETON / "comment.yml", "check")):
        workflow = load(path)
        assert workflow[True]["workflow_run"] == {"workflows": [after], "types": ["completed"]}  # YAML 1.1 reads 'on' as True
        script = steps(workflow)[-1]["with"]["script"]
        assert "updateComment" in script and "createComment" in script and "c.body.startsWith(marker)" in script
        assert "pull.head.sha !== context.payload.workflow_run.head_sha" in script  # never a stale run's diff


def test_pages_deploy_with_githubs_own_actions():
    for path in (WORKFLOWS / "pages.yml", SKELETON / "pages.yml"):
        used = {step.get("uses", "").split("@")[0] for step in steps(load(path))}
        assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= used, path
