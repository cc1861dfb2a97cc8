"""The left nav shows where you are on pages it does not list (generator/site/nav_place.py):
a stage, a milestone or an article marks its section's entry, on a direct visit and after
instant navigation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ACTIVE = ".md-sidebar--primary .md-nav--primary > .md-nav__list > .md-nav__item--active > a.md-nav__link"


def current_section(page) -> list[str]:
    return [t.strip() for t in page.locator(ACTIVE).all_inner_texts()]


@pytest.mark.parametrize("path, section", [
    ("frameworks/cxo-atlas/has-some-customers/", "Stages"),
    ("milestones/m3/", "Milestones"),
    ("articles/92.010101/", "Articles"),
    ("flags/premature-scaling/", "Warnings"),
])
def test_the_nav_marks_the_section_of_an_unlisted_page(page, site_url, path, section):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + path)
    assert current_section(page) == [section]
    link = page.locator(ACTIVE).first
    assert link.is_visible()
    style = link.evaluate("a => [getComputedStyle(a).fontWeight, getComputedStyle(a).color]")
    plain = page.locator(".md-sidebar--primary .md-nav__item:not(.md-nav__item--active) > a.md-nav__link").first
    assert style != plain.evaluate("a => [getComputedStyle(a).fontWeight, getComputedStyle(a).color]"), "it looks current"


def test_a_listed_page_and_the_home_page_mark_only_themselves(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + "milestones/")
    assert current_section(page) == ["Milestones"]
    page.goto(site_url)
    assert current_section(page) == ["Home"]


def test_instant_navigation_moves_the_mark(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + "milestones/m3/")
    assert current_section(page) == ["Milestones"]
    page.locator(".md-content a[href*='articles/9']").first.click()
    page.wait_for_url("**/articles/**")
    page.wait_for_function("() => document.querySelector('.md-nav__item--active > a.md-nav__link')?.textContent.trim() === 'Articles'")
    assert current_section(page) == ["Articles"]
