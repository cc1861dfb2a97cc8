"""The engine gives exactly the same results under Pyodide (Python 3.14, as in
the browser) as on this CPython: for every rule case in rules/tests/ and a few
hundred generated answer sets, valid and invalid (tests/answer_corpus.py).

The engine zip, rules.json and the cut-down standard library (site/stdlib.py)
are built exactly as for the site, then tests/pyodide/score_many.mjs scores
every set in one Pyodide session in Node, started on that standard library.
Needs node and node_modules/pyodide (`npm ci`); skipped without them, except
under KB_REQUIRE_ALL=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.knowledge import load_knowledge
from generator.rules.compile import compile_rules, rules_json
from generator.scoring import Engine
from generator.site.bundle import write_engine_zip
from generator.site.stdlib import workload, write_stdlib
from tests.answer_corpus import answer_sets, rule_case_answers
from tests.conftest import require_or_skip

pytestmark = pytest.mark.pyodide
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "pyodide" / "score_many.mjs"
PYODIDE = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"
GENERATED = 300
TIMEOUT_S = 180
# Whole documents that are not a mapping of answers: rejected the same way in both runtimes.
NOT_MAPPINGS = [[], [{"paying_customers": 1}], "paying_customers", 5, 2.5, True, None, {}]


@pytest.mark.parametrize("language", ["en", "es"])  # the engine's sentences, from the table rules.json carries
def test_pyodide_scores_exactly_like_cpython(tmp_path: Path, language: str):
    node = shutil.which("node")
    if node is None:
        require_or_skip("node is not installed: the parity test runs the engine under Pyodide in Node")
    if not PYODIDE.is_file():
        require_or_skip(f"{PYODIDE.relative_to(ROOT)} is missing: run `npm ci`")

    knowledge = load_knowledge(ROOT)
    document = compile_rules(knowledge.rules, knowledge.articles, language)
    cases = rule_case_answers(knowledge.rules)
    sets = cases + NOT_MAPPINGS + answer_sets(document["questions"], GENERATED, seed=2026, constraints=document["constraints"])
    assert len(sets) >= 200

    engine_zip, rules_file, answers_file = tmp_path / "engine.zip", tmp_path / "rules.json", tmp_path / "answers.json"
    write_engine_zip(engine_zip)
    rules_file.write_text(rules_json(document), encoding="utf-8")
    answers_file.write_text(json.dumps(sets), encoding="utf-8")  # NaN and Infinity are kept, as Python reads them
    stdlib = tmp_path / "python_stdlib.zip"  # what the site ships, derived from the same files
    write_stdlib(PYODIDE.parent, stdlib, engine_zip, rules_file, workload(document, cases))

    try:
        run = subprocess.run(
            [node, str(SCRIPT), str(engine_zip), str(rules_file), str(answers_file), str(stdlib)],
            capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT_S, cwd=tmp_path,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"Node + Pyodide did not finish within {TIMEOUT_S} s; stderr so far:\n{_text(err.stderr)}")
    assert run.returncode == 0, f"score_many.mjs exited with {run.returncode}:\n{run.stderr}"

    version = re.search(r"^pyodide python (\S+)", run.stderr, re.MULTILINE)
    assert version, f"score_many.mjs did not report Pyodide's Python version:\n{run.stderr}"
    assert version.group(1).startswith("3.14."), f"Pyodide ran Python {version.group(1)}, expected 3.14 (the browser's)"

    in_pyodide = json.loads(run.stdout)
    engine = Engine(document)
    on_cpython = [json.loads(engine.score_json(json.dumps(answers))) for answers in sets]
    assert len(in_pyodide) == len(on_cpython), f"{len(sets)} answer sets sent, {len(in_pyodide)} results came back"
    for index, (expected, got) in enumerate(zip(on_cpython, in_pyodide, strict=True)):
        if _exact(expected) != _exact(got):  # stricter than ==: key order, 5 vs 5.0, true vs 1
            where = "rule case" if index < len(cases) else "answer set"
            pytest.fail(
                f"{where} {index} scores differently under Pyodide {version.group(1)} than on CPython "
                f"{sys.version.split()[0]}\nanswers: {json.dumps(sets[index])}\n" + "\n".join(_differences(expected, got))
            )

    # The corpus exercises what it is meant to: acceptance and rejection, every status, every flag.
    scored = [r["result"] for r in on_cpython if r["ok"]]
    rejected = [r for r in on_cpython if not r["ok"]]
    assert scored and rejected, f"{len(scored)} scored and {len(rejected)} rejected: both must occur"
    statuses = {m["status"] for r in scored for m in r["milestones"].values()}
    assert statuses == {"met", "not_met", "unknown"}, statuses
    raised = {f["id"] for r in scored for f in r["flags"]}
    assert raised == {f["id"] for f in document["flags"]}, "every flag is raised somewhere"


def _exact(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _differences(expected, got, path: str = "$", limit: int = 20) -> list[str]:
    """Human-readable lines for where two JSON values differ (CPython first, Pyodide second)."""
    out: list[str] = []

    def walk(a, b, where: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:
                if key not in b:
                    out.append(f"  {where}.{key}: only on CPython: {json.dumps(a[key], ensure_ascii=False)}")
                elif key not in a:
                    out.append(f"  {where}.{key}: only under Pyodide: {json.dumps(b[key], ensure_ascii=False)}")
                else:
                    walk(a[key], b[key], f"{where}.{key}")
            if list(a) != list(b) and not out:
                out.append(f"  {where}: same keys in a different order: {list(a)} vs {list(b)}")
        elif isinstance(a, list) and isinstance(b, list):
            for i, (x, y) in enumerate(zip(a, b, strict=False)):  # a length difference is reported below
                walk(x, y, f"{where}[{i}]")
            if len(a) != len(b):
                out.append(f"  {where}: {len(a)} items on CPython, {len(b)} under Pyodide")
        elif a != b or type(a) is not type(b):
            out.append(f"  {where}:\n    CPython: {json.dumps(a, ensure_ascii=False)}\n    Pyodide: {json.dumps(b, ensure_ascii=False)}")

    walk(expected, got, path)
    return out


def _text(data) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""
