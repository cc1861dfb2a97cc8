"""The assessment page's search stand-in hears that the engine is ready even when it starts late.

The engine announces "settled" once; a stand-in started after that (the theme's scripts run late on
a busy or slow page) asks, and the page repeats the answer (defer-search.js). Without that, search
waited for the stand-in's 15 s time limit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.test_assess import READY, REAL_SEARCH_WORKER, requested

pytestmark = pytest.mark.browser


def test_a_stand_in_started_after_the_engine_still_starts_search(page, site_url):
    held = []
    page.route("**/assets/kb/search-standin.js*", lambda route: held.append(route))
    loads: list[str] = []
    page.on("request", lambda request: loads.append(urlsplit(request.url).path))
    page.goto(site_url + "assess/")
    page.wait_for_selector(READY, state="attached", timeout=60_000)
    assert held, "the theme's search worker is the stand-in, held back until the engine was ready"
    for route in held:
        route.continue_()
    assert requested(page, loads, REAL_SEARCH_WORKER.pattern, 10_000), "search starts well before the 15 s limit"
    page.click(".md-search__input")
    page.keyboard.type("hell yes")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    assert page.locator(".md-search-result__item").count() > 0
