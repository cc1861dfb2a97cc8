"""The site offline: an offline page in the docs tree, and a service worker at the built site's root.

The service worker (service_worker.js beside this file) gets the build's
manifest: every file it may serve with a revision (the first 16 hex digits of
its SHA-256), "eager" for what it caches when it installs (pages, styles,
scripts, the search index) and "lazy" for what it caches only once a page
uses it (the Python runtime, the engine and the rules: 13 MB a reader who
never opens the assessment must not download). Hashing here, in the build,
needs nothing beyond Python; the worker itself is small enough to read whole.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SERVICE_WORKER = "sw.js"
OFFLINE_PAGE = "offline/"
_OFFLINE_MD = """---
title: You are offline
search:
  exclude: true
---
# You are offline

This page is not saved on this device, and there is no network connection
just now. The pages you can open without a connection are the ones this
device saved on an earlier visit.

[Go to the home page](index.md) or try again when you are back online.
"""
_SKIPPED = (".map", ".gz")  # source maps and the gzipped sitemap: nothing a page asks for


def write_offline_page(docs: Path) -> None:
    """The page the service worker shows for a page it does not have, when there is no network."""
    (docs / "offline.md").write_text(_OFFLINE_MD, encoding="utf-8")


def write_service_worker(site: Path, lazy_dirs: tuple[str, ...], lazy_files: tuple[str, ...]) -> dict:
    """Write sw.js with the manifest of ``site`` (paths relative to it); return the manifest."""
    entries = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel == SERVICE_WORKER or rel.endswith(_SKIPPED) or rel.startswith("assets/javascripts/lunr/"):
            continue  # lunr/: the search's other languages, loaded only for a site in one of them
        revision = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        lazy = rel in lazy_files or any(rel.startswith(folder.rstrip("/") + "/") for folder in lazy_dirs)
        entries.append([_url(rel), revision, "lazy" if lazy else "eager"])
    version = hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]
    manifest = {"version": version, "offline": OFFLINE_PAGE, "entries": entries}
    source = (Path(__file__).parent / "service_worker.js").read_text(encoding="utf-8")
    placeholder = "const MANIFEST = null;"
    assert source.count(placeholder) == 1, "service_worker.js lost its MANIFEST line"
    (site / SERVICE_WORKER).write_text(source.replace(placeholder, f"const MANIFEST = {json.dumps(manifest)};"), encoding="utf-8")
    return manifest


def _url(rel: str) -> str:
    """A page's URL as links name it: ``a/index.html`` is ``a/``, the home page ``./``."""
    if rel == "index.html":
        return "./"
    return rel[: -len("index.html")] if rel.endswith("/index.html") else rel
