"""The outcome diff reads the base rules from git and reports what a change moves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator.diff
from generator.errors import shown
from tests.cli_run import run_cli
from tests.conftest import files_digest

ROOT = Path(__file__).resolve().parents[1]
REPORTS: dict[tuple, str] = {}  # compare()'s report (JSON) by what it is a function of: see compare_once_per_tree


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("rules", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    return tmp_path


@pytest.fixture(autouse=True)
def compare_once_per_tree(monkeypatch):
    """One comparison per pair of trees, for the tests that print one as JSON and then as Markdown.

    compare() is a function of the working tree's files, the base commit's tree and the generator's code alone (its
    corpus of profiles is seeded): a second run on the same three is given the first run's report, and the command
    line still parses, compares through this and prints it each time. Anything else (or a base git cannot resolve)
    runs it."""
    real = generator.diff.compare

    def remembered(root: Path, base: str) -> dict:
        tree = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{tree}}"],
                              cwd=root, capture_output=True, text=True)
        if tree.returncode != 0:
            return real(root, base)
        key = (files_digest(root, ".git", "__pycache__"), files_digest(ROOT / "generator", "__pycache__"), tree.stdout.strip(), base)
        if key not in REPORTS:
            REPORTS[key] = json.dumps(real(root, base))
        return json.loads(REPORTS[key])

    monkeypatch.setattr(generator.diff, "compare", remembered)


def diff(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--root", str(repo), "diff", "--base", "HEAD", *args)


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
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("diff: --base 'no-such-ref' is not a commit in this repository; "
                             "pass a commit, branch or tag, e.g. --base origin/main\n")


def test_a_base_that_is_an_option_leaves_the_file_it_names_intact(repo: Path, tmp_path_factory):
    """`git archive --output=FILE` would truncate FILE: the base must reach git as a revision, or not at all."""
    victim = tmp_path_factory.mktemp("victim") / "precious.txt"
    victim.write_text("keep me\n")
    for option in (f"--output={victim}", f"--output={victim}^{{commit}}", f"--remote=ext::sh -c 'echo x >{victim}'"):
        result = run_cli("--root", str(repo), "diff", f"--base={option}")
        assert result.returncode == 1 and result.stdout == "", option
        assert result.stderr.startswith(f"diff: --base {shown(option)} is not a commit in this repository; "), result.stderr
        assert result.stderr.count("\n") == 1
        assert victim.read_text() == "keep me\n", option


def test_a_reworded_noun_is_reported_as_what_results_and_pages_say(repo: Path):
    questions = repo / "rules" / "questions" / "customers.yaml"
    text = questions.read_text()
    assert "    noun: hell-yes customers\n" in text
    questions.write_text(text.replace("    noun: hell-yes customers\n", "    noun: delighted customers\n"))
    report = json.loads(diff(repo, "--format", "json").stdout)
    assert report["moved"] == 0 and report["changes"] == [], "a noun moves no outcome"
    said = {row["what"]: row for row in report["said"]}
    assert said["milestones.m4.why"]["profiles"] > 0 and report["reworded"] >= said["milestones.m4.why"]["profiles"]
    example = said["milestones.m4.why"]["examples"][0]
    assert "hell-yes customers" in example["from"] and "delighted customers" in example["to"]
    assert set(example["answers"]) <= {"hell_yes_customers", "paying_customers", "sales_calls_per_week"}, "trimmed to what m4 reads"
    assert not any(path.endswith(".status") for path in said), "outcomes are not texts"
    changed = {page["page"]: page["excerpt"] for page in report["pages"]["changed"]}
    assert "milestones/m4.md" in changed and report["pages"]["added"] == report["pages"]["removed"] == []
    assert any(line.startswith("-") and "hell-yes customers" in line for line in changed["milestones/m4.md"])
    assert any(line.startswith("+") and "delighted customers" in line for line in changed["milestones/m4.md"])
    assert all(len(excerpt) <= 13 for excerpt in changed.values()), "excerpts are capped"

    text = diff(repo).stdout
    assert "No outcome changes." in text
    assert f"{report['reworded']} of {report['profiles']} answer profiles are told something different:" in text
    assert "| `milestones.m4.why` |" in text
    summary = next(line for line in text.splitlines() if "say something different:" in line)
    assert summary.startswith(f"{len(changed)} pages say something different: ") and "`milestones/m4.md`" in summary
    assert "\n```diff\n" in text


def test_no_change_says_the_same_everywhere(repo: Path):
    text = diff(repo).stdout
    assert text.splitlines()[-5:] == ["No outcome changes.", "", "Every result says the same.", "", "Every page says the same."]


def test_the_markdown_report_shows_texts_and_never_becomes_markup():
    """Texts from rules and content, and the base's name, go into code spans and fences that nothing can close."""
    from generator.diff import markdown

    hostile = ["a | b", "`x` | [link](https://evil.example)", "a\\| b", "``` \n# heading", "<img src=x onerror=alert(1)>",
               "\x1b[2J\u202e", "`", "|"]
    report = {
        "base": "main`](https://evil.example)", "profiles": 10, "moved": 1, "reworded": 1, "seconds": 0.1,
        "changes": [{"kind": "milestone", "what": h, "from": h, "to": "met", "profiles": 1, "examples": [{"x": h}]}
                    for h in hostile],
        "said": [{"what": h, "profiles": 1, "examples": [{"answers": {}, "from": h, "to": h}]} for h in hostile],
        "pages": {"changed": [{"page": "p.md", "excerpt": ["-" + h for h in hostile] + ["+````"]}], "added": [], "removed": []},
    }
    text = markdown(report)
    assert "\x1b" not in text and "\u202e" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| What") and not line.startswith("| Text")]
    assert len(rows) == 2 * len(hostile)
    for row in rows:
        cells = gfm_cells(row)
        assert len(cells) in (3, 4), row
        assert all(inline_code_only(cell) for cell in cells), row
    assert text.splitlines()[0].startswith("### Outcome diff against ``main`](https://evil.example)``"), "the base is code too"
    fence = next(line for line in text.splitlines() if line.endswith("diff"))
    assert fence == "`````diff" and text.count("\n`````\n") == 1, "the fence is longer than any backtick run inside"


def gfm_cells(row: str) -> list[str]:
    """A table row's cells as GitHub splits them: backslash pairs first, then every unescaped pipe."""
    cells, cell, index = [], "", 1
    while index < len(row) - 1:
        if row[index] == "\\":
            cell += row[index:index + 2]
            index += 2
            continue
        if row[index] == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += row[index]
        index += 1
    return cells + [cell.strip()]


def inline_code_only(text: str) -> bool:
    """Whether ``text`` (GFM's table escapes undone) is only plain words and whole code spans (CommonMark:
    a run of n backticks opens a span that only a run of exactly n backticks closes)."""
    text, index = text.replace("\\|", "|"), 0
    while index < len(text):
        if text[index].isalnum() or text[index] in " -_.→":
            index += 1
            continue
        if text[index] != "`":
            return False
        opening = re.match(r"`+", text[index:]).group()
        closing = re.compile(rf"(?<!`){opening}(?!`)")
        found = closing.search(text, index + len(opening))
        if found is None:
            return False
        index = found.end()
    return True
