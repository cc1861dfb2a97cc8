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
site_assets/ (its templates/ and theme/ included) and mkdocs.yml, which names
no other path: the generator sets every folder and file the site engine reads
(``site/config.py``).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

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
    """Every link, special file or unsafe name among the sources a build reads."""
    root = root.resolve()
    problems: list[Problem] = []
    for folder in SOURCES:
        problems += list_files(root, folder).problems
    try:
        mode = (root / CONFIG).lstat().st_mode
    except OSError:
        mode = stat.S_IFREG  # no mkdocs.yml: the defaults hold (site/config.py)
    if not stat.S_ISREG(mode):
        problems.append(Problem(CONFIG, 1, 1, _LINK, _LINK_HINT) if stat.S_ISLNK(mode) else _special(CONFIG))
    return sorted(set(problems))

