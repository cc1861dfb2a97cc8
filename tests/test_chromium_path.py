"""KB_CHROMIUM names the Chromium the browser tests and `bench assess` drive (default: Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import NO_XDIST, UNUSED_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
BROWSER_TEST = "tests/browser/test_assess.py::test_search_waits_for_the_engine_and_then_works"


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, "PYTEST_ADDOPTS": "", **env},
                          capture_output=True, text=True, timeout=300)


def test_browser_tests_use_kb_chromium(tmp_path: Path):
    missing = tmp_path / "no-chromium"
    # each its own base temporary folder: a session in the shared one deletes the oldest sessions' folders there
    pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS, *NO_XDIST, BROWSER_TEST]
    required = run([*pytest, f"--basetemp={tmp_path / 'required'}"], KB_CHROMIUM=str(missing), KB_REQUIRE_ALL="1")
    assert required.returncode == 1 and f"required test could not run: no Chromium at {missing}" in required.stdout, required.stdout[-2000:]
    local = run([*pytest, f"--basetemp={tmp_path / 'local'}"], KB_CHROMIUM=str(missing), KB_REQUIRE_ALL="")
    assert local.returncode == 0 and "1 skipped" in local.stdout, local.stdout[-2000:]


def test_bench_assess_says_where_it_looked(tmp_path: Path):
    missing = tmp_path / "no-chromium"
    result = run(["-m", "generator", "bench", "assess"], KB_CHROMIUM=str(missing))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"bench: no Chromium at {missing}; apt-get update && apt-get install -y chromium, "
                                          "or set KB_CHROMIUM to another Chromium's path"]
