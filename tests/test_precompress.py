"""Precompressed copies for hosts that serve them (generator/site/precompress.py): .gz and .br beside every large
text and wasm file of the built site, each the file's exact bytes once decompressed, and none in the offline list."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli

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
    assert (wasm.with_name(wasm.name + ".br")).stat().st_size < wasm.stat().st_size * 0.35
    small = [p for p in built_site.rglob("*") if p.is_file() and p.suffix in SUFFIXES and p.stat().st_size < SMALLEST]
    assert not [p for p in small if p.name != "sitemap.xml" and p.with_name(p.name + ".br").exists()], "below one packet, no copy"


def test_the_service_worker_never_lists_a_compressed_copy(built_site: Path):
    manifest = json.loads(re.search(r"const MANIFEST = (\{.*\});", (built_site / "sw.js").read_text()).group(1))
    urls = [url for url, _, _ in manifest["entries"]]
    assert "assets/pyodide/pyodide.asm.wasm" in urls
    assert not [url for url in urls if url.endswith((".gz", ".br"))]

