"""Precompressed copies for hosts that serve them (generator/site/precompress.py): .gz and .br beside every large
text and wasm file of the built site, each the file's exact bytes once decompressed, and none in the offline list."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import brotli

from generator.site import precompress
from generator.site.precompress import SMALLEST, SUFFIXES


def test_every_large_text_and_wasm_file_has_its_gz_and_br_copies(built_site: Path):
    large = [p for p in built_site.rglob("*") if p.is_file() and p.suffix in SUFFIXES and p.stat().st_size >= SMALLEST]
    names = {p.relative_to(built_site).as_posix() for p in large}
    assert {"index.html", "assess/index.html", "assets/pyodide/pyodide.asm.wasm", "assets/pyodide/python_stdlib.zip",
            "assets/pyodide/pyodide.asm.mjs", "assets/kb/worker.js", "assets/kb/assess.css", "sw.js"} <= names
    for path in large:
        data = path.read_bytes()
        gz, br = path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")
        assert gzip.decompress(gz.read_bytes()) == data, gz
        assert brotli.decompress(br.read_bytes()) == data, br
    wasm = built_site / "assets" / "pyodide" / "pyodide.asm.wasm"
    assert (wasm.with_name(wasm.name + ".br")).stat().st_size < wasm.stat().st_size * 0.30  # level 11: 0.29 (level 9: 0.32)
    small = [p for p in built_site.rglob("*") if p.is_file() and p.suffix in SUFFIXES and p.stat().st_size < SMALLEST]
    assert not [p for p in small if p.name != "sitemap.xml" and p.with_name(p.name + ".br").exists()], "below one packet, no copy"


def test_the_service_worker_never_lists_a_compressed_copy(built_site: Path):
    manifest = json.loads(re.search(r"const MANIFEST = (\{.*\});", (built_site / "sw.js").read_text()).group(1))
    urls = [url for url, _, _ in manifest["entries"]]
    assert "assets/pyodide/pyodide.asm.wasm" in urls
    assert not [url for url in urls if url.endswith((".gz", ".br"))]



def copies(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.suffix in (".gz", ".br")}


def pages_of(folder: Path, count: int, word: str = "text") -> Path:
    for number in range(count):
        path = folder / f"p{number}" / "index.html"
        path.parent.mkdir(parents=True)
        path.write_text(f"<!doctype html><title>{number}</title>" + f"<p>{word} {number} " * 200)
    return folder


def test_copies_made_in_worker_processes_equal_those_made_alone(tmp_path: Path, monkeypatch, worker_pools):
    alone, shared = pages_of(tmp_path / "alone", 40), pages_of(tmp_path / "shared", 40)
    monkeypatch.setattr(precompress, "_recent", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-alone"))
    precompress.precompress(alone)
    monkeypatch.setattr(precompress, "_recent", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-shared"))  # nothing kept by the first
    monkeypatch.setattr(precompress, "PARALLEL_FROM", 2)
    precompress.precompress(shared)
    assert worker_pools, "the shared path was not taken"
    assert copies(shared) == copies(alone) and len(copies(alone)) == 80


def test_large_files_compressed_side_by_side_get_the_copies_made_one_by_one(tmp_path: Path, monkeypatch, two_cores):
    """Threads on two cores (zlib and Brotli let go of the interpreter); two files of the same bytes share a cache
    entry, written by whichever thread gets there."""
    def site(folder: Path) -> Path:
        for rel, seed in (("assets/a.json", 1), ("assets/copy-of-a.json", 1), ("search/b.json", 2), ("c/index.html", 3)):
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(json.dumps([f"entry {n * seed}" for n in range(12_000)]))
        return folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-threads"))
    precompress.precompress(threads := site(tmp_path / "threads"))
    monkeypatch.setenv("KB_JOBS", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-alone"))
    precompress.precompress(alone := site(tmp_path / "alone"))
    assert copies(threads) == copies(alone) and len(copies(alone)) == 8
    assert sorted(p.name for p in (tmp_path / "cache-threads").rglob("*") if p.name.endswith(".tmp")) == []


def test_a_changed_file_gets_new_copies_from_both_caches(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = pages_of(tmp_path / "site", 3)
    large = site / "big.json"
    large.write_text(json.dumps(list(range(20_000))))  # above the size whose copies are kept on disk
    precompress.precompress(site)
    large.write_text(json.dumps(list(range(1, 20_001))))
    (site / "p1" / "index.html").write_text("<!doctype html><p>edited " * 100)
    precompress.precompress(site)
    for path in (large, site / "p1" / "index.html"):
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes()


def test_a_large_files_brotli_copy_is_made_at_its_level_and_not_taken_from_an_older_cache(tmp_path: Path, monkeypatch):
    """Under assets/ (the runtime, the theme: the same bytes build after build) the best level; elsewhere (made from
    the knowledge base, so made again after an edit) level 9. A copy a build kept before levels were named in the
    cache, or at another level, is never taken."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = tmp_path / "site"
    data = json.dumps([f"item {n}" for n in range(20_000)]).encode()  # above the size whose copies are kept on disk
    lasting, edited = site / "assets" / "big.json", site / "search" / "big.json"
    for path in (lasting, edited):
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
    key = precompress.hashlib.sha256(data).hexdigest()
    cache = precompress._cache_dir()
    cache.mkdir(parents=True)
    for older in (f"{key}.br", f"{key}.q10.br"):
        (cache / older).write_bytes(brotli.compress(data, quality=1))
    precompress.precompress(site)
    assert (site / "assets" / "big.json.br").read_bytes() == brotli.compress(data, quality=11)
    assert (site / "search" / "big.json.br").read_bytes() == brotli.compress(data, quality=9)


def test_the_next_build_takes_kept_copies_only_for_unchanged_bytes_and_never_from_a_damaged_file(tmp_path: Path, monkeypatch):
    """The small files' copies are kept in the cache for the next build (a new process): it compresses only a page
    whose bytes changed, and a kept file that is damaged or was made by other code is not read at all."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = pages_of(tmp_path / "site", 4)
    monkeypatch.setattr(precompress, "_recent", {})
    precompress.precompress(site)
    compressed = []
    real = precompress._both
    monkeypatch.setattr(precompress, "_both", lambda data: compressed.append(data) or real(data))
    edited = site / "p1" / "index.html"
    edited.write_text("<!doctype html><p>edited " * 100)
    monkeypatch.setattr(precompress, "_recent", {})  # as a new process starts
    precompress.precompress(site)
    assert compressed == [edited.read_bytes()]
    for path in sorted(site.rglob("index.html")):
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes()
    kept = precompress._cache_dir() / precompress._KEPT_SMALL
    damaged = bytearray(kept.read_bytes())
    damaged[len(damaged) // 2] ^= 1
    kept.write_bytes(bytes(damaged))
    monkeypatch.setattr(precompress, "_recent", {})
    compressed.clear()
    precompress.precompress(site)
    assert len(compressed) == 4, "a damaged kept file was read"
    monkeypatch.setattr(precompress, "_kept_head", lambda: b"kb-small-copies 1\n" + bytes(32))  # other code's copies
    monkeypatch.setattr(precompress, "_recent", {})
    compressed.clear()
    precompress.precompress(site)
    assert len(compressed) == 4, "copies made by other code were taken"


def test_the_next_build_links_kept_copies_but_never_one_changed_through_a_link(tmp_path: Path, monkeypatch):
    """A small file's copies are links to the cache's files of the same bytes; a copy someone rewrote in place
    (which rewrites the cache's file too) is found out by its bytes and written anew, never linked again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = pages_of(tmp_path / "first", 3)
    monkeypatch.setattr(precompress, "_recent", {})
    precompress.precompress(first)
    tampered = first / "p0" / "index.html.gz"
    assert tampered.stat().st_nlink == 2, "the copy is not the cache's file"
    with open(tampered, "r+b") as file:
        file.write(b"tampered")
    second = pages_of(tmp_path / "second", 3)
    monkeypatch.setattr(precompress, "_recent", {})
    precompress.precompress(second)
    for path in sorted(second.rglob("index.html")):
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes()
    assert not (second / "p0" / "index.html.gz").samefile(tampered)
    assert (second / "p1" / "index.html.gz").samefile(first / "p1" / "index.html.gz"), "an unchanged copy was not linked"


def test_a_copy_the_engine_already_wrote_is_replaced_not_written_through(tmp_path: Path, monkeypatch):
    """MkDocs writes sitemap.xml.gz itself; in the live preview the site's files are links to its kept output, and a
    copy written in place would change the kept file (and whatever else shares it) too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(precompress, "_recent", {})
    site, kept = tmp_path / "site", tmp_path / "kept"
    kept.mkdir()
    for rel, size in (("sitemap.xml", 2_000), ("search/large.json", 100_000)):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("<url>x</url>" * (size // 12))
        (kept / Path(rel).name).write_bytes(b"the engine's own copy")
        os.link(kept / Path(rel).name, site / f"{rel}.gz")
    precompress.precompress(site)
    for rel in ("sitemap.xml", "search/large.json"):
        assert gzip.decompress((site / f"{rel}.gz").read_bytes()) == (site / rel).read_bytes()
        assert (kept / Path(rel).name).read_bytes() == b"the engine's own copy"
