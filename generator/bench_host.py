"""The benchmark's static host: it compresses, as the hosts readers meet do, and it revalidates.

A request whose ``Accept-Encoding`` allows it gets ``name.br`` (or else ``name.gz``) when that copy
sits beside the file, with ``Content-Encoding`` and ``Vary: Accept-Encoding``; otherwise the file as
it is. No compression on the fly: the benchmark precompresses the bare Pyodide page's copy the same
way the build does ours (generator/site/precompress.py), so both sides get the same treatment.
Every answer carries an ETag and ``Cache-Control: no-cache``, like a host that publishes often: a
repeat visit asks again for every file and gets 304s. ``served`` lists every full answer (``Served``:
path, body bytes sent, and when it began), for the bytes a visit cost the host and when.
"""

from __future__ import annotations

import functools
import os
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

ENCODINGS = ((".br", "br"), (".gz", "gzip"))  # the host's preference, best first


class Served(NamedTuple):
    path: str
    size: int  # body bytes sent
    at: float  # time.time() as the answer began: the benchmark compares it with the page's own moment of ready


def accepted(header: str) -> set[str]:
    """The codings an ``Accept-Encoding`` header allows (a ``q=0`` refuses one)."""
    codings = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if not name.strip():
            continue
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(q) > 0:
                codings.add(name.strip().lower())
        except ValueError:
            continue
    return codings


class CompressingHandler(SimpleHTTPRequestHandler):
    served: list

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the base class's redirect to the slash
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # its 404
        sent, coding = path, None
        allowed = accepted(self.headers.get("Accept-Encoding", ""))
        for suffix, name in ENCODINGS:
            copy = path.with_name(path.name + suffix)
            if name in allowed and copy.is_file():
                sent, coding = copy, name
                break
        stat = sent.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}{"-" + coding if coding else ""}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self._validators(etag)
            self.end_headers()
            return None
        body = sent.open("rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(stat.st_size))
        if coding:
            self.send_header("Content-Encoding", coding)
        self._validators(etag)
        self.end_headers()
        self.served.append(Served(self.path, stat.st_size, time.time()))
        return body

    def _validators(self, etag: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Vary", "Accept-Encoding")  # on every answer: which body a cache may reuse depends on it

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def compressing_host(site: Path, port: int = 0) -> ThreadingHTTPServer:
    """A host for ``site`` on 127.0.0.1 (a free port unless one is named); the caller serves and shuts it down."""
    handler = type("Host", (CompressingHandler,), {"served": []})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=os.fspath(site)))
    server.daemon_threads = True
    server.served = handler.served
    return server
