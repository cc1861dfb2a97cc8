"""`serve` rebuilds on change, keeps serving the last good site whatever a rebuild does, and never dies."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.site import live
from generator.site import serve as preview
from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def page(url: str) -> str:
    """A page as the preview serves it, without the live preview's script tag."""
    return re.sub(r'<script src="/__kb/live\.js" data-kb-build="[^"]+" defer></script>', "", fetch(url))


def status_and_body(url: str, method: str = "GET") -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.05)  # a fetch of the loopback server costs far less than the wait it saves
    return False


def edit(root: Path, path: Path, text: str) -> None:
    """Replace a file in one step (a watcher could otherwise see it half-written and build twice)."""
    (root / ".edit").write_text(text)
    os.replace(root / ".edit", path)


def copy_sources(target: Path) -> Path:
    for name in ("rules", "content", "site_assets"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


def test_serve_rebuilds_and_survives_a_broken_edit(tmp_path: Path):
    copy_sources(tmp_path)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(tmp_path), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.extend(server.stderr), daemon=True)
    reader.start()

    def failed() -> int:
        return sum("build failed: still serving the last good site" in line for line in errors)

    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "Founder stages" in fetch(url), 60), "the first build is served"
        home = tmp_path / "content" / "pages" / "home.md"
        edit(tmp_path, home, home.read_text() + "\nA sentence added while serving.\n")
        assert wait_for(lambda: "A sentence added while serving." in fetch(url), 60), "a content edit is rebuilt"
        m3 = tmp_path / "rules" / "milestones" / "m3.yaml"
        good = m3.read_text()
        edit(tmp_path, m3, good.replace("paying_customers >= 5", "paying_custmers >= 5"))
        assert wait_for(lambda: failed() == 1, 60)
        assert "A sentence added while serving." in fetch(url), "the last good site is still served"
        edit(tmp_path, m3, re.sub(r"(?m)^title: .*$", "title: !!int abc", good))
        assert wait_for(lambda: failed() == 2, 60)
        assert server.poll() is None, "a rebuild that fails in any way leaves the server running"
        assert "A sentence added while serving." in fetch(url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        reader.join(10)
    stderr = "".join(errors)
    assert "rules/milestones/m3.yaml:5:12: in condition: unknown answer id 'paying_custmers'" in stderr
    assert failed() == 2 and "Traceback" not in stderr


def fake_build(versions: list):
    """A build_site stand-in: each call takes the next item; an exception is raised, a text becomes the site."""
    def build(root: Path, site_url: str | None = None, kept=None):
        build.urls.append(site_url)
        item = versions.pop(0)
        if isinstance(item, BaseException):
            raise item
        (root / "site").mkdir(exist_ok=True)
        (root / "site" / "index.html").write_text(item)
        return f"built {item}"
    build.urls = []
    return build


def test_no_failure_of_a_rebuild_stops_the_server(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "rules").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")  # serve refuses a root that is no knowledge base
    rule = tmp_path / "rules" / "m1.yaml"
    rule.write_text("v1")
    failures = [RuntimeError("boom\n\x1b[31mforged.yaml:1:1: fake"), ValueError("invalid literal for int(): 'abc'"),
                RecursionError("maximum recursion depth exceeded"), UserError(["rules/m1.yaml:1:1: a user mistake"])]
    monkeypatch.setattr(preview, "build_site", builds := fake_build(["v1", *failures, "v2"]))
    port, stop = free_port(), threading.Event()
    thread = threading.Thread(target=preview.serve, args=(tmp_path, "127.0.0.1", port, 0.05, stop), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: page(url) == "v1")
        for number in range(len(failures)):
            edit(tmp_path, rule, f"broken {number}")
            assert wait_for(lambda: capsys.readouterr().err.count("still serving the last good site") == 1), number
            assert thread.is_alive() and page(url) == "v1"
        edit(tmp_path, rule, "fixed")
        assert wait_for(lambda: page(url) == "v2"), "a good edit after failures is built and served"
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive(), "serve returns once stopped"
    assert set(builds.urls) == {url}, "every build is made for the preview's own address (instant navigation)"


def test_an_unexpected_error_is_one_escaped_line(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "site").mkdir()  # a last good site, still served
    monkeypatch.setattr(preview, "build_site", fake_build([RuntimeError("boom\n\x1b[31mforged.yaml:1:1: fake " + "x" * 5000)]))
    assert preview._rebuild(tmp_path, "http://127.0.0.1:8000/") is False
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0].startswith("build: unexpected RuntimeError: boom \\x1b[31mforged.yaml:1:1: fake xxx")
    assert len(lines) == 2 and len(lines[0]) < 500 and "\x1b" not in err
    assert lines[1] == "build failed: still serving the last good site"


def test_nothing_to_serve_when_the_first_build_fails_and_there_is_no_site(tmp_path: Path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    monkeypatch.setattr(preview, "build_site", fake_build([RuntimeError("boom")]))
    with pytest.raises(UserError, match="nothing to serve"):
        preview.serve(tmp_path, "127.0.0.1", free_port())


def test_a_busy_port_is_one_line_before_any_build(tmp_path: Path):
    copy_sources(tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "--root", str(tmp_path), "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"serve: port {port} on 127.0.0.1 is already in use; stop what holds it, or choose another port: "
        "--port N (make serve PORT=N)"]
    assert not (tmp_path / "site").exists() and not (tmp_path / "build").exists(), "the port is checked before building"


@pytest.mark.parametrize("port, message", [
    (70000, "serve: --port 70000 is not a port number (0-65535)"),
    (-1, "serve: --port -1 is not a port number (0-65535)"),
])
def test_an_impossible_port_is_one_line(tmp_path: Path, port: int, message: str):
    with pytest.raises(UserError) as raised:
        preview.serve(tmp_path, "127.0.0.1", port)
    assert [str(p) for p in raised.value.problems] == [message]


def test_make_serve_takes_the_port_and_host():
    if shutil.which("make") is None:
        require_or_skip("make is not installed")
    dry = subprocess.run(["make", "-n", "serve", "PORT=8123", "HOST=0.0.0.0"], cwd=ROOT, capture_output=True, text=True)
    assert "-m generator serve --host 0.0.0.0 --port 8123" in dry.stdout, dry.stdout + dry.stderr
    default = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True)
    assert "-m generator serve --host 127.0.0.1 --port 8000" in default.stdout


def test_editor_files_coming_and_going_do_not_break_or_trigger_the_watch(tmp_path: Path):
    folder = tmp_path / "rules" / "milestones"
    folder.mkdir(parents=True)
    (folder / "m2.yaml").write_text("id: m2\n")
    before = preview._snapshot(tmp_path)
    for name in (".m2.yaml.swp", ".m2.yaml.swx", "m2.yaml~", "4913", "#m2.yaml#"):
        (folder / name).write_text("editor")
    (folder / ".#m2.yaml").symlink_to("user@host.1234:1700000000")  # Emacs' lock: a dangling link, never followed
    assert preview._snapshot(tmp_path) == before
    (folder / "linked.yaml").symlink_to(folder / "m2.yaml")  # any other link triggers the rebuild that refuses it
    assert preview._snapshot(tmp_path) != before
    (folder / "linked.yaml").unlink()
    assert preview._snapshot(tmp_path) == before
    (folder / "m2.yaml").write_text("id: m2\ntitle: changed\n")
    assert preview._snapshot(tmp_path) != before


def test_swap_files_racing_the_walk(tmp_path: Path):
    folder = tmp_path / "rules" / "milestones"
    folder.mkdir(parents=True)
    (folder / "m2.yaml").write_text("id: m2\n")
    done = threading.Event()

    def editor():
        while not done.is_set():
            for name in (".m2.yaml.swp", "4913", "scratch.yaml"):
                (folder / name).write_text("x")
                (folder / name).unlink()
            sub = folder / "tmpdir"
            sub.mkdir()
            (sub / "f.yaml").write_text("x")
            shutil.rmtree(sub)

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        for _ in range(300):
            assert str(folder / "m2.yaml") in preview._snapshot(tmp_path)
    finally:
        done.set()
        thread.join()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("home")
    (tmp_path / "404.html").write_text("<h1>Our own 404</h1>")
    (tmp_path / "assets" / "kb").mkdir(parents=True)
    (tmp_path / "assets" / "kb" / "engine.wasm").write_bytes(b"\0asm")
    return tmp_path


def serving(site_dir: Path, **options):
    server = preview.make_server(site_dir, **options)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_missing_pages_and_bare_directories_get_the_sites_own_404(site: Path):
    server, url = serving(site)
    try:
        for path in ("missing/", "no-such-file.js", "assets/", "assets/kb/", "assets/kb", "../../etc/passwd"):
            assert status_and_body(url + path) == (404, "<h1>Our own 404</h1>"), path
        assert status_and_body(url + "missing/", "HEAD") == (404, "")
        assert status_and_body(url) == (200, "home")
        (site / "404.html").unlink()
        status, body = status_and_body(url + "assets/")
        assert status == 404 and "Directory listing" not in body and "engine.wasm" not in body
    finally:
        server.shutdown()
        server.server_close()


def test_an_idle_client_is_let_go(site: Path):
    assert preview.SiteHandler.timeout == preview.IDLE_TIMEOUT <= 60
    server, url = serving(site, timeout=0.5)
    try:
        with socket.create_connection(server.server_address, timeout=10) as idle:
            assert idle.recv(1) == b"", "the server closes a connection that never sends a request"
        assert fetch(url) == "home"
    finally:
        server.shutdown()
        server.server_close()


def test_an_ipv6_host_is_served_and_built_for_in_brackets(tmp_path: Path, monkeypatch):
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        require_or_skip("this machine has no IPv6 loopback")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    monkeypatch.setattr(preview, "build_site", builds := fake_build(["v6"]))
    stop = threading.Event()
    thread = threading.Thread(target=preview.serve, args=(tmp_path, "::1", 0, 0.05, stop), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: len(builds.urls) == 1 and page(builds.urls[0]) == "v6")
    finally:
        stop.set()
        thread.join(10)
    assert re.fullmatch(r"http://\[::1\]:\d+/", builds.urls[0]), builds.urls


class BuildEvents:
    """The states a preview's /__kb/events stream sends, collected by a thread as they come."""

    def __init__(self, url: str) -> None:
        self.states: list[dict] = []
        self.response = urllib.request.urlopen(url + "__kb/events", timeout=120)
        assert self.response.headers["Content-Type"] == "text/event-stream"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.response:
            if line.startswith(b"data: "):
                self.states.append(json.loads(line[6:]))

    def after(self, build: str) -> dict | None:
        """The newest state once the stream has announced a build other than ``build``."""
        return self.states[-1] if self.states and self.states[-1]["build"] != build else None


def test_open_pages_hear_of_each_build_and_of_its_problems(tmp_path: Path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "plant-kb", tmp_path / "kb")
    kb, port = tmp_path / "kb", free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(kb), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "<html" in fetch(url), 60), "the first build is served"
        events = BuildEvents(url)
        assert wait_for(lambda: events.states, 10)
        first = events.states[0]
        assert first["problems"] == []
        served, on_disk = fetch(url), (kb / "site" / "index.html").read_text()
        assert f'<script src="/__kb/live.js" data-kb-build="{first["build"]}" defer></script></head>' in served
        assert "__kb" not in on_disk, "the site on disk stays as build writes it"
        assert served.replace(live.script_tag(first["build"]).decode(), "") == on_disk
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', served).group(1)
        assert "script-src 'self'" in csp and "connect-src 'self'" in csp, "the listening script and its stream are allowed"
        assert "new EventSource(\"/__kb/events\")" in fetch(url + "__kb/live.js")
        assert "unregister()" in fetch(url + "sw.js") and "unregister()" not in (kb / "site" / "sw.js").read_text()

        home = kb / "content" / "pages" / "home.md"
        edit(kb, home, home.read_text() + "\nA sentence added while serving.\n")
        assert wait_for(lambda: events.after(first["build"]), 60), "an edit is announced"
        built = events.after(first["build"])
        assert built["problems"] == [] and "A sentence added while serving." in fetch(url)
        assert f'data-kb-build="{built["build"]}"' in fetch(url), "a page names the build it belongs to"

        rule = kb / "rules" / "milestones" / "watered.yaml"
        good = rule.read_text()
        edit(kb, rule, good.replace("waterings_per_week >= 2", "waterings_per_wek >= 2"))
        assert wait_for(lambda: events.after(built["build"]), 60), "a failed rebuild is announced"
        broken = events.after(built["build"])
        assert broken["problems"][0]["where"] == "rules/milestones/watered.yaml:5:12", broken
        assert "unknown answer id 'waterings_per_wek'" in broken["problems"][0]["message"]
        assert "A sentence added while serving." in fetch(url), "the last good site is still served"

        edit(kb, rule, good)
        assert wait_for(lambda: events.after(broken["build"]), 60), "the fix is announced"
        assert events.after(broken["build"])["problems"] == [], "fixing the file recovers by itself"
    finally:
        server.terminate()
        server.wait(timeout=10)
