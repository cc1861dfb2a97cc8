"""Two knowledge bases on one origin (two sub-paths of one server) keep their own saved answers and caches.

localStorage and Cache Storage belong to the whole origin. Each site names
what it keeps after its id (rules/site.yaml) and its path, so saving in one
never shows, skips or deletes anything in the other. Both sites are the
houseplant fixture, the second under another id: only the names differ.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from generator.site.build import build_site
from generator.site.serve import make_server
from tests.browser.conftest import attached, wait_until
from tests.browser.test_assess import READY, answer

PLANTS = Path(__file__).resolve().parents[1] / "fixtures" / "plant-kb"
SITES = {"one": "plant-kb", "two": "plant-kb-two"}  # sub-path -> the knowledge base's id

CACHE_NAMES = "async () => await caches.keys()"
SNAPSHOT_KEPT = "async (name) => (await caches.has(name)) && (await (await caches.open(name)).keys()).length === 1"


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    """One server whose root holds both sites; yields its URL."""
    work = tmp_path_factory.mktemp("two-sites")
    root = work / "www"
    root.mkdir()
    server = make_server(root)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    for path, kb_id in SITES.items():
        kb = work / kb_id
        shutil.copytree(PLANTS, kb)
        site_file = kb / "rules" / "site.yaml"
        site_file.write_text(site_file.read_text(encoding="utf-8").replace("id: plant-kb", f"id: {kb_id}"), encoding="utf-8")
        build_site(kb, root / path, site_url=url + path + "/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url
    server.shutdown()


def save_one(page, url: str, path: str, leaves: int) -> None:
    page.goto(f"{url}{path}/assess/")
    attached(page, READY, timeout=60_000)
    answer(page, {"new_leaves": leaves})
    page.click("[data-kb=save]")
    page.wait_for_function("() => /\\(1 snapshot\\)/.test(document.querySelector('[data-kb=keep-message]').textContent)")
    wait_until(page, SNAPSHOT_KEPT, arg=f"kb-snapshot:/{path}/assets/kb/")  # the engine's, kept once it has started


def stored(page, kb_id: str) -> list:
    return json.loads(page.evaluate("key => localStorage.getItem(key) || '[]'", f"{kb_id}:snapshots:v1"))


def test_each_site_keeps_its_own_snapshots_and_caches(browser, origin):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        save_one(page, origin, "one", 3)
        assert [s["answers"] for s in stored(page, "plant-kb")] == [{"new_leaves": 3}]

        save_one(page, origin, "two", 7)  # "(1 snapshot)": the first site's is not counted here
        assert [s["answers"] for s in stored(page, "plant-kb-two")] == [{"new_leaves": 7}]
        assert [s["answers"] for s in stored(page, "plant-kb")] == [{"new_leaves": 3}]
        assert "could not be read" not in page.inner_text("[data-kb=history]")

        page.goto(f"{origin}one/assess/")
        attached(page, READY, timeout=60_000)
        page.click(".kb-keep__history summary")
        assert page.locator("[data-kb=snapshot]").count() == 1

        # Each site's service worker and engine snapshot keep their own caches: neither deleted the other's.
        for path, kb_id in SITES.items():
            wait_until(page, "async (p) => (await caches.keys()).some((n) => n.startsWith(p))", arg=f"site-{kb_id}:/{path}/:")
            assert page.evaluate(SNAPSHOT_KEPT, f"kb-snapshot:/{path}/assets/kb/")
        workers = {name.rsplit(":", 1)[0] for name in page.evaluate(CACHE_NAMES) if name.startswith("site-")}
        assert workers == {"site-plant-kb:/one/", "site-plant-kb-two:/two/"}
        assert errors == []
    finally:
        context.close()
