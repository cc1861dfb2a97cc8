"""Converting pages' Markdown on the second core while MkDocs converts the others: its build is one process.

Converting every page's Markdown to HTML (``Page.render``) is most of what MkDocs
does before it writes any page, and each page's conversion depends only on its
Markdown, the configuration and the set of files. Once MkDocs has its files and
nav (``on_nav``), a forked helper converts pages from the last one backwards while
MkDocs converts them from the first one on; the helper stops where they meet, and
MkDocs takes what it gave for a page (its HTML, table of contents, anchors and
links to other pages' anchors: ``incremental._Rendered``, as the live preview
keeps them) only when the page's Markdown is exactly what the helper converted.
A page whose conversion logged anything (a broken link's warning) is converted
again here, so that MkDocs counts and shows what it says; a page the helper did
not reach, or reached at the same moment, too. MkDocs still runs every plugin on
every page. Nothing starts in a process with threads running (fork) or with one core to use (processes.cores).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading

from mkdocs.plugins import BasePlugin, event_priority

from ..processes import cores
from .incremental import _Rendered


class ConvertAhead:
    """A context manager: while it is open, MkDocs' ``Page.render`` takes the helper's conversions; leaving it
    stops the helper. Disabled, it changes nothing and has no plugin."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and cores() > 1
        self._order: dict[str, int] = {}
        self._done: dict[str, _Rendered | None] = {}
        self._helper = self._conn = self._reached = None
        self._render = None
        self._made: list[_Rendered] | None = None  # the helper's conversion of its current page

    def __enter__(self) -> ConvertAhead:
        if self.enabled:
            from mkdocs.structure.pages import Page

            self._render = Page.render
            ahead = self

            def render(page, config, files) -> None:
                ahead.converted(page, config, files)

            Page.render = render
        return self

    def __exit__(self, *_) -> None:
        if self._render is not None:
            from mkdocs.structure.pages import Page

            Page.render = self._render
        self._stop()

    def plugins(self) -> dict[str, BasePlugin]:
        """The MkDocs plugin that starts the helper once the files and nav are known (none when disabled)."""
        return {"kb-convert-ahead": _Start(self)} if self.enabled else {}

    def start(self, config, files) -> None:
        """Fork the helper over the pages MkDocs is about to convert, in its order."""
        from mkdocs.structure.files import InclusionLevel

        if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        pages = list(files.documentation_pages(inclusion=InclusionLevel.is_included))
        if len(pages) < 2:
            return
        self._order = {file.src_uri: index for index, file in enumerate(pages)}
        context = multiprocessing.get_context("fork")
        self._reached = context.RawValue("i", -1)  # the page MkDocs converts now: the helper stops there
        self._conn, sending = context.Pipe(duplex=False)
        self._helper = context.Process(target=self._convert_backwards, args=(pages, config, files, sending), daemon=True)
        self._helper.start()
        sending.close()

    def converted(self, page, config, files) -> None:
        """``Page.render``: the helper's conversion when it made one of exactly this Markdown, else MkDocs' own."""
        if self._made is not None:  # in the helper
            self._render(page, config, files)
            self._made.append(_Rendered(page))
            return
        index = self._order.get(page.file.src_uri)
        if self._helper is not None and index is not None:
            self._reached.value = index
            self._receive()
        kept = self._done.pop(page.file.src_uri, None)
        if kept is not None and kept.markdown == page.markdown:
            kept.restore(page, files)
        else:
            self._render(page, config, files)

    def _receive(self) -> None:
        try:
            while self._conn.poll():
                src, kept = self._conn.recv()
                self._done[src] = kept
        except (EOFError, OSError):  # the helper is gone: MkDocs converts the rest
            self._stop()

    def _stop(self) -> None:
        if self._helper is not None:
            self._helper.terminate()
            self._helper.join()
            self._conn.close()
            self._helper = None

    def _convert_backwards(self, pages: list, config, files, sending) -> None:
        """In the helper: each page from the last on, read and converted as MkDocs does (``_populate_page`` up to
        ``Page.render``: no plugin sees the HTML here), until MkDocs has reached it."""
        from mkdocs.structure.pages import Page

        heard = _Heard()
        for name in (None, *logging.Logger.manager.loggerDict):
            logger = logging.getLogger(name)
            if isinstance(logger, logging.Logger):
                logger.handlers, logger.propagate = [], True
        logging.getLogger().addHandler(heard)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # the helper's own, until it exits
        self._made = []
        for index in range(len(pages) - 1, -1, -1):
            if index <= self._reached.value:
                break
            file, said = pages[index], heard.count
            self._made.clear()
            try:
                page = file.page or Page(None, file, config)
                config._current_page = page
                page = config.plugins.on_pre_page(page, config=config, files=files)
                page.read_source(config)
                page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
                page.render(config, files)
            except Exception:  # MkDocs converts it again, and says why
                self._made.clear()
            sending.send((file.src_uri, self._made[0] if len(self._made) == 1 and heard.count == said else None))
        sending.close()


class _Heard(logging.Handler):
    """Counts what the helper's conversions logged: such a page is converted again where MkDocs shows it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _Start(BasePlugin):
    def __init__(self, ahead: ConvertAhead) -> None:
        super().__init__()
        self._ahead = ahead

    @event_priority(-100)
    def on_nav(self, nav, *, config, files):
        self._ahead.start(config, files)
        return nav
