"""Hardening pages while MkDocs is still writing the others: its build is one process on one core.

A page is hardened the moment MkDocs hands it over (``on_post_page``, the last
plugin to see it), in worker processes, so the safety layers cost little more
than the engine's own run. Nothing is trusted from this head start: each result
is kept by the SHA-256 of the page and its pins (``harden._key``), and
``harden_site`` takes it only for a page whose file, read back from the built
site, has exactly those bytes. A page the head start did not see or saw
differently (another plugin's late change, the 404 page, a theme's fragment) is
hardened there as before; every page is still sanitised, audited and given the
policy. Zensical runs no MkDocs plugin and gets no head start.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor

from mkdocs.plugins import BasePlugin, event_priority

from ..processes import cores
from . import harden
from .harden import harden_page

_BATCH = 16  # pages sent to a worker at a time: fewer round trips than one a page, a short tail at the end


class HeadStart:
    """Pages hardened in the background with ``pins``; ``results()`` waits for them. A context manager: leaving
    it (a failed engine run too) stops the workers. Disabled, or with one core to use (processes.cores), it starts
    none and has no results."""

    def __init__(self, pins: str, enabled: bool = True) -> None:
        self.pins = pins
        workers = cores() - 1  # this process runs the engine meanwhile
        enabled = enabled and workers > 0
        if enabled:
            harden.kept_audits()  # read once, here: the workers inherit it
        self._pool = ProcessPoolExecutor(workers, mp_context=harden._start_method()) if enabled else None
        self._batch: list[tuple[bytes, str]] = []
        self._sent: list[tuple[list[bytes], Future]] = []
        self._keys: set[bytes] = set()

    def __enter__(self) -> HeadStart:
        return self

    def __exit__(self, *_) -> None:
        if self._pool:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def page(self, text: str) -> None:
        """Start hardening one page as the engine wrote it (unless the last build already did)."""
        key = harden._key(text, self.pins)
        if key in self._keys or key in harden._last:
            return
        self._keys.add(key)
        self._batch.append((key, text))
        if len(self._batch) >= _BATCH:
            self._send()

    def results(self) -> dict[bytes, tuple]:
        """Every page's result, by its key, once all are done; a worker's failure is raised here."""
        self._send()
        done = {}
        for keys, future in self._sent:
            done.update(zip(keys, future.result()))
        return done

    def plugins(self) -> dict[str, BasePlugin]:
        """The MkDocs plugin that hands pages over, by name (none when disabled)."""
        return {"kb-head-start": _Tap(self)} if self._pool else {}

    def _send(self) -> None:
        if self._batch:
            keys, texts = zip(*self._batch)
            self._sent.append((list(keys), self._pool.submit(_harden_batch, list(texts), self.pins)))
            self._batch = []


def _harden_batch(texts: list[str], pins: str) -> list[tuple]:
    return [harden_page(text, pins) for text in texts]


class _Tap(BasePlugin):
    """Hands each page MkDocs is about to write to the head start, after every other plugin has changed it."""

    def __init__(self, start: HeadStart) -> None:
        super().__init__()
        self._start = start

    @event_priority(-100)
    def on_post_page(self, output: str, *, page, config) -> str:
        self._start.page(output)
        return output
