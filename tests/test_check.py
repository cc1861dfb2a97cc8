"""`check` on broken knowledge bases: every problem, at its path:line:col, with a hint.

Each case takes a scratch copy of the repository's rules and content (the
``kb`` fixture in conftest.py), breaks one thing, and asserts the exact lines
`check` reports for it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.rules.load import load_rules

M3 = "rules/milestones/m3.yaml"
M3_TITLE = "title: 5 paying customers, 1 of them a hell-yes"
M3_CONDITION = "condition: paying_customers >= 5 and hell_yes_customers >= 1"
KNOWN_FILES = (
    "rules/sources.yaml, rules/site.yaml, rules/questions/*.yaml, rules/constraints.yaml, rules/milestones/*.yaml, rules/ladder.yaml, "
    "rules/frameworks/*.yaml, rules/crosswalk.yaml, rules/flags/*.yaml, rules/checklists/*.yaml, rules/consistency.yaml, "
    "rules/glossary.yaml, rules/outline.yaml, rules/tests/*.yaml"
)


def edit(kb: Path, rel: str, old: str, new: str) -> None:
    path = kb / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(kb: Path) -> list[str]:
    with pytest.raises(UserError) as err:
        load_rules(kb)
    return [str(p) for p in err.value.problems]


def run_check(kb: Path, *options: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "check", *options],
                            capture_output=True, text=True, encoding="utf-8")
    assert "Traceback" not in result.stderr, result.stderr
    return result


# One break per case: (id, file, text to replace, replacement, every line check must print).
CASES = [
    ("yaml syntax error", M3, "title: 5 paying", "title: [5 paying",
     ["rules/milestones/m3.yaml:4:8: YAML syntax error: did not find expected ',' or ']'; "
      "look at the flow sequence that starts at line 3, column 8"]),
    ("duplicate key", M3, "summary:", "title: again\nsummary:",
     ["rules/milestones/m3.yaml:4:1: duplicate key 'title' (first at line 3); remove one of them"]),
    ("python object tag", M3, M3_TITLE, "title: !!python/object/apply:os.system [ls]",
     ["rules/milestones/m3.yaml:3:8: YAML tag '!!python/object/apply:os.system' is not allowed; only plain data is read: remove the tag"]),
    ("unknown key", M3, "condition:", "conditon:",
     ["rules/milestones/m3.yaml:2:1: milestone is missing the key 'condition'; When the milestone is met.",
      "rules/milestones/m3.yaml:5:1: unknown key 'conditon' in milestone; did you mean 'condition'?"]),
    ("missing required key", M3, "summary: Five paying customers, and at least one of them clearly going to renew.\n", "",
     ["rules/milestones/m3.yaml:2:1: milestone is missing the key 'summary'; One sentence: what reaching it shows."]),
    ("wrong type: number for text", M3, M3_TITLE, "title: 5",
     ["rules/milestones/m3.yaml:3:8: milestone.title must be text, not the number 5; quote it if it is meant as text"]),
    ("wrong type: list for text", M3, M3_TITLE, "title: [a]",
     ["rules/milestones/m3.yaml:3:8: milestone.title must be text, not a list; quote it if it is meant as text"]),
    ("wrong type: yes for a boolean", "rules/milestones/m7.yaml", "optional: true", "optional: yes",
     ["rules/milestones/m7.yaml:6:11: milestone.optional must be true or false, not the text 'yes'; "
      "YAML 1.2 reads only true and false as yes/no values"]),
    ("empty condition", M3, M3_CONDITION, "condition: ''",
     ["rules/milestones/m3.yaml:5:12: milestone.condition is empty"]),
    ("id does not match the file name", M3, "id: m3", "id: m33",
     ["rules/milestones/m3.yaml:2:5: id 'm33' does not match the file name 'm3.yaml'; rename the file to m33.yaml or change the id"]),
    ("dangling source", M3, "id: milestone-ladder", "id: milestone-ladders",
     ["rules/milestones/m3.yaml:18:7: unknown source 'milestone-ladders'; did you mean 'milestone-ladder'?"]),
    ("dangling source, nothing close", M3, "id: milestone-ladder", "id: zzz",
     ["rules/milestones/m3.yaml:18:7: unknown source 'zzz'; no source has this id"]),
    ("a stage lists an unknown flag", "rules/frameworks/spinning-plates.yaml", "flags: [products-before-fit]", "flags: [products-before-fitt]",
     ["rules/frameworks/spinning-plates.yaml:30:13: unknown flag 'products-before-fitt'; did you mean 'products-before-fit'?"]),
    # In a condition, the column points at the offending word inside the expression (which starts at column 12).
    ("unknown answer id in a condition", M3, "paying_customers >= 5", "paying_custmers >= 5",
     ["rules/milestones/m3.yaml:5:12: in condition: unknown answer id 'paying_custmers'; did you mean 'paying_customers'?"]),
    ("unknown answer id later in a condition", M3, "hell_yes_customers >= 1", "hell_yes_custmers >= 1",
     ["rules/milestones/m3.yaml:5:38: in condition: unknown answer id 'hell_yes_custmers'; did you mean 'hell_yes_customers'?"]),
    ("unknown answer id in a quoted condition", M3, M3_CONDITION, 'condition: "paying_customers >= 5 and hell_yes_custmers >= 1"',
     ["rules/milestones/m3.yaml:5:39: in condition: unknown answer id 'hell_yes_custmers'; did you mean 'hell_yes_customers'?"]),
    ("type error in a condition", M3, "hell_yes_customers >= 1", "hell_yes_customers >= true",
     ["rules/milestones/m3.yaml:5:60: in condition: '>=' compares numbers, not a yes/no condition"]),
    ("number used as a condition", M3, "hell_yes_customers >= 1", "hell_yes_customers",
     ["rules/milestones/m3.yaml:5:38: in condition: this is a number, but a yes/no condition is needed here"]),
    ("'=' in a condition", M3, "paying_customers >= 5", "paying_customers = 5",
     ["rules/milestones/m3.yaml:5:29: in condition: unexpected character '='; use '==' to compare"]),
    ("'&&' in a condition", M3, "paying_customers >= 5 and", "paying_customers >= 5 &&",
     ["rules/milestones/m3.yaml:5:34: in condition: unexpected character '&'; use 'and', 'or', 'not'"]),
    ("met() in a milestone", M3, "paying_customers >= 5 and", "met('m2') and",
     ["rules/milestones/m3.yaml:5:12: in condition: met() cannot be used here; conditions here may only read answers"]),
    ("unknown stage in a flag", "rules/flags/too-niche.yaml", "== 'stage-2'", "== 'stage-3'",
     ["rules/flags/too-niche.yaml:4:40: in condition: 'spinning-plates' has no stage 'stage-3'; did you mean 'stage-2'?"]),
    ("milestone missing from the ladder", "rules/ladder.yaml", "[m1, m2, m3,", "[m1, m2,",
     ["rules/milestones/m3.yaml:2:5: milestone 'm3' is not on the ladder; add it to rules/ladder.yaml"]),
    ("milestone listed twice", "rules/ladder.yaml", "[m1, m2,", "[m1, m1, m2,",
     ["rules/ladder.yaml:13:18: milestone 'm1' is listed twice; each milestone has one place on the ladder"]),
    ("unknown milestone on the ladder", "rules/ladder.yaml", "m8]", "m8, m9]",
     ["rules/ladder.yaml:13:46: unknown milestone 'm9'; no milestone has this id"]),
    ("duplicate question id", "rules/questions/customers.yaml", "  - id: hell_yes_customers",
     "  - id: paying_customers\n    type: integer\n    label: Again?\n    help: Again.\n  - id: hell_yes_customers",
     ["rules/questions/customers.yaml:18:9: duplicate question id 'paying_customers'; first declared in rules/questions/customers.yaml:6"]),
    ("max below min", "rules/questions/customers.yaml", "    min: 0\n  - id: hell_yes", "    min: 5\n    max: 1\n  - id: hell_yes",
     ["rules/questions/customers.yaml:18:10: max 1 is below min 5"]),
    ("missing schema line", M3, "# yaml-language-server: $schema=../schemas/milestone.schema.json\n", "",
     ["rules/milestones/m3.yaml:1:1: the first line should be '# yaml-language-server: $schema=../schemas/milestone.schema.json', "
      "found nothing; run 'python -m generator schemas' to add it"]),
    ("crosswalk stage spans a period it has no milestone of", "rules/crosswalk.yaml", "four-steps: [customer-validation]",
     "four-steps: [customer-validation, customer-discovery]",
     ["rules/crosswalk.yaml:15:41: stage four-steps/customer-discovery shares no milestone with cxo-atlas/has-some-customers, "
      "milestone-ladder/finding-hell-yes in row 'first-customers'; "
      "a row is one period: the stages of each framework in it work on a milestone in common"]),
    ("crosswalk stage in rows that are not consecutive", "rules/crosswalk.yaml", "four-steps: [customer-creation]",
     "four-steps: [customer-discovery, customer-creation]",
     ["rules/crosswalk.yaml:22:20: stage four-steps/customer-discovery is mapped to rows 'before-customers' and 'replicating' "
      "but not to 'first-customers' between them; a stage spans consecutive periods only"]),
    ("crosswalk stage twice in a row", "rules/crosswalk.yaml", "four-steps: [customer-validation]",
     "four-steps: [customer-validation, customer-validation]",
     ["rules/crosswalk.yaml:15:41: stage four-steps/customer-validation is listed twice in row 'first-customers'"]),
    ("crosswalk stage left out of a period it works in", "rules/crosswalk.yaml",
     "      spinning-plates: [stage-1]\n      milestone-ladder: [first-customer]",
     "      milestone-ladder: [first-customer]",
     ["rules/crosswalk.yaml:15:25: stage spinning-plates/stage-1 works on m1 but is not in row 'before-customers' with "
      "cxo-atlas/idea, cxo-atlas/can-demo, four-steps/customer-discovery, milestone-ladder/first-customer, which also work on m1; "
      "stages that share a milestone are the same period: put them in one row (a stage may span consecutive rows)"]),
    ("checklist item not a boolean", "rules/checklists/pmf-repeatability.yaml", "  - junior_reps_close", "  - paying_customers",
     ["rules/checklists/pmf-repeatability.yaml:18:5: checklist item 'paying_customers' is a integer question; "
      "checklists count yes answers: use boolean questions",
      "rules/questions/fit.yaml:54:9: question 'junior_reps_close' is asked but no condition or checklist reads it; "
      "use it in a rule, or remove it so readers are not asked for nothing"]),
    ("stage without a condition", "rules/frameworks/cxo-atlas.yaml", "    when: has_working_demo\n", "",
     ["rules/frameworks/cxo-atlas.yaml:24:5: stage 'can-demo' has no 'when' condition; only the first stage may do without one: "
      "say what puts a reader at this stage",
      "rules/questions/discovery.yaml:7:9: question 'has_working_demo' is asked but no condition or checklist reads it; "
      "use it in a rule, or remove it so readers are not asked for nothing"]),
]


@pytest.mark.parametrize("name, rel, old, new, expected", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_where_it_is(kb: Path, name, rel, old, new, expected):
    edit(kb, rel, old, new)
    assert problems(kb) == expected


# Files that are in the wrong place or of the wrong kind: (id, path to create, its text, every line check must print).
FILE_CASES = [
    ("unknown file under rules/", "rules/milestone/m9.yaml", "id: m9\n",
     [f"rules/milestone/m9.yaml:1:1: not a known kind of rules file; rules files live at: {KNOWN_FILES}"]),
    ("unknown file at the top of rules/", "rules/notes.yaml", "a: 1\n",
     [f"rules/notes.yaml:1:1: not a known kind of rules file; rules files live at: {KNOWN_FILES}"]),
    (".yml instead of .yaml", "rules/milestones/m9.yml", "id: m9\n",
     ["rules/milestones/m9.yml:1:1: rules files end in .yaml; rename it to m9.yaml"]),
]


@pytest.mark.parametrize("name, rel, text, expected", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_files_out_of_place(kb: Path, name, rel, text, expected):
    (kb / rel).parent.mkdir(exist_ok=True)
    (kb / rel).write_text(text, encoding="utf-8")
    assert problems(kb) == expected


def test_a_second_file_for_one_milestone_id(kb: Path):
    """Milestone ids are file names, so a copy under another name is where a duplicate id shows up."""
    shutil.copy(kb / M3, kb / "rules/milestones/m9.yaml")
    assert problems(kb) == [
        "rules/milestones/m9.yaml:2:5: id 'm3' does not match the file name 'm9.yaml'; rename the file to m3.yaml or change the id"
    ]


def test_a_duplicate_milestone_in_a_subdirectory_is_reported(kb: Path):
    (kb / "rules/milestones/extra").mkdir()
    text = (kb / M3).read_text(encoding="utf-8").replace("../schemas", "../../schemas").replace(">= 5 and", ">= 6 and")
    (kb / "rules/milestones/extra/m3.yaml").write_text(text, encoding="utf-8")
    assert any("m3" in line for line in problems(kb))


def test_a_problem_in_a_multi_line_condition_is_placed_exactly(kb: Path):
    edit(kb, M3, M3_CONDITION, "condition: >-\n  paying_customers >= 5\n  and hell_yes_custmers >= 1")
    assert problems(kb) == [
        "rules/milestones/m3.yaml:7:7: in condition: unknown answer id 'hell_yes_custmers'; did you mean 'hell_yes_customers'?"
    ]


def test_one_typo_in_a_condition_is_one_line(kb: Path):
    edit(kb, "rules/milestones/m6.yaml", "sqls_won / sqls", "sqls_wn / sqls")
    assert problems(kb) == [
        "rules/milestones/m6.yaml:5:26: in condition: unknown answer id 'sqls_wn'; did you mean 'sqls_won'?"
    ]


def test_missing_key_names_the_key_and_why_it_is_needed(kb: Path):
    edit(kb, M3, "summary: Five paying customers, and at least one of them clearly going to renew.\n", "")
    assert problems(kb) == [
        "rules/milestones/m3.yaml:2:1: milestone is missing the key 'summary'; One sentence: what reaching it shows."
    ]


# --- every problem at once -----------------------------------------------------------------------------


def test_two_independent_breaks_give_two_lines(kb: Path):
    edit(kb, M3, "paying_customers >= 5", "paying_custmers >= 5")
    edit(kb, "rules/ladder.yaml", "[m1, m2,", "[m1, m1, m2,")
    expected = [
        "rules/ladder.yaml:13:18: milestone 'm1' is listed twice; each milestone has one place on the ladder",
        "rules/milestones/m3.yaml:5:12: in condition: unknown answer id 'paying_custmers'; did you mean 'paying_customers'?",
    ]
    assert problems(kb) == expected
    result = run_check(kb)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == expected


def test_every_problem_is_reported_at_once_sorted_by_file_and_line(kb: Path):
    edit(kb, "rules/milestones/m4.yaml", "hell_yes_customers >= 5", "hell_yes >= 5")
    edit(kb, M3, M3_TITLE, "title: 5")
    edit(kb, "rules/ladder.yaml", "m8]", "m8, m9]")
    edit(kb, "rules/flags/too-niche.yaml", "== 'stage-2'", "== 'stage-3'")
    assert problems(kb) == [
        "rules/flags/too-niche.yaml:4:40: in condition: 'spinning-plates' has no stage 'stage-3'; did you mean 'stage-2'?",
        "rules/ladder.yaml:13:46: unknown milestone 'm9'; no milestone has this id",
        "rules/milestones/m3.yaml:3:8: milestone.title must be text, not the number 5; quote it if it is meant as text",
        "rules/milestones/m4.yaml:5:12: in condition: unknown answer id 'hell_yes'; did you mean 'hell_yes_customers'?",
    ]


# --- through the command line ------------------------------------------------------------------------------


CLI_CASES = [c for c in CASES if c[0] in {
    "yaml syntax error", "python object tag", "unknown key", "dangling source", "unknown answer id in a condition",
    "milestone missing from the ladder",
}]


@pytest.mark.parametrize("name, rel, old, new, expected", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_check_exits_1_with_the_same_lines(kb: Path, name, rel, old, new, expected):
    edit(kb, rel, old, new)
    result = run_check(kb)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == expected


def test_check_passes_on_an_unbroken_copy(kb: Path):
    result = run_check(kb)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("ok: 8 milestones, ")


def test_a_failing_rule_case_fails_check(kb: Path):
    edit(kb, "rules/milestones/m1.yaml", "sales_calls_per_week >= 5", "sales_calls_per_week >= 6")
    result = run_check(kb)
    assert result.returncode == 1
    assert "rules/tests/milestones.yaml:13:5: rule case 'm1: 5 calls a week meets it' fails: m1 is not_met, expected met: " \
           "Not met: 5 sales calls a week (needs at least 6)." in result.stderr.splitlines()


def test_github_format_prints_annotations(kb: Path):
    edit(kb, M3, "condition:", "conditon:")
    result = run_check(kb, "--format", "github")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "::error file=rules/milestones/m3.yaml,line=2,col=1::milestone is missing the key 'condition'; When the milestone is met.",
        "::error file=rules/milestones/m3.yaml,line=5,col=1::unknown key 'conditon' in milestone; did you mean 'condition'?",
    ]


OLD_CROSSWALK = """\
# yaml-language-server: $schema=schemas/crosswalk.schema.json
main: milestone-ladder
rows:
  - id: before-customers
    title: Before the first paying customer
    stages:
      cxo-atlas: [idea, can-demo]
      four-steps: [customer-discovery]
      milestone-ladder: [first-customer]
  - id: first-customers
    title: First customers, still learning what repeats
    stages:
      cxo-atlas: [has-some-customers]
      four-steps: [customer-validation]
      spinning-plates: [stage-1]
      milestone-ladder: [finding-hell-yes, replicating]
  - id: repeatable-growth
    title: A repeatable engine, ready to scale
    stages:
      four-steps: [customer-creation, company-building]
      spinning-plates: [stage-2]
      milestone-ladder: [scaling]
"""


def test_a_crosswalk_that_contradicts_the_milestone_mappings_is_refused(kb: Path):
    # The crosswalk: the ladder's replicating (m5, m6) sat with first customers while customer
    # creation (also m5, m6) sat with repeatable growth, and stage 1 was missing from the first row.
    (kb / "rules/crosswalk.yaml").write_text(OLD_CROSSWALK, encoding="utf-8")
    hint_row = "a row is one period: the stages of each framework in it work on a milestone in common"
    hint_share = "stages that share a milestone are the same period: put them in one row (a stage may span consecutive rows)"
    assert problems(kb) == [
        "rules/crosswalk.yaml:15:25: stage spinning-plates/stage-1 works on m1 but is not in row 'before-customers' with cxo-atlas/idea, "
        f"cxo-atlas/can-demo, four-steps/customer-discovery, milestone-ladder/first-customer, which also work on m1; {hint_share}",
        "rules/crosswalk.yaml:16:44: stage milestone-ladder/replicating shares no milestone with four-steps/customer-validation "
        f"in row 'first-customers'; {hint_row}",
        "rules/crosswalk.yaml:20:20: stage four-steps/customer-creation shares no milestone with spinning-plates/stage-2, "
        f"milestone-ladder/scaling in row 'repeatable-growth'; {hint_row}",
        "rules/crosswalk.yaml:20:20: stage four-steps/customer-creation works on m5 but is not in row 'first-customers' with "
        "cxo-atlas/has-some-customers, spinning-plates/stage-1, milestone-ladder/replicating, which also work on m5; " + hint_share,
    ]


def test_an_article_tagged_against_the_frameworks_milestone_mapping_is_refused(kb: Path):
    # 2.010202 (now 92.010202), milestone 2's article, was tagged customer validation while
    # the Four Steps works on m2 in customer discovery; a stage's reading list is held to the same rule.
    rel = "content/articles/92.010202-milestone-2-the-first-paying-customer.md"
    edit(kb, rel, "four-steps/customer-discovery]", "four-steps/customer-validation]")
    edit(kb, "rules/frameworks/four-steps.yaml", 'articles: ["5.020402", "5.030301"]', 'articles: ["5.020402", "5.030301", "92.010202"]')
    result = run_check(kb)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{rel}:6:63: article 92.010202 is tagged four-steps/customer-validation, but milestone m2 lists it (rules/milestones/m2.yaml) "
        "and four-steps works on m2 at four-steps/customer-discovery; tag four-steps/customer-discovery too, or take the article off that list",
    ]
    edit(kb, rel, "four-steps/customer-validation]", "four-steps/customer-discovery]")
    assert run_check(kb).stderr.splitlines() == [
        f"{rel}:6:63: article 92.010202 is tagged four-steps/customer-discovery, but rules/frameworks/four-steps.yaml lists it among the "
        "articles of four-steps/customer-validation; tag four-steps/customer-validation too, or take the article off that list",
    ]


def test_cross_references_between_rules_and_articles(kb: Path):
    from generator.knowledge import load_knowledge

    edit(kb, "rules/frameworks/cxo-atlas.yaml", "    milestones: [m1]\n", "")
    edit(kb, "rules/frameworks/cxo-atlas.yaml", '    articles: ["5.020201"]\n  - id: can-demo', "  - id: can-demo")
    edit(kb, "content/articles/5.020201-first-have-something-to-sell.md", "[cxo-atlas/idea, ", "[")
    edit(kb, "rules/questions/customers.yaml", 'article: "92.010202"', 'article: "9.999999"')
    edit(kb, M3, '"92.010102", "5.030301"]', '"92.010102", "1.030107"]')
    with pytest.raises(UserError) as err:
        load_knowledge(kb)
    assert [str(p) for p in err.value.problems] == [
        "rules/frameworks/cxo-atlas.yaml:13:5: stage cxo-atlas/idea has no milestones and no articles; "
        "a stage page must give its reader something to work on or read: list milestones or articles",
        "rules/milestones/m3.yaml:20:38: unknown article '1.030107'; did you mean '1.030106'?",
        "rules/questions/customers.yaml:9:14: unknown article '9.999999'; no article has this number",
    ]
