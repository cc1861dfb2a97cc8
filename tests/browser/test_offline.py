"""The site offline and instant, in Chromium: the service worker, the engine's snapshot and their fallbacks.

Each test has its own browser context (service workers and Cache Storage are
per context) and its own copy of the built site on its own server, so that a
test may deploy a "new build" or break a cached file without touching the
others.
"""

from __future__ import annotations

import json
import re
import shutil
import threading

import pytest

from generator.site.build import BUNDLE
from generator.site.bundle import write_runtime_manifest
from generator.site.offline import pin_bundle, write_service_worker
from generator.site.serve import make_server
from tests.browser.conftest import attached, wait_until
from tests.browser.test_assess import READY, SETTLED, SHORT_STALL, answer, next_goal, requested

pytestmark = pytest.mark.browser

# Every message a Pyodide worker posts, recorded for the test (injected through DevTools, not the page's CSP).
RECORD_WORKERS = """(() => {
  const Original = window.Worker;
  window.kbWorkerMessages = [];
  window.kbWorkersStarted = 0;
  window.Worker = function (url, options) {
    const worker = new Original(url, options);
    if (!String(url).includes("/assets/kb/worker.js")) return worker; // the theme's search worker is not ours to count
    window.kbWorkersStarted += 1;
    worker.addEventListener("message", (event) => window.kbWorkerMessages.push(event.data));
    return worker;
  };
})();"""

CACHE_NAMES = "async () => await caches.keys()"
RUNTIME_CACHED = """async () => {
  for (const name of await caches.keys()) {
    if (!name.startsWith("site-")) continue;
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => request.url.includes("pyodide.asm.wasm"))) return true;
  }
  return false;
}"""
PAGES_CACHED = """async (wanted) => {
  for (const name of await caches.keys()) {
    if (!name.startsWith("site-")) continue;
    const kept = new Set((await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname));
    if (wanted.every((path) => kept.has(path))) return true;
  }
  return false;
}"""
SNAPSHOT_CACHE = "kb-snapshot:/assets/kb/"  # snapshot.js: one cache per site, named after its assets folder
SNAPSHOT_KEPT = f"""async () => (await caches.has("{SNAPSHOT_CACHE}")) && (await (await caches.open("{SNAPSHOT_CACHE}")).keys()).length === 1"""


@pytest.fixture
def own_site(site_url, browser_site, tmp_path):
    """A copy of the built site on its own loopback server: (url, folder)."""
    site = tmp_path / "site"
    shutil.copytree(browser_site, site)
    server = make_server(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    for page in site.rglob("*.html"):  # the copy was built for the shared server's address
        page.write_text(page.read_text(encoding="utf-8").replace(site_url, url), encoding="utf-8")
    (site / "sitemap.xml").write_text((site / "sitemap.xml").read_text(encoding="utf-8").replace(site_url, url), encoding="utf-8")
    redeploy(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url, site
    server.shutdown()


def redeploy(site):
    """What a new build does after changing files: new runtime key, pages pinned to it, service worker manifest."""
    assets = site / "assets" / "kb"
    runtime = json.loads((assets / "runtime.json").read_text(encoding="utf-8"))
    write_runtime_manifest(assets / "runtime.json", [(assets / rel).resolve() for rel in runtime["files"]])
    pin_bundle(site, BUNDLE)
    write_service_worker(site, "founder-kb", lazy_dirs=("assets/pyodide",), lazy_files=("assets/kb/engine.zip", "assets/kb/rules.json"))


@pytest.fixture
def context(reader):
    """A reader's persistent profile (conftest) that records what its pages' workers say."""
    reader.add_init_script(RECORD_WORKERS)
    return reader


def starts(page) -> list[str]:
    return [m.get("start") for m in page.evaluate("() => window.kbWorkerMessages") if m.get("type") == "ready"]


def first_visit(page, url) -> None:
    """Open the assessment once, then wait until the service worker keeps its runtime and a snapshot is kept."""
    page.goto(url + "assess/")
    attached(page, READY, timeout=60_000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    wait_until(page, RUNTIME_CACHED)
    wait_until(page, SNAPSHOT_KEPT)
    wait_until(page, PAGES_CACHED, arg=["/articles/", "/frameworks/spinning-plates/stage-1/"])  # asked for once the start is over
    assert starts(page) == ["normal"]
    assert page.evaluate("() => window.kbWorkersStarted") == 1


def open_ready(page, url) -> None:
    page.goto(url + "assess/")
    attached(page, SETTLED, timeout=60_000)
    assert page.get_attribute("#kb-assess", "data-kb-state") == "ready", page.inner_text("#kb-assess")


def test_after_one_visit_the_assessment_and_the_pages_work_offline(context, own_site):
    url, site = own_site
    page = context.new_page()
    first_visit(page, url)
    context.set_offline(True)

    open_ready(page, url)
    assert starts(page) == ["snapshot"]  # the kept snapshot, restored with no network
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 3})
    assert next_goal(page) == "m3"
    page.click("[data-kb=save]")
    open_ready(page, url)
    assert page.locator("[data-kb=snapshot]").count() == 1  # saved offline, there after a reload

    for path, heading in (("articles/", "Articles"), ("frameworks/spinning-plates/stage-1/", None)):
        response = page.goto(url + path)
        assert response is not None and response.ok, path
        assert "offline" not in page.title().lower(), path
        if heading:
            assert heading in page.inner_text("h1")
    article = next(p.parent.name for p in sorted((site / "articles").glob("*/index.html")) if p.parent.name[0].isdigit())
    response = page.goto(url + f"articles/{article}/")
    assert response is not None and response.ok and "offline" not in page.title().lower()

    page.goto(url + "a/page/never/saved/")
    assert "You are offline" in page.inner_text("h1")
    assert page.locator(".md-header").count() == 1  # the site's own page, in its theme, not the browser's
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") != "static"  # its styles loaded


def test_a_reader_who_never_opens_the_assessment_downloads_no_runtime(context, own_site):
    url, _ = own_site
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url + "articles/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    wait_until(page, "async () => (await caches.keys()).some((name) => name.startsWith('site-'))")
    assert not page.evaluate(RUNTIME_CACHED)
    assert not [u for u in requested if "/assets/pyodide/" in u or u.endswith(("engine.zip", "rules.json"))]


@pytest.mark.parametrize("boot", ["first", "late"])
def test_a_slow_start_has_the_link_to_itself_until_ready(context, own_site, boot):
    """On a slow link the runtime's download outlasts any fixed limit (26 s on Lighthouse's slow 4G, more on a busy
    machine): the service worker's precache and the search index wait for the engine however long it takes. A 30 s
    limit once had the service worker download the whole runtime a second time before the first copy was in.
    boot.js is async: on a busy machine it may run after offline.js, which once took the page for one without an
    assessment and registered the service worker beside the download (CI, 2026-12-06)."""
    url, _ = own_site
    context.add_init_script(SHORT_STALL % 120_000)  # a held download is not a stall here
    held = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    late = []
    if boot == "late":
        context.route("**/assets/kb/boot.js", lambda route: late.append(route))
    page = context.new_page()
    page.clock.install()  # the page's timers, which run_for below moves on: no test waits 35 s of real time
    loads: list[str] = []
    page.on("request", lambda request: loads.append(request.url))
    page.goto(url + "assess/", wait_until="domcontentloaded")  # offline.js has run
    if boot == "late":
        page.wait_for_function("() => document.readyState !== 'loading'")
        assert late, "boot.js is held until the theme's scripts have run"
        for route in late:
            route.continue_()
        context.unroute("**/assets/kb/boot.js")  # the service worker's precache, later, takes it too
    page.wait_for_load_state("load")
    # The assessment has started its engine: what the reader sees at once, and in real time, before the fake clock
    # jumps (run_for fires 35 s of timers at one go, faster than the module could start it).
    page.wait_for_selector("#kb-assess[data-kb-state=loading]", state="attached")
    # The search stand-in asks on the engine's channel whether it settled: that is no answer (offline.js once took
    # any message on it for one, whenever the stand-in started after it, and precached the runtime beside the worker).
    page.evaluate("() => new BroadcastChannel('kb-engine:/assets/kb/').postMessage('asking')")
    page.clock.run_for(35_000)  # past the 30 s after which registration once went ahead (offline.js's ORPHAN_MS too),
    page.wait_for_timeout(1_000)  # then what the timers started: a registration, an idle callback and its timers
    page.clock.run_for(10_000)
    page.wait_for_timeout(1_000)
    assert held, "the runtime's download is held"
    state = page.evaluate("() => document.querySelector('#kb-assess').innerText.slice(0, 300)")  # should it fail
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0, state
    assert not [u for u in loads if u.endswith(("/sw.js", "/search_index.json"))]
    for route in held:
        route.continue_()
    context.unroute("**/pyodide.asm.wasm")  # the service worker's own copy, later, passes
    attached(page, READY, timeout=60_000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    assert requested(page, loads, r"/search/search_index\.json$", 10_000), "the search index comes once the engine is ready"


def test_a_new_build_offers_a_reload_and_removes_old_caches(context, own_site):
    url, site = own_site
    page = context.new_page()
    first_visit(page, url)
    old = [name for name in page.evaluate(CACHE_NAMES) if name.startswith("site-")]
    assert len(old) == 1

    index = site / "articles" / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("</article>", "<p>Deployed again.</p></article>", 1), encoding="utf-8")
    redeploy(site)
    page.goto(url + "articles/")  # a navigation checks for a new service worker
    page.wait_for_selector("[data-kb=new-version]", timeout=60_000)
    assert "new version" in page.inner_text("[data-kb=new-version]")
    assert "Deployed again." not in page.inner_text("article")  # no mixing: the old build until the reader reloads
    page.click("[data-kb=new-version] button")
    page.wait_for_function("() => document.body.innerText.includes('Deployed again.')", timeout=60_000)
    new = [name for name in page.evaluate(CACHE_NAMES) if name.startswith("site-")]
    assert len(new) == 1 and new != old
    assert page.evaluate(RUNTIME_CACHED)  # the runtime this browser had, kept for the new build


@pytest.mark.parametrize("spoil", ["another-runtime", "broken-snapshot", "new-rules"])
def test_a_snapshot_that_does_not_fit_falls_back_to_a_normal_start(context, own_site, spoil):
    url, site = own_site
    page = context.new_page()
    first_visit(page, url)
    if spoil == "another-runtime":  # a snapshot made from other Pyodide files or rules than these
        page.evaluate("""async () => {
          const cache = await caches.open("kb-snapshot:/assets/kb/");
          const [kept] = await cache.keys();
          await cache.put(kept.url.replace(/\\?key=.*/, "?key=another-runtime"), await cache.match(kept));
          await cache.delete(kept);
        }""")
    elif spoil == "broken-snapshot":  # the right key, bytes no Pyodide can restore
        page.evaluate("""async () => {
          const cache = await caches.open("kb-snapshot:/assets/kb/");
          const [kept] = await cache.keys();
          const junk = new Uint8Array(1 << 20).fill(7);
          const gzipped = await new Response(new Blob([junk]).stream().pipeThrough(new CompressionStream("gzip"))).blob();
          await cache.delete(kept);
          await cache.put(kept, new Response(gzipped));
        }""")
    else:  # a new rules bundle deployed: the runtime key changes
        rules = site / "assets" / "kb" / "rules.json"
        rules.write_text(rules.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        redeploy(site)
        page.goto(url + "articles/")
        page.wait_for_selector("[data-kb=new-version]", timeout=60_000)
        page.click("[data-kb=new-version] button")
        page.wait_for_function("() => !document.querySelector('[data-kb=new-version]')", timeout=60_000)
    open_ready(page, url)
    assert starts(page) == ["normal"]
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 3})
    assert next_goal(page) == "m3"
    wait_until(page, SNAPSHOT_KEPT)  # replaced by a fitting one
    open_ready(page, url)
    assert starts(page) == ["snapshot"]


def test_the_start_reports_progress_in_bytes(context, own_site):
    url, site = own_site
    page = context.new_page()
    page.goto(url + "assess/")
    attached(page, READY, timeout=60_000)
    messages = page.evaluate("() => window.kbWorkerMessages")
    progress = [m for m in messages if m["type"] == "progress"]
    total = sum(json.loads((site / "assets" / "kb" / "runtime.json").read_text())["files"].values())
    assert progress and all(m["total"] == total and 0 <= m["loaded"] <= total and m["text"] for m in progress)
    assert [m["loaded"] for m in progress] == sorted(m["loaded"] for m in progress)
    assert progress[-1]["loaded"] == total
    assert [m["type"] for m in messages].index("ready") > messages.index(progress[-1])


def test_hovering_the_start_button_warms_the_runtime(context, own_site):
    url, _ = own_site
    page = context.new_page()
    page.goto(url)
    button = page.locator("a.md-button[href$='assess/']")
    page.wait_for_function("() => document.querySelector('a.md-button[data-kb-warm]') !== null")
    warmed = "() => Boolean((window[Symbol.for('kb.engine')] || {}).worker)"  # the hand-over offline.js and boot.js share
    assert page.evaluate("() => window.kbWorkerMessages.length") == 0 and not page.evaluate(warmed)
    button.hover()
    page.wait_for_function(warmed)
    button.click()  # instant navigation: the warmed worker is adopted, not a second one started
    attached(page, READY, timeout=60_000)
    assert len(starts(page)) == 1
    assert re.search(r"/assess/$", page.url)
