"""The safety layers that run on the built site, whichever engine built it (MkDocs or Zensical).

Neither engine is trusted to run our code: Zensical runs no MkDocs plugins, so
everything that keeps text from rules/ and content/ inert works on the files
the engine wrote:

- every page's article body (``<article class="md-content__inner md-typeset">``,
  where both engines put the page's content and its tags) is passed through
  the allow-list sanitiser (``render/html_policy.sanitize``); a page whose
  article cannot be found exactly once is refused, since nothing could say
  which part of it came from text;
- the search index, whose entries the theme shows as HTML, is sanitised
  entry by entry with the same policy;
- then the audit reads every page as a browser would, and the
  Content-Security-Policy is added to each (``audit.py``, ``csp.py``).

Each page is read and written once (the bundle's pins go in on the way,
``offline.pin_page``); pages are independent, so above ``PARALLEL_FROM`` pages
they are shared among the machine's cores. What a page became is kept by the
SHA-256 of what the engine wrote: the live preview's next build, whose pages
mostly come out of the engine unchanged, hardens only the ones that changed.
A full MkDocs build hands most pages over while the engine still writes the others
(``head_start.py``), by the same key, so little of this is left when it finishes.
What the audit read in a hardened page is kept for the next build too (another
process), by the SHA-256 of the page's bytes, while the generator's code is the
same (``kept.py``): the sanitiser, the pins and the policy still run on every page.

Titles need no step here: the generated Markdown escapes them, the engines
print them as escaped text, and the theme override escapes the <title>
(``generator/theme/main.html``); the audit is the backstop.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import kept as kept_results
from ..errors import Problem, UserError
from ..processes import cores, start_method as _start_method
from ..render.html_policy import sanitize
from .audit import PageAudit, read_page, site_problems
from .csp import policy_meta, with_policy
from .offline import pin_page

ARTICLE = '<article class="md-content__inner md-typeset">'
ARTICLE_END = "</article>"
THEME_LEADS = ('<a id="__skip" tabindex="-1"></a>',)  # Zensical's skip-link target opens its article: the theme's own
SEARCH_INDEXES = ("search/search_index.json", "search.json")  # MkDocs' search plugin, Zensical
_REPORT = "the sanitiser or a template let this through, not your text: please report it"
# Pages are independent, so their hardening is shared among the machine's cores, from this many pages on
# (below it, starting the worker processes costs more than they save; measured on the 2-core machine, loaded:
# 150 pages 0.20 s alone against 0.29 s shared, 300 pages 0.39 against 0.36, 500 pages 0.64 against 0.48).
PARALLEL_FROM = 300
_CHUNK = 32  # pages a worker takes at a time
# What the last build made of each page, by the SHA-256 of the page as the engine wrote it and its pins:
# the live preview rebuilds again and again, and most pages come out of the engine unchanged.
_last: dict[bytes, tuple[str, PageAudit, bool]] = {}
_last_entries: dict[str, str] = {}  # what the last search index's texts sanitised to, by the text (sanitize_search_index)
# What the audit read in each hardened page, by the SHA-256 of its bytes, kept for the next build (another process) in a
# file only this generator's code (every file of it) and Python can have made (kept.py): the audit is a pure function of
# a page's bytes, reading them costs ~3 ms a page (Python's HTML parser) and most pages come out of each build the same.
# The sanitiser, the pins and the policy run on every page of every build; None until read.
_AUDITS = "page-audits"
_AUDITS_KEPT = 12000  # pages: two builds of a 5,000-article knowledge base
_known_audits: dict[str, PageAudit] | None = None


def harden_site(site: Path, pins: str = "", early: dict[bytes, tuple[str, PageAudit, bool]] | None = None) -> None:
    """Pin (``pins``: the <meta> that names the bundle's revisions, offline.bundle_meta), sanitise, audit and give
    every page the policy, reading and writing each page once; raise UserError (the site is not published) on a
    finding. ``early``: pages hardened while the engine ran (head_start.py), by the same key as the last build's."""
    global _last
    early = early or {}
    paths = sorted(site.rglob("*.html"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    keys = [_key(text, pins) for text in texts]
    fresh = [index for index, key in enumerate(keys) if key not in _last and key not in early]
    done = dict(zip((keys[i] for i in fresh), _harden_all([texts[i] for i in fresh], pins)))
    kept = {key: _last.get(key) or early.get(key) or done[key] for key in keys}
    results = [kept[key] for key in keys]
    rels = [path.relative_to(site).as_posix() for path in paths]
    problems, hashes = site_problems(dict(zip(rels, (audit for _, audit, _ in results))))
    unfound = [f"{rel}: no single article body ({ARTICLE}…{ARTICLE_END}) to sanitise" for rel, (_, _, found) in zip(rels, results)
               if not found]
    problems = unfound + problems
    if problems:
        raise UserError([Problem("site", 1, 1, f"a built page fails the safety audit: {what}", _REPORT) for what in problems[:20]])
    _last = kept
    _keep_audits(results)
    meta = policy_meta(hashes)
    for path, (text, _, _) in zip(paths, results):
        _replace(path, with_policy(text, meta))
    for rel in SEARCH_INDEXES:
        if (site / rel).is_file():
            sanitize_search_index(site / rel)


def _key(text: str, pins: str) -> bytes:
    return hashlib.sha256(f"{len(pins)}:{pins}{text}".encode("utf-8", "surrogatepass")).digest()


def _harden_all(texts: list[str], pins: str) -> list[tuple[str, PageAudit, bool]]:
    """Each page hardened (harden_page), in worker processes when there are enough of them to pay."""
    workers = min(cores(), 8)
    if len(texts) < PARALLEL_FROM or workers < 2:
        return [harden_page(text, pins) for text in texts]
    kept_audits()  # read once, here: the workers inherit it
    with ProcessPoolExecutor(workers, mp_context=_start_method()) as pool:
        return list(pool.map(harden_page, texts, [pins] * len(texts), chunksize=_CHUNK))


def harden_page(text: str, pins: str = "") -> tuple[str, PageAudit, bool]:
    """(the page pinned and with its article body sanitised, what the audit reads in it, whether its article
    body was there once). A fragment a theme ships, which no page includes, is only audited."""
    pinned = pin_page(text, pins) if pins else None
    text = text if pinned is None else pinned
    cleaned = sanitize_page(text)
    page = text if cleaned is None else cleaned
    return page, audit_page(page), cleaned is not None


def audit_page(page: str) -> PageAudit:
    """What the audit reads in ``page`` (audit.read_page), or what it read in the same bytes in the last build."""
    found = kept_audits().get(kept_results.key(page))
    if found is None:
        return read_page(page)
    return PageAudit(list(found.findings), list(found.inline_scripts), list(found.script_ids))


def kept_audits() -> dict[str, PageAudit]:
    """The audits the last build kept (``_AUDITS``), by their page's key (kept.key); read once per process."""
    global _known_audits
    if _known_audits is None:
        _known_audits = _read_audits(kept_results.read(_AUDITS))
    return _known_audits


def _read_audits(found: dict) -> dict[str, PageAudit]:
    """The kept file's audits: its scripts are listed once, each page names them by their place; {} if malformed."""
    try:
        scripts = found.get("scripts", [])
        audits = {page: PageAudit(list(findings), [scripts[i] for i in used], list(ids))
                  for page, (findings, used, ids) in found.get("pages", {}).items()}
    except (TypeError, ValueError, IndexError, AttributeError):
        return {}
    if not all(isinstance(text, str) for audit in audits.values()
               for text in (*audit.findings, *audit.inline_scripts, *audit.script_ids)):
        return {}
    return audits


def _keep_audits(results: list[tuple[str, PageAudit, bool]]) -> None:
    """This build's pages' audits, then the last build's others, for the next build; unchanged, nothing is written."""
    global _known_audits
    known = kept_audits()
    used = {kept_results.key(page): audit for page, audit, _ in results}
    if used.keys() <= known.keys():
        return
    _known_audits = kept_results.newest(used, known, _AUDITS_KEPT)
    scripts: dict[str, int] = {}
    pages = {page: [audit.findings, [scripts.setdefault(s, len(scripts)) for s in audit.inline_scripts], audit.script_ids]
             for page, audit in _known_audits.items()}
    kept_results.write(_AUDITS, {"scripts": list(scripts), "pages": pages})


def sanitize_page(text: str) -> str | None:
    """A page with its article body sanitised (a fragment a theme ships, which no page includes, as it is);
    None when the page's article body is not there exactly once."""
    start, end = text.find(ARTICLE), text.rfind(ARTICLE_END)
    if "<head" not in text[:1024].lower():
        return text
    if start < 0 or text.count(ARTICLE) != 1 or end < start:
        return None
    return text[:start + len(ARTICLE)] + sanitize_body(text[start + len(ARTICLE):end]) + text[end:]


def sanitize_pages(pages: dict[Path, str], site: Path) -> tuple[dict[Path, str], list[str]]:
    """Each page with its article body sanitised, and a finding for each page whose article is not there once."""
    cleaned, unfound = {}, []
    for path, text in pages.items():
        page = sanitize_page(text)
        if page is None:
            unfound.append(f"{path.relative_to(site).as_posix()}: no single article body ({ARTICLE}…{ARTICLE_END}) to sanitise")
        else:
            cleaned[path] = page
    return cleaned, unfound


def sanitize_body(body: str) -> str:
    """An article's inner HTML through the policy; the theme's own leading element is kept as the theme wrote it."""
    stripped = body.lstrip()
    for lead in THEME_LEADS:
        if stripped.startswith(lead):
            return body[: len(body) - len(stripped)] + lead + sanitize(stripped[len(lead):])
    return sanitize(body)


def sanitize_search_index(path: Path) -> None:
    """Every title, text, tag and path entry of a search index through the policy (the theme shows them as HTML).

    What the last call made of each text is taken again (the sanitiser is a pure function of it): an edit in the
    live preview changes one page's entries, and 1,000 articles' index is 4 MB of text to sanitise."""
    global _last_entries
    index = json.loads(path.read_text(encoding="utf-8"))
    made: dict[str, str] = {}

    def clean(text: str) -> str:
        if text not in made:
            made[text] = _last_entries[text] if text in _last_entries else sanitize(text)
        return made[text]

    for entry in index.get("docs", index.get("items", [])):
        for key in ("title", "text"):
            if isinstance(entry.get(key), str):
                entry[key] = clean(entry[key])
        for key in ("tags", "path"):
            if isinstance(entry.get(key), list):
                entry[key] = [clean(item) if isinstance(item, str) else item for item in entry[key]]
    _last_entries = made
    _replace(path, json.dumps(index, ensure_ascii=False, separators=(",", ":")))


def _replace(path: Path, text: str) -> None:
    """``text`` over the bytes of ``path`` when no other name shares its file, else a new file in its place: never
    through a link (a hard link would carry the change elsewhere). Rewriting a file in place costs a tenth of
    making a new one on this machine (1,065 pages: 0.03-0.05 s against 1.16-1.23 s unlinked and written anew)."""
    data = text.encode("utf-8")
    try:
        handle = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        handle = None
    if handle is not None:
        with os.fdopen(handle, "r+b") as file:
            found = os.fstat(file.fileno())
            if stat.S_ISREG(found.st_mode) and found.st_nlink == 1:
                file.write(data)
                file.truncate()
                return
    path.unlink()
    path.write_bytes(data)
