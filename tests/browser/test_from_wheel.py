"""The proof from the package alone.

Build the sdist and, from it, the wheel (``python -m build``, as a release
would); install the wheel into a fresh virtual environment outside the
repository; there, ``founder-kb init`` a knowledge base in Spanish, see
``build`` ask for Pyodide, install it with ``npm ci``, run its ``make test``
(check and build) and ``serve`` it with the installed generator, and score
answers in Chromium. Nothing is copied by
hand. This repository's knowledge base then builds with the same installed
generator. Slow (a real pip install), so marked ``browser`` with the other
end-to-end tests.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
import time
import venv
import zipfile
from pathlib import Path

import pytest

from tests.browser.test_assess import READY, answer, next_goal, open_assess, statuses
from tests.conftest import ROOT, locked, require_or_skip, shared_folder

pytestmark = pytest.mark.browser

SERVE_TIMEOUT = 120  # seconds for the installed generator's first build and its "serving" line


def package_files() -> set[str]:
    """Every file of the generator a build or init reads, other than Python: it must ship in the wheel and sdist."""
    package = ROOT / "generator"
    return {p.relative_to(ROOT).as_posix() for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")}


@pytest.fixture(scope="module")
def dist(pytestconfig, tmp_path_factory) -> dict[str, Path]:
    """The sdist, and the wheel built from it (what ``python -m build`` does).

    The sdist is made inside the repository (setuptools writes its egg-info and a release tree there), so two
    builds at once in two xdist workers remove each other's files: one at a time, under a lock of this run's."""
    try:
        import build  # noqa: F401 - only to know whether `python -m build` can run
    except ImportError:
        require_or_skip("the 'build' package is not installed (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("dist")
    with locked(shared_folder(pytestconfig, tmp_path_factory) / "python-build.lock"):
        done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                              capture_output=True, text=True, cwd=out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the repository with the wheel (and its dependencies) installed."""
    env = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    done = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", str(dist["wheel"])],
                          capture_output=True, text=True, cwd=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return env


def test_the_wheel_and_the_sdist_carry_every_file_a_build_needs(dist):
    wanted = package_files()
    assert {"generator/site/service_worker.js", "generator/theme/main.html", "generator/assets/worker.js",
            "generator/render/templates/stage.md.j2", "generator/skeleton/es/mkdocs.yml.j2"} <= wanted
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        in_wheel = set(wheel.namelist())
    with tarfile.open(dist["sdist"]) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert wanted - in_wheel == set()
    assert wanted - in_sdist == set()
    print(f"\nwheel: {dist['wheel'].stat().st_size / 1024:.0f} KiB, sdist: {dist['sdist'].stat().st_size / 1024:.0f} KiB")


def test_init_to_a_scoring_site_from_the_installed_wheel(installed, browser, tmp_path: Path):
    for tool in ("npm", "make"):
        if not shutil.which(tool):
            require_or_skip(f"{tool} is not installed")
    python, script = installed / "bin" / "python", installed / "bin" / "founder-kb"
    kb = tmp_path / "mi-jardin"
    started = time.perf_counter()

    def run(*args: str) -> str:
        done = subprocess.run(list(args), capture_output=True, text=True, cwd=kb if kb.is_dir() else tmp_path)
        assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        return done.stdout

    assert run(str(script), "init", str(kb), "--language", "es").splitlines()[-1] == f"  cd {kb} && npm ci && make serve"
    where = run(str(python), "-c", "import generator; print(generator.__file__)")
    assert Path(where.strip()).is_relative_to(installed), where  # the wheel's generator, not the repository's
    missing = subprocess.run([str(python), "-m", "generator", "build"], capture_output=True, text=True, cwd=kb)
    assert (missing.returncode, missing.stderr) == (1, "package.json:1:1: Pyodide is not installed (node_modules/pyodide is "
                                                      "missing); run 'npm ci' (make build does it for you)\n")
    assert not (kb / "site").exists()
    run("npm", "ci", "--offline", "--no-audit", "--no-fund")  # from npm's cache: the pin is this repository's
    (installed / ".installed").touch()  # the Makefile's stamps: its venv is this one, its npm ci has run
    (kb / "node_modules" / ".installed").touch()
    made = run("make", "test", f"VENV={installed}")
    assert "3 rule cases pass" in made and re.search(r"^built \d+ pages into ", made, re.M), made
    server, url = _serve(python, kb)
    try:
        served = time.perf_counter()
        page = browser.new_context().new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        open_assess(page, url)
        answer(page, {"riegos_por_semana": 1})
        assert next_goal(page) == "riego"
        answer(page, {"riegos_por_semana": 2, "hojas_nuevas": 4, "hojas_amarillas": 1, "trasplantada": False})
        assert statuses(page) == {"riego": "met", "crecimiento": "met", "maceta-nueva": "not_met"}
        assert next_goal(page) == "maceta-nueva"
        scored = time.perf_counter()
        assert page.get_attribute("html", "lang") == "es"
        assert page.locator(READY).count() == 1
        assert all(r.startswith(url) for r in requests), [r for r in requests if not r.startswith(url)]
        page.context.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    site = kb / "site"
    for html in site.rglob("*.html"):
        assert '<meta http-equiv="Content-Security-Policy"' in html.read_text(encoding="utf-8"), html
    print(f"\ninit -> served site: {served - started:.1f}s; -> first scores in Chromium: {scored - started:.1f}s")


def test_this_repository_builds_with_the_installed_wheel(installed, tmp_path: Path):
    if not (ROOT / "node_modules" / "pyodide").is_dir():
        require_or_skip("node_modules/pyodide is missing; run `npm ci`")
    env = {**os.environ, "PYTHONPATH": ""}
    done = subprocess.run([str(installed / "bin" / "python"), "-m", "generator", "--root", str(ROOT), "build",
                           "--site-dir", str(tmp_path / "site")], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.match(r"built \d+ pages into ", done.stdout)
    rules = json.loads((tmp_path / "site" / "assets" / "kb" / "rules.json").read_text())
    assert [m["id"] for m in rules["milestones"]][:2] == ["m1", "m2"]


def _serve(python: Path, kb: Path) -> tuple[subprocess.Popen, str]:
    """The installed generator's `serve` on a free loopback port, once it says it is serving."""
    for _ in range(3):  # another process may take the free port between the look and serve's bind
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([str(python), "-m", "generator", "serve", "--port", str(port)], cwd=kb,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda into=lines, out=server.stdout: [into.put(line) for line in out], daemon=True).start()
        deadline = time.monotonic() + SERVE_TIMEOUT
        said = []
        while time.monotonic() < deadline and server.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            said.append(line)
            if match := re.match(r"serving (http://\S+/) ", line):
                return server, match.group(1)
        server.terminate()
        server.wait(timeout=30)
        if not any("already in use" in line for line in said):
            break
    pytest.fail("serve did not start:\n" + "".join(said))
