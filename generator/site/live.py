"""The live preview's news for open pages: which build they show, and what a failed rebuild found.

Only ``serve`` uses this module; nothing of it is ever written into a site.
The preview server answers three paths of its own beside the site's files:

- ``/__kb/events``: a Server-Sent Events stream. It sends the state at once,
  then every change: ``{"build": "<session>-<n>", "problems": [...]}``, where
  ``build`` names the last build that *was tried* and ``problems`` is empty
  when it succeeded. A page that sees another build without problems
  reloads; one that sees problems shows them over the last good site.
- ``/__kb/live.js``: the script that listens (``live.js`` beside this file).
  Every HTML page the preview serves gets one ``<script src>`` tag for it,
  carrying the build the page belongs to. It is an own-origin file, so the
  site's Content-Security-Policy (``script-src 'self'``, ``connect-src
  'self'``) allows it without a hash, and the pages on disk stay as ``build``
  wrote them.
- ``/sw.js``: a worker that removes the site's offline copy (see
  ``preview_worker.js``), since a cached page would hide every edit.
"""

from __future__ import annotations

import json
import secrets
import threading
from pathlib import Path

from ..errors import Problem

PREFIX = "/__kb/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "live.js"
KEEP_ALIVE = 15.0  # seconds between comments on a quiet stream, so that a closed tab frees its thread
_HERE = Path(__file__).parent


class BuildNews:
    """The preview's last build, tried or done, shared by the rebuilding loop and every open stream."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._session = secrets.token_hex(4)  # a restarted preview is news too: its pages reload once
        self._count = 0
        self._problems: list[dict] = []
        self.closed = False

    def built(self) -> None:
        self._publish([])

    def failed(self, problems: list[Problem | str]) -> None:
        self._publish([_as_item(problem) for problem in problems])

    def close(self) -> None:
        """Let every open stream end (the preview is stopping)."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def state(self) -> dict:
        with self._changed:
            return {"build": f"{self._session}-{self._count}", "problems": list(self._problems)}

    def next_state(self, seen: str, timeout: float) -> dict | None:
        """The state once it is no longer ``seen``; None after ``timeout`` seconds or once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.state()["build"] != seen, timeout)
            return None if self.closed or self.state()["build"] == seen else self.state()

    def _publish(self, problems: list[dict]) -> None:
        with self._changed:
            self._count += 1
            self._problems = problems
            self._changed.notify_all()


def _as_item(problem: Problem | str) -> dict:
    """A problem as the overlay shows it: where (PATH:LINE:COL, when it has a place) and what, as the terminal says them."""
    line = str(problem)
    if not isinstance(problem, Problem):
        return {"where": "", "message": line}
    where = str(Problem(problem.path, problem.line, problem.col, ""))[:-2]  # the same escaping as the whole line
    return {"where": where, "message": line[len(where) + 2:]}


def event(state: dict) -> bytes:
    """One Server-Sent Event carrying ``state`` (JSON has no line break, so it fits one data line)."""
    return f"data: {json.dumps(state, ensure_ascii=True)}\n\n".encode("ascii")


def script_tag(build: str) -> bytes:
    return f'<script src="{SCRIPT}" data-kb-build="{build}" defer></script>'.encode("ascii")


def with_script(page: bytes, build: str) -> bytes:
    """``page`` with the listening script before its ``</head>`` (or at its end, for a page without one)."""
    tag = script_tag(build)
    at = page.find(b"</head>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def own_file(name: str) -> bytes:
    """live.js or preview_worker.js, as the package ships them."""
    return (_HERE / name).read_bytes()
