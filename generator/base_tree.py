"""The knowledge base as it was at a git commit, read out of git without a checkout.

``diff --base`` takes a user's value and hands it to git, so the value is
checked to be a commit first (``rev-parse --verify --end-of-options``), and
every later git call gets the commit's hash, never the value itself: a base
such as ``--output=FILE`` can only ever be "not a commit". The tree is
extracted as plain files and folders: a link in it is refused, never
followed.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path

from .errors import UserError, shown

# What a page is made of: the rules, the content and the page templates a knowledge base may override.
TREE = ("rules", "content", "site_assets/templates")
_HASH = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_NO_REPOSITORY = "diff reads the base rules from git: run it in a clone of the repository (--root DIR points at one)"


def base_commit(root: Path, base: str) -> str:
    """The hash of the commit ``base`` names in the repository at ``root``, or a one-line UserError."""
    if not base or not base.isprintable():
        raise UserError([f"diff: --base {shown(base)} is not a commit in this repository; "
                         "pass a commit, branch or tag, e.g. --base origin/main"])
    if not root.is_dir():
        raise UserError([f"diff: {shown(str(root), 200)} is not a folder; pass the knowledge base's root: --root DIR"])
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise UserError([f"diff: {shown(str(root), 200)} is not in a git repository; {_NO_REPOSITORY}"])
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{commit}}")
    commit = found.stdout.decode("ascii", "replace").strip()
    if found.returncode != 0 or not _HASH.fullmatch(commit):
        shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        hint = ("this clone is shallow and may not hold it: fetch it (git fetch origin main), or clone with its history "
                "(fetch-depth: 0 in actions/checkout)" if shallow else "pass a commit, branch or tag, e.g. --base origin/main")
        raise UserError([f"diff: --base {shown(base)} is not a commit in this repository; {hint}"])
    return commit


def tree_at(root: Path, commit: str, into: Path, base: str) -> Path:
    """Extract TREE as it was at ``commit`` (a hash from base_commit; ``base`` names it in messages) into ``into``."""
    listed = _git(root, "ls-tree", "--name-only", commit, "--", *TREE)
    present = [p for p in TREE if p in listed.stdout.decode("utf-8", "replace").splitlines()]
    if "rules" not in present:
        raise UserError([f"diff: the commit at --base {shown(base)} has no rules/ folder; "
                         "pass a commit made after the knowledge base was added"])
    archive = _git(root, "archive", "--format=tar", commit, "--", *present)
    if archive.returncode != 0:
        reason = " ".join(archive.stderr.decode("utf-8", "replace").split())
        raise UserError([f"diff: cannot read the tree at --base {shown(base)} from git ({shown(reason, 200)}); "
                         "check that the repository is intact (git fsck)"])
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar:
            if not (member.isfile() or member.isdir()):
                raise UserError([f"diff: {shown(member.name, 200)} at --base {shown(base)} is a link; "
                                 "links in rules/, content/ and site_assets/ are never followed"])
        tar.extractall(into, filter="data")
    return into


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise UserError([f"diff: git is not installed, or not on PATH; {_NO_REPOSITORY}"]) from None
