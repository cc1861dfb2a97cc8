"""validate -> generate -> mkdocs build -> swap into site/.

Nothing in ``site/`` changes unless every step succeeds: the Markdown tree
and the site are built in scratch directories beside it, and the finished
site replaces the old one with two renames.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, UserError
from ..render.pages import render_docs
from ..rules.compile import compile_rules, rules_json
from ..knowledge import load_knowledge
from .bundle import write_engine_zip

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
ASSETS_DIR = "assets/kb"
PYODIDE_DIR = "assets/pyodide"


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


def generate(root: Path, docs: Path) -> tuple[list[str], int]:
    """Validate everything under root and write the docs tree; return (pages, bundle bytes)."""
    knowledge = load_knowledge(root)
    rules, pages = knowledge.rules, knowledge.pages
    compiled = compile_rules(rules, knowledge.articles)
    overrides = tuple(p for p in [root / "site_assets" / "templates"] if p.is_dir())
    written = render_docs(knowledge, docs, overrides)
    assets = docs / ASSETS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "rules.json").write_text(rules_json(compiled), encoding="utf-8")
    bundle = write_engine_zip(assets / "engine.zip") + (assets / "rules.json").stat().st_size
    for path in sorted((root / "site_assets").glob("*")) if (root / "site_assets").is_dir() else []:
        if path.is_file():
            shutil.copyfile(path, assets / path.name)
    _copy_pyodide(root, docs / PYODIDE_DIR)
    return written, bundle


def _copy_pyodide(root: Path, target: Path) -> None:
    source = _find_pyodide(root)
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        dest = target / name
        try:
            os.link(source / name, dest)  # 14 MB: link when we can, copy when we must
        except OSError:
            shutil.copyfile(source / name, dest)


def _find_pyodide(root: Path) -> Path:
    for base in (root, Path(__file__).resolve().parents[2]):
        candidate = base / "node_modules" / "pyodide"
        if all((candidate / name).is_file() for name in PYODIDE_FILES):
            return candidate
    raise UserError([Problem("package.json", 1, 1, "Pyodide is not installed (node_modules/pyodide is missing)",
                             "run 'npm ci' (make build does it for you)")])


def build_site(root: Path, site_dir: Path | None = None, site_url: str | None = None) -> BuildReport:
    """Build the site; ``site_url`` overrides mkdocs.yml's (instant navigation needs it to match the host)."""
    started = time.perf_counter()
    root = root.resolve()
    site_dir = (site_dir or root / "site").resolve()
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise UserError([Problem("mkdocs.yml", 1, 1, "no mkdocs.yml in the knowledge base's root", f"looked in {root}")])
    scratch_root = root / "build"
    scratch_root.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=scratch_root) as scratch:
        docs = Path(scratch) / "docs"
        with _collector_paused():
            written, bundle = generate(root, docs)
        generated = time.perf_counter()
        new_site = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
        try:
            _mkdocs_build(config_file, docs, new_site, site_url)
        except BaseException:
            shutil.rmtree(new_site, ignore_errors=True)
            raise
        built = time.perf_counter()
        _swap(new_site, site_dir)
        latest = scratch_root / "docs"  # kept for inspection: the last tree that built
        shutil.rmtree(latest, ignore_errors=True)
        docs.rename(latest)
    return BuildReport(site_dir, len(written), time.perf_counter() - started, bundle, generated - started, built - generated)


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


def _mkdocs_build(config_file: Path, docs: Path, site: Path, site_url: str | None) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    collector = _WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        overrides = {"site_url": site_url} if site_url else {}
        config = load_config(str(config_file), docs_dir=str(docs), site_dir=str(site), strict=True, **overrides)
        build(config)
    except (Abort, ConfigurationError) as err:
        messages = collector.messages or [str(err)]
        raise UserError([Problem("mkdocs.yml", 1, 1, f"mkdocs build --strict failed: {m}") for m in messages]) from None
    finally:
        logger.removeHandler(collector)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _swap(new_site: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        site_dir.rename(old)
    new_site.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
