"""Under KB_REQUIRE_ALL=1 (CI) nothing may skip: every "cannot run here" goes through require_or_skip."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("test", [
    "tests/test_originality.py::test_no_eight_word_run_is_copied_from_a_source",
    "tests/test_source_coverage.py::test_every_article_of_the_cxo_atlas_table_is_written",
])
def test_missing_sources_fail_under_require_all(test: str, tmp_path: Path):
    env = {**os.environ, "KB_REQUIRE_ALL": "1", "KB_SOURCES": str(tmp_path / "absent"), "PYTEST_ADDOPTS": ""}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout and "required test could not run: the source documents are not at" in result.stdout
    local = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], cwd=ROOT,
                           env={**env, "KB_REQUIRE_ALL": ""}, capture_output=True, text=True, timeout=300)
    assert local.returncode == 0 and "1 skipped" in local.stdout, local.stdout[-2000:]
