"""The site offline: an offline page in the docs tree, and a service worker at the built site's root.

The service worker (service_worker.js beside this file) gets the build's
manifest: every file it may serve with a revision (the SHA-256 of its bytes,
in hex), "eager" for what it caches when it installs (styles, scripts, the
search index, the offline page), "page" for the pages, cached once a page says
its own start is over, and "lazy" for what it caches only once a page uses it (the
Python runtime, the engine and the rules: 13 MB a reader who never opens the
assessment must not download). The worker hashes what it is about to keep and
keeps only the revision's bytes: a server that already holds another build
cannot fill this build's cache.

Every page also names the revisions of the files the assessment scores with
(``<meta name="kb-bundle">``: runtime.json, the rules and the engine). The
page fetches them at those revisions and checks their bytes, so a page of one
build never scores with another build's rules, whatever a cache or the server
holds now. Hashing here, in the build, needs nothing beyond Python; the worker
itself is small enough to read whole.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import urlencode

from ..render.markdown_text import md_link, md_text
from ..render.translate import PageWords

SERVICE_WORKER = "sw.js"
OFFLINE_PAGE = "offline/"
BUNDLE_META = "kb-bundle"
_LUNR = "assets/javascripts/lunr/"
_SEGMENTERS = {"ja": "tinyseg.js", "hi": "wordcut.js", "th": "wordcut.js"}
_SKIPPED = (".map", ".gz", ".br")  # source maps and compressed copies (a host sends them for the file): nothing a page asks for
_HEAD = re.compile(r"<head(?:\s[^>]*)?>(?:\s*<meta\s+charset=[^>]*>)?", re.I)  # the charset stays first
_PINS = re.compile(rf'<meta name="{BUNDLE_META}" content="[^"]*">')


def revision(data: bytes) -> str:
    """A file's revision, as the service worker and the pages check it: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def write_offline_page(docs: Path, words: PageWords | None = None) -> None:
    """The page the service worker shows for a page it does not have, when there is no network (in the site's language)."""
    words = words or PageWords()
    title, home = words.gettext("You are offline"), words.gettext("Go to the home page")
    text = "\n\n".join([
        f"---\ntitle: {json.dumps(title)}\nsearch:\n  exclude: true\n---\n# {md_text(title)}",
        words.md_gettext("This page is not saved on this device, and there is no network connection just now. "
                         "The pages you can open without a connection are the ones this device saved on an earlier visit."),
        words.md_gettext("%(home)s or try again when you are back online.", home=md_link(home, "index.md")),
    ])
    (docs / "offline.md").write_text(text + "\n", encoding="utf-8")


def pin_bundle(site: Path, bundle: dict[str, str]) -> str:
    """Name in every page's <head> the revisions of ``bundle`` ({name: path in the site}); return the names' query.

    Before any script in the head (boot.js starts the assessment's worker from there). A page built
    before keeps its place for the meta: its pins are replaced, so a redeployed site is pinned again.
    The build pins each page as it hardens it (``bundle_meta`` and ``pin_page``, one read and one write a page).
    """
    query = bundle_query(site, bundle)
    for path in site.rglob("*.html"):
        pinned = pin_page(path.read_text(encoding="utf-8"), bundle_meta(query))
        if pinned is not None:
            path.write_text(pinned, encoding="utf-8")
    return query


def bundle_query(site: Path, bundle: dict[str, str]) -> str:
    """The revisions of ``bundle`` ({name: path in the site}) as a query: rules=<sha256>&…"""
    return urlencode({name: revision((site / rel).read_bytes()) for name, rel in sorted(bundle.items())})


def bundle_meta(query: str) -> str:
    return f'<meta name="{BUNDLE_META}" content="{html.escape(query)}">'


def pin_page(text: str, meta: str) -> str | None:
    """A page with ``meta`` (bundle_meta) in its head, replacing its old pins; None for what is not a page
    (a fragment a theme ships: nothing starts the assessment from it)."""
    if _PINS.search(text):
        return _PINS.sub(lambda _: meta, text, count=1)
    if head := _HEAD.search(text):
        return text[: head.end()] + meta + text[head.end():]
    return None


def write_service_worker(site: Path, kb_id: str, lazy_dirs: tuple[str, ...], lazy_files: tuple[str, ...]) -> dict:
    """Write sw.js with the manifest of ``site`` (paths relative to it); return the manifest.

    ``kb_id`` (rules/site.yaml) names the worker's caches, which the whole origin shares."""
    entries = []
    search_files = search_language_files(site)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel == SERVICE_WORKER or rel.endswith(_SKIPPED) or (rel.startswith(_LUNR) and rel not in search_files):
            continue  # lunr/: the search's other languages, loaded only for a site in one of them
        lazy = rel in lazy_files or any(rel.startswith(folder.rstrip("/") + "/") for folder in lazy_dirs)
        page = rel.endswith(".html") and rel != f"{OFFLINE_PAGE}index.html"
        entries.append([_url(rel), revision(path.read_bytes()), "lazy" if lazy else "page" if page else "eager"])
    source = (Path(__file__).parent / "service_worker.js").read_text(encoding="utf-8")
    # The worker's own code is part of the version: a cache is only ever filled by one worker's rules.
    version = revision(json.dumps(entries).encode() + source.encode())[:16]
    manifest = {"id": kb_id, "version": version, "offline": OFFLINE_PAGE, "entries": entries}
    placeholder = "const MANIFEST = null;"
    assert source.count(placeholder) == 1, "service_worker.js lost its MANIFEST line"
    (site / SERVICE_WORKER).write_text(source.replace(placeholder, f"const MANIFEST = {json.dumps(manifest)};"), encoding="utf-8")
    return manifest


def search_language_files(site: Path) -> set[str]:
    """The files the theme's search worker loads for the site's languages (its search index names them), as it
    does: the stemmer support, one file per language but English, the multi-language file for more than one,
    and a word segmenter for Japanese, Hindi and Thai. Precached: offline search works in every language."""
    try:
        languages = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]["lang"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()  # no search index (another site engine): nothing of lunr's to keep
    files = {f"{_LUNR}min/lunr.{lang}.min.js" for lang in languages if lang != "en"}
    files |= {f"{_LUNR}{_SEGMENTERS[lang]}" for lang in languages if lang in _SEGMENTERS}
    if len(languages) > 1:
        files.add(f"{_LUNR}min/lunr.multi.min.js")
    if files:
        files.add(f"{_LUNR}min/lunr.stemmer.support.min.js")
    return {rel for rel in files if (site / rel).is_file()}


def _url(rel: str) -> str:
    """A page's URL as links name it: ``a/index.html`` is ``a/``, the home page ``./``."""
    if rel == "index.html":
        return "./"
    return rel[: -len("index.html")] if rel.endswith("/index.html") else rel
