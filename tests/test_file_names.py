"""A file name cannot forge or blur a problem line.

A name holding a control character (a line break, a carriage return, a tab, a
terminal escape, a bidi override), a byte that is not UTF-8, or ':' before a digit ('a:99:1: x.yaml')
would print as a second problem line, recolour the terminal, or make
``PATH:LINE:COL:`` ambiguous. `check` refuses each, at its folder (a clean path),
with the name shown escaped, and reads nothing from the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.attack_tally import tally
from tests.cli_run import run_cli
from tests.conftest import ROOT, copy_kb

NAMES = ["a\nb", "a\rb", "a\tb", "a\x1b[2Jb", "a\u202eb", "a\x7fb", "a\udcffb", "a:99:1: b", "m9:1"]  # \udcff: the byte 0xff
FOLDERS = {"rules/milestones": ".yaml", "content/articles": ".md", "content/pages": ".md", "site_assets": ".js",
           "site_assets/theme": ".html"}
LINE = re.compile(r"([^:]+):(\d+):(\d+): (.*)")  # PATH:LINE:COL: message, with a PATH that holds no ':'


@pytest.mark.parametrize("name", NAMES, ids=[repr(n) for n in NAMES])
def test_an_unsafe_file_name_is_refused_at_its_folder_and_shown_escaped(name: str, tmp_path: Path):
    kb = copy_kb(tmp_path, "site_assets", "mkdocs.yml")
    for folder, suffix in FOLDERS.items():
        (kb / folder).mkdir(parents=True, exist_ok=True)
        (kb / folder / f"{name}{suffix}").write_text("SECRET-CONTENT: never read\n")

    result = run_cli("--root", str(kb), "check", cwd=ROOT)

    lines = result.stderr.splitlines()
    named = {folder for folder, suffix in FOLDERS.items()
             if any(line.startswith(f"{folder}:1:1: the file name {repr(name + suffix)} ") for line in lines)}
    forged = [line for line in lines if not line.isprintable() or not LINE.fullmatch(line) or LINE.fullmatch(line)[1] not in FOLDERS]
    tally("file-names", tried=len(FOLDERS), refused=len(named), inert=0, leaked=len(FOLDERS) - len(named))
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert not forged, f"lines that are not one clean problem each: {forged}"
    assert named == set(FOLDERS), result.stderr
    assert len(lines) == len(FOLDERS), "one line per file, nothing more"
    assert "SECRET-CONTENT" not in result.stderr + result.stdout


def test_safe_names_with_spaces_commas_and_colons_are_read_as_usual(tmp_path: Path):
    """Only what can forge a line is refused: 'notes, v2: draft.md' is an ordinary (if unusual) name."""
    kb = copy_kb(tmp_path, "site_assets", "mkdocs.yml")
    (kb / "site_assets" / "notes, v2: draft.txt").write_text("x")
    result = run_cli("--root", str(kb), "check", cwd=ROOT)
    assert result.returncode == 0, result.stderr
