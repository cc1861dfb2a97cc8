"""The pinned Pyodide's private snapshot options, which the assessment's worker relies on.

``_makeSnapshot``, ``_loadSnapshot`` and ``makeMemorySnapshot`` are marked
``@ignore``/``@private`` in pyodide.d.ts. The worker falls back to a normal
start when a restore fails, so a change would only make every visit slow,
silently: these tests make it loud instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, require_or_skip

pytestmark = pytest.mark.pyodide

PINNED = "314.0.8"
PYODIDE = ROOT / "node_modules" / "pyodide"


def _need_pyodide() -> None:
    if not (PYODIDE / "pyodide.mjs").is_file() or not shutil.which("node"):
        require_or_skip("node or node_modules/pyodide is missing; run `npm ci`")


def test_the_pinned_pyodide_still_declares_the_snapshot_options():
    _need_pyodide()
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/pyodide"]["version"] == PINNED, (
        "Pyodide's version changed: check that _makeSnapshot, _loadSnapshot and makeMemorySnapshot still work "
        "(generator/assets/worker.js, tests/pyodide/snapshot_roundtrip.mjs), then update PINNED")
    types = (PYODIDE / "pyodide.d.ts").read_text(encoding="utf-8")
    assert re.search(r"_makeSnapshot\?: boolean;", types), "pyodide.d.ts no longer declares _makeSnapshot"
    assert re.search(r"_loadSnapshot\?: Uint8Array \| ArrayBuffer", types), "pyodide.d.ts no longer declares _loadSnapshot"
    assert re.search(r"static makeMemorySnapshot\(", types), "pyodide.d.ts no longer declares makeMemorySnapshot"


def test_a_snapshot_of_the_engine_restores_and_scores_the_same(built_site: Path):
    _need_pyodide()
    assets = built_site / "assets" / "kb"
    run = subprocess.run(["node", str(ROOT / "tests" / "pyodide" / "snapshot_roundtrip.mjs"), str(assets / "engine.zip"),
                          str(assets / "rules.json")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"the snapshot round trip failed in the pinned Pyodide:\n{run.stderr[-2000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["version"] == PINNED
    assert result["restored"] == result["fresh"] and json.loads(result["restored"])["ok"] is True
    assert result["snapshot_bytes"] > 1_000_000
