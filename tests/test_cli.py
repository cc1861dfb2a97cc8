"""The command line as users run it: exit codes, formats, one line per problem, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "generator", *args], input=stdin, capture_output=True, text=True, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_score_json_follows_the_contract(tmp_path: Path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("sales_calls_per_week: 6\npaying_customers: 3\nhell_yes_customers: 1\n")
    result = run("score", "--answers", str(answers), "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert {"milestones", "next_goal", "stages", "flags", "checklists"} <= set(data)
    assert data["next_goal"] == "m3"
    assert data["milestones"]["m1"] == {"status": "met", "why": "Met: 6 sales calls a week (needs at least 5)."}
    assert data["stages"] == {"cxo-atlas": "has-some-customers", "four-steps": "customer-discovery",
                              "milestone-ladder": "finding-hell-yes", "spinning-plates": "stage-1"}
    assert data["checklists"]["pmf-repeatability"]["yes"] == 0


def test_score_text_reads_like_a_report():
    result = run("score", "--answers", "-", stdin='{"sales_calls_per_week": 6, "paying_customers": 3}')
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Next goal: m3 — 5 paying customers, 1 of them a hell-yes"
    assert "  Smallest step: Answer “How many of them are a \"hell yes\" after the sale?”; then 2 more paying customers." in lines
    assert "  [x] m1 5+ sales calls a week, every week" in lines
    assert "  [ ] m3 5 paying customers, 1 of them a hell-yes" in lines
    assert "  [?] m4 5 hell-yes customers" in lines


def test_bad_answers_exit_2_with_one_line_each(tmp_path: Path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("sales_calls_per_week: -1\npaying_customers: 2\nhell_yes_customers: 3\npaying_custmers: 4\nproduct_market_fit: yes\n")
    result = run("score", "--answers", str(answers))
    assert result.returncode == 2
    assert result.stdout == ""
    rel = str(answers)
    assert result.stderr.splitlines() == [
        f"{rel}:1:1: sales_calls_per_week: expected a number of at least 0, got -1",
        f"{rel}:3:1: hell_yes_customers: hell-yes customers can't exceed paying customers (you gave 3 hell-yes customers and 2 paying customers)",
        f"{rel}:4:1: paying_custmers: unknown answer id (did you mean 'paying_customers'?)",
        f"{rel}:5:1: product_market_fit: expected true or false, got the text 'yes'",
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("a: [1, 2\n", "<stdin>:2:1: YAML syntax error: expected ',' or ']', but got '<stream end>'"),
        ("- 1\n- 2\n", "<stdin>:1:1: answers must be a mapping of answer id to value, not a list"),
        ("paying_customers: !!python/object/apply:os.system [echo hi]\n", "<stdin>:1:19: YAML tag '!!python/object/apply:os.system' is not allowed; rules files hold plain data: remove the tag"),
    ],
)
def test_unreadable_answers_exit_2(content, message):
    result = run("score", "--answers", "-", stdin=content)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [message]


def test_missing_answers_file_exits_2():
    result = run("score", "--answers", "no-such-file.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "no-such-file.yaml:1:1: cannot read the answers: No such file or directory"


def test_check_passes_on_the_repository():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 8 milestones, 4 frameworks, 8 flags, 2 checklists, 33 questions, ")


def test_check_from_elsewhere_says_where_it_looked(tmp_path: Path):
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("rules:1:1: no rules/ directory here; run from the knowledge base's root")
