"""Results one build keeps for the next (each its own process), found by a digest of everything they depend on.

A build checks and hardens every page again, and most of them are what they
were last time. What is kept here is what a pure function of its input gave,
found by the SHA-256 of that input, in a file that holds only results made by
the same code: its head names the SHA-256 of every source file of the
generator, of the Python that ran it (and the standard library's HTML parser)
and of the versions of the libraries whose output a result holds. A file made
by other code, or damaged (its last 32 bytes are the SHA-256 of the rest), is
ignored: everything is computed again. Nothing is trusted that could differ:
changing one character of the generator drops every kept result.
"""

from __future__ import annotations

import hashlib
import html.parser
import importlib
import json
import os
import sys
from functools import cache, lru_cache
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent
_MAGIC = b"kb-kept 1\n"
_VERSIONS = 4  # files kept for each name: the newest, made by as many versions of the code


@cache
def code_digest(libraries: tuple[str, ...] = ()) -> bytes:
    """The SHA-256 of what made a kept result: every file of the generator's package (its source, templates and
    theme), the interpreter's version, the standard library's HTML parser, and the versions of ``libraries``
    (module names: the ones whose output the result holds)."""
    digest = hashlib.sha256(_own_files())
    for library in libraries:
        module = importlib.import_module(library)
        digest.update(f"{library}={getattr(module, '__version__', None)} {module.__file__}\0".encode())
    return digest.digest()


@lru_cache(maxsize=1)
def _own_files() -> bytes:
    digest = hashlib.sha256(sys.version.encode() + b"\0" + sys.implementation.cache_tag.encode() + b"\0")
    for module in (html.parser, sys.modules["_markupbase"]):
        digest.update(Path(module.__file__).read_bytes())
    for folder, dirs, names in os.walk(GENERATOR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder, name)
            digest.update(path.relative_to(GENERATOR).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def key(text: str) -> str:
    """The key of a result made from ``text``: its SHA-256, in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cache_dir(kind: str = "kept") -> Path:
    """The user's cache folder for what builds keep of ``kind`` (these results; precompress's copies; the stdlib's cut)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb-generator" / kind


def read(name: str, libraries: tuple[str, ...] = ()) -> dict:
    """What the last build kept under ``name``; {} when there is none, it is damaged, or other code made it
    (``libraries``: as for ``code_digest``)."""
    try:
        data = _file(name, libraries).read_bytes()
    except OSError:
        return {}
    head, end = _head(libraries), len(data) - 32
    if end < len(head) or not data.startswith(head) or hashlib.sha256(data[:end]).digest() != data[end:]:
        return {}
    try:
        found = json.loads(data[len(head):end])
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def write(name: str, value: dict, libraries: tuple[str, ...] = ()) -> None:
    """Keep ``value`` (JSON) under ``name`` for the next build: written whole, then renamed over the last."""
    data = _head(libraries) + json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    target = _file(name, libraries)
    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        partial.write_bytes(data + hashlib.sha256(data).digest())
        partial.replace(target)
        for old in sorted(cache_dir().glob(f"{name}.*.json"), key=lambda path: path.stat().st_mtime)[:-_VERSIONS]:
            old.unlink()
    except OSError:
        pass  # no cache: the next build computes them again


def _file(name: str, libraries: tuple[str, ...]) -> Path:
    """One file per name and code: two checkouts of the generator built by turns do not drop each other's."""
    return cache_dir() / f"{name}.{code_digest(libraries).hex()[:16]}.json"


def _head(libraries: tuple[str, ...]) -> bytes:
    return _MAGIC + code_digest(libraries).hex().encode() + b"\n"


def newest(used: dict, old: dict, most: int) -> dict:
    """``used`` (this build's), then as many of ``old``'s others as fit in ``most`` entries."""
    kept = dict(used)
    for name, value in old.items():
        if len(kept) >= most:
            break
        kept.setdefault(name, value)
    return kept
