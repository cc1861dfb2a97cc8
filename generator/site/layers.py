"""What a build publishes: the package's files, overridden file by file by the knowledge base's own.

The widget, its worker, the site's scripts and CSS (``generator/assets/``), the
theme override (``generator/theme/``) and the page templates
(``generator/render/templates/``) ship in the package, so a knowledge base
needs none of them to build. A knowledge base changes one by putting a file
of the same name in its ``site_assets/`` (the way Material's ``custom_dir``
overrides the theme's own templates):

- ``site_assets/<name>`` replaces ``generator/assets/<name>`` or adds a file
  (a logo, an image) beside the widget, published under ``assets/kb/``;
- ``site_assets/theme/<path>`` replaces ``generator/theme/<path>`` or adds one;
- ``site_assets/templates/<name>.j2`` replaces a page template
  (``generator/render/pages.py`` reads that folder first).

Everything a knowledge base brings is listed through ``generator/sources.py``,
which refuses links, special files and unsafe names; the gate has reported
those already, so here they are simply never read.
"""

from __future__ import annotations

from pathlib import Path

from ..sources import copy_file, list_files

PACKAGE = Path(__file__).resolve().parents[1]
ASSETS = PACKAGE / "assets"
THEME = PACKAGE / "theme"
OWN = "site_assets"  # the knowledge base's overrides, at its root
RESERVED = ("templates", "theme")  # sub-folders of site_assets/ that override something else


def asset_files(root: Path) -> dict[str, Path]:
    """Published name -> file: every packaged asset, then the knowledge base's files over them."""
    files = {path.name: path for path in sorted(ASSETS.iterdir()) if path.is_file()}
    files.update((path.name, path) for path in list_files(root, OWN, recursive=False).files)
    return files


def theme_files(root: Path) -> dict[str, Path]:
    """Relative path -> file of the merged theme override."""
    files = {path.relative_to(THEME).as_posix(): path for path in sorted(THEME.rglob("*")) if path.is_file()}
    own = root / OWN / "theme"
    files.update((path.relative_to(own).as_posix(), path) for path in list_files(root, f"{OWN}/theme").files)
    return files


def template_dirs(root: Path) -> tuple[Path, ...]:
    """The knowledge base's page-template overrides, read before the package's."""
    own = root / OWN / "templates"
    return (own,) if own.is_dir() and not own.is_symlink() else ()


def write_theme(root: Path, target: Path) -> Path:
    """The merged theme override, written to ``target`` (a scratch folder the site engine reads as custom_dir)."""
    for rel, source in theme_files(root).items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        copy_file(source, dest)
    target.mkdir(parents=True, exist_ok=True)
    return target
