"""The assessment scores on a site built by either engine (tests/test_site_engines.py builds and audits both)."""

from __future__ import annotations

import threading

import pytest

from tests.browser.test_assess import answer, next_goal, open_assess, statuses
from tests.conftest import ROOT
from tests.test_site_engines import ENGINES, require_zensical

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=ENGINES)
def engine_url(request, tmp_path_factory):
    """This repository's site built by one engine, for and served on a free loopback port (built once per run)."""
    from generator.site.build import build_site
    from generator.site.engines import chosen_engine
    from generator.site.serve import make_server

    if request.param == chosen_engine(None):  # the shared site (conftest's site_url) is this engine's already
        yield request.getfixturevalue("site_url")
        return
    if request.param == "zensical":
        require_zensical()
    site = tmp_path_factory.mktemp(request.param) / "site"
    server = make_server(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    build_site(ROOT, site, site_url=url, engine=request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


def test_the_assessment_scores_on_either_engines_site(browser, engine_url: str):
    context = browser.new_context()
    page = context.new_page()
    refused, errors = [], []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_assess(page, engine_url)
        answer(page, {"sales_calls_per_week": 6, "paying_customers": 2})
        found = statuses(page)
        assert (found["m1"], found["m2"], found["m3"]) == ("met", "met", "not_met"), found
        assert next_goal(page) == "m3"
    finally:
        context.close()
    assert refused == [] and errors == []
