"""The home page's two buttons never touch, on a phone or a laptop."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_the_home_buttons_do_not_touch(page, site_url, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(site_url)
    boxes = [b.bounding_box() for b in page.locator(".kb-buttons .md-button").all()]
    assert len(boxes) == 2
    first, second = boxes
    apart = max(second["x"] - (first["x"] + first["width"]), second["y"] - (first["y"] + first["height"]))  # beside or below
    assert apart >= 8, f"{apart:.0f}px between the buttons"
