"""Local preview: serve site/ on loopback and rebuild when a source changes.

MkDocs' own server only watches the docs tree, and ours is generated, so this
watches the real sources (rules/, content/, site_assets/, the templates and
mkdocs.yml) and runs the same atomic build. A failed rebuild prints its
problems and keeps serving the last good site.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import UserError
from ..render.pages import TEMPLATES
from .build import build_site

WATCHED = ("rules", "content", "site_assets", "mkdocs.yml")


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with the types Pyodide needs, and no request log noise."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".zip": "application/zip",
    }
    extra_headers: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 0, headers: dict[str, str] | None = None) -> ThreadingHTTPServer:
    """A static server for a built site; port 0 picks a free one."""
    handler = type("Handler", (SiteHandler,), {"extra_headers": dict(headers or {})})
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))


def _snapshot(root: Path) -> dict[str, float]:
    stamps: dict[str, float] = {}
    for name in WATCHED:
        path = root / name
        paths = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for p in paths:
            stamps[str(p)] = p.stat().st_mtime
    for p in TEMPLATES.glob("*.j2"):
        stamps[str(p)] = p.stat().st_mtime
    return stamps


def _rebuild(root: Path) -> bool:
    try:
        print(build_site(root), flush=True)
        return True
    except UserError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr, flush=True)
        print("build failed: still serving the last good site", file=sys.stderr, flush=True)
        return False


def serve(root: Path, host: str, port: int, interval: float = 0.5) -> None:
    root = root.resolve()
    if not _rebuild(root) and not (root / "site").is_dir():
        raise UserError(["nothing to serve: fix the problems above and run again"])
    server = make_server(root / "site", host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://{host}:{server.server_address[1]}/ (Ctrl+C stops); watching {', '.join(WATCHED)}", flush=True)
    seen = _snapshot(root)
    try:
        while True:
            time.sleep(interval)
            now = _snapshot(root)
            if now != seen:
                seen = now
                _rebuild(root)
    finally:
        server.shutdown()
