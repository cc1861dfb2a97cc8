"""`make test-fast` leaves out exactly the browser and Pyodide tests, and `make test` runs those last."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT

FAST = "not browser and not pyodide"


def collected(*args: str) -> list[str]:
    """The ids of the tests pytest would run, in its order (a collection only: nothing runs)."""
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                         cwd=ROOT, env={**os.environ, "PYTEST_ADDOPTS": ""}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_make_test_fast_runs_pytest_without_the_slow_marks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r'^test-fast: setup\n\t\$\(PY\) -m pytest -n auto -m "' + FAST + '"$', makefile, re.M), "Makefile: test-fast"
    assert "make test-fast" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_fast_set_leaves_out_every_browser_file_and_runs_first():
    """A new browser file that forgets its mark still leaves the fast set; the fast tests run before any slow one."""
    unmarked = ROOT / "tests" / "browser" / f"test_unmarked_{os.getpid()}.py"
    unmarked.write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    try:
        fast, everything = collected("-m", FAST), collected()
    finally:
        unmarked.unlink()
    slow = everything[len(fast):]
    assert everything[: len(fast)] == fast, "the fast tests run first, in their own order"
    assert f"{unmarked.relative_to(ROOT).as_posix()}::test_nothing" in slow
    assert {test.split("::")[0] for test in slow} >= {"tests/test_parity.py", "tests/browser/test_assess.py"}
    assert not any(test.startswith("tests/browser/") for test in fast)
    browser = [test.startswith("tests/browser/") for test in slow]
    assert browser == sorted(browser), "Pyodide's tests, then the browser's"
