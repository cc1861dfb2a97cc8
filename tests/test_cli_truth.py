"""`score` and `bench` tell the truth: rules problems are not the answers', and a missed target fails --check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator import bench, cli
from generator.bench_check import missed_targets
from generator.bench_serve import size_row
from tests.cli_run import run_cli
from tests.conftest import ROOT, copy_kb


def test_a_half_filled_scaffold_is_the_rules_problem_not_the_answers(tmp_path: Path):
    kb = copy_kb(tmp_path / "kb", "mkdocs.yml")
    assert run_cli("--root", str(kb), "new", "flag", "--name", "half-done", cwd=ROOT).returncode == 0
    result = run_cli("--root", str(kb), "score", "--answers", "-", input="paying_customers: 3\n", cwd=ROOT)
    lines = result.stderr.splitlines()
    assert (result.returncode, result.stdout) == (1, "")
    assert lines[0] == ("score: the rules have problems (1 file), listed below; the answers were not checked or scored: "
                        "fix the rules (python -m generator check), then score again")
    assert lines[1:] and all(line.startswith("rules/flags/half-done.yaml:") for line in lines[1:])


def test_invalid_answers_against_valid_rules_still_exit_2():
    result = subprocess.run([sys.executable, "-m", "generator", "score", "--answers", "-"], input="paying_customers: -1\n",
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "rules have problems" not in result.stderr


RESULT = {"sizes": [{"articles": 100, "ratio_to_bare": 1.2}, {"articles": 1000, "ratio_to_bare": 1.45}],
          "time_5000_over_1000": None, "targets": {"ratio_to_bare": 1.3, "time_5000_over_1000": 5.5, "speed_aim": 1}}


def test_missed_targets_are_each_row_over_its_ceiling():
    assert missed_targets(RESULT) == (["ratio_to_bare at 1000 articles is 1.45, over its target 1.3"], [])
    assert missed_targets({"figures": {"shown_max": 9, "targets": {"shown_max": 8, "median": 4}}}) == (
        ["shown_max is 9, over its target 8"], ["median"])


def test_bench_serve_holds_each_size_to_its_own_target():
    result = {"sizes": [size_row("this", [1200, 900, 1100], [500, 500, 500]), size_row(1000, [2900] * 3, [900] * 3),
                        size_row(5000, [9000] * 3, [2000] * 3)]}
    assert missed_targets(result) == (["ours_median_ms at this knowledge base is 1100, over its target 1000"], [])
    result["sizes"][1] = size_row(1000, [3100] * 3, [900] * 3)
    assert missed_targets(result)[0][1] == "ours_median_ms at 1000 articles is 3100, over its target 3000"


@pytest.mark.parametrize("result, code", [(RESULT, 1), ({**RESULT, "sizes": RESULT["sizes"][:1]}, 0)])
def test_bench_check_exits_1_on_a_missed_target(result, code, monkeypatch, capsys):
    monkeypatch.setattr(bench, "main", lambda root, what, sizes: json.dumps(result))
    assert cli.main(["bench", "site", "--check"]) == code
    out, err = capsys.readouterr()
    assert json.loads(out) == result
    assert err == ("bench: missed: ratio_to_bare at 1000 articles is 1.45, over its target 1.3\n" if code else "")
    assert cli.main(["bench", "site"]) == 0  # without --check, the figures only


def test_hover_bytes_count_one_visit_not_the_earlier_ones():
    earlier = [("/assess/", 5_000), ("/assets/pyodide/pyodide.asm.wasm", 9_000_000)]
    visit = [("/", 20_000), ("/assets/pyodide/pyodide.mjs", 300)]
    hover = [("/assets/pyodide/python_stdlib.zip", 2_000_000)]
    served = earlier + visit + hover
    assert bench.hover_bytes(served, len(earlier), len(earlier) + len(visit)) == {
        "bytes_before_hover": 20_300, "runtime_bytes_before_hover": 300, "bytes_after_hover": 2_000_000}
