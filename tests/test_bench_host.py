"""The benchmark's host (generator/bench_host.py) compresses as a real host does: a precompressed copy when the
request accepts it, the file as it is otherwise, and revalidation by ETag either way."""

from __future__ import annotations

import gzip
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest

from generator.bench_host import accepted, compressing_host

TEXT = b"console.log('the same bytes, three ways');\n" * 100


@pytest.fixture()
def host(tmp_path: Path):
    (tmp_path / "app.js").write_bytes(TEXT)
    (tmp_path / "app.js.br").write_bytes(brotli.compress(TEXT))
    (tmp_path / "app.js.gz").write_bytes(gzip.compress(TEXT))
    (tmp_path / "plain.js").write_bytes(TEXT)
    server = compressing_host(tmp_path)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def get(url: str, **headers):
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers))
    except urllib.error.HTTPError as answer:  # a 304 is an "error" to urllib
        return answer


def test_serves_the_br_copy_when_accepted(host):
    server, url = host
    answer = get(url + "app.js", **{"Accept-Encoding": "gzip, deflate, br"})
    body = answer.read()
    assert answer.headers["Content-Encoding"] == "br"
    assert answer.headers["Vary"] == "Accept-Encoding"
    assert answer.headers["Content-Type"] == "text/javascript"
    assert brotli.decompress(body) == TEXT and len(body) < len(TEXT)
    assert server.served[-1][:2] == ("/app.js", len(body))
    assert abs(server.served[-1].at - time.time()) < 60  # when it began, on the clock the page reads too


def test_gzip_when_br_is_not_accepted(host):
    _, url = host
    answer = get(url + "app.js", **{"Accept-Encoding": "gzip, br;q=0"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.read()) == TEXT


def test_identity_when_nothing_is_accepted_or_there_is_no_copy(host):
    _, url = host
    for path, headers in (("app.js", {"Accept-Encoding": "identity"}), ("plain.js", {"Accept-Encoding": "br, gzip"})):
        answer = get(url + path, **headers)
        assert answer.headers["Content-Encoding"] is None
        assert answer.read() == TEXT


def test_revalidates_each_encoding_by_its_own_etag(host):
    server, url = host
    first = get(url + "app.js", **{"Accept-Encoding": "br"})
    first.read()
    assert first.headers["Cache-Control"] == "no-cache"
    again = get(url + "app.js", **{"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.read() == b""
    other = get(url + "app.js", **{"Accept-Encoding": "identity", "If-None-Match": first.headers["ETag"]})
    assert other.status == 200 and other.read() == TEXT


def test_accept_encoding_weights():
    assert accepted("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted("br;q=0, gzip;q=0.5") == {"gzip"}
    assert accepted("") == set()
