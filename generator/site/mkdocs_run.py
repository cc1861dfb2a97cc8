"""Run ``mkdocs build --strict`` on the generated tree and place its complaints.

MkDocs only knows the generated pages; a broken link it finds was written in
a rules or content file. Each warning that names a generated page is placed
back in the file that page was made from, at the line that holds the text it
complains about (or the file's first line when that text cannot be found).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from ..errors import Problem, UserError
from ..render.script_ids import unreserved_slugify
from ..render.template_code import TEMPLATE_CODE
from .nav_place import NavPlacePlugin

_DOC_FILE = re.compile(r"Doc file '([^']+)'")
_QUOTED = re.compile(r"'([^']+)'")


def mkdocs_build(config_file: Path, sources: dict[str, list[Path]], root: Path, dirty: bool = False,
                 plugins: dict | None = None) -> None:
    """Build with the generated configuration ``config_file`` (engine_config.py);
    ``sources`` maps a generated page to the files it was made from. ``dirty`` renders only the pages whose
    Markdown is newer than their HTML (the live preview's, incremental.py); ``plugins``, ours by name, run too."""
    from markdown.extensions.toc import slugify
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    collector = _WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file), strict=True)
        toc = config.mdx_configs.setdefault("toc", {})  # a Python function, which the written configuration cannot name
        toc["slugify"] = unreserved_slugify(toc.get("slugify") or slugify)
        config.plugins["kb-nav-place"] = NavPlacePlugin()
        config.plugins["kb-theme-code"] = ThemeCodePlugin()
        for name, plugin in (plugins or {}).items():
            config.plugins[name] = plugin
        build(config, dirty=dirty)
    except (Abort, ConfigurationError) as err:
        messages = collector.messages or [str(err)]
        raise UserError([place(m, sources, root) for m in messages]) from None
    finally:
        logger.removeHandler(collector)


def place(message: str, sources: dict[str, list[Path]], root: Path, engine: str = "mkdocs") -> Problem:
    """The problem at the rules or content line that the engine's message is about."""
    text = f"{engine} build --strict failed: {message}"
    page = _DOC_FILE.search(message)
    candidates = sources.get(page.group(1), []) if page else []
    needles = [q for q in _QUOTED.findall(message) if not page or q != page.group(1)]
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for needle in needles:
            for number, line in enumerate(lines, 1):
                col = line.find(needle)
                if col >= 0:
                    return Problem(_rel(path, root), number, col + 1, text)
    if candidates:
        return Problem(_rel(candidates[0], root), 1, 1, text)
    return Problem("mkdocs.yml", 1, 1, text)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class ThemeCodePlugin(BasePlugin):
    """The theme's templates compiled once for every build, full or the live preview's (template_code.TEMPLATE_CODE),
    before any plugin renders one."""

    @event_priority(100)
    def on_env(self, env, *, config, files):
        env.bytecode_cache = TEMPLATE_CODE
        return env
