"""Local preview: serve site/ on loopback and rebuild when a source changes.

MkDocs' own server only watches the docs tree, and ours is generated, so this
watches the real sources (rules/, content/, site_assets/, the templates and
mkdocs.yml) and runs the same atomic build. The port is taken before the first
build, so a busy port is reported at once. A failed rebuild, whatever the
cause, prints the problem and keeps serving the last good site: the preview
never exits because of an edit.
"""

from __future__ import annotations

import errno
import functools
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import UserError
from ..scoring.answers import escaped
from ..render.pages import TEMPLATES
from ..sources import list_files
from .build import build_site

WATCHED = ("rules", "content", "site_assets", "mkdocs.yml")
IDLE_TIMEOUT = 30.0  # seconds a connected client may stay silent before its thread lets go


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with the types Pyodide needs, the site's own 404 page, no listings, no log noise."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".zip": "application/zip",
    }
    extra_headers: dict[str, str] = {}
    timeout = IDLE_TIMEOUT

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path):  # a directory without index.html is not a page
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A 404 answers with the site's own 404.html (MkDocs writes one at the root) when there is one."""
        try:
            body = (Path(self.directory) / "404.html").read_bytes() if code == HTTPStatus.NOT_FOUND else None
        except OSError:  # no 404.html, or the site is being swapped for a new build
            body = None
        if body is None:
            super().send_error(code, message, explain)
            return
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 0, headers: dict[str, str] | None = None,
                timeout: float = IDLE_TIMEOUT) -> ThreadingHTTPServer:
    """A static server for a built site, bound and listening; port 0 picks a free one."""
    handler = type("Handler", (SiteHandler,), {"extra_headers": dict(headers or {}), "timeout": timeout})
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))


def _snapshot(root: Path) -> dict[str, float]:
    """Modification times of every watched file, listed as the build lists them (sources.list_files).

    A link or an unsafe name is never stat'ed through: it counts by its problem line, so
    adding or removing one triggers a rebuild, which reports it. Files that vanish while
    being listed are left out."""
    paths = [root / name for name in WATCHED if (root / name).is_file()]
    stamps: dict[str, float] = {}
    for name in WATCHED:
        listing = list_files(root, name)
        paths.extend(listing.files)
        stamps.update((str(problem), 0.0) for problem in listing.problems)
    paths.extend(TEMPLATES.rglob("*.j2"))
    for path in paths:
        try:
            stamps[str(path)] = path.lstat().st_mtime
        except OSError:  # deleted between listing and stat (an editor's swap file)
            pass
    return stamps


def _rebuild(root: Path, site_url: str) -> bool:
    try:
        print(build_site(root, site_url=site_url), flush=True)
        return True
    except UserError as err:
        problems = [str(problem) for problem in err.problems]
    except Exception as err:  # noqa: BLE001 - a bug in the build must not stop the preview
        reason = escaped(" ".join(str(err).split()), 300)  # one line: a message cannot forge or flood lines
        problems = [f"build: unexpected {type(err).__name__}: {reason}; "
                    "a bug in the generator: `python -m generator build` shows where"]
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    print("build failed: still serving the last good site", file=sys.stderr, flush=True)
    return False


def _listen(site_dir: Path, host: str, port: int) -> ThreadingHTTPServer:
    hint = "stop what holds it, or choose another port: --port N (make serve PORT=N)"
    if not 0 <= port <= 65535:
        raise UserError([f"serve: --port {port} is not a port number (0-65535)"])
    try:
        return make_server(site_dir, host, port)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UserError([f"serve: port {port} on {host} is already in use; {hint}"]) from None
        raise UserError([f"serve: cannot listen on {host}:{port} ({err.strerror or err}); {hint}"]) from None


def serve(root: Path, host: str, port: int, interval: float = 0.5, stop: threading.Event | None = None) -> None:
    """Build, serve and rebuild on change until interrupted (or until ``stop`` is set)."""
    root = root.resolve()
    stop = stop or threading.Event()
    server = _listen(root / "site", host, port)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # a wildcard address is no place to browse to
    url = f"http://{shown}:{server.server_address[1]}/"  # the preview's own address: instant navigation needs it
    try:
        seen = _snapshot(root)  # before the first build: an edit made while it runs is rebuilt, never missed
        if not _rebuild(root, url) and not (root / "site").is_dir():
            raise UserError(["nothing to serve: fix the problems above and run again"])
        serving.start()
        print(f"serving {url} (Ctrl+C stops); watching {', '.join(WATCHED)}",
              flush=True)
        while not stop.wait(interval):
            now = _snapshot(root)
            if now != seen:
                seen = now
                _rebuild(root, url)
    finally:
        if serving.is_alive():
            server.shutdown()
        server.server_close()
