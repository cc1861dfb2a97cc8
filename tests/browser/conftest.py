"""A real headless Chromium (Debian's, or $KB_CHROMIUM) driving the built site over loopback."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from generator.bench import ARGS, chromium  # one Chromium and one set of flags for the tests and `bench assess`
from tests.conftest import BROWSER_SITE, build_once, require_or_skip


@pytest.fixture(scope="session")
def browser_site(pytestconfig, tmp_path_factory) -> Path:
    """Where the browser tests' site is built: under xdist, the folder the controller serves to every worker."""
    shared = getattr(pytestconfig, "workerinput", {}).get(BROWSER_SITE)
    return Path(shared[1]) if shared else tmp_path_factory.mktemp("browser") / "site"


@pytest.fixture(scope="session")
def site_url(pytestconfig, repo_root, browser_site):
    """The repository's site, built for and served on a free loopback port.

    Material's instant navigation only intercepts links listed in the sitemap,
    which holds absolute URLs: the site is built with the server's own URL.
    Under xdist that server is the controller's (tests/conftest.py), and the
    first worker to ask builds the site for every worker; alone, this process
    serves it.
    """
    from generator.site.build import build_site
    from generator.site.serve import make_server

    shared = getattr(pytestconfig, "workerinput", {}).get(BROWSER_SITE)
    if shared:
        url = shared[0]
        build_once(browser_site, lambda site: build_site(repo_root, site, site_url=url))
        yield url
        return
    server = make_server(browser_site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    build_site(repo_root, browser_site, site_url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not chromium().is_file():
        require_or_skip(f"no Chromium at {chromium()}: apt-get update && apt-get install -y chromium, "
                        "or set KB_CHROMIUM to another Chromium's path")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium()), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def reader(browser, tmp_path):
    """A reader's browser: a persistent profile, whose disk cache and Cache Storage outlive each page.

    A persistent profile is a Chromium of its own, so it cannot be a context of the shared ``browser``:
    it is launched here for one test, with the same executable and flags, and closed after it."""
    context = browser.browser_type.launch_persistent_context(tmp_path / "profile", executable_path=str(chromium()), args=ARGS,
                                                             service_workers="allow")
    yield context
    context.close()


def attached(page, selector: str, timeout: float = 30_000) -> None:
    """Wait until an element matches ``selector``, looked for on every animation frame.

    Playwright's own ``wait_for_selector`` looks from its driver, every 500 ms after its first tries: a test that
    waits for the assessment to start would wait a quarter of a second more, on average, than the start takes."""
    page.wait_for_function("selector => document.querySelector(selector) !== null", arg=selector, timeout=timeout, polling="raf")


def blocked(page, *patterns: str):
    """Make requests for ``patterns`` (Chromium's URL patterns: ``*`` is any characters) fail in the browser itself,
    as a network error; return the DevTools session (``setBlockedURLs`` with no URLs lifts the block).

    Playwright's ``route`` would abort them too, but from its driver, and with one route set every request of the
    page waits for the driver to let it go: 60 pages opened that way took 25.5 to 27.3 s of CPU, against 15.0 s."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")  # the list is the Network domain's state: without it, nothing is blocked
    session.send("Network.setBlockedURLs", {"urls": list(patterns)})
    return session


def wait_until(page, predicate: str, timeout_s: float = 60, arg=None) -> None:
    """Poll an async predicate (wait_for_function takes a returned promise for a true value)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate, arg):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {predicate}"
        page.wait_for_timeout(200)


def _recording(page):
    """The page, with every request it makes (``page.requests``) and every uncaught error (``page.errors``)."""
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


# Whether this browser's assessment has kept its engine's memory snapshot (snapshot.js keeps it in Cache Storage).
ENGINE_KEPT = """async () => {
  for (const name of await caches.keys()) if (name.startsWith('kb-snapshot:') && (await (await caches.open(name)).keys()).length) return true;
  return false;
}"""
# What a founder leaves in a browser (answers, saved snapshots, settings); Cache Storage and the service worker,
# the site's and the engine's own, are not the founder's and stay.
FOUNDER_STORAGE = "cookies,indexeddb,local_storage"


@pytest.fixture(scope="session")
def warm_context(browser, site_url):
    """One context per worker in which the assessment has started once, and kept what a repeat visit uses:
    the runtime in the HTTP cache and the service worker's, and the engine's memory snapshot."""
    from tests.browser.test_assess import READY

    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "assess/")
    attached(page, READY, timeout=60_000)
    wait_until(page, ENGINE_KEPT)
    page.close()
    yield context
    context.close()


@pytest.fixture
def page(request, browser, site_url):
    """A fresh browser context (cold cache) that records every request it makes.

    A test marked ``warm`` gets a new page of this worker's ``warm_context`` instead, with the founder's storage
    cleared: the assessment starts as on a repeat visit, in a second instead of three. The mark is for tests of
    what the widget does once it runs. A test of the start itself, of what is downloaded or of the service
    worker starts cold, as does one that routes the page's requests (the service worker would answer them)."""
    if request.node.get_closest_marker("warm"):
        context = request.getfixturevalue("warm_context")
        page = context.new_page()
        context.new_cdp_session(page).send("Storage.clearDataForOrigin", {"origin": site_url.rstrip("/"), "storageTypes": FOUNDER_STORAGE})
        yield _recording(page)
        page.close()
        return
    context = browser.new_context()
    yield _recording(context.new_page())
    context.close()
