"""The command line as users run it (INTERFACE.md): exit codes, formats, one line per problem, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[1]
SCORE_KEYS = {"milestones", "next_goal", "stages", "flags", "checklists"}


def run(*args: str, stdin: str = "", cwd: Path = ROOT, process: bool = False) -> subprocess.CompletedProcess:
    """The command, in this process (tests/cli_run.py); ``process``: in one of its own, for the status a shell sees."""
    if process:
        result = subprocess.run([sys.executable, "-m", "generator", *args], input=stdin, capture_output=True, text=True,
                                encoding="utf-8", cwd=cwd)
    else:
        result = run_cli(*args, input=stdin, cwd=cwd)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def answers_file(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- score ----------------------------------------------------------------------------------------------


def test_score_json_follows_the_contract(tmp_path: Path):
    answers = answers_file(tmp_path, "sales_calls_per_week: 6\npaying_customers: 3\nhell_yes_customers: 1\n")
    result = run("score", "--answers", str(answers), "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert SCORE_KEYS <= set(data)
    assert data["next_goal"] == "m3"
    assert list(data["milestones"]) == [f"m{i}" for i in range(1, 9)]
    assert data["milestones"]["m1"] == {"status": "met", "why": "Met: 6 sales calls a week (needs at least 5)."}
    assert data["milestones"]["m3"]["status"] == "not_met"
    assert data["milestones"]["m7"]["status"] == "unknown"
    assert data["stages"]["spinning-plates"] == "stage-1"
    assert data["stages"]["cxo-atlas"] == "has-some-customers"
    assert data["flags"] == []
    assert data["checklists"]["pmf-repeatability"] == {
        "yes": 0, "of": 7, "answered": 0,
        "unanswered": ["knows_target_customers", "knows_buyers_and_budget", "knows_marketing_channels",
                       "single_marketing_message", "repeatable_sales_process", "roadmap_aligned", "junior_reps_close"],
    }


def test_score_json_lists_raised_flags_with_why_and_see(tmp_path: Path):
    answers = answers_file(tmp_path, '{"products_count": 2, "product_market_fit": false}', "answers.json")
    data = json.loads(run("score", "--answers", str(answers), "--format", "json").stdout)
    assert [(f["id"], f["see"]) for f in data["flags"]] == [("products-before-fit", ["articles/94.010101/"])]
    assert all(f["why"].startswith("Raised because: ") for f in data["flags"])


def test_score_text_reads_like_a_report():
    result = run("score", "--answers", "-", stdin='{"sales_calls_per_week": 6, "paying_customers": 3}')
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "Next goal: m3 — 5 paying customers, 1 of them a hell-yes"
    assert lines[1] == ("  m1, m2 are met; m3 (5 paying customers, 1 of them a hell-yes) is not met yet, "
                        "and it is the lowest milestone that is not met.")
    assert "  Smallest step: Answer “How many of them are a \"hell yes\" after the sale?”; then 2 more paying customers." in lines
    assert "  [x] m1 5+ sales calls a week, kept up" in lines
    assert "      Met: 6 sales calls a week (needs at least 5)." in lines
    assert "  [ ] m3 5 paying customers, 1 of them a hell-yes" in lines
    assert "  [?] m4 5 hell-yes customers" in lines
    for heading in ("Milestones:", "Stages:", "Checklists:"):
        assert heading in lines


@pytest.mark.parametrize(
    "stdin, next_goal",
    [
        ("sales_calls_per_week: 4\npaying_customers: 30\nhell_yes_customers: 27\n", "m1"),  # YAML
        ('{"sales_calls_per_week": 5, "paying_customers": 1}', "m3"),  # JSON
        ("{}", "m1"),  # nothing answered yet
        ("sales_calls_per_week: 5\n"
         "paying_customers: 30\nhell_yes_customers: 27\nsqls: 31\nsqls_won: 10\n"
         "scalable_pipeline_source: true\nmetrics_held_with_reps: true\n", None),
    ],
)
def test_score_reads_yaml_or_json_from_stdin(stdin, next_goal):
    result = run("score", "--answers", "-", "--format", "json", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["next_goal"] == next_goal


def test_text_and_json_agree(tmp_path: Path):
    answers = answers_file(tmp_path, "sales_calls_per_week: 4\npaying_customers: 30\nhell_yes_customers: 27\n")
    data = json.loads(run("score", "--answers", str(answers), "--format", "json").stdout)
    text = run("score", "--answers", str(answers)).stdout
    assert text.startswith(f"Next goal: {data['next_goal']} — ")
    for milestone in data["milestones"].values():
        assert f"      {milestone['why']}" in text.splitlines()


def test_bad_answers_exit_2_with_one_line_each(tmp_path: Path):
    answers = answers_file(
        tmp_path,
        "sales_calls_per_week: -1\npaying_customers: 2\nhell_yes_customers: 3\npaying_custmers: 4\nproduct_market_fit: yes\n",
    )
    result = run("score", "--answers", str(answers), process=True)
    assert result.returncode == 2
    assert result.stdout == ""
    path = str(answers)
    assert result.stderr.splitlines() == [
        f"{path}:1:1: sales_calls_per_week: expected a number of at least 0, got -1",
        f"{path}:3:1: hell_yes_customers: hell-yes customers can't exceed paying customers (you gave 3 hell-yes customers and 2 paying customers)",
        f"{path}:4:1: paying_custmers: unknown answer id (did you mean 'paying_customers'?)",
        f"{path}:5:1: product_market_fit: expected true or false, got the text 'yes'",
    ]


@pytest.mark.parametrize(
    "content, lines",
    [
        ("paying_customers: 2.5\n", ["<stdin>:1:1: paying_customers: expected a whole number, got 2.5"]),
        ("sqls: 10\nsqls_won: 11\n",
         ["<stdin>:2:1: sqls_won: deals won can't exceed the SQLs they came from (you gave 11 closed-won deals and 10 SQLs)"]),
        ('{\n  "sales_calls_per_week": "5",\n  "bogus": 1\n}\n', [
            "<stdin>:2:3: sales_calls_per_week: expected a number, got the text '5'",
            "<stdin>:3:3: bogus: unknown answer id",
        ]),
        ("scalable_pipeline_source: 1\n", ["<stdin>:1:1: scalable_pipeline_source: expected true or false, got 1"]),
        ("paying_customers: [3]\n", ["<stdin>:1:1: paying_customers: expected a whole number, got a list"]),
    ],
)
def test_invalid_answers_name_the_id_and_what_was_expected(content, lines):
    for fmt in ("text", "json"):
        result = run("score", "--answers", "-", "--format", fmt, stdin=content)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.splitlines() == lines


@pytest.mark.parametrize(
    "content, message",
    [
        ("a: [1, 2\n", "<stdin>:2:1: YAML syntax error: did not find expected ',' or ']'; look at the flow sequence that starts at line 1, column 4"),
        ('{"paying_customers": 3,,}', "<stdin>:1:24: YAML syntax error: did not find expected node content"),
        ("paying_customers: 1\npaying_customers: 2\n", "<stdin>:2:1: duplicate key 'paying_customers' (first at line 1); remove one of them"),
        ("- 1\n- 2\n", "<stdin>:1:1: answers must be a mapping of answer id to value, not a list"),
        ("paying_customers: !!python/object/apply:os.system [echo hi]\n",
         "<stdin>:1:19: YAML tag '!!python/object/apply:os.system' is not allowed; only plain data is read: remove the tag"),
    ],
)
def test_unreadable_answers_exit_2(content, message):
    result = run("score", "--answers", "-", stdin=content)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [message]


def test_yaml_syntax_error_in_an_answers_file(tmp_path: Path):
    answers = answers_file(tmp_path, "sales_calls_per_week: 6\npaying_customers: [3\n")
    result = run("score", "--answers", str(answers), "--format", "json")
    assert (result.returncode, result.stdout) == (2, "")
    said = "YAML syntax error: did not find expected ',' or ']'; look at the flow sequence that starts at line 2, column 19"
    assert result.stderr.splitlines() == [f"{answers}:3:1: {said}"]


def test_missing_answers_file_exits_2():
    result = run("score", "--answers", "no-such-file.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == ["no-such-file.yaml:1:1: cannot read the answers: No such file or directory"]


def test_a_directory_is_not_an_answers_file(tmp_path: Path):
    result = run("score", "--answers", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{tmp_path}:1:1: cannot read the answers: Is a directory"]


def test_answers_that_are_not_utf8_exit_2(tmp_path: Path):
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(b"\xff\xfe")
    result = run("score", "--answers", str(answers))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{answers}:1:1: not UTF-8 text: invalid start byte (byte ff); save the file as UTF-8"]


def test_score_needs_answers():
    result = run("score")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "python -m generator score: error: the following arguments are required: --answers"


# --- check ----------------------------------------------------------------------------------------------


def test_check_passes_on_the_repository():
    result = run("check", process=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("ok: 8 milestones, ")
    assert " rule cases pass (" in result.stdout


def test_check_with_root_from_elsewhere(tmp_path: Path):
    result = run("--root", str(ROOT), "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_check_from_elsewhere_says_where_it_looked(tmp_path: Path):
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"rules:1:1: no rules/ directory here; run from the knowledge base's root (looked in {tmp_path.resolve()})"
    ]


def test_score_in_a_directory_without_rules_exits_1(tmp_path: Path):
    result = run("score", "--answers", "-", cwd=tmp_path, stdin="{}")
    assert result.returncode == 1
    assert result.stderr.splitlines()[1].startswith("rules:1:1: no rules/ directory here")


def test_bench_sizes_must_be_numbers():
    result = run("bench", "site", "--sizes", "100,lots")
    assert (result.returncode, result.stdout) == (2, "")
    assert "--sizes: takes whole numbers above 0 separated by commas, not '100,lots'" in result.stderr
