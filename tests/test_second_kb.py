"""The generator and engine know nothing about startups: an unrelated knowledge
base (houseplants, tests/fixtures/plant-kb) checks, scores and builds with the
same code, and none of the startup vocabulary leaks into it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from generator.rules.compile import compile_rules
from generator.rules.load import load_rules
from generator.scoring import Engine
from generator.site.build import build_site
from tests.cli_run import run_cli

PLANTS = Path(__file__).parent / "fixtures" / "plant-kb"
STARTUP_WORDS = ["customer", "sales", "founder", "startup", "SQL", "hell-yes", "m1"]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The command, in this process (tests/cli_run.py)."""
    return run_cli("--root", str(PLANTS), *args, input=stdin)


def test_check_and_score_an_unrelated_knowledge_base():
    check = run("check")
    assert check.returncode == 0, check.stderr
    answers = '{"waterings_per_week": 2, "new_leaves": 4, "yellow_leaves": 2}'
    result = run("score", "--answers", "-", "--format", "json", stdin=answers)
    assert result.returncode == 0, result.stderr
    scored = json.loads(result.stdout)
    assert scored["next_goal"] == "growing"
    assert scored["milestones"]["growing"] == {
        "status": "not_met",
        "why": "Not met: 2 yellow leaves out of 4 new leaves = 50% (needs less than 50%). "
        "Already there: 4 new leaves (needs at least 3).",
    }
    bad = run("score", "--answers", "-", stdin='{"new_leaves": 501, "sales_calls_per_week": 5}')
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == [
        "<stdin>:1:2: new_leaves: expected a whole number of at most 500, got 501",
        "<stdin>:1:21: sales_calls_per_week: unknown answer id (did you mean 'waterings_per_week'?)",
    ]


def test_its_own_rule_cases_pass():
    rules = load_rules(PLANTS)
    engine = Engine(compile_rules(rules))
    assert len(rules.cases) == 4
    for _, case in rules.cases:
        result = engine.score(dict(case["answers"]))
        expect = case["expect"]
        for mid, status in expect.get("milestones", {}).items():
            assert result["milestones"][mid]["status"] == status, case["name"]
        if "next_goal" in expect:
            assert result["next_goal"] == expect["next_goal"], case["name"]


def test_its_site_builds_without_startup_vocabulary(repo_root: Path, tmp_path: Path):
    kb = tmp_path / "plants"
    shutil.copytree(PLANTS, kb)
    shutil.copytree(repo_root / "site_assets", kb / "site_assets")
    site = tmp_path / "site"
    build_site(kb, site)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert {"index.html", "assess/index.html", "milestones/watered/index.html", "milestones/repotted/index.html"} <= pages
    rules = json.loads((site / "assets/kb/rules.json").read_text())
    assert [m["id"] for m in rules["milestones"]] == ["watered", "growing", "repotted"]
    for page in ["index.html", "milestones/growing/index.html", "questions/index.html"]:
        text = (site / page).read_text()
        body = text[text.index('<article'):text.index('</article>')]
        for word in STARTUP_WORDS:
            assert word not in body, (page, word)
