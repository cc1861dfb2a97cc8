"""`make test-fast` leaves out exactly the browser and Pyodide tests, and `make test` runs those last."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import FAST_LOOP, NO_XDIST, ROOT, UNUSED_PLUGINS, examples

FAST = "not browser and not pyodide"
MAKE_TEST = "-n auto --dist loadgroup --no-loadscope-reorder"


def pytest_run(*args: str, cwd: Path = ROOT, path: Path | None = None, xdist: bool = False) -> str:
    """What a pytest run printed, which must have passed; not inside this run's xdist worker, if it is one.
    ``path``: a folder of plugins (``-p name``) to import from. Without the plugins it does not use."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_XDIST_")}
    env |= {"PYTEST_ADDOPTS": ""} | ({"PYTHONPATH": str(path)} if path else {})
    # Its own base temporary folder: in the shared one (/tmp/pytest-of-USER), a new session deletes the oldest
    # sessions' folders, and one of those can hold a whole run's sites (10 s of deleting, in a 5 s test).
    with tempfile.TemporaryDirectory() as scratch:
        plugins = UNUSED_PLUGINS + (() if xdist else NO_XDIST)
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={scratch}/tmp", *plugins, *args],
                             cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run.stdout


def collected(*args: str, cwd: Path = ROOT) -> list[str]:
    """The ids of the tests pytest would run, in its order (a collection only: nothing runs)."""
    return [line for line in pytest_run("--collect-only", *args, cwd=cwd).splitlines() if "::" in line]


MARKS_PLUGIN = """import pytest


@pytest.hookimpl(trylast=True)  # after every other plugin and conftest has marked and sorted the tests
def pytest_collection_modifyitems(items):
    for item in items:
        slow = sorted({m.name for m in item.iter_markers()} & {"browser", "pyodide"})
        print("KB-MARKS", ",".join(slow) or "-", item.nodeid)  # an id may hold spaces: it goes last
"""


def collected_with_marks(tmp_path: Path) -> list[tuple[str, str]]:
    """(test id, its slow marks or "-") for every test, in the order `make test` runs them: one collection that
    shows both sets, where `-m` would take one collection per set (each imports every test module)."""
    (tmp_path / "kb_marks.py").write_text(MARKS_PLUGIN, encoding="utf-8")
    printed = pytest_run("-p", "kb_marks", "--collect-only", path=tmp_path)
    return [(test, marks) for _, marks, test in (line.split(" ", 2) for line in printed.splitlines() if line.startswith("KB-MARKS "))]


def scratch_tests(root: Path, files: dict[str, str]) -> Path:
    """A scratch test tree under ``root`` with this repository's tests/conftest.py (whose ROOT is then ``root``)."""
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for folder in (root / "tests", root / "tests" / "browser"):
        folder.mkdir()
        (folder / "__init__.py").write_text("", encoding="utf-8")
    for name in ("conftest.py", "attack_tally.py"):
        shutil.copy(ROOT / "tests" / name, root / "tests" / name)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_make_test_fast_runs_pytest_without_the_slow_marks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r'^test-fast: setup\n\tKB_FAST_LOOP=1 \$\(PY\) -m pytest -n auto --dist worksteal -m "' + FAST + '"$', makefile, re.M), \
        "Makefile: test-fast"
    assert "make test-fast" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_make_test_runs_everything_over_every_core_in_order():
    """`make test` runs every test under pytest-xdist, handing them out in the order below (no reordering by size)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: setup\n\t\$\(PY\) -m pytest " + re.escape(MAKE_TEST) + "$", makefile, re.M), "Makefile: test"


def test_the_fast_set_leaves_out_every_browser_file_and_runs_first(tmp_path: Path):
    """The fast tests (no slow mark: what `-m FAST` selects) run before any slow one: Pyodide's, then the browser's."""
    everything = collected_with_marks(tmp_path)
    fast = [test for test, marks in everything if marks == "-"]
    slow = everything[len(fast):]
    assert [test for test, _ in everything[: len(fast)]] == fast, "the fast tests run first, in their own order"
    assert {test.split("::")[0] for test, _ in slow} >= {"tests/test_parity.py", "tests/browser/test_assess.py"}
    assert all(marks == "browser" for test, marks in everything if test.startswith("tests/browser/"))
    kinds = [marks for _, marks in slow]
    assert set(kinds) == {"pyodide", "browser"} and kinds == sorted(kinds, reverse=True), "Pyodide's tests, then the browser's"


def test_a_new_browser_file_that_forgets_its_mark_leaves_the_fast_set(tmp_path: Path):
    """The marks come from the folder (tests/conftest.py): shown in a scratch tree with that conftest, not by
    writing into this repository's tests/browser/, which every other test and pytest run would see meanwhile."""
    scratch_tests(tmp_path, {"tests/browser/test_unmarked.py": "def test_nothing():\n    pass\n",
                             "tests/test_quick.py": "def test_quick():\n    pass\n"})
    fast, everything = collected("-m", FAST, "tests", cwd=tmp_path), collected("tests", cwd=tmp_path)
    assert (fast, everything) == (["tests/test_quick.py::test_quick"],
                                  ["tests/test_quick.py::test_quick", "tests/browser/test_unmarked.py::test_nothing"])


def test_the_attack_table_adds_up_every_xdist_worker(tmp_path: Path):
    """Each worker tallies its own tests; the controller's table is their sum."""
    attacks = "".join(f"def test_{n}():\n    tally('kind', tried=2, refused=1, inert=1, leaked=0)\n\n\n" for n in range(8))
    scratch_tests(tmp_path, {"tests/test_attacks.py": "from tests.attack_tally import tally\n\n\n" + attacks})
    printed = pytest_run("-n", "2", *MAKE_TEST.split()[2:], "tests", cwd=tmp_path, xdist=True)
    assert "| kind | 16 | 8 | 8 | 0 |" in printed and "| total | 16 | 8 | 8 | 0 |" in printed, printed


def test_only_the_fast_loop_draws_fewer_examples():
    """The fast loop's quarter never reaches `make test` or CI, and says so in the run's header when it applies."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^unexport KB_FAST_LOOP$", makefile, re.M), "make test must not inherit the fast loop from the shell"
    assert makefile.count("KB_FAST_LOOP=1") == 1
    for ci in (ROOT / ".ci" / "run", *sorted((ROOT / ".github" / "workflows").glob("*.yml"))):
        assert "KB_FAST_LOOP" not in ci.read_text(encoding="utf-8"), ci
    assert [examples(n) for n in (1, 3, 6, 80, 2000)] == ([1, 1, 1, 20, 500] if FAST_LOOP else [1, 3, 6, 80, 2000])
