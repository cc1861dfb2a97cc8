"""Offline search in the site's language: a Spanish site's search loads lunr's Spanish files, which the
service worker keeps, so a reader with no network still finds pages."""

from __future__ import annotations

import threading

import pytest

from generator.site.build import build_site
from generator.site.serve import make_server
from tests.browser.conftest import wait_until
from tests.conftest import copy_kb

pytestmark = pytest.mark.browser

SPANISH_SEARCH = ("assets/javascripts/lunr/min/lunr.stemmer.support.min.js", "assets/javascripts/lunr/min/lunr.es.min.js")
CACHED = """async (names) => {
  for (const key of await caches.keys()) {
    if (!key.startsWith("site-")) continue;
    const urls = (await (await caches.open(key)).keys()).map((request) => request.url);
    if (names.every((name) => urls.some((url) => url.includes(name)))) return true;
  }
  return false;
}"""


@pytest.fixture(scope="module")
def spanish_site(tmp_path_factory):
    """This repository's knowledge base with theme.language: es, built and served on loopback: (url, folder)."""
    kb = copy_kb(tmp_path_factory.mktemp("es") / "kb", "site_assets", "mkdocs.yml")
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  language: en\n" in config
    (kb / "mkdocs.yml").write_text(config.replace("  language: en\n", "  language: es\n"), encoding="utf-8")
    site = kb / "site"
    build_site(kb, site)
    server = make_server(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()


def test_the_service_worker_keeps_the_search_files_of_the_sites_language(spanish_site):
    _, site = spanish_site
    worker = (site / "sw.js").read_text(encoding="utf-8")
    for name in SPANISH_SEARCH:
        assert f'"{name}"' in worker
    assert "lunr.de.min.js" not in worker and "lunr.multi.min.js" not in worker  # only what this site's search loads


def test_search_works_offline_in_spanish(reader, spanish_site):
    url, _ = spanish_site
    page = reader.new_page()
    page.goto(url)
    assert page.get_attribute("html", "lang") == "es"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    wait_until(page, CACHED, arg=[*SPANISH_SEARCH, "/milestones/?__rev="])  # the pages, asked for once the page was idle
    reader.set_offline(True)

    page.goto(url + "milestones/")
    assert "Se cumple cuando" in page.inner_text("article")
    page.click(".md-search__input")
    page.keyboard.type("etapas")  # a word of ours, in Spanish only (the content is English)
    # the theme's search worker imports lunr's Spanish files before it builds its index: slow on a loaded machine
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    assert "etapas" in page.inner_text(".md-search-result")
