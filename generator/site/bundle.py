"""The browser bundle: the scoring engine as a zip, the compiled rules as JSON, and runtime.json.

runtime.json lists every file the assessment's start downloads with its true
size (the worker reports progress in bytes against their sum) and a key that
changes whenever any of them changes (a memory snapshot made from other files
is never restored).

Both are byte-identical for identical inputs (sorted entries, fixed
timestamps), so two builds of the same tree produce the same site.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

from .. import scoring

ENGINE_PACKAGE = "scoring"  # the import name inside Pyodide
_EPOCH = (1980, 1, 1, 0, 0, 0)


def engine_sources() -> list[Path]:
    return sorted(Path(scoring.__file__).parent.glob("*.py"))


def write_engine_zip(target: Path) -> int:
    """Write the engine package as a zip; return its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in engine_sources():
            info = zipfile.ZipInfo(f"{ENGINE_PACKAGE}/{path.name}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return target.stat().st_size


def write_runtime_manifest(target: Path, files: list[Path]) -> dict:
    """Write runtime.json beside the bundle: sizes of ``files`` by URL relative to it, and their key."""
    digest = hashlib.sha256()
    sizes = {}
    for path in files:
        rel = _relative(path, target.parent)
        data = path.read_bytes()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        sizes[rel] = len(data)
    manifest = {"key": digest.hexdigest()[:32], "files": sizes}
    target.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _relative(path: Path, start: Path) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")
