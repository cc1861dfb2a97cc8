"""Hostile files through the widget's Load answers, and a hostile link: refused with a message, and the widget stays usable.

A 20,000-deep array used to overflow JSON.parse's stack, a 3,000-deep object
killed Pyodide, and 50,000 keys froze the page for 15 s: each left the
widget dead until a reload.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import attached
from tests.browser.test_assess import READY, answer, next_goal, open_assess

pytestmark = [pytest.mark.browser, pytest.mark.warm]  # tests of the widget once it runs

MESSAGE = "[data-kb=keep-message]"
HOSTILE = [
    ("deep-array.json", "[" * 20_000 + "]" * 20_000, "it nests more than 5 levels deep"),
    ("deep-object.json", '{"a":' * 3_000 + "1" + "}" * 3_000, "it nests more than 5 levels deep"),
    ("many-keys.json", json.dumps({f"k{i}": 1 for i in range(50_000)}), "it is larger than 64 KB"),
    ("some-keys.json", json.dumps({f"k{i}": 1 for i in range(300)}), "it holds more than 200 keys"),
    ("list.json", "[1, 2]", "it does not map answer ids to values"),
]


def test_hostile_imports_are_refused_and_the_widget_stays_usable(page, site_url, tmp_path):
    open_assess(page, site_url)
    answer(page, {"sales_calls_per_week": 6})
    for name, text, reason in HOSTILE:
        path = tmp_path / name
        path.write_text(text)
        page.set_input_files("[data-kb=import]", str(path))
        page.wait_for_function("name => document.querySelector('[data-kb=keep-message]').textContent.startsWith(name)", arg=name)
        assert page.inner_text(MESSAGE) == (f"{name} was not loaded: {reason}. "
                                            "Load answers reads the file that Download answers saves.")
        assert page.get_attribute("#kb-assess", "data-kb-state") == "ready"
        assert page.input_value("input[name=sales_calls_per_week]") == "6"  # the form is as it was
    answer(page, {"paying_customers": 1})
    assert next_goal(page) == "m3"
    assert page.errors == []


def test_a_huge_link_is_refused_before_it_is_parsed(page, site_url):
    """A shared link can carry anything: 300 KB of answers are named as a problem, not parsed or sent to Python."""
    page.goto(site_url + "assess/#sales_calls_per_week=6&notes=" + "x" * 300_000)
    attached(page, READY, timeout=60_000)
    page.wait_for_selector("[data-kb=problems]:not([hidden])")
    assert ("this link's answers are too long to read (293 KB; at most 16 KB), so the form starts empty"
            in page.inner_text("[data-kb=problems]"))
    assert page.input_value("input[name=sales_calls_per_week]") == ""
    # A new visit, not a jump within the page: from assess/#… to assess/#… the theme's instant navigation
    # may mount the form again a moment later, while the test is already typing into the old one.
    page.goto("about:blank")
    page.goto(site_url + "assess/#sales_calls_per_week=6")
    attached(page, READY, timeout=60_000)
    answer(page, {"paying_customers": 1})
    assert next_goal(page) == "m3"
    assert page.errors == []
