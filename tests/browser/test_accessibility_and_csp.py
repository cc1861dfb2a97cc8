"""axe-core finds no serious or critical problem, and the assessment works under a strict CSP."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from pathlib import Path

import pytest

from tests.browser.test_assess import READY, answer, next_goal, statuses
from tests.conftest import ROOT, require_or_skip

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    if not AXE.is_file():
        require_or_skip("node_modules/axe-core is missing; run `npm ci`")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))")
    return [f"{v['id']} ({v['impact']}, {v['nodes']} nodes)" for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["", "milestones/m3/", "frameworks/", "glossary/"])
def test_pages_have_no_serious_accessibility_problems(page, site_url, path):
    page.goto(site_url + path)
    assert axe_violations(page) == []


def test_the_assessment_has_no_serious_accessibility_problems(page, site_url):
    page.goto(site_url + "assess/")
    page.wait_for_selector(READY, state="attached", timeout=60_000)
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 2, "hell_yes_customers": 3, "products_count": 2, "product_market_fit": False})
    assert axe_violations(page) == []


def test_keyboard_only_answers_reach_the_results(page, site_url):
    page.goto(site_url + "assess/")
    page.wait_for_selector(READY, state="attached", timeout=60_000)
    page.focus("input[name=sales_calls_per_week]")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("2000")  # the next field, annual revenue
    page.wait_for_function("document.querySelector('[data-kb=next-goal]').dataset.value === 'm2'")
    assert page.get_attribute("[data-kb=announcer]", "aria-live") == "polite"
    assert page.inner_text("[data-kb=announcer]") == "Next goal: m2, 1 paying customer."


def inline_script_hashes(html: str) -> list[str]:
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]


@pytest.fixture
def csp_url(site_url, browser_site: Path):
    """The same built site, served with a strict Content-Security-Policy header."""
    from generator.site.serve import make_server

    site = browser_site
    hashes = " ".join(sorted(set(inline_script_hashes((site / "assess" / "index.html").read_text()))))
    policy = (
        f"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; worker-src 'self'; "
        "connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'none'"
    )
    server = make_server(site, headers={"Content-Security-Policy": policy})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_full_assessment_works_under_a_strict_content_security_policy(page, csp_url):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(csp_url + "assess/")
    page.wait_for_selector(READY, state="attached", timeout=60_000)
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 5, "hell_yes_customers": 1})
    assert next_goal(page) == "m4"
    assert statuses(page)["m3"] == "met"
    assert violations == []
