"""Precompressed copies for hosts that serve them: ``name.gz`` and ``name.br`` beside every large text and wasm file.

nginx (``gzip_static``/``brotli_static``), Caddy (``file_server { precompressed br gzip }``)
and most static hosts send such a copy, when the browser accepts it, instead of
compressing on every request at a low level or not at all. Copies of large files are kept in a
cache named after the bytes they compress: a file no build has changed costs nothing again.

Brotli's level follows how often a file changes. Under ``assets/`` are the runtime's and the
theme's files, the same bytes build after build: they get the best level (11), most of a minute
once per Pyodide version for its 9.6 MB wasm. A large file made from the knowledge base (the
search index, a long page) changes with an edit, and the live preview compresses it again on
every save: level 9, a tenth of the time (the 539 KB search index here: 0.06 s for 91.6 KB, against
0.72 s for 82.9 KB at 11). Small files take level 5.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import brotli

from .. import kept as kept_results
from ..processes import cores, start_method

SUFFIXES = (".html", ".js", ".mjs", ".css", ".json", ".wasm", ".zip", ".svg", ".xml", ".txt", ".map")
SMALLEST = 1024  # bytes: below one packet, a copy saves nothing
_CACHED_FROM = 64 * 1024  # Pyodide's files, the search index: pages compress in milliseconds
LASTING = "assets"  # the site's folder whose large files are the same build after build (the runtime's, the theme's)
BEST, EDITED, SMALL = 11, 9, 5  # Brotli's levels: large files under LASTING, other large files, small files
_recent: dict[str, tuple[bytes, bytes]] = {}  # the last call's (gzip, brotli) copies of small files, by their bytes' digest
_KEPT_SMALL = "small-copies.bin"  # the same, kept in the cache for the next build, a process of its own
_LINKED = "small-linked"  # the small files' copies, each named after its own bytes' SHA-256: the site's copies are links to them
# Pages compress in about a millisecond each: below this many, starting worker processes costs more than it saves.
PARALLEL_FROM = 300
_CHUNK = 16


def precompress(site: Path) -> int:
    """Write the .gz and .br copies of ``site``'s files; return how many files got them.

    The copies of small files made by the last call are kept in memory, and in the cache for the next build: the
    live preview builds again and again, and so does anyone editing a few pages; their pages mostly come out the
    same, so it compresses only the ones an edit changed (a page's copies are found by its bytes' SHA-256). The
    others are compressed in worker processes when there are enough of them to pay (``PARALLEL_FROM``)."""
    global _recent
    cache, small, large, done = _cache_dir(), {}, [], 0
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in SUFFIXES and p.stat().st_size >= SMALLEST):
        data = path.read_bytes()
        key = hashlib.sha256(data).hexdigest()
        done += 1
        if len(data) < _CACHED_FROM:
            small.setdefault(key, (data, []))[1].append(path)
            continue
        level = BEST if path.relative_to(site).parts[0] == LASTING else EDITED
        # the level in the cached copy's name: a copy made at another level is never taken for this one
        for suffix, kept, compress in ((".gz", ".gz", _gzip), (".br", f".q{level}.br", partial(_brotli, level=level))):
            large.append((path.with_name(path.name + suffix), cache / f"{key}{kept}", data, compress))
    _write_all(large)
    kept = {} if set(small) <= set(_recent) else _read_kept(cache)
    known = {**kept, **_recent}
    new = [key for key in small if key not in known]
    made = {key: known[key] for key in small if key in known}
    made.update(zip(new, _compress_all([small[key][0] for key in new])))
    linked = cache / _LINKED
    names = set()
    for key, (_, paths) in small.items():
        for path in paths:
            for suffix, copy in zip((".gz", ".br"), made[key]):
                names.add(_place(path.with_name(path.name + suffix), copy, linked))
    if new or (kept and made.keys() != kept.keys()):
        _keep(cache, made)
        _prune(linked, names)
    _recent = made
    return done


def _place(target: Path, copy: bytes, linked: Path) -> str:
    """Write ``copy`` at ``target`` as another name of the cache's file named after the copy's own SHA-256, when that
    file holds exactly these bytes (read and compared each time: a file changed through any of its names is never
    linked again); else write it anew and give the cache that file. Making a file costs about 0.4 ms here, a link
    0.015 ms. Return the cache's name for it."""
    name = hashlib.sha256(copy).hexdigest()
    target.unlink(missing_ok=True)  # the engine's own copy (sitemap.xml.gz), maybe linked from the preview's kept output
    try:
        if (linked / name).read_bytes() == copy:
            os.link(linked / name, target)
            return name
    except OSError:
        pass  # not there, or no links across these folders: written
    target.write_bytes(copy)
    try:
        linked.mkdir(parents=True, exist_ok=True)
        partial = linked / f"{name}.{os.getpid()}.tmp"
        partial.unlink(missing_ok=True)
        os.link(target, partial)
        partial.replace(linked / name)
    except OSError:
        pass
    return name


def _prune(linked: Path, names: set[str]) -> None:
    """The cache's linked copies but this build's: the site's names of them stay."""
    try:
        for entry in os.scandir(linked):
            if entry.name not in names:
                os.unlink(entry.path)
    except OSError:
        pass


def _read_kept(cache: Path) -> dict[str, tuple[bytes, bytes]]:
    """The small files' copies the last build kept (``_keep``): none if the file is missing, damaged (its SHA-256
    is its last 32 bytes) or was written by other code or libraries (its head names them, ``_kept_head``)."""
    try:
        data = (cache / _KEPT_SMALL).read_bytes()
    except OSError:
        return {}
    head, end = _kept_head(), len(data) - 32
    if not data.startswith(head) or hashlib.sha256(data[:end]).digest() != data[end:]:
        return {}
    copies, at = {}, len(head)
    while at + 40 <= end:
        gz, br = struct.unpack_from(">II", data, at + 32)
        copies[data[at:at + 32].hex()] = (data[at + 40:at + 40 + gz], data[at + 40 + gz:at + 40 + gz + br])
        at += 40 + gz + br
    return copies if at == end else {}


def _keep(cache: Path, copies: dict[str, tuple[bytes, bytes]]) -> None:
    """This build's small files' copies, for the next build (another process): one file, written whole then renamed."""
    records = [bytes.fromhex(key) + struct.pack(">II", len(gz), len(br)) + gz + br for key, (gz, br) in copies.items()]
    data = _kept_head() + b"".join(records)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f"{_KEPT_SMALL}.{os.getpid()}.tmp"
        partial.write_bytes(data + hashlib.sha256(data).digest())
        partial.replace(cache / _KEPT_SMALL)
    except OSError:
        pass  # no cache: the next build compresses them again


def _kept_head() -> bytes:
    """What made the kept copies: this module (its levels) and the two libraries."""
    made_by = Path(__file__).read_bytes() + f"{brotli.__version__} {zlib.ZLIB_RUNTIME_VERSION}".encode()
    return b"kb-small-copies 1\n" + hashlib.sha256(made_by).digest()


def _compress_all(datas: list[bytes]) -> list[tuple[bytes, bytes]]:
    """(gzip, brotli) of each, in worker processes from ``PARALLEL_FROM`` files on (neither library lets two
    threads compress at once here: measured, two threads took as long as one)."""
    workers = min(cores(), 8)
    if len(datas) < PARALLEL_FROM or workers < 2:
        return [_both(data) for data in datas]
    with ProcessPoolExecutor(workers, mp_context=start_method()) as pool:
        return list(pool.map(_both, datas, chunksize=_CHUNK))


def _both(data: bytes) -> tuple[bytes, bytes]:
    return _gzip(data), _brotli(data, SMALL)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)  # no date inside: two builds give the same bytes


def _brotli(data: bytes, level: int) -> bytes:
    """At 11, every reader's first visit downloads 0.37 MB less of the wasm than at 9 (2.74 MB against 3.11; the
    standard library 0.60 MB against 0.66). Pages take 5: 3 s a hundred pages at 11, for 12% less."""
    return brotli.compress(data, quality=level)


def _write_all(jobs: list[tuple[Path, Path, bytes, Callable[[bytes], bytes]]]) -> None:
    """The large files' copies (``_write`` each), side by side in threads on more than one core: zlib and Brotli let
    go of the interpreter while they compress, so the two copies of one file take the time of one (the 4.3 MB search
    index of 1,000 articles: 0.20 s against 0.37 s), and the first build's Pyodide copies each take a core."""
    workers = min(cores(), 8)
    if workers < 2 or len(jobs) < 2:
        for job in jobs:
            _write(*job)
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda job: _write(*job), jobs))


def _write(target: Path, cached: Path, data: bytes, compress) -> None:
    """A large file's copy, from the cache named after its bytes, else made and kept there; a new file, never written
    through another name of one already there."""
    target.unlink(missing_ok=True)
    if cached.is_file():
        shutil.copyfile(cached, target)
        return
    target.write_bytes(compress(data))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        scratch = cached.with_name(f"{cached.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # two files, same bytes
        shutil.copyfile(target, scratch)
        scratch.replace(cached)
    except OSError:
        pass  # no cache: the next build compresses again


def _cache_dir() -> Path:
    return kept_results.cache_dir("compressed")
