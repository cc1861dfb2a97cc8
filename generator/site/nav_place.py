"""Where a page outside the nav belongs in it: the nav lists index pages only (a nav with every
page made pages 14x bigger), so a page it does not list marks the nav page of the deepest folder
that holds it as active (``articles/92.010101.md`` -> ``articles/index.md``). Knows only folders,
so it works for any knowledge base."""

from __future__ import annotations

import posixpath

from mkdocs.plugins import BasePlugin


class NavPlacePlugin(BasePlugin):
    def __init__(self) -> None:
        self._marked = None

    def on_page_context(self, context, *, page, config, nav):
        if page not in nav.pages:
            self._marked = section_of(page.file.src_uri, [(item.file.src_uri, item) for item in nav.pages])
            if self._marked is not None:
                self._marked.active = True  # MkDocs marks the item's parent sections too
        return context

    def on_post_page(self, output, *, page, config):
        if self._marked is not None:
            self._marked.active = False
            self._marked = None
        return output


def section_of(src: str, listed: list[tuple[str, object]]):
    """The listed page whose folder is the deepest holding ``src`` (an index page before its siblings); None at the top."""
    best, best_key = None, None
    for listed_src, item in listed:
        folder = posixpath.dirname(listed_src)
        if not folder or not src.startswith(folder + "/"):
            continue
        key = (folder.count("/"), posixpath.basename(listed_src) in ("index.md", "README.md"))
        if best_key is None or key > best_key:
            best, best_key = item, key
    return best
