"""`serve` rebuilds on change, and keeps serving the last good site when a rebuild fails."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_serve_rebuilds_and_survives_a_broken_edit(tmp_path: Path):
    for name in ("rules", "content", "site_assets"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(tmp_path), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "Founder stages" in fetch(url), 60), "the first build is served"
        home = tmp_path / "content" / "pages" / "home.md"
        home.write_text(home.read_text() + "\nA sentence added while serving.\n")
        assert wait_for(lambda: "A sentence added while serving." in fetch(url)), "a content edit is rebuilt"
        m3 = tmp_path / "rules" / "milestones" / "m3.yaml"
        m3.write_text(m3.read_text().replace("paying_customers >= 5", "paying_custmers >= 5"))
        time.sleep(4)
        assert "A sentence added while serving." in fetch(url), "the last good site is still served"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "rules/milestones/m3.yaml:5:12: in condition: unknown answer id 'paying_custmers'" in stderr
    assert "build failed: still serving the last good site" in stderr
    assert "Traceback" not in stderr
