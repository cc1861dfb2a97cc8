"""The site engines a build can run: MkDocs with Material (the default) and Zensical, Material's successor.

Both read the configuration the generator writes (engine_config.py); what
keeps the site safe runs on the files they write (harden.py), so it holds for
either. What only MkDocs does: heading anchors that never take an id the
site's scripts own (elsewhere the sanitiser drops such an id), and the nav
marking the section of a page it does not list (nav_place.py). Both refuse a
broken link (strict mode), placed in the rules or content file it came from.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import Problem, UserError, escaped
from .engine_config import write_engine_config
from .mkdocs_run import mkdocs_build, place

ENGINES = ("mkdocs", "zensical")
ENVIRONMENT = "KB_SITE_ENGINE"
ZENSICAL = "zensical==0.0.73"  # pyproject.toml's pin: the newest the package index here installs
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_WARNING = re.compile(r"Warning:\s*(.+)")
_AT = re.compile(r"\[\s*([^\]\s]+):(\d+):(\d+)\s*\]")


def chosen_engine(name: str | None) -> str:
    """``--engine``, else $KB_SITE_ENGINE, else mkdocs; one line for any other name."""
    engine = name or os.environ.get(ENVIRONMENT) or ENGINES[0]
    if engine not in ENGINES:
        where = "--engine" if name else ENVIRONMENT
        raise UserError([f"build: {where} {escaped(engine, 40)!r} is not a site engine; choose {' or '.join(ENGINES)}"])
    return engine


def run_engine(engine: str, config: dict, scratch: Path, sources: dict[str, list[Path]], root: Path,
               plugins: dict | None = None) -> None:
    """Build the site ``config`` describes, its configuration file written to ``scratch``; a problem MkDocs finds is
    placed in the file it came from. ``plugins``: MkDocs plugins of ours by name (Zensical runs none)."""
    if engine == "mkdocs":
        mkdocs_build(write_engine_config(config, scratch / "mkdocs.yml"), sources, root, plugins=plugins)
    else:
        zensical_build(config, scratch, sources, root)


def zensical_build(config: dict, scratch: Path, sources: dict[str, list[Path]], root: Path) -> None:
    """Zensical builds only inside the configuration's folder: into the scratch folder, then moved to the site folder."""
    if importlib.util.find_spec("zensical") is None:
        raise UserError([f"build: --engine zensical: Zensical is not installed; run pip install '{ZENSICAL}'"])
    built = scratch / "zensical-site"
    local = {**config, "docs_dir": _inside(config["docs_dir"], scratch), "site_dir": built.name,
             "theme": {**config["theme"], "custom_dir": _inside(config["theme"]["custom_dir"], scratch)}}
    config_file = write_engine_config(local, scratch / "mkdocs.yml")
    done = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "-f", str(config_file)],
                          cwd=scratch, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if done.returncode != 0:  # its cache goes beside the configuration, in the scratch folder
        raise UserError(zensical_problems(done.stdout + "\n" + done.stderr, scratch / local["docs_dir"], sources, root))
    for item in built.iterdir():
        shutil.move(item, Path(config["site_dir"]) / item.name)


def zensical_problems(output: str, docs: Path, sources: dict[str, list[Path]], root: Path) -> list[Problem]:
    """Zensical's warnings ('Warning: page does not exist' over a '[ milestones/m3.md:67:5 ]' frame), each placed
    in the rules or content file its page was made from, at the text it is about; else its last words."""
    problems, warning = [], None
    lines = [line.strip() for line in _ANSI.sub("", output).splitlines() if line.strip()]
    for line in lines:
        if found := _WARNING.search(line):
            warning = found.group(1)
        elif warning and (at := _AT.search(line)):
            page, number, col = at.group(1), int(at.group(2)), int(at.group(3))
            problems.append(place(f"Doc file '{page}': {warning} ('{_token(docs / page, number, col)}')", sources, root, "zensical"))
            warning = None
    said = next((line for line in reversed(lines) if not line.startswith(("File ", "Traceback", "^"))), "no output")
    return problems or [Problem("mkdocs.yml", 1, 1, f"zensical build failed: {escaped(said, 300)}",
                                "build with --engine mkdocs to have the problem placed in your rules or content")]


def _token(page: Path, number: int, col: int) -> str:
    """The link target or word that starts at line ``number``, column ``col`` of a generated page."""
    try:
        line = page.read_text(encoding="utf-8").splitlines()[number - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    return re.match(r"[^)\s\"'<>]*", line[col - 1:]).group(0)  # matches, if only the empty text


def _inside(path: str, scratch: Path) -> str:
    """A folder of the scratch folder, relative to it (Zensical reads no absolute path)."""
    return Path(path).relative_to(scratch).as_posix()
