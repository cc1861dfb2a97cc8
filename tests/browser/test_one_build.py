"""What founders run is exactly one build's, in Chromium with a persistent profile.

Three real builds are deployed in turn into one served folder, as a static host swaps them: v1; v2,
whose m1 needs 7 sales calls a week instead of 5; v3, which reverts v2 (v1's rules, another page
text). A reader keeps the browser open across deploys, reloads and navigates; at every step,
online and offline, a page scores 6 calls a week with its own build's rules (m1 met under v1 and v3,
not met under v2) or says it cannot, and no cache entry holds bytes other than its revision.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from generator.site.build import build_site
from generator.site.serve import SiteHandler
from tests.attack_tally import tally
from tests.browser.conftest import attached, wait_until
from tests.browser.test_assess import SETTLED
from tests.conftest import copy_kb

pytestmark = pytest.mark.browser

CALLS = 6  # m1 is met under v1's rules (>= 5), not under v2's (>= 7)
EXPECTED_M1 = {"v1": "met", "v2": "not_met", "v3": "met"}
AUDIT_CACHES = """async () => {
  const hex = async (bytes) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
                                          (b) => b.toString(16).padStart(2, "0")).join("");
  const entries = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("site-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const bytes = await (await cache.match(request)).arrayBuffer();
      entries.push({cache: name, url: request.url, revision: new URL(request.url).searchParams.get("__rev"), sha256: await hex(bytes)});
    }
  }
  return entries;
}"""
KEPT = """async ([cache, files]) => {
  if (!(await caches.has(cache))) return false;
  const urls = (await (await caches.open(cache)).keys()).map((request) => request.url.split("?")[0]);
  return files.every((file) => urls.some((url) => url.endsWith(file)));
}"""
NEW_WORKER_WAITING = """async (cache) => {
  const registration = await navigator.serviceWorker.getRegistration();
  return Boolean(registration && !registration.installing && registration.waiting && (await caches.has(cache))
                 && document.querySelector("[data-kb=new-version]"));
}"""
FETCH_TEXT = "async (path) => (await fetch(path)).text()"
RUNTIME = ["assets/kb/rules.json", "assets/kb/engine.zip", "assets/pyodide/pyodide.asm.wasm", "assets/pyodide/python_stdlib.zip"]


@dataclass
class Build:
    folder: Path
    pins: dict[str, str]  # runtime, rules, engine: the revisions the build wrote into its pages
    cache: str  # its service worker's cache

    def file(self, rel: str) -> bytes:
        return (self.folder / rel).read_bytes()


class Host:
    """One served folder (a link the deploys swap in one step) and every path the server was asked for."""

    def __init__(self, base: Path):
        self.base = base
        self.served = base / "served"
        self.requests: list[str] = []
        recording = type("Recording", (SiteHandler,), {"log_request": lambda handler, *a: self.requests.append(handler.path)})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(recording, directory=str(self.served)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deploy(self, build: Build | Path) -> None:
        link = self.base / "served.next"
        link.unlink(missing_ok=True)
        link.symlink_to(build.folder if isinstance(build, Build) else build, target_is_directory=True)
        os.replace(link, self.served)  # atomic: no request sees half a deploy


def _kb(target: Path, edit=None) -> Path:
    """A copy of the knowledge base, edited (each build has its own root, so none shares the repository's build/)."""
    copy_kb(target, "site_assets", "mkdocs.yml")
    if edit:
        edit(target)
    return target


def _stricter_m1(kb: Path) -> None:
    m1 = kb / "rules" / "milestones" / "m1.yaml"
    text = m1.read_text(encoding="utf-8").replace("condition: sales_calls_per_week >= 5", "condition: sales_calls_per_week >= 7")
    m1.write_text(text.replace("title: 5+ sales", "title: 7+ sales").replace("At least 5 sales", "At least 7 sales"), encoding="utf-8")
    shutil.rmtree(kb / "rules" / "tests")  # its rule cases hold m1 at 5 calls


def _other_text(kb: Path) -> None:
    home = kb / "content" / "pages" / "home.md"
    home.write_text(home.read_text(encoding="utf-8") + "\nThis is the third deploy.\n", encoding="utf-8")


def _build(root: Path, folder: Path, url: str) -> Build:
    build_site(root, folder, site_url=url)
    meta = re.search(r'<meta name="kb-bundle" content="([^"]*)">', (folder / "assess" / "index.html").read_text(encoding="utf-8"))
    pins = {key: values[0] for key, values in parse_qs(meta.group(1).replace("&amp;", "&")).items()}
    manifest = json.loads(re.search(r"const MANIFEST = (.*);", (folder / "sw.js").read_text(encoding="utf-8")).group(1))
    return Build(folder, pins, f"site-{manifest['id']}:{urlparse(url).path}:{manifest['version']}")


@pytest.fixture(scope="module")
def deploys(tmp_path_factory):
    """The host, and the three builds made for its address (each build once; a deploy swaps the folder)."""
    base = tmp_path_factory.mktemp("deploys")
    host = Host(base)
    v1 = _build(_kb(base / "kb-v1"), base / "v1", host.url)
    v2 = _build(_kb(base / "kb-v2", _stricter_m1), base / "v2", host.url)
    v3 = _build(_kb(base / "kb-v3", _other_text), base / "v3", host.url)
    assert v3.pins == v1.pins and v2.pins["rules"] != v1.pins["rules"] and v3.cache != v1.cache
    yield host, {"v1": v1, "v2": v2, "v3": v3}
    host.server.shutdown()


def pins_of(page) -> dict[str, str]:
    """The revisions the open page says it scores with (its build's)."""
    content = page.get_attribute('meta[name="kb-bundle"]', "content")
    return {key: values[0] for key, values in parse_qs(content).items()}


def scored(page) -> tuple[str, str]:
    """After the assessment settled on CALLS calls a week: ("ready", m1's status) or ("error", the reason shown)."""
    attached(page, SETTLED, timeout=60_000)
    if page.get_attribute("#kb-assess", "data-kb-state") == "error":
        return "error", page.inner_text("[data-kb=status]")
    page.wait_for_function(f"() => JSON.parse(document.querySelector('#kb-assess').dataset.kbScored || '{{}}').sales_calls_per_week === {CALLS}",
                           timeout=30_000)
    return "ready", page.get_attribute('[data-kb="milestone"][data-id="m1"]', "data-status")


def open_assessment(page, host: Host, reload: bool = False) -> None:
    if reload:
        page.reload()
    else:
        page.goto(host.url + f"assess/#sales_calls_per_week={CALLS}")


def wrong_entries(page) -> list[str]:
    """Cache entries whose bytes are not the revision they are kept under (there must be none)."""
    return [f"{e['cache']}: {e['url']}" for e in page.evaluate(AUDIT_CACHES) if e["sha256"] != e["revision"]]


def switch(page, build: Build) -> None:
    """The reader takes the new version the page offers: its worker installed, the bar shown, "Reload" pressed."""
    wait_until(page, NEW_WORKER_WAITING, arg=build.cache)
    with page.expect_navigation(timeout=60_000):  # the new worker takes over, and the page reloads
        page.click("[data-kb=new-version] button")
    assert pins_of(page) == build.pins


def check_step(page, host: Host, builds, expected: str, outcomes: list[str]) -> None:
    """The open page, reloaded online and then offline, is `expected`'s and scores with its rules."""
    for offline in (False, True):
        page.context.set_offline(offline)
        open_assessment(page, host, reload=True)
        state, m1 = scored(page)
        mixed = pins_of(page) != builds[expected].pins or (state, m1) != ("ready", EXPECTED_M1[expected])
        outcomes.append("leaked" if mixed else "inert")
        assert not mixed, f"{'offline' if offline else 'online'}, a page meant to be {expected}'s shows {state} {m1}"
    page.context.set_offline(False)


def test_a_reader_who_keeps_the_browser_open_scores_each_page_with_its_own_builds_rules(reader, deploys):
    host, builds = deploys
    host.deploy(builds["v1"])
    page = reader.new_page()
    outcomes: list[str] = []
    open_assessment(page, host)
    assert scored(page) == ("ready", "met")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    wait_until(page, KEPT, arg=[builds["v1"].cache, RUNTIME])  # the runtime this reader started, kept for offline
    check_step(page, host, builds, "v1", outcomes)

    host.deploy(builds["v2"])  # the open page and its worker are v1's; the server's rules are v2's now
    check_step(page, host, builds, "v1", outcomes)
    # A v2 page under v1's worker (a page v1 never had) asks for v2's rules: never v1's cached ones.
    newer = page.evaluate(FETCH_TEXT, f"{host.url}assets/kb/rules.json?v={builds['v2'].pins['rules']}")
    outcomes.append("inert" if newer.encode() == builds["v2"].file("assets/kb/rules.json") else "leaked")
    assert outcomes[-1] == "inert", "a request pinned to v2's rules was answered with v1's cached rules"
    switch(page, builds["v2"])
    check_step(page, host, builds, "v2", outcomes)
    assert wrong_entries(page) == []

    host.deploy(builds["v3"])  # v2 reverted: v1's rules again
    check_step(page, host, builds, "v2", outcomes)
    switch(page, builds["v3"])
    check_step(page, host, builds, "v3", outcomes)
    assert wrong_entries(page) == []
    kept = {e["url"].split("?")[0]: e["sha256"] for e in page.evaluate(AUDIT_CACHES) if e["cache"] == builds["v3"].cache}
    assert kept[host.url + "assets/kb/rules.json"] == builds["v3"].pins["rules"] != builds["v2"].pins["rules"]

    row = tally("sw-poisoning", tried=len(outcomes), refused=0, inert=outcomes.count("inert"), leaked=outcomes.count("leaked"))
    assert row.leaked == 0


PLANT = """async ([cache, key, text]) => {
  await (await caches.open(cache)).put(key, new Response(text, {headers: {"Content-Type": "application/json"}}));
}"""


def test_an_old_page_never_scores_with_newer_rules_and_a_poisoned_entry_is_never_adopted(reader, deploys):
    host, builds = deploys
    v1, v2, v3 = builds["v1"], builds["v2"], builds["v3"]
    rules_url = host.url + "assets/kb/rules.json"
    host.deploy(v1)
    page = reader.new_page()
    page.goto(host.url + "articles/")  # a reader who reads, and never opened the assessment under v1
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    wait_until(page, KEPT, arg=[v1.cache, ["/assess/"]])  # v1's pages, asked for once the page was idle
    outcomes: list[str] = []

    host.deploy(v2)
    open_assessment(page, host)  # v1's page, from v1's worker; the server has v2's rules, which v1 never kept
    state, reason = scored(page)
    kept_rules = [e for e in page.evaluate(AUDIT_CACHES) if e["url"].startswith(rules_url)]
    stopped = pins_of(page) == v1.pins and state == "error" and "site has been updated" in reason and not kept_rules
    outcomes.append("refused" if stopped else "leaked")
    assert stopped, (state, reason, kept_rules)
    assert wrong_entries(page) == []

    # What an older worker left behind: v2's rules kept under v1's revision (the revision v3 brings back).
    page.evaluate(PLANT, [v1.cache, f"{rules_url}?__rev={v1.pins['rules']}", v2.file("assets/kb/rules.json").decode()])
    open_assessment(page, host, reload=True)  # v1's worker now answers with those bytes: the page checks them
    state, reason = scored(page)
    outcomes.append("refused" if state == "error" and "site has been updated" in reason else "leaked")
    assert outcomes[-1] == "refused", (state, reason)

    host.deploy(v3)
    page.goto(host.url + "articles/")  # a navigation finds v3's worker, which must not adopt the planted entry
    switch(page, v3)
    open_assessment(page, host)
    state, m1 = scored(page)
    served = page.evaluate(FETCH_TEXT, f"{rules_url}?v={v3.pins['rules']}").encode()
    clean = (pins_of(page) == v3.pins and (state, m1) == ("ready", "met") and served == v3.file("assets/kb/rules.json")
             and wrong_entries(page) == [])
    outcomes.append("refused" if clean else "leaked")
    assert clean, (state, m1, served[:80])
    page.context.set_offline(True)
    open_assessment(page, host, reload=True)
    outcomes.append("refused" if scored(page) == ("ready", "met") else "leaked")
    page.context.set_offline(False)
    assert outcomes[-1] == "refused"

    row = tally("sw-poisoning", tried=len(outcomes), refused=outcomes.count("refused"), inert=0, leaked=outcomes.count("leaked"))
    assert row.leaked == 0


def test_bytes_that_are_not_the_revision_are_served_but_never_kept(reader, deploys, tmp_path):
    """The server holds a rules.json its service worker's manifest does not name: a half-finished deploy."""
    host, builds = deploys
    site = tmp_path / "site"
    shutil.copytree(builds["v1"].folder, site)
    host.deploy(site)
    page = reader.new_page()
    page.goto(host.url + "articles/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    rules = site / "assets" / "kb" / "rules.json"
    changed = rules.read_text(encoding="utf-8").replace('"sales_calls_per_week >= 5"', '"sales_calls_per_week >= 7"')
    assert changed != rules.read_text(encoding="utf-8")
    rules.write_text(changed, encoding="utf-8")

    rules_url = host.url + "assets/kb/rules.json"

    def kept() -> set[str]:
        return {e["url"].split("?")[0] for e in page.evaluate(AUDIT_CACHES)}

    # Let the update check the navigation started finish first: an update() the worker calls while one is
    # running joins it, and then no new request for sw.js would show the worker's own decision.
    page.evaluate("async () => { await (await navigator.serviceWorker.ready).update(); }")
    mark = len(host.requests)
    assert page.evaluate(FETCH_TEXT, rules_url) == changed  # served to the one request that asked for it
    # The worker's decision: keep the bytes, or (they are another build's) look for the build now on the server.
    deadline = time.monotonic() + 30
    while "/sw.js" not in host.requests[mark:] and rules_url not in kept():
        assert time.monotonic() < deadline, "the service worker neither kept the bytes nor looked for a new build"
        page.wait_for_timeout(100)
    outcomes = ["leaked" if rules_url in kept() else "refused"]
    assert outcomes == ["refused"], "bytes that are not the manifest's revision were kept"
    page.evaluate("async (url) => { await (await fetch(url)).arrayBuffer(); }", host.url + "assets/kb/engine.zip")
    wait_until(page, KEPT, arg=[builds["v1"].cache, ["assets/kb/engine.zip"]])  # bytes that match are kept
    assert rules_url not in kept() and wrong_entries(page) == []
    row = tally("sw-poisoning", tried=len(outcomes), refused=outcomes.count("refused"), inert=0, leaked=outcomes.count("leaked"))
    assert row.leaked == 0
