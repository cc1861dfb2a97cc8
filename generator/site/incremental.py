"""The live preview's engine runs: MkDocs renders only the pages whose Markdown changed since the last build.

``build`` always renders every page. The preview (``serve``) keeps the
engine's last output in ``build/preview/`` (the docs tree, the theme override
and the site MkDocs wrote) and, when an edit changed only the bodies of some
pages, runs MkDocs' dirty build on them: a page whose Markdown is the same
keeps the HTML it had. What a page shows of *other* pages comes from the nav
(in the configuration), their titles and tags (in their front matter), or the
files there are; so any change to the configuration, the theme override, a
page's front matter, or the set of files makes a full build, as does a failed
one. The search index is the one output that gathers every page: the entries
of the pages rendered again replace theirs in the last full index.

Between two such runs the configuration and the set of files are the same, so
converting a page's Markdown gives what it gave last time when the Markdown is
the same: a dirty run takes that (its HTML, table of contents, anchors and the
links to other pages' anchors, which MkDocs still checks across every page)
instead of converting it again, and its theme compiles its templates once.

Every page still goes through the safety layers (harden.py), and the site is
swapped in whole, as ``build`` does: the kept output is linked into the new
site (hard links: 1,100 files in a blink), so every step after the engine
writes a new file rather than through one (``harden._replace``); the test
that compares a preview's site with a full build's, byte for byte, holds the
kept output to that.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .engine_config import write_engine_config
from .engines import run_engine
from .mkdocs_run import mkdocs_build

SEARCH_INDEX = "search/search_index.json"
_DIRTY_WARNING = "A 'dirty' build is being performed"


class KeptEngineOutput:
    """The engine's output between the preview's builds (``folder``: build/preview/)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.settings: str | None = None  # the configuration and theme the kept site was made with; None: build it all
        self.last_run = "full"  # how the last run went: "full" or "dirty" (N pages); for the preview's log and bench
        self.rendered: dict[str, _Rendered] = {}  # by page (src_uri): what the last successful run converted

    def run(self, engine: str, config: dict, scratch: Path, sources: dict[str, list[Path]], root: Path) -> None:
        """Build ``config``'s site into its site_dir, rendering again only what changed when that is enough."""
        if engine != "mkdocs":  # Zensical has no dirty build: every page, as build does
            self.settings = None
            run_engine(engine, config, scratch, sources, root)
            return
        docs, theme, site = self.folder / "docs", self.folder / "theme", self.folder / "site"
        self.folder.mkdir(parents=True, exist_ok=True)
        docs_change = sync_tree(Path(config["docs_dir"]), docs)
        theme_change = sync_tree(Path(config["theme"]["custom_dir"]), theme)
        local = {**config, "docs_dir": str(docs), "site_dir": str(site), "theme": {**config["theme"], "custom_dir": str(theme)}}
        settings = json.dumps(local, sort_keys=True, default=str)
        dirty = (self.settings == settings and site.is_dir() and not docs_change.structural and not theme_change.any
                 and (site / SEARCH_INDEX).is_file())
        before = json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8")) if dirty else None
        self.settings = None  # until this run succeeds
        if not dirty:
            shutil.rmtree(site, ignore_errors=True)
            self.rendered = {}
        with _quiet_dirty_warning(), _every_page_read(), _converted_once(self.rendered) as rendered:
            mkdocs_build(write_engine_config(local, self.folder / "mkdocs.yml"), sources, root, dirty=dirty)
        if before is not None:
            _merge_search_index(before, site / SEARCH_INDEX)
        self.settings, self.rendered = settings, rendered
        self.last_run = f"dirty ({len(docs_change.bodies)} pages)" if dirty else "full"
        link_tree(site, Path(config["site_dir"]))


def link_tree(source: Path, target: Path) -> None:
    """``source``'s files hard-linked under ``target`` (shutil.copytree's copying of each folder's times and
    modes cost over a second for 1,000 article folders)."""
    for folder, _, names in os.walk(source):
        into = target / os.path.relpath(folder, source)
        into.mkdir(exist_ok=True)
        for name in names:
            os.link(os.path.join(folder, name), into / name)


class TreeChange:
    def __init__(self) -> None:
        self.bodies: list[str] = []  # Markdown pages whose body alone changed
        self.structural = False  # a file came or went, or a page's front matter or another file changed
        self.any = False


def sync_tree(source: Path, kept: Path) -> TreeChange:
    """Make ``kept`` hold what ``source`` holds, leaving unchanged files untouched (their times tell MkDocs
    which pages to render again); say what changed."""
    change = TreeChange()
    wanted = {p.relative_to(source).as_posix(): p for p in source.rglob("*") if p.is_file()}
    present = {p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file()} if kept.is_dir() else set()
    for rel in present - wanted.keys():
        (kept / rel).unlink()
        change.structural = change.any = True
    for rel, path in wanted.items():
        new = path.read_bytes()
        target = kept / rel
        old = target.read_bytes() if rel in present else None
        if old == new:
            continue
        change.any = True
        if old is not None and rel.endswith(".md") and _front_matter(old) == _front_matter(new):
            change.bodies.append(rel)
        elif old is None or not _static(rel):
            change.structural = True
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new)
    return change


def _static(rel: str) -> bool:
    """A file MkDocs copies as it is (the assets: rules.json, engine.zip…): a dirty build copies it again."""
    return not rel.endswith((".md", ".html"))


def _front_matter(text: bytes) -> bytes:
    """A page's YAML front matter (title, tags, search settings: what other pages or the index show of it)."""
    if not text.startswith(b"---\n"):
        return b""
    end = text.find(b"\n---\n", 4)
    return text[: end + 5] if end >= 0 else text


def _merge_search_index(before: dict, path: Path) -> None:
    """The dirty build's index holds only the pages it rendered: put their entries in place of theirs in ``before``."""
    after = json.loads(path.read_text(encoding="utf-8"))
    fresh: dict[str, list[dict]] = {}
    for entry in after["docs"]:
        fresh.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    merged, placed = [], set()
    for entry in before["docs"]:
        page = entry["location"].split("#", 1)[0]
        if page not in fresh:
            merged.append(entry)
        elif page not in placed:
            merged += fresh[page]
            placed.add(page)
    merged += [entry for page, entries in fresh.items() if page not in placed for entry in entries]
    path.write_text(json.dumps({**after, "docs": merged}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


@contextmanager
def _every_page_read():
    """MkDocs' dirty build skips reading an unchanged page as well as writing it, and then what other pages show
    of it is unknown (its tags' listing links, its anchors, its title). Every page is read and rendered to HTML
    as in a full build; only the writing through the theme's template, the larger half, is skipped.
    (``_populate_page`` is MkDocs' own step; pyproject.toml pins MkDocs 1.6.1, and the tests compare a dirty
    build with a full one.)"""
    from mkdocs.commands import build as mkdocs_build_module

    original = mkdocs_build_module._populate_page
    mkdocs_build_module._populate_page = lambda page, config, files, dirty=False: original(page, config, files, False)
    try:
        yield
    finally:
        mkdocs_build_module._populate_page = original


class _Rendered:
    """What converting one page's Markdown gave (``Page.render``), kept apart from the page and its build's files."""

    def __init__(self, page) -> None:
        self.markdown, self.content, self.title = page.markdown, page.content, page._title_from_render
        self.toc = copy.deepcopy(page.toc)  # Material's tags listing adds entries to a page's toc: each run gets its own
        self.anchors = frozenset(page.present_anchor_ids or ())
        self.links = {file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()}

    def restore(self, page, files) -> None:
        page.content, page._title_from_render, page.toc = self.content, self.title, copy.deepcopy(self.toc)
        page.present_anchor_ids = set(self.anchors)
        page.links_to_anchors = {files.get_file_from_path(src): dict(links) for src, links in self.links.items()}


@contextmanager
def _converted_once(last: dict[str, _Rendered]):
    """MkDocs converts a page whose Markdown is what it was in ``last`` (the previous successful run, same settings
    and files; empty after a full one) by taking what it gave then; the run's conversions are yielded, to be kept
    once it succeeds."""
    from mkdocs.structure.pages import Page

    render, now = Page.render, {}

    def converted(page, config, files) -> None:
        kept = last.get(page.file.src_uri)
        if kept is not None and kept.markdown == page.markdown:
            kept.restore(page, files)
        else:
            render(page, config, files)
            kept = _Rendered(page)
        now[page.file.src_uri] = kept

    Page.render = converted
    try:
        yield now
    finally:
        Page.render = render


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_WARNING)


class _quiet_dirty_warning:
    """MkDocs warns that a dirty build may leave links inaccurate; the conditions above are what make it exact,
    and under --strict the warning would fail the build."""

    def __enter__(self) -> None:
        self.filter = _DropDirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(self.filter)

    def __exit__(self, *exc) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self.filter)
