"""validate -> generate -> mkdocs build -> swap into site/.

Nothing in ``site/`` changes unless every step succeeds: the Markdown tree
and the site are built in scratch directories beside it, and the finished
site replaces the old one with two renames.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, UserError
from ..gate import check_knowledge
from ..knowledge import Knowledge
from ..i18n import catalog_language
from ..locale_tables import widget_table
from ..render.pages import render_docs
from ..render.template_code import TEMPLATE_CODE
from ..render.translate import DOMAIN, PageWords
from ..rules.compile import plain, rules_json
from ..sources import copy_file, list_files
from .bundle import write_engine_zip, write_runtime_manifest
from .config import SiteConfig
from .convert_ahead import ConvertAhead
from .engine_config import engine_config, write_engine_config
from .layers import asset_files, template_dirs, write_theme
from .minify import minify_assets
from .engines import chosen_engine, run_engine
from .harden import harden_site
from .head_start import HeadStart
from .search_worker import place_search_standin
from .incremental import KeptEngineOutput
from .offline import bundle_meta, bundle_query, write_offline_page, write_service_worker
from .precompress import precompress
from .stdlib import LOCK, STDLIB, workload, write_stdlib

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", STDLIB, LOCK)
ASSETS_DIR = "assets/kb"
PYODIDE_DIR = "assets/pyodide"
BUNDLE = {"runtime": f"{ASSETS_DIR}/runtime.json", "rules": f"{ASSETS_DIR}/rules.json", "engine": f"{ASSETS_DIR}/engine.zip",
          "messages": f"{ASSETS_DIR}/messages.json"}  # pinned in every page


@dataclass
class BuildReport:
    site_dir: Path
    pages: int
    seconds: float
    bundle_bytes: int
    generate_seconds: float = 0.0  # validating and writing the Markdown tree
    mkdocs_seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"built {self.pages} pages into {self.site_dir} in {self.seconds:.1f}s; "
            f"engine and rules bundle {self.bundle_bytes / 1024:.1f} KiB"
        )


def generate(root: Path, docs: Path) -> tuple[list[str], int, dict[str, list[Path]], SiteConfig]:
    """Run the gate `check` runs, then write the docs tree; return (pages, bundle bytes, page sources, site settings)."""
    checked = check_knowledge(root)
    knowledge, compiled = checked.knowledge, checked.compiled
    words = PageWords(catalog_language(DOMAIN, checked.config.language))  # the gate refused a language without one
    written = render_docs(knowledge, docs, template_dirs(root), words)
    write_offline_page(docs, words)
    assets = docs / ASSETS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "rules.json").write_text(rules_json(compiled), encoding="utf-8")
    (assets / "messages.json").write_text(json.dumps(widget_table(checked.config.language), ensure_ascii=False, sort_keys=True),
                                          encoding="utf-8")  # the widget's words (i18n.js)
    bundle = write_engine_zip(assets / "engine.zip") + (assets / "rules.json").stat().st_size
    for name, path in asset_files(root).items():  # the package's, then the knowledge base's over them
        copy_file(path, assets / name)
    minify_assets(assets)  # before anything hashes or revisions them (minify.py)
    pyodide = _copy_pyodide(root, docs / PYODIDE_DIR)
    write_stdlib(pyodide, docs / PYODIDE_DIR / STDLIB, assets / "engine.zip", assets / "rules.json",
                 workload(compiled, [plain(case["answers"]) for _, case in knowledge.rules.cases]))  # only what the engine imports
    write_runtime_manifest(assets / "runtime.json", [docs / PYODIDE_DIR / name for name in PYODIDE_FILES]
                           + [assets / "engine.zip", assets / "rules.json"])
    return written, bundle, _page_sources(knowledge, root, written), checked.config


def _page_sources(knowledge: Knowledge, root: Path, written: list[str]) -> dict[str, list[Path]]:
    """Which rules and content files each generated page was made from: the page's own first, then the rest."""
    rules = knowledge.rules
    own: dict[str, list[Path]] = {}
    folders = {"milestone": "milestones/{}.md", "flag": "flags/{}.md", "checklist": "checklists/{}.md", "framework": "frameworks/{}/"}
    for (kind, ident), file in rules.where.items():
        if kind in folders:
            own.setdefault(folders[kind].format(ident), []).append(file.path)
    for number, article in knowledge.articles.items():
        own[f"articles/{number}.md"] = [root / article.rel]
    everything = sorted({*(p for paths in own.values() for p in paths),
                         *list_files(root, "content/pages", suffix=".md", recursive=False).files,
                         *list_files(root, "rules", suffix=".yaml").files})
    place = {path: index for index, path in enumerate(everything)}
    sources = {}
    for rel in written:
        first = own.get(rel) or next((paths for prefix, paths in own.items() if prefix.endswith("/") and rel.startswith(prefix)), [])
        sources[rel] = first + _without(everything, sorted(place[p] for p in set(first) if p in place))
    return sources


def _without(items: list, skipped: list[int]) -> list:
    """``items`` but the (sorted) positions ``skipped``, by slices: testing every file against each page's own
    in Python took 0.15 s at 1,000 articles, this 0.02 s."""
    kept, start = [], 0
    for index in skipped:
        kept += items[start:index]
        start = index + 1
    return kept + items[start:]


def _copy_pyodide(root: Path, target: Path) -> Path:
    """Pyodide's files but its standard library (stdlib.py writes that); return the folder they came from."""
    source = _find_pyodide(root)
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        if name == STDLIB:
            continue
        if name == LOCK:
            _write_lock(source / name, target / name)
            continue
        dest = target / name
        try:
            os.link(source / name, dest)  # 14 MB: link when we can, copy when we must
        except OSError:
            copy_file(source / name, dest)
    return source


def _write_lock(source: Path, target: Path) -> None:
    """Pyodide's lock file without its packages: the engine loads none, and loadPyodide reads only the lock's
    ``info`` (its ABI must match) before it would load one. 119 KB of package list is 22 KB on a first visit's wire."""
    try:
        info = json.loads(source.read_text(encoding="utf-8"))["info"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError([Problem(f"node_modules/pyodide/{LOCK}", 1, 1, "Pyodide's lock file is not one Pyodide wrote",
                                 "run 'npm ci' for an unmodified Pyodide")]) from None
    target.write_text(json.dumps({"info": info, "packages": {}}, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _find_pyodide(root: Path) -> Path:
    """node_modules/pyodide of the knowledge base, else of the generator; never through a link (it is published)."""
    for base in (root, Path(__file__).resolve().parents[2]):
        listing = list_files(base, "node_modules/pyodide", recursive=False)
        published = {"node_modules", "node_modules/pyodide", *(f"node_modules/pyodide/{name}" for name in PYODIDE_FILES)}
        linked = [p for p in listing.problems if p.path in published]
        if linked:
            raise UserError([Problem(p.path, 1, 1, p.message, "run 'npm ci' for a plain install: these files are published, "
                                     "and the build follows no links") for p in linked])
        if set(PYODIDE_FILES) <= {path.name for path in listing.files}:
            return base / "node_modules" / "pyodide"
    raise UserError([Problem("package.json", 1, 1, "Pyodide is not installed (node_modules/pyodide is missing)",
                             "run 'npm ci' (make build does it for you)")])


def build_site(root: Path, site_dir: Path | None = None, site_url: str | None = None, engine: str | None = None,
               kept: KeptEngineOutput | None = None) -> BuildReport:
    """Build the site; ``site_url`` overrides mkdocs.yml's (instant navigation needs it to match the host);
    ``kept``, the live preview's, keeps the engine's output between builds to render only changed pages.

    The site engine (``engine``: mkdocs or zensical, engines.py) reads a configuration the generator writes
    (engine_config.py) from the owner's choices; the safety layers then run on the pages it wrote (harden.py)."""
    started = time.perf_counter()
    engine = chosen_engine(engine)
    root = root.resolve()
    site_dir = (site_dir or root / "site").resolve()
    _default_source_date(root)
    scratch_root = root / "build"
    scratch_root.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=scratch_root) as scratch:
        docs = Path(scratch) / "docs"
        with _collector_paused():
            written, bundle, sources, owner = generate(root, docs)
        generated = time.perf_counter()
        new_site = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
        try:
            theme = write_theme(root, Path(scratch) / "theme")
            config = engine_config(owner, docs=docs, site=new_site, theme=theme, pages=written, site_url=site_url)
            # the pins from the docs tree: the engine copies those files as they are (harden_site checks each page's key)
            full = kept is None and engine == "mkdocs"
            with HeadStart(bundle_meta(bundle_query(docs, BUNDLE)), enabled=full) as early:
                if kept:
                    kept.run(engine, config, Path(scratch), sources, root)
                else:
                    with ConvertAhead(enabled=full) as ahead:  # before the head start's workers: it forks
                        run_engine(engine, config, Path(scratch), sources, root, plugins={**ahead.plugins(), **early.plugins()})
                place_search_standin(new_site, f"{ASSETS_DIR}/search-standin.js")  # beside the search worker it defers
                harden_site(new_site, pins=bundle_meta(bundle_query(new_site, BUNDLE)), early=early.results())
            TEMPLATE_CODE.keep()
            write_service_worker(new_site, _site_id(docs), lazy_dirs=(PYODIDE_DIR,), lazy_files=(f"{ASSETS_DIR}/engine.zip", f"{ASSETS_DIR}/rules.json"))
            precompress(new_site)  # .gz and .br beside large files, for hosts that serve them
            _readable(new_site)
        except BaseException:
            shutil.rmtree(new_site, ignore_errors=True)
            raise
        built = time.perf_counter()
        _swap(new_site, site_dir)
        _keep_latest(Path(scratch), scratch_root, config)
    return BuildReport(site_dir, len(written), time.perf_counter() - started, bundle, generated - started, built - generated)


def _keep_latest(scratch: Path, keep: Path, config: dict) -> None:
    """The last docs tree, theme override and engine configuration that built, kept in build/ for inspection
    (``mkdocs build -f build/mkdocs.yml`` rebuilds them bare: bench's baseline). Another build of the same
    knowledge base may finish at the same moment (the tests build this repository in parallel): the old copy is
    renamed aside, never emptied in place, and if the other build's copy lands first, it stays."""
    for name in ("docs", "theme"):
        aside = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=keep))
        try:
            (keep / name).rename(aside / name)
        except FileNotFoundError:
            pass
        try:
            (scratch / name).rename(keep / name)
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        shutil.rmtree(aside, ignore_errors=True)
    kept = {key: value for key, value in config.items() if key != "site_dir"}  # relative paths: the engine reads them from build/
    write_engine_config({**kept, "docs_dir": "docs", "theme": {**config["theme"], "custom_dir": "theme"}}, keep / "mkdocs.yml")


def _site_id(docs: Path) -> str:
    """The knowledge base's id, as the published rules.json names it (rules/site.yaml)."""
    return json.loads((docs / BUNDLE["rules"]).read_text(encoding="utf-8"))["site"]["id"]


def _readable(site: Path) -> None:
    """mkdtemp makes a private folder; a web server running as another user must be able to read the site."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(site, 0o777 & ~umask)


def _default_source_date(root: Path) -> None:
    """Dates in the site (sitemap.xml) come from the last commit, so two builds of one commit are identical.

    SOURCE_DATE_EPOCH, when set, wins; outside a git checkout the build date is used.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        return
    try:
        done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return
    if done.returncode == 0 and done.stdout.strip().isdigit():
        os.environ["SOURCE_DATE_EPOCH"] = done.stdout.strip()


@contextmanager
def _collector_paused():
    """Generation makes many small objects and no garbage cycles: scanning them for cycles
    again and again cost ~15% of generation at 5,000 articles. Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _swap(new_site: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        site_dir.rename(old)
    new_site.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
