"""Under KB_REQUIRE_ALL=1 (CI) nothing may skip: every "cannot run here" goes through require_or_skip."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import NO_XDIST, UNUSED_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
# A skip KB_REQUIRE_ALL cannot turn into a failure: only require_or_skip itself, and zensical on
# machines its pinned wheel does not exist for.
ALLOWED = {"tests/conftest.py": 1, "tests/test_site_engines.py": 1}
DODGES = re.compile(r"pytest\.skip\(|importorskip|mark\.skip|skipif|xfail")


def test_tests_skip_only_through_require_or_skip():
    found = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        count = len(DODGES.findall(path.read_text(encoding="utf-8"))) if rel != "tests/test_require_all.py" else 0
        if count:
            found[rel] = count
    assert found == ALLOWED, "use tests.conftest.require_or_skip, which fails under KB_REQUIRE_ALL=1"


def test_no_test_reads_outside_the_repository(tmp_path: Path):
    """The originality and coverage tests compare with committed digests (tests/data/source-ngrams.txt), not the
    source documents, so under KB_REQUIRE_ALL=1 they pass on a machine that has only this repository."""
    tests = ["tests/test_originality.py", "tests/test_source_coverage.py"]
    env = {**os.environ, "KB_REQUIRE_ALL": "1", "KB_SOURCES": str(tmp_path / "absent"), "PYTEST_ADDOPTS": ""}
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS, *NO_XDIST]
    result = subprocess.run([*pytest, f"--basetemp={tmp_path / 'run'}", *tests],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]
    outside = [path.name for path in sorted((ROOT / "tests").rglob("*.py"))
               if re.search(r"\.\./shared|\"shared\" /|KB_SOURCES", path.read_text(encoding="utf-8"))
               and path.name != "test_require_all.py"]
    assert outside == []
