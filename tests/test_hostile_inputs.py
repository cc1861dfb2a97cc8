"""Hostile input, tried as an attacker would: a clear one-line problem, never a hang or a traceback.

Answers files go through `score` (exit 2), broken rules and content through
`check` (exit 1); each case states every line printed. The engine's own
limits (conditions, answers JSON) are tried directly, since the browser calls
it without the command line in front. Timing assertions are hang guards only:
each case takes milliseconds of CPU, and the guard is seconds of CPU.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import Problem
from generator.scoring import Engine, ExprError, parse
from tests.cli_run import run_cli
from tests.conftest import copy_kb

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 5.0  # seconds of CPU (a refusal takes milliseconds); CPU time, so a busy machine cannot fail it
ALIASES = "write each value out in full: anchors (&) and aliases (*) are refused"


def billion_laughs(indent: str = "", key: str = "a") -> str:
    """442 bytes that expand to 9^9 items for any reader that follows aliases."""
    lines = [f"{indent}{key}0: &a0 [x,x,x,x,x,x,x,x,x]"]
    lines += [f"{indent}{key}{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def score(capsys, content: str | bytes, tmp_path: Path) -> tuple[int, list[str], float]:
    path = tmp_path / "answers.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    started = time.process_time()
    code = main(["--root", str(ROOT), "score", "--answers", str(path)])
    elapsed = time.process_time() - started
    err = capsys.readouterr().err
    return code, [line.replace(str(path), "A") for line in err.splitlines()], elapsed


# --- answers: (id, file content, every line `score` prints, with the file's path as A) -------------------------

DEEP = "[" * 500 + "]" * 500
ANSWER_CASES = [
    ("billion laughs", billion_laughs(), [f"A:1:5: YAML anchor '&a0' is not allowed; {ALIASES}"]),
    ("a lone alias", "paying_customers: *x\n", [f"A:1:19: YAML alias '*x' is not allowed; {ALIASES}"]),
    ("!!int abc", "paying_customers: !!int abc\n", ["A:1:19: 'abc' is not a valid !!int; write a whole number such as 42"]),
    ("!!float x", "sales_calls_per_week: !!float x\n", ["A:1:23: 'x' is not a valid !!float; write a number such as 2.5"]),
    ("!!bool maybe", "product_market_fit: !!bool maybe\n", ["A:1:21: 'maybe' is not a valid !!bool; write true or false"]),
    ("!!null x", "paying_customers: !!null x\n", ["A:1:19: 'x' is not a valid !!null; write null, or nothing"]),
    ("non-specific tag", "paying_customers: ! 3\n",
     ["A:1:19: the non-specific tag '!' is not allowed; remove it; quote the value if it is text"]),
    ("a tag that does not fit", "paying_customers: !!int [3]\n", ["A:1:19: YAML tag '!!int' cannot tag a sequence; remove the tag"]),
    ("4,301 digits", "paying_customers: " + "1" * 4301 + "\n",
     ["A:1:19: the number 11111111111111111111… is too long: 4,301 characters (at most 100); quote it if it is meant as text"]),
    ("1e400 overflows", "sales_calls_per_week: 1e400\n", ["A:1:23: the number 1e400 is too large; write .inf if infinity is meant"]),
    ("1e300 as a whole number", "paying_customers: 1e300\n",
     ["A:1:1: paying_customers: expected a whole number below 1,000,000,000,000,000, got 1e+300"]),
    ("a huge number", "annual_revenue_usd: 1000000000000000\n",
     ["A:1:1: annual_revenue_usd: expected a number below 1,000,000,000,000,000, got 1000000000000000"]),
    ("JSON 500 deep", '{"paying_customers": ' + DEEP + "}", ["A:1:53: nested more than 32 levels deep; flatten it: nothing read here nests so deep"]),
    ("too many values", "{" + ", ".join(f'"k{i}": {i}' for i in range(6000)) + "}",
     ["A:1:35276: too many values: more than 5,000; nothing this program reads needs so many"]),
    ("a forged problem line and a terminal escape", '"x\\nforged.yaml:1:1: boom\\e[31m": 1\n',
     ["A:1:1: x\\nforged.yaml:1:1: boom\\x1b[31m: unknown answer id"]),
    ("a huge value is cut short", "paying_customers: " + "a" * 100_000 + "\n",
     ["A:1:1: paying_customers: expected a whole number, got the text '" + "a" * 60 + "…'"]),
    ("ids blank at either end are quoted", '" ": null\n"  paying_customers": 3\n',  # found by test_fuzz
     ["A:1:1: ' ': unknown answer id", "A:2:1: '  paying_customers': unknown answer id (did you mean 'paying_customers'?)"]),
    ("a huge unknown id is cut short", "? " + "b" * 100_000 + "\n: 1\n", ["A:1:3: " + "b" * 60 + "…: unknown answer id"]),
    ("control character", "paying_customers: 3\x07\n",
     ["A:1:20: control character \\x07 is not allowed in YAML; remove it"]),
    ("not UTF-8", "paying_customers: 3\nbogus: café\n".encode("latin-1"),
     ["A:2:11: not UTF-8 text: invalid continuation byte (byte e9); save the file as UTF-8"]),
    ("more than 1 MiB", "#" * (1 << 20) + "\n", ["A:1:1: the answers are larger than 1,024 KiB; an answers file holds one short line per question"]),
    ("only 20 problems are listed, also when the YAML is at fault", "".join(f"k{i:02}: !!int x\n" for i in range(25)),
     [f"A:{i + 1}:6: 'x' is not a valid !!int; write a whole number such as 42" for i in range(20)]
     + ["A:21:6: and 5 more problems from here on; only the first 20 are shown"]),
    ("only 20 problems are listed", "".join(f"bogus{i:02}: 1\n" for i in range(30)),
     [f"A:{i + 1}:1: bogus{i:02}: unknown answer id" for i in range(20)]
     + ["A:21:1: and 10 more problems from here on; only the first 20 are shown"]),
]


@pytest.mark.parametrize("name, content, expected", ANSWER_CASES, ids=[c[0] for c in ANSWER_CASES])
def test_hostile_answers_are_refused_with_exit_2(capsys, tmp_path, name, content, expected):
    code, lines, elapsed = score(capsys, content, tmp_path)
    assert (code, lines) == (2, expected)
    assert elapsed < HANG_GUARD


def test_the_billion_laughs_answers_file_is_442_bytes():
    assert len(billion_laughs().encode()) == 442


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The command, in this process (tests/cli_run.py), its output as bytes (as subprocess.run without text=True)."""
    done = run_cli(*args, input=stdin, cwd=ROOT)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.encode(), done.stderr.encode())


def test_stdin_that_is_not_utf8_is_refused_like_a_file():
    result = run("score", "--answers", "-", stdin="paying_customers: 3\nbogus: café\n".encode("latin-1"))
    assert (result.returncode, result.stderr.decode()) == (
        2, "<stdin>:2:11: not UTF-8 text: invalid continuation byte (byte e9); save the file as UTF-8\n")


def test_dev_zero_is_refused_at_once():
    result = run("score", "--answers", "/dev/zero")
    assert (result.returncode, result.stderr.decode()) == (
        2, "/dev/zero:1:1: the answers are larger than 1,024 KiB; an answers file holds one short line per question\n")


def test_a_closed_pipe_ends_score_quietly(tmp_path):
    """`score … | true`: the reader is gone before the report is written; no BrokenPipeError traceback."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("sales_calls_per_week: 6\npaying_customers: 3\n")
    command = f"{sys.executable} -m generator score --answers {answers} | true; echo \"exit=${{PIPESTATUS[0]}}\" >&2"
    result = subprocess.run(command, shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stderr == "exit=1\n"


def test_new_refuses_a_name_that_is_not_an_id(tmp_path):
    result = run("--root", str(tmp_path), "new", "flag", "--name", "../../evil")
    assert (result.returncode, result.stderr.decode()) == (
        1, "--name must be an id: lower-case letters and digits, joined by single '-' or '_', starting with a letter "
           "(not '../../evil')\n")
    assert not any(tmp_path.rglob("*"))


# --- rules and content: (id, file, text to replace, replacement, every line `check` prints) ----------------------

M3 = "rules/milestones/m3.yaml"
M3_CONDITION = "condition: paying_customers >= 5 and hell_yes_customers >= 1"
ARTICLE = sorted((ROOT / "content" / "articles").glob("*.md"))[0].relative_to(ROOT).as_posix()  # articles come and go: any will do
CONDITION = "rules/milestones/m3.yaml:5:12: in condition: "
RULE_CASES = [
    ("!!int abc in a rules file", M3, "title: 5 paying", "title: !!int abc\nx: 5 paying",
     ["rules/milestones/m3.yaml:3:8: 'abc' is not a valid !!int; write a whole number such as 42",
      "rules/milestones/m3.yaml:4:1: unknown key 'x' in milestone; allowed keys: id, title, summary, condition, optional, why, "
      "steps, articles, source"]),
    ("an alias in a rules file", M3, "title: 5 paying customers, 1 of them a hell-yes", "title: *t",
     [f"rules/milestones/m3.yaml:3:8: YAML alias '*t' is not allowed; {ALIASES}"]),
    ("billion laughs in a rule case", "rules/tests/milestones.yaml", "    answers: {\"sales_calls_per_week\": 4}\n",
     "    answers: {\"sales_calls_per_week\": 4}\n" + billion_laughs("    ", "x"),
     [f"rules/tests/milestones.yaml:{6 + i}:5: unknown key 'x{i}' in cases.cases[1]; allowed keys: name, answers, expect"
      for i in range(10)]),
    ("a 4,301-digit literal", M3, M3_CONDITION, "condition: paying_customers >= " + "9" * 4301,
     [CONDITION.replace(":12:", ":2012:") + "the condition is too long: 4,321 characters (at most 2,000); "
      "split it, e.g. into a milestone and met()"]),
    ("a 25-digit literal", M3, M3_CONDITION, "condition: paying_customers >= " + "9" * 25,
     [CONDITION.replace(":12:", ":32:") + "the number 99999999999999999999… is too long (at most 20 characters)"]),
    ("2,000 brackets", M3, M3_CONDITION, "condition: " + "(" * 2000 + "paying_customers >= 5" + ")" * 2000,
     [CONDITION.replace(":12:", ":2012:") + "the condition is too long: 4,021 characters (at most 2,000); "
      "split it, e.g. into a milestone and met()"]),
    ("40 brackets", M3, M3_CONDITION, "condition: " + "(" * 40 + "paying_customers >= 5" + ")" * 40,
     [CONDITION.replace(":12:", ":44:") + "the condition nests too deeply: more than 32 brackets, calls, 'not' or '-' inside one "
      "another; write it more simply"]),
    ("3,000 not", M3, M3_CONDITION, "condition: " + "not " * 3000 + "paying_customers >= 5",
     [CONDITION.replace(":12:", ":2012:") + "the condition is too long: 12,021 characters (at most 2,000); "
      "split it, e.g. into a milestone and met()"]),
    ("40 not", M3, M3_CONDITION, "condition: " + "not " * 40 + "paying_customers >= 5",
     [CONDITION.replace(":12:", ":140:") + "the condition nests too deeply: more than 32 brackets, calls, 'not' or '-' inside one "
      "another; write it more simply"]),
    ("40 unary minus", M3, M3_CONDITION, "condition: " + "-" * 40 + "paying_customers >= 5",
     [CONDITION.replace(":12:", ":44:") + "the condition nests too deeply: more than 32 brackets, calls, 'not' or '-' inside one "
      "another; write it more simply"]),
    ("5,000 + terms", M3, M3_CONDITION, "condition: " + "+".join(["paying_customers"] * 5000) + " >= 5",
     [CONDITION.replace(":12:", ":2012:") + "the condition is too long: 85,004 characters (at most 2,000); "
      "split it, e.g. into a milestone and met()"]),
    ("301 tokens", M3, M3_CONDITION, "condition: " + "+".join(["1"] * 151) + " >= 5",
     [CONDITION.replace(":12:", ":312:") + "the condition is too long: more than 300 names, numbers and signs; "
      "split it, e.g. into a milestone and met()"]),
    ("Unicode digits", M3, M3_CONDITION, "condition: paying_customers >= ١٢",
     [CONDITION.replace(":12:", ":32:") + "unexpected character '١'; write numbers with the digits 0-9"]),
    ("a no-break space", M3, M3_CONDITION, "condition: paying_customers\u00a0>= 5",
     [CONDITION.replace(":12:", ":28:") + "unexpected character '\\xa0'; use plain spaces"]),
    ("an infinite bound", "rules/questions/customers.yaml", "    min: 0\n", "    min: .inf\n",
     ["rules/questions/customers.yaml:17:10: question-group.questions[1].min must be a number between -1,000,000,000,000,000 and "
      "1,000,000,000,000,000, not the number inf"]),
    ("an alias in front matter keeps positions", ARTICLE, "\ntags: [", "\ntags: &t [Focus]\nx: *t\nlost: [",
     [f"{ARTICLE}:{{tags}}:7: YAML anchor '&t' is not allowed; {ALIASES}",
      f"{ARTICLE}:{{tags+1}}:1: unknown key 'x' in article; allowed keys: number, title, summary, tags, stages, sources, related",
      f"{ARTICLE}:{{tags+2}}:1: unknown key 'lost' in article; allowed keys: number, title, summary, tags, stages, sources, related"]),
    ("a byte that is not UTF-8 in an article", ARTICLE, "\n---\n", "\n---\nAb\udcff",
     [f"{ARTICLE}:{{body}}:3: not UTF-8 text: invalid start byte (byte ff); save the file as UTF-8"]),
    ("an empty front matter is not 'not closed'", "content/pages/home.md", None, "---\n---\nHello.\n",
     ["content/pages/home.md:1:1: front matter is missing the key 'title'; The page's title (its first heading)."]),
]


def edit(kb: Path, rel: str, old: str | None, new: str) -> None:
    path = kb / rel
    text = path.read_text(encoding="utf-8")
    if old is not None:
        assert old in text, f"{old!r} not in {rel}"
    changed = new if old is None else text.replace(old, new, 1)
    path.write_bytes(changed.encode("utf-8", errors="surrogateescape"))


@pytest.mark.parametrize("name, rel, old, new, expected", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_hostile_rules_and_content_fail_check_with_positions(capsys, kb, name, rel, old, new, expected):
    lines = (ROOT / rel).read_text(encoding="utf-8").split("\n")
    tags = next((i + 1 for i, line in enumerate(lines) if line.startswith("tags:")), 0)
    body = lines.index("---", 1) + 2 if rel.endswith(".md") else 0  # the first line after the front matter
    expected = [line.replace("{tags}", str(tags)).replace("{tags+1}", str(tags + 1)).replace("{tags+2}", str(tags + 2))
                .replace("{body}", str(body)) for line in expected]
    edit(kb, rel, old, new)
    if name == "billion laughs in a rule case":
        expected.insert(1, f"rules/tests/milestones.yaml:6:9: YAML anchor '&a0' is not allowed; {ALIASES}")
    started = time.process_time()
    code = main(["--root", str(kb), "check"])
    elapsed = time.process_time() - started
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith(("rules/", "content/")) for line in lines), lines
    lines = [line for line in lines if line.startswith(rel + ":")]  # knock-on problems elsewhere are other tests' business
    assert (code, lines) == (1, expected)
    assert elapsed < HANG_GUARD


def test_build_refuses_what_check_refuses_before_any_work(capsys, tmp_path):
    """Aliases expanding to gigabytes and a byte that is not UTF-8: build stops at the gate, in well under a second."""
    kb = copy_kb(tmp_path / "kb", "mkdocs.yml", "site_assets")
    edit(kb, "rules/tests/milestones.yaml", "    answers: {\"sales_calls_per_week\": 4}\n",
         "    answers: {\"sales_calls_per_week\": 4}\n" + billion_laughs("    ", "x"))
    edit(kb, ARTICLE, "\n---\n", "\n---\nAb\udcff")
    body = (ROOT / ARTICLE).read_text(encoding="utf-8").split("\n").index("---", 1) + 2
    started = time.process_time()
    code = main(["--root", str(kb), "build", "--site-dir", str(tmp_path / "site")])
    elapsed = time.process_time() - started
    lines = capsys.readouterr().err.splitlines()
    assert code == 1 and not (tmp_path / "site").exists()
    assert f"{ARTICLE}:{body}:3: not UTF-8 text: invalid start byte (byte ff); save the file as UTF-8" in lines
    assert f"rules/tests/milestones.yaml:6:9: YAML anchor '&a0' is not allowed; {ALIASES}" in lines
    assert elapsed < HANG_GUARD


# --- the engine, as the browser calls it --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine() -> Engine:
    from generator.knowledge import load_knowledge
    from generator.rules.compile import compile_rules

    knowledge = load_knowledge(ROOT)
    return Engine(compile_rules(knowledge.rules, knowledge.articles))


@pytest.mark.parametrize("text, message", [
    ("[" * 20_000 + "]" * 20_000, "answers are nested more than 32 levels deep"),
    ('{"a":' * 3000 + "1" + "}" * 3000, "answers are nested more than 32 levels deep"),
    ('{"paying_customers": ' + "1" * 4301 + "}", "answers hold a number too long to read"),
    ('{"x": "' + "a" * (1 << 20) + '"}', "answers are too long: 1,048,585 characters (at most 1,048,576)"),
    ('{"[": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"["}', None),  # brackets inside strings do not count
])
def test_score_json_refuses_what_would_crash_the_interpreter(engine, text, message):
    reply = json.loads(engine.score_json(text))
    if message is None:
        assert reply["problems"] == [{"id": "[", "message": "unknown answer id"}]
    else:
        assert reply == {"ok": False, "problems": [{"id": "", "message": message}]}


def test_too_many_answers_is_one_problem(engine):
    answers = {f"k{i}": 1 for i in range(50_000)}
    started = time.process_time()
    assert engine.check(answers)[1] == [("", "too many answers: 50,000 (at most 1,000; the questionnaire has 33 questions)")]
    assert time.process_time() - started < HANG_GUARD


@pytest.mark.parametrize("source", [
    "(" * 2000 + "a" + ")" * 2000, "not " * 3000 + "a", "-" * 3000 + "1 > 0", " + ".join(["a"] * 5000) + " > 1",
    "a >= ١٢", "a\u00a0>= 1", "a >= " + "9" * 4301, "a\u2028>= 1", "count(" * 100 + "a", "a >= 1" + "\x00",
])
def test_the_condition_parser_raises_only_its_own_error(source):
    with pytest.raises(ExprError):
        parse(source)


def test_the_largest_allowed_condition_still_evaluates(engine):
    """300 tokens and 20-character literals: products stay well inside what Python prints."""
    from generator.scoring.explain import format_number
    from generator.scoring.expr import check_types, evaluate

    source = " * ".join(["99999999999999999999"] * 85) + " > 0"
    node = parse(source)
    check_types(node, {})
    assert evaluate(node, {}) is True
    assert format_number(evaluate(node.args[0], {})).startswith("99,999,999,999,999,999,9")


def test_messages_escape_control_characters_and_keep_indented_follow_up_lines():
    assert str(Problem("a\nb.yaml", 1, 2, "x\x1b[2Jy\rz", "h\n    more")) == "a\\nb.yaml:1:2: x\\x1b[2Jy\\rz; h\n    more"

