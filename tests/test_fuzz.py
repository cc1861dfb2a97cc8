"""Fuzzing: hostile answers through `score`, hostile edits of the real rules through `check`.

Both run the real command-line code path in-process (``generator.cli.main``)
and hold the contract for every case: the exit code says what happened (score:
0 or 2; check: 0 or 1), nothing raises, every problem line is
``path:line:col: message``, and no case takes more than a few seconds.

Runs are deterministic (``derandomize=True``, no example database): CI tries
the same cases every time, and a failure here reproduces locally.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import pickle
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.cli
import generator.knowledge
from generator.cli import main
from tests.conftest import copy_kb, examples
from tests.hostile_markdown import PAYLOADS as MARKDOWN_PAYLOADS

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 5.0  # seconds of CPU for one case (they take milliseconds); CPU time, so a busy machine cannot fail it
ANSWER_CASES = examples(2000)
RULE_CASES = examples(300)
FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                       HealthCheck.function_scoped_fixture])


def run(argv: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    started = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue(), time.process_time() - started


@pytest.fixture(autouse=True)
def parser_once(monkeypatch):
    """`main` builds its argparse parser on every call: 40% of a `score` case, most of it gettext looking for
    argparse's catalogs. The cases all run the same commands, so the parser is built once and reused (parse_args
    leaves it as it was); every case still goes through `main` from the command line on."""
    monkeypatch.setattr(generator.cli, "_parser", functools.lru_cache(maxsize=None)(generator.cli._parser))


# --- what hostile text is made of ---------------------------------------------------------------------------------

def _laughs(levels: int) -> str:
    lines = ["l0: &l0 [x,x,x,x,x,x,x,x,x]"]
    lines += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines)


SCALARS = [
    "!!int abc", "!!float x", "!!bool maybe", "!!null x", "! 3", "!3", "!!str 5", "!!int 0x1F", "!!float 1", "!!int 1.5",
    "!!python/object/apply:os.system [ls]", "!!binary aGVsbG8=", "!!set {a}", "!!omap [a: 1]", "!!timestamp 2020-01-01",
    "!!map [1]", "!!seq {a: 1}", "!<tag:yaml.org,2002:int> 7", "!e!x 1", "&a 5", "*a", "&a [*a]", "1e300", "-1e300", "1e400",
    ".inf", "-.inf", ".nan", "0x_", "0o_", "0o", "1_000", "-0", "+5", "0012", "0x" + "f" * 200, "9" * 4301, "9" * 101,
    "1" + "0" * 15, "999999999999999", "4.9999", "5.0", "2.5", "true", "True", "yes", "on", "~", "null", "''", '""',
    "١٢", "5\u00a0", "\u00a05", "\x1b[31mred", "a\x00b", "a\u2028b", "a\u202eb", "[" * 40 + "]" * 40, "{a: " * 40 + "1" + "}" * 40,
    "[1, 2", "{", "}", "]", "- - -", "? x", ": x", "|", ">", "'", '"', "#", "%", "@", "`", "---", "...", "<<: *a",
    "x\nforged.yaml:1:1: boom", "a" * 5000, "{{ 7 * 7 }}", "<script>alert(1)</script>", "javascript:alert(1)",
    # control and bidi characters written as YAML escapes, ids the site's scripts own, other digits
    '"\\e[2J"', '"\\0"', '"\\u202e"', '"a\\x85b"', '"\\a\\v\\u2066x"', "９２.０１０１０１", "kb-assess", "KB_ASSESS_STALL_MS",
    "__search", "'[x](#a){: #kbEarlyWorker }'", "'[x](#a){: data-clipboard-text=x }'", "'## KB assess {: #kb-assess }'",
    *(json.dumps(payload) for payload in MARKDOWN_PAYLOADS),  # Markdown syntax in values (tests/hostile_markdown.py)
]
KEYS = [
    "paying_customers", "sales_calls_per_week", "hell_yes_customers", "sqls", "sqls_won", "product_market_fit",
    "annual_revenue_usd", "demand_vs_forecast", "scale_commitment", "products_count", "bogus", "paying_custmers",
    '"x\\nforged.yaml:1:1: boom"', '"\\e[2J"', "&k paying_customers", "*k", "? [1, 2]\n", "1", "true", "null", "'a: b'",
    '"' + "k" * 2000 + '"', "!!int 5", "<<",
]

text_values = st.text(max_size=80)
scalar = st.one_of(
    st.sampled_from(SCALARS),
    st.integers().map(str),
    st.integers(-(10**40), 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: json.dumps(f).replace("Infinity", ".inf").replace("NaN", ".nan")),
    st.booleans().map(str).map(str.lower),
    text_values.map(json.dumps),
    text_values,
    st.integers(1, 600).map(lambda n: "[" * n + "]" * n),
)
key = st.one_of(st.sampled_from(KEYS), text_values.map(json.dumps), st.text(max_size=20))


@st.composite
def yaml_answers(draw) -> str:
    lines = [f"{draw(key)}: {draw(scalar)}" for _ in range(draw(st.integers(0, 8)))]
    if draw(st.integers(0, 9)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), _laughs(draw(st.integers(1, 10))))
    if draw(st.integers(0, 9)) == 0:
        lines.append(draw(st.sampled_from(["---", "...", "%YAML 1.1\n---", "%TAG !e! tag:example.com,2000:\n---", "\t- x"])))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines)


RAW = "\u0391"  # marks a number too long for json.dumps, written as a string and then unquoted
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.integers(1, 5000).map(lambda n: RAW + "9" * n + RAW),  # json.dumps cannot write these: unquoted below
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20) | st.sampled_from(KEYS[:10]), inner, max_size=5),
    max_leaves=6,
)


@st.composite
def json_answers(draw) -> str:
    answers = draw(st.dictionaries(st.sampled_from(KEYS[:12]) | st.text(max_size=30), json_value, max_size=8))
    text = json.dumps(answers, ensure_ascii=False).replace(f'"{RAW}', "").replace(f'{RAW}"', "")
    if draw(st.booleans()):
        text = text.encode("ascii", errors="backslashreplace").decode()  # \u escapes, as ensure_ascii writes them (nearly)
    depth = draw(st.sampled_from([0, 0, 0, 31, 33, 500, 3000]))
    if depth:
        text = '{"paying_customers": ' + "[" * depth + "]" * depth + ", " + text[1:] if len(text) > 2 else "[" * depth + "]" * depth
    return text


@st.composite
def answers_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["yaml", "yaml", "json", "json", "bytes", "broken utf-8", "many"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "many":
        value = draw(st.sampled_from(["{i}", "!!int x", "*a", "[1]"]))  # unknown ids, or a YAML problem on every line
        lines = (f"k{i}: {value.format(i=i)}" for i in range(draw(st.sampled_from([21, 999, 1001, 5001]))))
        return "\n".join(lines).encode()
    text = draw(yaml_answers()) if kind == "yaml" else draw(json_answers())
    data = text.encode("utf-8", errors="surrogatepass")
    if kind == "broken utf-8":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf"])) + data[at:]
    return data


# --- answers through `score` ------------------------------------------------------------------------------------

@pytest.fixture
def knowledge_once(monkeypatch):
    """`score` loads the knowledge base on every call; here it is loaded once, so thousands of cases fit in seconds."""
    loaded = generator.knowledge.load_knowledge(ROOT)
    monkeypatch.setattr(generator.knowledge, "load_knowledge", lambda root: loaded)


def score_case(path: Path, data: bytes, fmt: str) -> int:
    """One answers file through `score`: the contract holds, whatever the bytes."""
    path.write_bytes(data)
    code, out, err, elapsed = run(["--root", str(ROOT), "score", "--answers", str(path), "--format", fmt])
    assert code in (0, 2), (code, err)
    assert elapsed < HANG_GUARD, elapsed
    if code == 0:
        assert err == "" and out
        if fmt == "json":
            assert set(json.loads(out)) >= {"milestones", "next_goal", "stages", "flags", "checklists"}
    else:
        lines = err.splitlines()
        assert 1 <= len(lines) <= 21 and out == ""
        problem = re.compile(re.escape(str(path)) + r":\d+:\d+: \S")
        assert all(problem.match(text) for text in lines), lines
    return code


def test_score_survives_hostile_answers(knowledge_once, tmp_path):
    seen = []

    @settings(FUZZ, max_examples=ANSWER_CASES)
    @given(data=answers_bytes(), fmt=st.sampled_from(["text", "json"]))
    def case(data: bytes, fmt: str) -> None:
        seen.append(score_case(tmp_path / "answers.yaml", data, fmt))

    case()
    assert len(seen) >= ANSWER_CASES
    assert {0, 2} <= set(seen)  # both outcomes were tried: the generator is not all noise


# --- edits of the real rules and content through `check` ----------------------------------------------------------

CONDITIONS = [
    "(" * 2000 + "paying_customers >= 1" + ")" * 2000, "(" * 33 + "paying_customers >= 1" + ")" * 33,
    "not " * 3000 + "product_market_fit", "not " * 33 + "product_market_fit", "-" * 3000 + "paying_customers >= 1",
    " + ".join(["paying_customers"] * 5000) + " >= 1", " + ".join(["paying_customers"] * 149) + " >= 1",
    " * ".join(["99999999999999999999"] * 80) + " / 3 >= 1", "paying_customers >= " + "9" * 4301,
    "paying_customers >= 99999999999999999999", "paying_customers >= 0.0000000000000000001", "paying_customers >= ١٢",
    "paying_customers\u00a0>= 1", "paying_customers >= 1 / 0", "1 / 0 >= 1", "paying_customers / (sqls - sqls) >= 1",
    "count(" * 40 + "product_market_fit" + ")" * 40, "met('m1') and met('nope')", "stage('cxo-atlas') == 'nope'",
    "paying_customers >= 1e3", "paying_customers >= 1 >= 0", "paying_customers >= 'x'", "", "()", "and", "x" * 3000,
    "annual_revenue_usd * annual_revenue_usd * annual_revenue_usd * annual_revenue_usd >= 1",
    "sales_calls_per_week / 0.0000000000000000001 >= 99999999999999999999",
]
BLOCKS = [_laughs(10), "x: " + "[" * 500 + "]" * 500, "y: !!int abc", "z: *nowhere", "? [a]\n: b", "---\nsecond: 1",
          "\t bad: tab", "k: v\nk: v"]


CONDITION_LINE = re.compile(r"^(\s*(?:- )?(?:condition|when|rule): )(.*)$")


@st.composite
def rules_edit(draw, kb: Path, files: list[str]):
    """(relative path, new bytes) for one hostile edit of one rules or content file of ``kb``."""
    how = draw(st.sampled_from(["condition", "condition", "value", "value", "insert", "splice", "key", "bytes"]))
    rules = [rel for rel in files if rel.startswith("rules/")]
    rel = draw(st.sampled_from(rules if how == "condition" or draw(st.booleans()) else files))
    lines = (kb / rel).read_bytes().decode("utf-8").split("\n")
    conditions = [i for i, text in enumerate(lines) if CONDITION_LINE.match(text)]
    if how == "condition" and not conditions:
        how = "value"
    index = draw(st.sampled_from(conditions) if how == "condition" else st.integers(0, len(lines) - 1))
    target = lines[index]
    indent = target[: len(target) - len(target.lstrip())]
    if how == "condition":
        head, old = CONDITION_LINE.match(target).groups()
        hostile = draw(st.sampled_from(CONDITIONS) | st.sampled_from(SCALARS) | text_values)
        at = draw(st.integers(0, len(old)))
        value = draw(st.sampled_from([hostile, f"{old} and {hostile}", old[:at] + hostile + old[at:]]))
        style = draw(st.sampled_from(["plain", "plain", "quoted", "block"]))
        if style == "quoted":
            value = json.dumps(value)
        elif style == "block":
            value = "|\n" + "\n".join(indent + "    " + part for part in value.split("\n"))
        lines[index] = head + value
    elif how == "value" and ": " in target:
        lines[index] = target.split(": ", 1)[0] + ": " + draw(scalar)
    elif how == "insert":
        block = draw(st.sampled_from(BLOCKS) | st.builds(lambda k, v: f"{k}: {v}", key, scalar))
        lines.insert(index, "\n".join(indent + part for part in block.split("\n")))
    elif how == "splice":
        at = draw(st.integers(0, len(target)))
        lines[index] = target[:at] + draw(st.sampled_from(SCALARS) | text_values) + target[at:]
    elif how == "key" and ":" in target:
        lines[index] = indent + draw(key) + target[target.find(":"):]
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    if how == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return rel, data


def _fuzzable(root: Path) -> list[str]:
    rules = [p for p in (root / "rules").rglob("*.yaml")]
    articles = sorted((root / "content").rglob("*.md"))
    return sorted(p.relative_to(root).as_posix() for p in [*rules, *articles] if p.name != "README.md")


@pytest.fixture(scope="module")
def fuzz_kb(tmp_path_factory):
    """A copy of the knowledge base to edit, and the files to edit in it.

    Each case changes one file; the safety checks of the article bodies it did
    not change are remembered between cases (they are pure, and half of what
    `check` spends), so that hundreds of cases fit in the time of a test file.
    """
    import generator.content.articles as articles
    import generator.content.frontmatter as frontmatter
    import generator.content.pages as pages
    import generator.rules.yamlfile as yamlfile

    kb = copy_kb(tmp_path_factory.mktemp("fuzz-kb"))
    code, _, err, _ = run(["--root", str(kb), "check"])
    assert code == 0, f"the knowledge base fails check before any edit:\n{err}"
    patched = [(module, "body_problems", module.body_problems) for module in (articles, pages) if hasattr(module, "body_problems")]
    for module, _, real in patched:
        module.body_problems = functools.lru_cache(maxsize=None)(lambda body, line, real=real: tuple(real(body, line)))
    # Parsing YAML is a third of `check`, and a case edits one file of about 90: each text is parsed once. What
    # parsing returns is later added to (the problems), so each call gets its own copy, unpickled.
    real_parse = yamlfile.parse_yaml
    parsed = functools.lru_cache(maxsize=None)(lambda *key: pickle.dumps(real_parse(*key)))
    for module in (yamlfile, frontmatter):
        patched.append((module, "parse_yaml", real_parse))
        module.parse_yaml = lambda text, path, rel, first_line=1, max_nodes=None: pickle.loads(parsed(text, path, rel, first_line, max_nodes))
    yield kb, _fuzzable(kb)
    for module, name, real in patched:
        setattr(module, name, real)
    shutil.rmtree(kb)


def check_case(kb: Path, rel: str, data: bytes) -> int:
    """One edited file through `check`: the contract holds, whatever the edit."""
    path = kb / rel
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        code, out, err, elapsed = run(["--root", str(kb), "check"])
    finally:
        path.write_bytes(original)
    assert code in (0, 1), (code, err)
    assert elapsed < HANG_GUARD, elapsed
    if code == 1:
        lines = err.splitlines()
        problem = re.compile(r"(rules|content)/[^:\n]+:\d+:\d+: \S|\s")  # a problem, or an indented follow-up line of one
        assert lines and all(problem.match(text) for text in lines), lines
        assert "the engine fails" not in err, err  # the engine raised: a bug the gate caught, not a rules problem
    return code


def test_check_survives_hostile_edits_of_the_real_rules(fuzz_kb):
    kb, files = fuzz_kb
    seen = []

    @settings(FUZZ, max_examples=RULE_CASES)
    @given(edit=rules_edit(kb, files))
    def case(edit) -> None:
        seen.append(check_case(kb, *edit))

    case()
    assert len(seen) >= RULE_CASES
    assert {0, 1} <= set(seen)
