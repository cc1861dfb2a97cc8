"""The engine gives byte-for-byte the same results under Pyodide (Python 3.14,
as in the browser) as on this CPython, for every rule case and hundreds of
generated answer sets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.rules.compile import compile_rules, plain, rules_json
from generator.knowledge import load_knowledge
from generator.scoring import Engine
from generator.site.bundle import write_engine_zip
from generator.corpus import answer_sets
from tests.conftest import require_or_skip

pytestmark = pytest.mark.pyodide
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "pyodide" / "score_many.mjs"


def test_pyodide_scores_exactly_like_cpython(tmp_path: Path):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "pyodide" / "pyodide.mjs").is_file():
        require_or_skip("node and node_modules/pyodide are needed (run `npm ci`)")
    knowledge = load_knowledge(ROOT)
    rules = knowledge.rules
    document = compile_rules(rules, knowledge.articles)
    sets = [plain(case["answers"]) for _, case in rules.cases] + answer_sets(document["questions"], 400, seed=2026)
    write_engine_zip(tmp_path / "engine.zip")
    (tmp_path / "rules.json").write_text(rules_json(document))
    (tmp_path / "answers.json").write_text(json.dumps(sets))

    run = subprocess.run(
        [node, str(SCRIPT), str(tmp_path / "engine.zip"), str(tmp_path / "rules.json"), str(tmp_path / "answers.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert re.search(r"pyodide python 3\.14\.", run.stderr), run.stderr
    in_pyodide = json.loads(run.stdout)

    engine = Engine(document)
    on_cpython = [json.loads(engine.score_json(json.dumps(answers))) for answers in sets]
    assert len(in_pyodide) == len(on_cpython) >= 450
    for index, (a, b) in enumerate(zip(on_cpython, in_pyodide)):
        assert a == b, f"answer set {index} differs: {json.dumps(sets[index])}"

    scored = [r["result"] for r in on_cpython if r["ok"]]
    assert 0 < len(scored) < len(on_cpython), "the corpus has both valid and invalid answer sets"
    statuses = {m["status"] for r in scored for m in r["milestones"].values()}
    assert statuses == {"met", "not_met", "unknown"}
    assert {f["id"] for r in scored for f in r["flags"]} == set(rules.flags), "every flag is raised somewhere"
