"""`new` writes schema-annotated files with the next free id or number, which check refuses until filled in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]



def run(kb: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), *args], capture_output=True, text=True)


def test_new_milestone_takes_the_next_id_and_is_refused_until_filled(kb: Path):
    made = run(kb, "new", "milestone")
    assert made.returncode == 0
    assert made.stdout.splitlines()[0] == "wrote rules/milestones/m9.yaml: fill in every TODO (check refuses the file until you do)"
    text = (kb / "rules/milestones/m9.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/milestone.schema.json\nid: m9\n")
    check = run(kb, "check")
    assert check.returncode == 1
    assert "rules/milestones/m9.yaml:3:8: unfinished: replace this TODO" in check.stderr

    filled = (text.replace("TODO a short name for what is reached, e.g. \"10 in a row\"", "Ten paying customers")
              .replace("TODO one sentence on what reaching it shows.", "Ten customers pay.")
              .replace("condition: TODO", "condition: paying_customers >= 10\noptional: true")
              .replace("TODO why it matters and why it comes here in the order, in your own words.", "Because.")
              .replace("id: TODO", "id: milestone-ladder").replace("point: TODO which part of the source", "point: A test"))
    (kb / "rules/milestones/m9.yaml").write_text(filled)
    ladder = kb / "rules/ladder.yaml"
    ladder.write_text(ladder.read_text().replace("m7, m8]", "m7, m8, m9]"))
    check = run(kb, "check")
    assert check.returncode == 0, check.stderr


def test_new_article_takes_the_next_number_in_its_section(kb: Path):
    made = run(kb, "new", "article", "--section", "1.0301", "--name", "Stage 7: Scaling")
    assert made.returncode == 0
    assert made.stdout.startswith("wrote content/articles/1.030107-stage-7-scaling.md")
    assert '\nnumber: "1.030107"\n' in (kb / "content/articles/1.030107-stage-7-scaling.md").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["new", "flag"], "this kind needs a flag id, e.g. --name cash-before-fit"),
        (["new", "stage", "--name", "x", "--framework", "nope"], "rules/frameworks/nope.yaml:1:1: no framework 'nope'; see rules/frameworks/"),
        (["new", "article", "--section", "5.2"], "--section must look like 5.0203 (volume.chapter+section), not '5.2'"),
        (["new", "milestone", "--name", "m1"], "rules/milestones/m1.yaml:1:1: already exists; pick another id or number"),
    ],
)
def test_mistakes_are_explained(kb: Path, args, message):
    result = run(kb, *args)
    assert result.returncode == 1
    assert result.stderr.strip() == message
