"""The code stays as clean as the day the linters were switched on: ruff with pyproject.toml's rules over everything,
mypy over the engine and the rules reader. `make lint` runs the same two; CI runs both ways."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    if not (BIN / tool).exists():
        pytest.fail(f"{tool} is not installed beside {sys.executable}: `make setup` installs the test extra")
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_engine_and_the_rules_reader():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
