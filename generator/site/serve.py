"""Local preview: serve site/ on loopback, rebuild when a source changes, and reload the open pages.

MkDocs' own server only watches the docs tree, and ours is generated, so this
watches the real sources (rules/, content/, site_assets/, the templates and
mkdocs.yml; watch.py, through the operating system's file events) and runs the
same atomic build. Open pages hear of each build (live.py): they reload after
one that succeeded and show the problems of one that failed. The port is taken before the first
build, so a busy port is reported at once. A failed rebuild, whatever the
cause, prints the problem and keeps serving the last good site: the preview
never exits because of an edit. Nor because of a request: one the handler
cannot serve (a NUL byte in its path, a garbage request line) gets a 400 and
one escaped line in the log, never a traceback.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import socket
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import Problem, UserError, shown
from ..scoring.answers import escaped
from ..render.pages import TEMPLATES
from ..sources import list_files
from .build import build_site
from .incremental import KeptEngineOutput
from . import live
from .offline import SERVICE_WORKER
from .watch import SourceWatcher

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
    news: live.BuildNews | None = None  # the live preview's (serve): pages get its script, /__kb/ its answers

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if self.news is None or path not in (live.EVENTS, live.SCRIPT, "/" + SERVICE_WORKER):
            return super().do_GET()
        if path == live.EVENTS:
            return self._stream(self.news)
        body = self._send(live.own_file("live.js" if path == live.SCRIPT else "preview_worker.js"), "text/javascript")
        self.wfile.write(body.getvalue())
        return None

    def _stream(self, news: live.BuildNews) -> None:
        """The preview's builds as Server-Sent Events, until the page goes or the preview stops."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = news.state()
        self.wfile.write(live.event(state))
        self.wfile.flush()
        while not news.closed:
            later = news.next_state(state["build"], live.KEEP_ALIVE)
            if later is not None:
                state = later
            self.wfile.write(live.event(later) if later else b": still here\n\n")  # a closed page fails this write
            self.wfile.flush()

    def _send(self, body: bytes, content_type: str, code: int = HTTPStatus.OK) -> io.BytesIO:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path):  # a directory without index.html is not a page
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def send_head(self):
        """A path no file can have (a NUL byte, a control character, a lone surrogate) is a bad request, not a crash."""
        if not _file_path(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path")
            return None
        page = self._page_path()
        if page is None:
            return super().send_head()
        try:
            body = page.read_bytes()
        except OSError:  # gone with the last build (the site is being swapped): as the base class would answer
            return super().send_head()
        return self._send(live.with_script(body, self.news.state()["build"]), "text/html; charset=utf-8")

    def _page_path(self) -> Path | None:
        """The HTML file a live preview's request asks for (the listening script goes into it), else None."""
        if self.news is None or not self.path.split("?", 1)[0].split("#", 1)[0].endswith(("/", ".html")):
            return None
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if os.path.isdir(path) else path
        return path if path.suffix == ".html" and path.is_file() else None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A 404 answers with the site's own 404.html (MkDocs writes one at the root) when there is one.

        Any other error is a request the preview refused: it gets one escaped line in the log.
        """
        if code != HTTPStatus.NOT_FOUND:
            request = f"{shown(self.requestline, 120)}: " if self.requestline else ""
            _log(f"serve: refused a request from {self.client_address[0]}: {request}{code} {message or self.responses.get(code, ('',))[0]}".rstrip())
        try:
            body = (Path(self.directory) / "404.html").read_bytes() if code == HTTPStatus.NOT_FOUND else None
        except OSError:  # no 404.html, or the site is being swapped for a new build
            body = None
        if body is not None and self.news is not None:
            body = live.with_script(body, self.news.state()["build"])
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


class PreviewServer(ThreadingHTTPServer):
    """A threading server whose failed requests are one log line each, not a traceback."""

    def handle_error(self, request, client_address) -> None:
        err = sys.exc_info()[1]
        if isinstance(err, (ConnectionError, TimeoutError)):  # the browser left mid-answer: nothing to report
            return
        _log(f"serve: a request from {client_address[0]} failed: {type(err).__name__}: {' '.join(str(err).split())}; "
             "the preview keeps serving")


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 0, headers: dict[str, str] | None = None,
                timeout: float = IDLE_TIMEOUT, news: live.BuildNews | None = None) -> ThreadingHTTPServer:
    """A static server for a built site, bound and listening; port 0 picks a free one. IPv6 hosts work too.

    With ``news`` it is the live preview's: pages reload or show problems as builds come (live.py)."""
    handler = type("Handler", (SiteHandler,), {"extra_headers": dict(headers or {}), "timeout": timeout, "news": news})
    family = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
    server = type("Server", (PreviewServer,), {"address_family": family})
    return server((host, port), functools.partial(handler, directory=str(site_dir)))


def _file_path(request_path: str) -> bool:
    """Whether a request's path, decoded as SimpleHTTPRequestHandler decodes it, can name a file at all."""
    path = request_path.split("?", 1)[0].split("#", 1)[0]
    try:
        text = urllib.parse.unquote(path, errors="surrogatepass")
    except UnicodeDecodeError:
        text = urllib.parse.unquote(path)
    try:
        text.encode(sys.getfilesystemencoding(), "surrogateescape")  # what open() will do with it
    except UnicodeError:
        return False
    return not any(ch < " " or ch == "\x7f" for ch in text)


def _log(line: str) -> None:
    """One line in the preview's log (stderr): escaped and cut short, whatever a request held."""
    print(escaped(line, 400), file=sys.stderr, flush=True)


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


def _rebuild(root: Path, site_url: str, news: live.BuildNews | None = None, kept: KeptEngineOutput | None = None) -> bool:
    """One build, its outcome printed and, for open pages, published (``news``): they reload, or show the problems.
    ``kept``: the engine's output between builds, so that an edit renders only the pages it changed."""
    try:
        print(build_site(root, site_url=site_url, kept=kept), flush=True)
        if news is not None:
            news.built()
        return True
    except UserError as err:
        problems = list(err.problems)
    except Exception as err:  # noqa: BLE001 - a bug in the build must not stop the preview
        reason = escaped(" ".join(str(err).split()), 300)  # one line: a message cannot forge or flood lines
        problems = [f"build: unexpected {type(err).__name__}: {reason}; "
                    "a bug in the generator: `python -m generator build` shows where"]
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    last_good = "still serving the last good site" if (root / "site").is_dir() else "nothing built yet"
    print(f"build failed: {last_good}", file=sys.stderr, flush=True)
    if news is not None:
        news.failed(problems)
    return False


def _listen(site_dir: Path, host: str, port: int, news: live.BuildNews | None = None) -> ThreadingHTTPServer:
    hint = "stop what holds it, or choose another port: --port N (make serve PORT=N)"
    elsewhere = "use 127.0.0.1, or 0.0.0.0 to be reachable from other machines: --host H (make serve HOST=H)"
    if not 0 <= port <= 65535:
        raise UserError([f"serve: --port {port} is not a port number (0-65535)"])
    try:
        return make_server(site_dir, host, port, news=news)
    except (socket.gaierror, UnicodeError) as err:  # a name that does not resolve, or that cannot be a host name at all
        reason = err.strerror if isinstance(err, socket.gaierror) else "not a host name"
        raise UserError([f"serve: --host {shown(host)} is not an address of this machine ({reason}); {elsewhere}"]) from None
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UserError([f"serve: port {port} on {escaped(host)} is already in use; {hint}"]) from None
        if err.errno == errno.EACCES and 0 < port < 1024:
            raise UserError([f"serve: port {port} is privileged (below 1024): only an administrator may listen on it; "
                             "choose 1024 or above: --port 8000 (make serve PORT=8000)"]) from None
        if err.errno == errno.EADDRNOTAVAIL:
            raise UserError([f"serve: --host {shown(host)} is not an address of this machine ({err.strerror}); {elsewhere}"]) from None
        raise UserError([f"serve: cannot listen on {escaped(host)}:{port} ({escaped(err.strerror or str(err), 200)}); {hint}"]) from None


def _require_sources(root: Path) -> None:
    """A root that is no knowledge base is one line, before the port is taken (the build would say so later)."""
    if not (root / "mkdocs.yml").is_file() and not (root / "rules").is_dir():
        raise UserError([Problem("mkdocs.yml", 1, 1, "no mkdocs.yml or rules/ in the knowledge base's root",
                                 f"run from the knowledge base's root, or pass --root DIR (looked in {root})")])


def serve(root: Path, host: str, port: int, interval: float = 0.5, stop: threading.Event | None = None) -> None:
    """Build, serve and rebuild on change until interrupted (or until ``stop``, looked at every ``interval`` seconds)."""
    root = root.resolve()
    stop = stop or threading.Event()
    news, kept = live.BuildNews(), KeptEngineOutput(root / "build" / "preview")
    server = _listen(root / "site", host, port, news)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)  # stops within 0.1 s
    browse = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # a wildcard address is no place to browse to
    browse = f"[{browse}]" if ":" in browse else browse  # an IPv6 address is bracketed in a URL
    url = f"http://{browse}:{server.server_address[1]}/"  # the preview's own address: instant navigation needs it
    watcher = None
    try:
        _require_sources(root)
        watcher = SourceWatcher(root, WATCHED, (TEMPLATES,))  # before the first build: an edit made while it runs is rebuilt
        seen = _snapshot(root)
        if not _rebuild(root, url, news, kept) and not (root / "site").is_dir():
            raise UserError(["nothing to serve: fix the problems above and run again"])
        serving.start()
        print(f"serving {url} (Ctrl+C stops); watching {', '.join(WATCHED)}; open pages reload after each build",
              flush=True)
        while not stop.is_set():
            if not watcher.wait(interval):
                continue
            now = _snapshot(root)
            if now != seen:
                seen = now
                _rebuild(root, url, news, kept)
    finally:
        news.close()
        if watcher is not None:
            watcher.close()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
