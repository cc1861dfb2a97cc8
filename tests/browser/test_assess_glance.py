"""The stage at a glance and the first minute on a phone: the summary leads with the main
framework's stage once the answers decide it, and never before; the phone bar shows it and the next
goal without cutting them; labelled pips with a legend; an invalid answer never hides the answers it
conflicts with; the expanded summary leaves the form in view at 390 px and at 200% zoom; the print
carries the headline and the answers to double-check; every other framework's note is true for its
reader; and at phone width the keyboard meets no hidden stop on its way to the first question."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_assess import answer, open_assess

pytestmark = [pytest.mark.browser, pytest.mark.warm]  # tests of the widget once it runs

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
ZOOM_200 = {"width": 640, "height": 400}  # a 1280x800 laptop at 200% zoom, in CSS pixels
SIZES = pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["390", "1280"])
NARROW = pytest.mark.parametrize("size", [PHONE, ZOOM_200], ids=["390", "200%"])

# Decides the milestone ladder's stage (m1-m3 met, m4 not met: "Finding the hell-yes customer") and
# wins more deals than paying customers, which the answers to double-check point out.
DECIDED = {"sales_calls_per_week": 6, "paying_customers": 8, "hell_yes_customers": 2, "annual_revenue_usd": 1200000,
           "products_count": 3, "product_market_fit": False, "sqls": 40, "sqls_won": 10}
HEADLINE = "Stage 2 of 4: Finding the hell-yes customer (our grouping)"

RECT = "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; }"


def rect(page, selector: str) -> dict:
    return page.eval_on_selector(selector, RECT)


def overlaps(a: dict, b: dict) -> bool:
    return a["top"] < b["bottom"] and a["bottom"] > b["top"] and a["left"] < b["right"] and a["right"] > b["left"]


def uncut(page, selector: str) -> bool:
    """Shown in full: nothing overflows its box or ends in an ellipsis."""
    return page.eval_on_selector(selector, "e => e.scrollWidth <= e.clientWidth + 1 && getComputedStyle(e).textOverflow !== 'ellipsis'")


@SIZES
def test_the_headline_names_the_main_stage_once_decided_and_never_before(page, site_url, size):
    page.set_viewport_size(size)
    open_assess(page, site_url)
    summary = page.inner_text("[data-kb=summary]")
    assert page.locator("[data-kb=headline]").count() == 0 and "Stage" not in summary, summary
    assert page.locator("[data-kb=this-week]").count() == 0, "no stage, so no stage's actions"
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 8})  # m3 waits for the hell-yes answer
    assert page.locator("[data-kb=headline]").count() == 0, "a later stage is still open"
    answer(page, {"hell_yes_customers": 2})
    headline = page.locator("[data-kb=summary] [data-kb=headline]")
    assert headline.inner_text() == HEADLINE
    assert page.eval_on_selector("[data-kb=summary] .kb-summary__bar", "e => e.firstElementChild.dataset.kb") == "headline", "it leads"
    assert len(re.findall(r"\d+", headline.inner_text())) == 2, "one framework's numbering only"
    assert headline.is_visible() and uncut(page, "[data-kb=headline]")
    also = page.locator("[data-kb=summary] [data-kb=also-called]")
    assert also.count() == 1
    assert "CxO-Atlas" in also.text_content() and "Spinning Plates" in also.text_content()
    assert not re.search(r"\bStage \d", also.text_content()), "the other frameworks' numbering stays out of it"
    assert page.locator("[data-kb=this-week] li").count() >= 2


def test_also_called_and_the_period_never_contradict_the_readers_own_answers(page, site_url):
    """m1 slipped: the ladder keeps the reader at its first stage, whose period is "Before the first paying
    customer", while ten paying customers settle the CxO-Atlas at "Has some customers". Neither line may say
    otherwise; a framework the answers leave open is still named."""
    open_assess(page, site_url)
    answer(page, {"sales_calls_per_week": 2, "paying_customers": 10, "hell_yes_customers": 10})
    assert page.get_attribute("[data-kb=summary] [data-kb=headline]", "data-value") == "first-customer"
    assert page.get_attribute("[data-kb=stage][data-framework=cxo-atlas]", "data-value") == "has-some-customers"
    also = page.text_content("[data-kb=summary] [data-kb=also-called]")
    assert "CxO-Atlas" not in also and "Before a demo" not in also, also
    assert "Spinning Plates" in also and "Four Steps" in also, "their stages are still open: the line names the period"
    period = page.text_content(".kb-stage__period")
    assert "Before the first paying customer" not in period and "a later period than this stage" in period, period
    answer(page, {"sales_calls_per_week": 6})  # m1 met again: the reader is past the first period, and the lines agree
    assert "CxO-Atlas" in page.text_content("[data-kb=summary] [data-kb=also-called]")
    assert "The period: Proving that the case study repeats." in page.text_content(".kb-stage__period")


@NARROW
def test_the_phone_bar_shows_stage_and_next_goal_whole_and_labelled_pips(page, site_url, size):
    page.set_viewport_size(size)
    open_assess(page, site_url)
    answer(page, DECIDED)
    page.locator("input[name=sqls_won]").scroll_into_view_if_needed()
    assert page.get_attribute(".kb-summary__toggle", "aria-expanded") == "false"
    bar = rect(page, "[data-kb=summary]")
    print(f"\n[browser] collapsed summary at {size['width']}x{size['height']}: {bar['height']:.0f}px")
    assert bar["height"] <= size["height"] * 0.4, "the bar leaves most of the screen to the questions"
    for part in ("[data-kb=headline]", "[data-kb=next-goal] .kb-next__goal"):
        assert page.is_visible(f"[data-kb=summary] {part}") and uncut(page, f"[data-kb=summary] {part}"), part
    assert "m4: 5 hell-yes customers" in page.inner_text("[data-kb=summary] [data-kb=next-goal]")
    pips = page.eval_on_selector_all(
        "[data-kb=summary] [data-pip]",
        """els => els.map(e => { const shown = e.querySelector('[aria-hidden=true]');
                   return [e.dataset.pip, shown.innerText.trim(), parseFloat(getComputedStyle(shown).fontSize),
                           e.querySelector('.kb-visually-hidden').textContent]; })""")
    assert [p[0] for p in pips] == [f"m{i}" for i in range(1, 9)]
    for pip, shown, font, spoken in pips:
        assert shown == pip and font >= 9, f"{pip} is labelled on screen"
        assert spoken.startswith(pip) and ": " in spoken, f"{pip} has a name with its status and title: {spoken!r}"
    assert "m4 not met: 5 hell-yes customers" in [p[3] for p in pips]
    if size == PHONE:
        legend = page.locator("[data-kb=summary] [data-kb=pip-legend]")
        assert legend.is_visible() and legend.inner_text().split() == ["met", "not", "met", "unknown", "optional"]


@NARROW
def test_an_invalid_answer_leaves_the_answers_in_conflict_in_view(page, site_url, size):
    page.set_viewport_size(size)
    open_assess(page, site_url)
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 6, "hell_yes_customers": 8})
    fields = ["input[name=paying_customers]", "input[name=hell_yes_customers]"]
    for field in fields:
        assert page.get_attribute(field, "aria-invalid") == "true", f"{field}: either answer may be the typo"
        assert "can't exceed paying customers" in page.inner_text(f".kb-q:has({field}) .kb-q__error")

    def clear():
        summary = rect(page, "[data-kb=summary]")
        return [f for f in fields if overlaps(rect(page, f), summary)]

    assert clear() == [], "typing the answer that breaks the rule leaves both answers in view"
    page.locator("[data-kb=summary] [data-kb=invalid] button:visible").first.click()
    assert page.evaluate("() => document.activeElement.name") == "hell_yes_customers"
    assert clear() == [], "the link to the answer leaves both answers in view"
    assert rect(page, "[data-kb=summary]")["height"] <= size["height"] * 0.4


@NARROW
def test_the_expanded_summary_leaves_the_form_in_view(page, site_url, size):
    page.set_viewport_size(size)
    open_assess(page, site_url)
    answer(page, DECIDED)
    page.locator("input[name=hell_yes_customers]").scroll_into_view_if_needed()
    page.click(".kb-summary__toggle")
    assert page.get_attribute(".kb-summary__toggle", "aria-expanded") == "true"
    summary = rect(page, "[data-kb=summary]")
    assert summary["bottom"] <= size["height"] * 0.75, summary
    toggle = rect(page, ".kb-summary__toggle")
    assert 0 <= toggle["top"] and toggle["bottom"] <= summary["bottom"] + 1, "Hide details is in sight"
    below = page.evaluate("y => { const e = document.elementFromPoint(innerWidth / 2, y); return e && e.closest('.kb-form, .kb-results') !== null; }",
                          (summary["bottom"] + size["height"]) / 2)
    assert below, "the form shows below the expanded summary"
    page.keyboard.press("Escape")
    assert page.get_attribute(".kb-summary__toggle", "aria-expanded") == "false"


@SIZES
def test_the_summary_jumps_to_the_answers_to_double_check(page, site_url, size):
    """The list sits below the form (on a phone, far down the page): the summary says how many answers to
    double-check, as a button (never a #link: the fragment holds the answers) that brings the list into view,
    unfolded, below the summary, and leaves the answers where they were."""
    page.set_viewport_size(size)
    open_assess(page, site_url)
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 8})
    assert page.locator("[data-kb=summary] [data-kb=double-check-jump]").count() == 0, "nothing to double-check yet"
    answer(page, {"sqls": 40, "sqls_won": 10})
    count = page.locator("[data-kb=warning]").count()
    assert count >= 1
    words = "1 answer to double-check" if count == 1 else f"{count} answers to double-check"
    page.locator("input[name=sales_calls_per_week]").scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('[data-part=double-check]').open = false")  # folded by the reader
    if size == PHONE:
        page.click(".kb-summary__toggle")
    jump = page.locator("[data-kb=summary] [data-kb=double-check-jump] button[data-target]")
    assert jump.inner_text() == words and jump.is_visible()
    url = page.url
    jump.click()
    assert page.get_attribute("[data-part=double-check]", "open") is not None
    assert page.evaluate("() => document.activeElement.dataset.part") == "double-check"
    assert page.url == url, "the answers in the fragment stay as they were"
    warning = page.locator("[data-kb=warning]").first
    assert warning.is_visible()
    box, summary = rect(page, "[data-kb=warning]"), rect(page, "[data-kb=summary]")
    assert 0 <= box["top"] and box["bottom"] <= size["height"], f"the list is in view: {box}"
    assert not overlaps(box, summary), "and not under the summary"


def test_the_print_carries_the_headline_and_the_answers_to_double_check(page, site_url):
    open_assess(page, site_url)
    answer(page, DECIDED)
    page.emulate_media(media="print")
    assert page.is_visible("[data-kb=summary] [data-kb=headline]")
    assert page.inner_text("[data-kb=summary] [data-kb=headline]") == HEADLINE
    assert page.is_visible("[data-kb=warning][data-id=wins-exceed-customers]")
    assert "More deals won than paying customers" in page.inner_text("[data-part=double-check]")
    assert not page.is_visible("[data-kb=summary] .kb-summary__fix")
    assert not page.is_visible("[data-kb=summary] [data-kb=double-check-jump]"), "a button has no use on paper"
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "still one A4 page"


def test_a_framework_whose_stages_end_earlier_is_not_said_to_place_the_reader_elsewhere(page, site_url):
    """Review C5: the CxO-Atlas's last stage is 'has some customers'; the crosswalk's last row names
    no CxO stage. A reader past m1-m6 is told the atlas has no stage for that period, not that its
    questions place them in another one."""
    open_assess(page, site_url)
    answer(page, {"sales_calls_per_week": 6, "paying_customers": 25, "hell_yes_customers": 24, "sqls": 40, "sqls_won": 20,
                  "understands_customer_problems": False, "product_market_fit": True})
    page.eval_on_selector_all("details", "ds => ds.forEach(d => { d.open = true; })")
    stages = page.eval_on_selector_all("[data-kb=stage]",
                                       "els => Object.fromEntries(els.map(e => [e.dataset.framework, [e.dataset.value, e.textContent]]))")
    assert stages["milestone-ladder"][0] == "scaling"
    value, text = stages["cxo-atlas"]
    assert value == "has-some-customers"
    assert "period" not in text.split("It names no stage")[0], text
    assert "It names no stage for this period: Has some customers is its last." in text
    # Four Steps' own answer (a no) settles customer discovery: a real, earlier period. Spinning Plates'
    # stage 2 is still open, so its questions place the reader nowhere yet, and it says nothing of it.
    assert stages["four-steps"][0] == "customer-discovery"
    assert "Its own questions place you in an earlier period (Before the first paying customer)." in stages["four-steps"][1]
    assert "period" not in stages["spinning-plates"][1]


def tab_stops(page, until: str, limit: int = 40) -> list[dict]:
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
            return {name: e.name || '', id: e.id, text: (e.textContent || '').trim().slice(0, 40),
                    left: r.left, right: r.right, width: r.width, height: r.height}; }"""))
        if page.evaluate(f"() => document.activeElement.matches({until!r})"):
            return stops
    raise AssertionError(f"never reached {until}: {stops}")


@NARROW
def test_at_phone_width_the_first_question_is_five_visible_tab_stops_away(page, site_url, size):
    page.set_viewport_size(size)
    open_assess(page, site_url)
    stops = tab_stops(page, "input[name=sales_calls_per_week]")
    hidden = [s for s in stops if s["right"] <= 0 or s["left"] >= size["width"] or s["width"] == 0 or s["height"] == 0]
    assert hidden == [], f"no stop off-screen (the closed drawer) or invisible: {hidden}"
    assert len(stops) <= 5, [s["text"] or s["name"] for s in stops]
    menu = 'label.md-header__button[for="__drawer"]'
    page.focus(menu)
    page.keyboard.press("Enter")
    assert page.is_checked("#__drawer"), "the menu button opens the drawer from the keyboard"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.md-sidebar--primary') !== null"), "and its links are reachable then"
    page.keyboard.press("Escape")
    assert not page.is_checked("#__drawer") and page.evaluate(f"() => document.activeElement.matches({menu!r})")


def test_focus_on_import_is_visible(page, site_url):
    page.set_viewport_size(PHONE)
    open_assess(page, site_url)
    answer(page, {"sales_calls_per_week": 6})
    page.focus("[data-kb=export]")
    for _ in range(10):
        if page.evaluate("() => document.activeElement.id") == "kb-import-file":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "kb-import-file"
    ring = page.eval_on_selector('label[for="kb-import-file"]', "e => getComputedStyle(e).outlineStyle")
    assert ring != "none", "the label the file input hides behind shows the focus"
