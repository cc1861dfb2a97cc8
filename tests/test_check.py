"""`check` on broken knowledge bases: every problem, at its path:line:col, with a hint.

Each case copies the repository's rules into a scratch directory, breaks one
thing, and asserts the exact line `check` prints for it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.rules.load import load_rules

ROOT = Path(__file__).resolve().parents[1]



def edit(kb: Path, rel: str, old: str, new: str) -> None:
    path = kb / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


def problems(kb: Path) -> list[str]:
    with pytest.raises(UserError) as err:
        load_rules(kb)
    return [str(p) for p in err.value.problems]


M3 = "rules/milestones/m3.yaml"

CASES = [
    ("yaml syntax", M3, "title: 5 paying", "title: [5 paying",
     "rules/milestones/m3.yaml:4:8: YAML syntax error: expected ',' or ']', but got ':'"),
    ("duplicate key", M3, "summary:", "title: again\nsummary:",
     "rules/milestones/m3.yaml:4:1: duplicate key 'title' (first at line 3); remove one of them"),
    ("yaml tag", M3, "title: 5 paying customers, 1 of them a hell-yes", "title: !!python/object/apply:os.system [ls]",
     "rules/milestones/m3.yaml:3:8: YAML tag '!!python/object/apply:os.system' is not allowed; rules files hold plain data: remove the tag"),
    ("unknown key", M3, "condition:", "conditon:",
     "rules/milestones/m3.yaml:5:1: unknown key 'conditon' in milestone; did you mean 'condition'?"),
    ("wrong type", M3, "title: 5 paying customers, 1 of them a hell-yes", "title: 5",
     "rules/milestones/m3.yaml:3:8: milestone.title must be text, not the number 5; quote it if it is meant as text"),
    ("bool as text", "rules/milestones/m7.yaml", "optional: true", "optional: yes",
     "rules/milestones/m7.yaml:6:11: milestone.optional must be true or false, not the text 'yes'; YAML 1.2 reads only true and false as yes/no values"),
    ("id and file name", M3, "id: m3", "id: m33",
     "rules/milestones/m3.yaml:2:5: id 'm33' does not match the file name 'm3.yaml'; rename the file to m33.yaml or change the id"),
    ("dangling source", M3, "id: milestone-ladder", "id: milestone-ladders",
     "rules/milestones/m3.yaml:18:7: unknown source 'milestone-ladders'; did you mean 'milestone-ladder'?"),
    ("unknown answer in condition", M3, "paying_customers >= 5", "paying_custmers >= 5",
     "rules/milestones/m3.yaml:5:12: in condition: unknown answer id 'paying_custmers'; did you mean 'paying_customers'?"),
    ("type error in condition", M3, "hell_yes_customers >= 1", "hell_yes_customers >= true",
     "rules/milestones/m3.yaml:5:60: in condition: '>=' compares numbers, not a yes/no condition"),
    ("syntax error in condition", M3, "paying_customers >= 5 and", "paying_customers >= 5 &&",
     "rules/milestones/m3.yaml:5:34: in condition: unexpected character '&'; use 'and', 'or', 'not'"),
    ("stage literal", "rules/flags/too-niche.yaml", "== 'stage-2'", "== 'stage-3'",
     "rules/flags/too-niche.yaml:4:40: in condition: 'spinning-plates' has no stage 'stage-3'; did you mean 'stage-2'?"),
    ("function not allowed", M3, "paying_customers >= 5 and", "met('m2') and",
     "rules/milestones/m3.yaml:5:12: in condition: met() cannot be used here; conditions here may only read answers"),
    ("duplicate ladder entry", "rules/ladder.yaml", "[m1, m2,", "[m1, m1, m2,",
     "rules/ladder.yaml:11:18: milestone 'm1' is listed twice; each milestone has one place on the ladder"),
    ("unknown file", None, None, None, "rules/milestone/m9.yaml:1:1: not a known kind of rules file; rules files live at: "),
    ("crosswalk twice", "rules/crosswalk.yaml", "four-steps: [customer-validation]", "four-steps: [customer-validation, customer-discovery]",
     "rules/crosswalk.yaml:13:41: stage four-steps/customer-discovery is mapped twice (rows 'before-customers' and 'first-customers'); a stage corresponds to one period only"),
    ("checklist item type", "rules/checklists/pmf-repeatability.yaml", "  - junior_reps_close", "  - paying_customers",
     "rules/checklists/pmf-repeatability.yaml:17:5: checklist item 'paying_customers' is a integer question; checklists count yes answers: use boolean questions"),
    ("stage without condition", "rules/frameworks/cxo-atlas.yaml", "    when: has_working_demo\n", "",
     "rules/frameworks/cxo-atlas.yaml:20:5: stage 'can-demo' has no 'when' condition; only the first stage may do without one: say what puts a founder at this stage"),
    ("bounds", "rules/questions/customers.yaml", "    min: 0\n  - id: hell_yes", "    min: 5\n    max: 1\n  - id: hell_yes",
     "rules/questions/customers.yaml:13:10: max 1 is below min 5"),
    ("missing schema line", M3, "# yaml-language-server: $schema=../schemas/milestone.schema.json\n", "",
     "rules/milestones/m3.yaml:1:1: the first line should be '# yaml-language-server: $schema=../schemas/milestone.schema.json', found nothing; run 'python -m generator schemas' to add it"),
]


@pytest.mark.parametrize("name, rel, old, new, expected", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_where_it_is(kb: Path, name, rel, old, new, expected):
    if rel is None:
        (kb / "rules" / "milestone").mkdir()
        (kb / "rules" / "milestone" / "m9.yaml").write_text("id: m9\n")
    else:
        edit(kb, rel, old, new)
    found = problems(kb)
    assert any(line == expected or (expected.endswith(": ") and line.startswith(expected)) for line in found), "\n".join(found)


def test_cross_references_between_rules_and_articles(kb: Path):
    from generator.knowledge import load_knowledge

    edit(kb, "rules/frameworks/cxo-atlas.yaml", "    milestones: [m1]\n", "")
    edit(kb, "rules/questions/customers.yaml", "    noun: paying customers\n", "    noun: paying customers\n    article: \"9.999999\"\n")
    edit(kb, M3, "id: m3", "id: m3\narticles: [\"1.030107\"]")
    with pytest.raises(UserError) as err:
        load_knowledge(kb)
    assert [str(p) for p in err.value.problems] == [
        "rules/frameworks/cxo-atlas.yaml:11:5: stage cxo-atlas/idea has no milestones and no articles; "
        "a stage page must give a founder something to work on or read: list milestones or articles",
        "rules/milestones/m3.yaml:3:12: unknown article '1.030107'; did you mean '1.030106'?",
        "rules/questions/customers.yaml:11:14: unknown article '9.999999'; no article has this number",
    ]


def test_missing_key_names_the_key_and_why_it_is_needed(kb: Path):
    edit(kb, M3, "summary: Five paying customers, and at least one of them clearly going to renew.\n", "")
    assert problems(kb) == [
        "rules/milestones/m3.yaml:2:1: milestone is missing the key 'summary'; One sentence: what reaching it shows."
    ]


def test_every_problem_is_reported_at_once(kb: Path):
    edit(kb, M3, "condition:", "conditon:")
    edit(kb, "rules/milestones/m4.yaml", "hell_yes_customers >= 5", "hell_yes >= 5")
    found = problems(kb)
    assert [line.split(":")[0] for line in found] == ["rules/milestones/m3.yaml", "rules/milestones/m3.yaml", "rules/milestones/m4.yaml"]
    assert found[2] == "rules/milestones/m4.yaml:5:12: in condition: unknown answer id 'hell_yes'; did you mean 'hell_yes_customers'?"


def test_a_failing_rule_case_fails_check(kb: Path):
    edit(kb, "rules/milestones/m1.yaml", "sales_calls_per_week >= 5", "sales_calls_per_week >= 6")
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "check"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "rules/tests/milestones.yaml:13:5: rule case 'm1: 5 calls a week meets it' fails: m1 is not_met, expected met" in result.stderr


def test_github_format_prints_annotations(kb: Path):
    edit(kb, M3, "condition:", "conditon:")
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "check", "--format", "github"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "::error file=rules/milestones/m3.yaml,line=5,col=1::unknown key 'conditon' in milestone; did you mean 'condition'?" in result.stderr.splitlines()
