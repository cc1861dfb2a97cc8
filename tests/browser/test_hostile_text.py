"""Over 500 script-injection payloads in every text field of every rules kind and every article, opened in Chromium.

`check` would refuse all of them (tests/test_html_safety.py); here it is
switched off, so that what is tested is the build's own layers: the
sanitiser, the escaped titles and tags, the audit and the Content-Security-
Policy. Every page of the built site is opened with a dialog hook, and the
assessment is filled in so that milestones, stages and warnings carrying the
payloads are shown: not one dialog may open.
"""

from __future__ import annotations

import threading

import pytest

from tests.browser.conftest import attached, blocked
from tests.browser.test_assess import READY, answer
from tests.conftest import copy_kb
from tests.hostile_text import hostile_kb
from tests.test_html_safety import switch_off_text_rules

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from generator.site.build import build_site
    from generator.site.serve import make_server

    with pytest.MonkeyPatch.context() as patch:
        switch_off_text_rules(patch)
        kb = copy_kb(tmp_path_factory.mktemp("hostile"), "mkdocs.yml", "site_assets")
        placed = hostile_kb(kb)
        site = kb / "site"
        server = make_server(site)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        build_site(kb, site, site_url=url)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url, site, placed
    server.shutdown()


def test_no_payload_opens_a_dialog_on_any_page(browser, hostile_site):
    url, site, placed = hostile_site
    assert placed >= 500
    context = browser.new_context(service_workers="block")  # each page's own markup is what is opened, not a cached copy
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    assert len(pages) > 100
    search = blocked(page, "*/search/search_index.json")  # search is not what is tested here
    try:
        for rel in pages:
            page.goto(url + ("" if rel == "." else rel + "/"), wait_until="load")
        search.send("Network.setBlockedURLs", {"urls": []})
        page.goto(url + "assess/")
        attached(page, READY, timeout=60_000)
        answer(page, {"sales_calls_per_week": 4, "paying_customers": 30, "hell_yes_customers": 10, "products_count": 3,
                      "product_market_fit": False, "annual_revenue_usd": 2_000_000, "scale_commitment": True,
                      "demand_vs_forecast": 0.2})
        assert page.locator("[data-kb=flag]").count() >= 3, "warnings that carry payloads are on the page"
        page.mouse.move(5, 5)
        page.mouse.move(600, 400)  # pointer events, for payloads that wait for one
        page.wait_for_timeout(300)
    finally:
        context.close()
    assert dialogs == []
