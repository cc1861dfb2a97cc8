"""The knowledge base's own files, listed and read without following a link or leaving its root.

Rules, content, site assets and the theme arrive as pull requests. A symbolic
link among them (``site_assets/env.txt -> /proc/self/environ``) would have the
build read, publish and precache whatever it points at, and a file name
holding a line break or ``:12:`` could forge a problem line or a GitHub
annotation. So every reader lists its folder here:

- entries are looked at with ``lstat``: a link is reported at its own path and
  its target is never opened, read or resolved; a folder that is a link is
  not entered; anything but a regular file or a real folder is refused;
- names with a control character, or ``:`` before a digit, are refused,
  shown escaped and placed at their (clean) folder;
- editors' scratch files (swap files, Emacs' lock links) are left out, unread;
- ``read_bytes`` opens with ``O_NOFOLLOW``, so a link swapped in after the
  listing is refused too.

``source_problems(root)`` walks every source a build reads: rules/, content/,
site_assets/ (its templates/ and theme/ included), mkdocs.yml and the paths
mkdocs.yml names (the theme's ``custom_dir``, ``INHERIT``, ``hooks``).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem, shown

SOURCES = ("rules", "content", "site_assets")  # folders every build reads, at the knowledge base's root
CONFIG = "mkdocs.yml"
_POSITION_LIKE = re.compile(r":\d")  # 'a:99:1: x.yaml' would read as a position in 'PATH:LINE:COL: message'
_LINK = "a symbolic link, which the build never follows"
_LINK_HINT = "commit the file itself, not a link: nothing outside the knowledge base is read"
_RENAME = "rename it: letters, digits, '-', '_' and '.' are safe"


@dataclass
class Listing:
    files: list[Path] = field(default_factory=list)  # regular files, sorted, safe to read
    problems: list[Problem] = field(default_factory=list)


def is_editor_temp(name: str) -> bool:
    """Vim's swap files and its 4913 probe, Emacs' lock links and auto-save files, backups ending in ~."""
    return (name.endswith(("~", ".swp", ".swo", ".swx")) or name.startswith(".#") or name == "4913"
            or (len(name) > 1 and name.startswith("#") and name.endswith("#")))


def name_problem(folder: str, name: str) -> Problem | None:
    """A file name that cannot be shown on one unambiguous problem line, reported at its folder."""
    if any("\udc80" <= char <= "\udcff" for char in name):  # how Python spells a byte that is not UTF-8
        return Problem(folder, 1, 1, f"the file name {shown(name)} is not UTF-8", _RENAME)
    if not name.isprintable():
        return Problem(folder, 1, 1, f"the file name {shown(name)} holds a control or invisible character", _RENAME)
    if _POSITION_LIKE.search(name):
        return Problem(folder, 1, 1, f"the file name {shown(name)} holds ':' before a digit, which reads as a line and column",
                       "rename it without ':'")
    return None


def list_files(root: Path, folder: str, *, suffix: str = "", recursive: bool = True) -> Listing:
    """The regular files under ``root/folder`` (ending in ``suffix``), and a problem for every link,
    special file or unsafe name met on the way. A missing folder lists nothing."""
    listing = Listing()
    start, problem = _inside(root, folder)
    if problem:
        listing.problems.append(problem)
    elif start is not None:
        _walk(start, folder, suffix, recursive, listing)
    listing.files.sort()
    return listing


def _inside(root: Path, rel: str) -> tuple[Path | None, Problem | None]:
    """``root/rel`` when every component is a real folder; (None, problem) at the first link; (None, None) when absent."""
    path = root
    for index, part in enumerate(Path(rel).parts):
        path = path / part
        try:
            mode = path.lstat().st_mode
        except OSError:
            return None, None
        here = "/".join(Path(rel).parts[: index + 1])
        if stat.S_ISLNK(mode):
            return None, Problem(here, 1, 1, _LINK, _LINK_HINT)
        if not stat.S_ISDIR(mode):
            return None, None
    return path, None


def _walk(folder: Path, rel: str, suffix: str, recursive: bool, listing: Listing) -> None:
    try:
        with os.scandir(folder) as entries:
            found = sorted(entries, key=lambda entry: entry.name)
    except OSError:  # vanished while listed (an editor's scratch folder), or unreadable: nothing to read
        return
    for entry in found:
        if is_editor_temp(entry.name):
            continue
        problem = name_problem(rel, entry.name)
        if problem:
            listing.problems.append(problem)
            continue
        here = f"{rel}/{entry.name}"
        try:
            if entry.is_symlink():
                listing.problems.append(Problem(here, 1, 1, _LINK, _LINK_HINT))
            elif entry.is_dir(follow_symlinks=False):
                if recursive:
                    _walk(Path(entry.path), here, suffix, recursive, listing)
            elif entry.is_file(follow_symlinks=False):
                if entry.name.endswith(suffix):
                    listing.files.append(Path(entry.path))
            else:
                listing.problems.append(_special(here))
        except OSError:  # vanished between the listing and the look
            continue


def _special(rel: str) -> Problem:
    return Problem(rel, 1, 1, "not a regular file (a device, pipe or socket)", "remove it: only files and folders are read")


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, refusing (OSError) a link or anything but a regular file at the last component."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(fd)


def unreadable(rel: str, err: OSError) -> Problem:
    """A problem for a listed file that could not be read (swapped for a link, or unreadable)."""
    if err.errno == errno.ELOOP:
        return Problem(rel, 1, 1, _LINK, _LINK_HINT)
    return Problem(rel, 1, 1, f"cannot be read: {err.strerror or err}", "it must be a regular file the build can read")


def copy_file(source: Path, target: Path) -> None:
    """Copy a listed file's bytes: never a link, never what a link points at."""
    target.write_bytes(read_bytes(source))


def source_problems(root: Path) -> list[Problem]:
    """Every link, special file, unsafe name or outside path among the sources a build reads."""
    root = root.resolve()
    problems: list[Problem] = []
    for folder in SOURCES:
        problems += list_files(root, folder).problems
    config = root / CONFIG
    try:
        mode = config.lstat().st_mode
    except OSError:
        return sorted(set(problems))  # no mkdocs.yml: `build` says so; `check` does not need one
    if not stat.S_ISREG(mode):
        problems.append(Problem(CONFIG, 1, 1, _LINK, _LINK_HINT) if stat.S_ISLNK(mode) else _special(CONFIG))
        return sorted(set(problems))
    for key, node in _config_paths(root):
        problems += _path_problems(root, key, node)
    return sorted(set(problems))


def _config_paths(root: Path):
    """(setting, YAML node) for each path mkdocs.yml makes MkDocs read: theme.custom_dir, INHERIT, hooks.

    The file is composed, not loaded: MkDocs' own tags (``!ENV``, ``!!python/name``) are not run here.
    A file too broken to read names nothing; the build reports it."""
    try:
        node = yaml.compose(read_bytes(root / CONFIG).decode("utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return
    top = _keys(node)
    theme = _keys(top.get("theme"))
    if "custom_dir" in theme:
        yield "theme.custom_dir", theme["custom_dir"]
    if "INHERIT" in top:
        yield "INHERIT", top["INHERIT"]
    hooks = top.get("hooks")
    yield from (("hooks", item) for item in (hooks.value if isinstance(hooks, yaml.SequenceNode) else [hooks] if hooks else []))


def _keys(node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _path_problems(root: Path, key: str, node: yaml.Node) -> list[Problem]:
    """A path setting must be plain text naming a place inside the root, reached through no link."""
    pos = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        return [Problem(CONFIG, *pos, f"{key} must be a path written out (no tag such as !ENV, no list)",
                        "name a folder or file inside the knowledge base, relative to mkdocs.yml")]
    is_folder = key == "theme.custom_dir"
    value = node.value
    rel = os.path.normpath(value) if value else ""
    if any(name_problem(CONFIG, part) for part in Path(rel).parts):
        return [Problem(CONFIG, *pos, f"{key} {shown(value)} holds a control character, or ':' before a digit", "rename it")]
    if not value or os.path.isabs(value) or rel == ".." or rel.startswith("../"):
        return [Problem(CONFIG, *pos, f"{key} {shown(value)} is outside the knowledge base",
                        "name a folder or file inside it, relative to mkdocs.yml")]
    start, problem = _inside(root, os.path.dirname(rel) if not is_folder else rel)
    if problem:
        return [problem]
    if is_folder:
        return list_files(root, Path(rel).as_posix()).problems if start is not None else []
    try:
        mode = (root / rel).lstat().st_mode
    except OSError:
        return []  # missing: MkDocs says so
    if stat.S_ISLNK(mode):
        return [Problem(Path(rel).as_posix(), 1, 1, _LINK, _LINK_HINT)]
    return []
