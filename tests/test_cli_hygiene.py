"""What any user of the command line meets first: its name, its version, its licence, and a machine without the venv."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_version_is_the_package_version():
    result = run(sys.executable, "-m", "generator", "--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"python -m generator {PYPROJECT['version']}\n", "")


def test_help_names_the_command_as_it_was_invoked():
    script = Path(sys.executable).with_name("founder-kb")
    assert run(str(script), "--help").stdout.startswith("usage: founder-kb [-h] [--version]")
    assert run(sys.executable, "-m", "generator", "--help").stdout.startswith("usage: python -m generator [-h]")
    mistake = run(str(script), "scroe")
    assert mistake.returncode == 2 and "founder-kb: error: argument COMMAND: invalid choice: 'scroe'" in mistake.stderr


def test_without_the_packages_one_line_names_make_setup():
    """-S: Python without its site-packages, as the system Python of a machine that never ran make setup."""
    for command in (["check"], ["score", "--answers", "-"], ["build"]):
        result = subprocess.run([sys.executable, "-S", "-m", "generator", *command], cwd=ROOT, input="{}",
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "is not installed here; run `make setup`" in result.stderr


def test_the_licence_is_the_one_pyproject_declares():
    assert PYPROJECT["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in text


def test_nothing_points_at_a_missing_contract_or_an_internal_issue_number():
    """INTERFACE.md documents what users rely on; code and tests say what they hold, not which ticket asked for it."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    pattern = re.compile(r"CONTRACT(\.md| §)|\b[Ii]ssue #?\d+|(?<![\w&])#1\d\b")
    found = [f"{rel}:{number}: {line.strip()[:80]}" for rel in listed
             if rel.endswith((".py", ".js", ".md", ".yml", ".yaml", ".j2", ".toml", ".css", ".html")) and (ROOT / rel).is_file()
             and rel != "tests/test_cli_hygiene.py"
             for number, line in enumerate((ROOT / rel).read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if pattern.search(line)]
    assert found == []
    assert (ROOT / "INTERFACE.md").is_file()
