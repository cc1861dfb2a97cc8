"""What the live preview waits on: the operating system's word that a source may have changed (watchfiles).

Two watchers, each registered before ``SourceWatcher`` returns (so no edit
made after it can be missed):

- the knowledge base's own folder, not recursively: ``mkdocs.yml``, and the
  source folders coming or going (the build's ``site/`` and ``build/``
  beside them are left out, or each build would wake the preview);
- the source folders that exist (rules/, content/, site_assets/) and the
  package's page templates, recursively; it is made again when a source folder
  appears or goes.

An event only wakes the preview: whether a source really changed is decided
by comparing the files the build lists (``serve._snapshot``), so an editor's
swap file never starts a build.
"""

from __future__ import annotations

import threading
from pathlib import Path

from watchfiles._rust_notify import RustNotify  # watchfiles' documented Rust backend: registers on creation

STEP_MS = 50  # changes arriving closer together than this are one edit (an editor's write-and-rename)
DEBOUNCE_MS = 1600  # but a stream of changes is reported after this long at most


class _Either:
    """Set when any of its events is (watchfiles' stop_event only asks is_set())."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


class SourceWatcher:
    """Wakes ``wait`` when a watched file may have changed; ``close`` stops the watching threads."""

    def __init__(self, root: Path, folders: tuple[str, ...], also: tuple[Path, ...] = ()) -> None:
        self.root, self.folders, self.also = root, folders, also
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._again = threading.Event()  # the source folders changed: watch the ones there are now
        shallow = RustNotify([str(root)], False, False, 300, False, True)
        deep = self._deep()
        self._threads = [threading.Thread(target=self._run, args=(shallow, self._top), daemon=True),
                         threading.Thread(target=self._run_deep, args=(deep,), daemon=True)]
        for thread in self._threads:
            thread.start()

    def wait(self, timeout: float) -> bool:
        """Whether something changed within ``timeout`` seconds (or since the last call)."""
        if not self._changed.wait(timeout):
            return False
        self._changed.clear()
        return True

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)

    def _deep(self) -> RustNotify | None:
        paths = [str(self.root / name) for name in self.folders if (self.root / name).is_dir()]
        paths += [str(path) for path in self.also if path.is_dir()]
        return RustNotify(paths, False, False, 300, True, True) if paths else None

    def _top(self, changes: set[tuple[int, str]]) -> bool:
        """Whether a change in the root concerns a source: a watched file, or a source folder that came or went."""
        names = {Path(path).name for _, path in changes if Path(path).parent == self.root}
        if names & {name for name in self.folders if not (self.root / name).is_file()}:
            self._again.set()
        return bool(names & set(self.folders))

    def _run(self, notify: RustNotify, wanted=lambda changes: True, until: _Either | None = None) -> None:
        until = until or _Either(self._stop)
        with notify:
            while not until.is_set():
                changes = notify.watch(DEBOUNCE_MS, STEP_MS, 0, until)
                if isinstance(changes, set) and wanted(changes):
                    self._changed.set()

    def _run_deep(self, notify: RustNotify | None) -> None:
        while not self._stop.is_set():
            if notify is None:  # no source folder yet: the root's watcher says when one comes
                while not (self._stop.is_set() or self._again.wait(0.2)):
                    pass
            else:
                self._run(notify, until=_Either(self._stop, self._again))
            if self._again.is_set():
                self._again.clear()
                notify = self._deep()
                self._changed.set()  # whatever the new folder holds is news
