"""`check --format github` prints workflow commands no path or message can forge.

Each annotation is read back here the way GitHub's runner reads a workflow
command (``::command key=value,key=value::data``: the first ``::`` after the
start ends the properties, ',' separates them, the first '=' splits each; then
``%25 %0D %0A %3A %2C`` are unescaped). A hostile path or message must come
back as exactly one ``error`` command with exactly the properties file, line
and col, holding the values given, and nothing else on another line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import Problem
from tests.attack_tally import tally
from tests.conftest import ROOT, copy_kb

_UNESCAPE_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_UNESCAPE_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, table) -> str:
    for code, char in table:  # as the runner does: '%25' last
        text = text.replace(code, char)
    return text


def read_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """(command, properties, data) for every workflow command line, as GitHub's runner parses them."""
    commands = []
    for line in output.replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line.startswith("::"):
            continue
        end = line.find("::", 2)
        if end < 0:
            continue
        info, data = line[2:end], line[end + 2:]
        command, _, raw = info.partition(" ")
        properties = {}
        for entry in filter(None, raw.strip().split(",")):
            key, sep, value = entry.partition("=")
            if sep:
                properties[key] = _unescape(value, _UNESCAPE_PROPERTY)
        commands.append((command, properties, _unescape(data, _UNESCAPE_DATA)))
    return commands


HOSTILE_PATHS = [
    "rules/a,line=99,col=7.yaml",
    "rules/a::warning file=x.yaml::forged",
    "rules/a\n::error file=forged.yaml,line=1::forged",
    "rules/a\r::notice::forged",
    "rules/a%0A::error::forged",
    "rules/a%2Cline=5.yaml",
    "rules/a:1:1,b.yaml",
    "rules/a\x1b]8;;https://evil.example\x07x.yaml",
]
HOSTILE_MESSAGES = [
    "plain message",
    "x\n::error file=forged.yaml,line=1::forged",
    "x\r\n::add-mask::secret",
    "x%0A::warning::literal percent codes stay literal",
    "x::set-output name=a::b",
    "line one\n  an indented follow-up",
    "x\x1b[2Jcleared",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=range(len(HOSTILE_PATHS)))
def test_no_path_or_message_forges_a_second_command_or_property(path: str):
    forged = []
    for message in HOSTILE_MESSAGES:
        problem = Problem(path, 12, 3, message, "hint, with: a colon\nand a line")
        line = problem.github()
        commands = read_commands(line)
        ok = (line.isprintable() and len(commands) == 1 and commands[0][0] == "error"
              and commands[0][1] == {"file": _shown(path), "line": "12", "col": "3"}
              and commands[0][2] == f"{_shown(message)}; {_shown(problem.hint)}")
        if not ok:
            forged.append((message, line, commands))
    tally("annotations", tried=len(HOSTILE_MESSAGES), refused=0, inert=len(HOSTILE_MESSAGES) - len(forged), leaked=len(forged))
    assert not forged


def _shown(text: str) -> str:
    """What the annotation must say: the text itself, or, when it holds control characters, as the text format shows it."""
    return str(Problem("", 1, 1, text)).split(": ", 1)[1]


def _check_github(kb: Path, names: list[str]) -> tuple[subprocess.CompletedProcess, list]:
    for name in names:
        (kb / "rules" / "milestones" / name).write_text("id: nothing\n")
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(kb), "check", "--format", "github"],
                            capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    assert "Traceback" not in result.stderr
    commands = read_commands(result.stderr)
    assert len(commands) == len(result.stderr.splitlines()), "every line is one command"
    assert all(cmd == "error" and set(props) == {"file", "line", "col"} for cmd, props, _ in commands), result.stderr
    return result, commands


def test_check_annotates_files_it_reads_under_their_own_names(tmp_path: Path):
    """',' and '::' are no reason to refuse a name: check reads these files, and each annotation names its file exactly."""
    names = ["x,line=1,col=1::warning::y.yaml", "p%0A::error::q.yaml", "r,title=forged.yaml"]
    result, commands = _check_github(copy_kb(tmp_path, "site_assets", "mkdocs.yml"), names)
    files = {props["file"] for _, props, _ in commands}
    named = sum(f"rules/milestones/{name}" in files for name in names)
    strays = files - {f"rules/milestones/{name}" for name in names}
    tally("annotations", tried=len(names), refused=0, inert=named if not strays else 0, leaked=len(names) - (named if not strays else 0))
    assert result.returncode == 1
    assert not strays, f"annotations on files nobody named: {strays}"
    assert named == len(names), result.stderr


def test_check_annotates_a_refused_name_at_its_folder(tmp_path: Path):
    names = ["m\n::error file=ladder.yaml,line=1::forged.yaml", "n\r::add-mask::x.yaml"]
    result, commands = _check_github(copy_kb(tmp_path, "site_assets", "mkdocs.yml"), names)
    refused = sum(any(props == {"file": "rules/milestones", "line": "1", "col": "1"} and repr(name) in data
                      for _, props, data in commands) for name in names)
    tally("annotations", tried=len(names), refused=refused, inert=0, leaked=len(names) - refused)
    assert result.returncode == 1
    assert refused == len(names) and len(commands) == len(names), result.stderr
