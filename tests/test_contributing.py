"""The worked examples in CONTRIBUTING.md still work: each is replayed on a copy
of the repository and `check` must pass afterwards (so the docs cannot rot)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```\w+ (file|append|edit)=(\S+)\n(.*?)^```$", re.M | re.S)


def examples() -> list[tuple[str, list[tuple[str, str, str]]]]:
    text = (ROOT / "CONTRIBUTING.md").read_text()
    found = []
    for chunk in re.split(r"^### Example: ", text, flags=re.M)[1:]:
        title = chunk.splitlines()[0]
        found.append((title, [m.groups() for m in BLOCK.finditer(chunk)]))
    return found


EXAMPLES = examples()


def test_the_guide_has_the_four_worked_examples():
    assert [title for title, _ in EXAMPLES] == ["add a milestone", "add a flag", "add an article", "add a stage"]


@pytest.mark.parametrize("title, steps", EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_worked_example_replays_and_checks_clean(kb: Path, title, steps):
    tmp_path = kb
    assert steps, f"example {title!r} has no steps"
    for action, rel, body in steps:
        path = tmp_path / rel
        if action == "file":
            assert not path.exists(), f"{rel} already exists: the example must add something new"
            path.write_text(body)
        elif action == "append":
            path.write_text(path.read_text().rstrip("\n") + "\n" + body)
        else:
            old, new = body.split("=>\n")
            text = path.read_text()
            assert old in text, f"{rel} no longer contains the text the example replaces:\n{old}"
            path.write_text(text.replace(old, new, 1))
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(tmp_path), "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
