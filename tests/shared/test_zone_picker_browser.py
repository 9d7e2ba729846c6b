"""The zone picker in a real browser: it starts at the device's zone and searches as you
type."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_intake_picker_detects_the_zone_and_searches_as_you_type(live_server, browser_page):
    page = browser_page  # its device zone is Europe/London
    page.goto(live_server.url + "/intake")
    select = page.locator("select[name=timezone]")
    assert select.input_value() == "Europe/London"
    page.fill("input.zone-search", "kolk")
    visible = page.eval_on_selector_all(
        "select[name=timezone] option",
        "opts => opts.filter(o => !o.hidden && o.value).map(o => o.value)",
    )
    assert visible == ["Asia/Kolkata"]
    page.fill("input.zone-search", "utc-05")
    visible = page.eval_on_selector_all(
        "select[name=timezone] option",
        "opts => opts.filter(o => !o.hidden && o.value).map(o => o.text)",
    )
    assert visible and all("UTC-05:00" in text for text in visible)
