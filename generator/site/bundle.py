"""The browser bundle: the scoring engine as a zip and the compiled rules as JSON.

Both are byte-identical for identical inputs (sorted entries, fixed
timestamps), so two builds of the same tree produce the same site.
"""

from __future__ import annotations

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
