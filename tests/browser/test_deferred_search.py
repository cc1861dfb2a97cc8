"""The assessment page's search stand-in: it hears that the engine is ready even when it starts late, and
it lives beside the theme's search worker, so the worker's language files load.

The engine announces "settled" once; a stand-in started after that (the theme's scripts run late on
a busy or slow page) asks, and the page repeats the answer (defer-search.js). Without that, search
waited for the stand-in's time limit. The theme's worker imports lunr's language files relative
to its own address; from a stand-in in assets/kb/ a Spanish site's search asked for assets/lunr/… (404).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import attached
from tests.browser.test_assess import READY, REAL_SEARCH_WORKER, requested
from tests.browser.test_offline_search_language import SPANISH_SEARCH, spanish_site  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_a_stand_in_started_after_the_engine_still_starts_search(page, site_url):
    held = []
    page.route("**/workers/kb-search-standin.js*", lambda route: held.append(route))
    loads: list[str] = []
    page.on("request", lambda request: loads.append(urlsplit(request.url).path))
    page.goto(site_url + "assess/")
    attached(page, READY, timeout=60_000)
    assert held, "the theme's search worker is the stand-in, held back until the engine was ready"
    for route in held:
        route.continue_()
    assert requested(page, loads, REAL_SEARCH_WORKER.pattern, 10_000), "search starts well before the stand-in's time limit"
    page.click(".md-search__input")
    page.keyboard.type("hell yes")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    assert page.locator(".md-search-result__item").count() > 0


def test_a_spanish_sites_deferred_search_loads_its_language_files(browser, spanish_site):
    url, _ = spanish_site
    context = browser.new_context()
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        loads: list[str] = []
        page.on("request", lambda request: loads.append(urlsplit(request.url).path))
        page.goto(url + "assess/")
        attached(page, READY, timeout=60_000)
        page.click(".md-search__input")
        page.keyboard.type("etapas")  # a word of ours, in Spanish only (the content is English)
        page.wait_for_selector(".md-search-result__item", timeout=30_000)
        assert "etapas" in page.inner_text(".md-search-result")
        for name in SPANISH_SEARCH:
            assert "/" + name in loads, f"the search worker loaded {name}"
        assert failed == []
        assert any(path.endswith("/workers/kb-search-standin.js") for path in loads), "the stand-in sits beside the worker"
    finally:
        context.close()
