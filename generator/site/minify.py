"""Our scripts and styles, minified as the build publishes them (``assets/kb/``).

The sources in ``generator/assets/`` (and a knowledge base's ``site_assets/``) keep
their comments for the people who read them; a phone on a slow link need not
download them. rjsmin and rcssmin only drop comments and whitespace: ES module
syntax, template literals and ``/*! … */`` licence comments come through as
written. It runs on the docs tree, before the site engine copies it, so every
later step sees the published bytes: the service worker's revisions, the pins,
the .gz/.br copies.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

_MINIFIERS = {".js": rjsmin.jsmin, ".mjs": rjsmin.jsmin, ".css": rcssmin.cssmin}


def minify_assets(folder: Path) -> tuple[int, int]:
    """Minify every script and style sheet under ``folder`` in place; return (bytes before, bytes after)."""
    before = after = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _MINIFIERS):
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # not text we can read: published as it came
        small = _MINIFIERS[path.suffix](source, keep_bang_comments=True)
        if len(small) < len(source):  # a file already minified stays as it came
            path.write_text(small, encoding="utf-8")
        before += len(source.encode("utf-8"))
        after += path.stat().st_size
    return before, after
