"""Shared fixtures: the repository root, and one real site build per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import processes

ROOT = Path(__file__).resolve().parents[1]


def require_or_skip(reason: str) -> None:
    """Skip locally; fail under CI (KB_REQUIRE_ALL=1), where nothing may be skipped."""
    if os.environ.get("KB_REQUIRE_ALL") == "1":
        pytest.fail(f"required test could not run: {reason}")
    pytest.skip(reason)


def copy_kb(target: Path, *extra: str) -> Path:
    """A scratch copy of the knowledge base (rules/ and content/, plus ``extra`` paths) to break or extend."""
    for name in ("rules", "content", *extra):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return copy_kb(tmp_path)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's site, built once into a scratch directory with the real pipeline."""
    from generator.site.build import build_site

    if not (ROOT / "node_modules" / "pyodide").is_dir() and not shutil.which("npm"):
        require_or_skip("node_modules/pyodide is missing; run `npm ci`")
    site = tmp_path_factory.mktemp("site") / "site"
    build_site(ROOT, site)
    return site


def pytest_terminal_summary(terminalreporter) -> None:
    """The attack set's table (tests/attack_tally.py): tried, refused, inert and leaked per family."""
    from tests.attack_tally import table

    lines = table()
    if lines:
        terminalreporter.section("attack families")
        for line in lines:
            terminalreporter.write_line(line)


# The slow kinds of test, by the folder that holds them: a new file there is marked without anyone remembering to.
SLOW_KINDS = {"pyodide": 1, "browser": 2}  # and the order they run in, after every other test


def pytest_collection_modifyitems(items) -> None:
    """Mark the browser and Pyodide tests by folder, and run them last.

    `make test-fast` leaves both marks out; `make test` reports the fast tests' verdict in its first minutes
    instead of after the browser's. The sort is stable, so each module's tests stay together in file order.
    """
    tests = ROOT / "tests"
    for item in items:
        parts = item.path.relative_to(tests).parts if item.path.is_relative_to(tests) else ()
        if len(parts) > 1 and parts[0] in SLOW_KINDS:
            item.add_marker(parts[0])
    items.sort(key=lambda item: max((SLOW_KINDS[kind] for kind in SLOW_KINDS if item.get_closest_marker(kind)), default=0))


@pytest.fixture
def worker_pools(monkeypatch) -> list:
    """The worker pools generator.processes.forked_map starts from now on, each recorded by its arguments."""
    started: list = []
    real = processes.ProcessPoolExecutor
    monkeypatch.setattr(processes, "ProcessPoolExecutor", lambda *a, **k: started.append(a) or real(*a, **k))
    return started
