"""Answer next in Chromium: the questions that can still change the result, first, and one at a time.

From an empty form the quick path asks the next goal's own questions in the
ladder's order; each answer (Enter in a number, a click on yes or no) moves
focus to the next question the new result still lists, until the next goal
is decided and the stage settled. The full form stays: one input per answer.
"""

from __future__ import annotations

import pytest

from tests.browser.test_assess import open_assess

pytestmark = [pytest.mark.browser, pytest.mark.warm]  # tests of the widget once it runs

ASK = "[data-kb=ask-next]"


def ids(page) -> list[str]:
    return (page.get_attribute(ASK, "data-ids") or "").split()


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name || ''")


def wait_focus(page, name: str) -> None:
    page.wait_for_function("name => document.activeElement && document.activeElement.name === name", arg=name, timeout=10_000)


def wait_moved(page, away_from: str) -> None:
    """Until focus is on another question's input (not on the button just clicked)."""
    page.wait_for_function("name => { const a = document.activeElement; return Boolean(a && a.name && a.name !== name); }",
                           arg=away_from, timeout=10_000)


def test_the_quick_path_reaches_a_decided_next_goal(page, site_url):
    open_assess(page, site_url)
    assert ids(page)[0] == "sales_calls_per_week"
    start = page.locator(f"{ASK} button[data-action=start]")
    assert "How many sales calls do you hold in a week?" in start.inner_text()
    start.click()
    wait_focus(page, "sales_calls_per_week")
    assert page.get_attribute(ASK, "data-active") == "true"
    for name, value, following in (("sales_calls_per_week", "8", "paying_customers"), ("paying_customers", "6", "hell_yes_customers"),
                                   ("hell_yes_customers", "2", None)):
        assert page.get_attribute(f".kb-q[data-question={name}]", "aria-current") == "step"
        page.keyboard.type(value)
        page.keyboard.press("Enter")
        if following:
            wait_focus(page, following)
    wait_moved(page, "hell_yes_customers")
    # Decided: m4 is the goal and not met, every milestone below it met, the ladder's stage settled.
    assert page.get_attribute("[data-kb=next-goal]", "data-value") == "m4"
    statuses = page.eval_on_selector_all("[data-kb=milestone]", "els => Object.fromEntries(els.map(e => [e.dataset.id, e.dataset.status]))")
    assert [statuses[m] for m in ("m1", "m2", "m3", "m4")] == ["met", "met", "met", "not_met"]
    assert page.get_attribute("[data-kb=stage][data-framework=milestone-ladder]", "data-value") == "finding-hell-yes"
    assert "settled" in page.inner_text(ASK)
    # What is left can only change a warning; the quick path is on it, and a yes or no moves on at once.
    asked = focused(page)
    assert asked and asked in ids(page) and not {"sales_calls_per_week", "paying_customers", "hell_yes_customers"} & set(ids(page))
    assert page.locator(f"input[name={asked}]").count() in (1, 3)  # the form's own field: a number, or yes/no/not sure
    page.locator(f".kb-q[data-question={asked}] button[data-action=stop]").click()
    assert page.get_attribute(ASK, "data-active") == "false"
    assert page.locator(".kb-q--asked").count() == 0
    assert page.errors == []


def test_a_yes_or_no_moves_on_and_next_question_skips(page, site_url):
    open_assess(page, site_url, "#sales_calls_per_week=1")
    assert "sales_calls_per_week" not in ids(page)
    page.locator(f"{ASK} button[data-action=start]").click()
    first = ids(page)[0]
    wait_focus(page, first)
    page.locator(f".kb-q[data-question={first}] button[data-action=next]").click()  # left unanswered: skipped
    wait_moved(page, first)
    skipped_to = focused(page)
    assert first in ids(page)  # still open, but the quick path has moved on
    boolean = next(q for q in ids(page) if page.locator(f"input[name={q}][value=true]").count() and q != first)
    while focused(page) != boolean:  # on to a yes/no question
        current = focused(page)
        page.locator(f".kb-q[data-question={current}] button[data-action=next]").click()
        wait_moved(page, current)
    assert skipped_to
    page.check(f"input[name={boolean}][value=false]")
    wait_moved(page, boolean)
    assert boolean not in ids(page) and page.is_checked(f"input[name={boolean}][value=false]")
    assert page.errors == []


def test_nothing_to_ask_once_the_result_is_decided(page, site_url):
    fragment = "&".join(f"{q}={v}" for q, v in {
        "sales_calls_per_week": 1, "paying_customers": 0, "hell_yes_customers": 0, "sqls": 0, "products_count": 1, "annual_revenue_usd": 0,
        "scale_commitment": "false",
        "scalable_pipeline_source": "false", "product_market_fit": "false", "has_working_demo": "false", "metrics_held_with_reps": "false"}.items())
    open_assess(page, site_url, "#" + fragment)
    page.wait_for_function("() => document.querySelector('[data-kb=ask-next]').dataset.ids === ''", timeout=10_000)
    assert page.locator(f"{ASK} button").count() == 0
    assert "Nothing left to answer" in page.inner_text(ASK)
