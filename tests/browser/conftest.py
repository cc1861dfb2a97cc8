"""A real headless Chromium (Debian's, or $KB_CHROMIUM) driving the built site over loopback."""

from __future__ import annotations

import threading
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


@pytest.fixture
def page(browser, site_url):
    """A fresh browser context (cold cache) that records every request it makes."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
