"""The zone picker in a real browser: it starts at the device's zone and searches as you
type."""

from __future__ import annotations

import re

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
    groups = page.eval_on_selector_all(
        "select[name=timezone] optgroup", "gs => gs.filter(g => !g.hidden).map(g => g.label)"
    )
    assert groups == ["All time zones"]  # the US heading goes with its zones
    page.fill("input.zone-search", "central")
    visible = page.eval_on_selector_all(
        "select[name=timezone] option",
        "opts => opts.filter(o => !o.hidden && o.value).map(o => o.value)",
    )
    assert visible[0] == "America/Chicago"  # found by the name people use
    assert select.input_value() == "America/Chicago"

    def shown(query: str) -> list[str]:
        page.fill("input.zone-search", query)
        return page.eval_on_selector_all(
            "select[name=timezone] option",
            "opts => opts.filter(o => !o.hidden && o.value).map(o => o.value)",
        )

    # the abbreviation a page shows finds its zone, in either season, and only word starts
    # match ("est" is no part of America/Creston, a Mountain Time zone)
    assert shown("EST")[0] == "America/New_York" and "America/Creston" not in shown("est")
    assert shown("pdt") == ["America/Los_Angeles"]  # not every Pacific/* zone
    assert shown("ast") == ["America/Puerto_Rico"]  # nor every Atlantic/* one
    assert "Asia/Kolkata" in shown("+5:30") and "Asia/Kolkata" in shown("utc+05:30")
    # a country, and the letters a zone's own clocks use, find it too
    assert shown("philippines") == shown("PHT") == ["Asia/Manila"]
    assert "Asia/Kolkata" in shown("IST") and "Asia/Kolkata" in shown("india")
    assert shown("zzzz") == []
    status = page.locator(".zone-search-status")
    assert status.inner_text() == "No time zone matches."
    assert status.get_attribute("aria-live") == "polite"
    page.fill("input.zone-search", "utc-05")
    visible = page.eval_on_selector_all(
        "select[name=timezone] option",
        "opts => opts.filter(o => !o.hidden && o.value).map(o => o.text)",
    )
    assert visible and all(re.search(r"UTC-0?5(:00)?\)", text) for text in visible)
    assert any(text.startswith(("Eastern Time (E", "Central Time (CDT")) for text in visible)


@pytest.mark.parametrize(
    ("device_zone", "offered"),
    [("Asia/Calcutta", "Asia/Kolkata"), ("America/Buenos_Aires", "America/Argentina/Buenos_Aires")],
)
def test_a_device_reporting_an_old_zone_name_gets_its_current_name(
    live_server, browser_page, device_zone, offered
):
    """Chromium still reports some zones by their old names; the pickers offer current ones."""
    from tests.factories import make_advisor

    with live_server.app.app_context():
        make_advisor(name="Maria Lopez", slug="maria-lopez", timezone="America/New_York")
    page = browser_page
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == device_zone
    page.goto(live_server.url + "/intake")
    page.wait_for_function(
        "name => document.querySelector('select[name=timezone]').value === name", arg=offered
    )
    page.goto(live_server.url + "/advisors/maria-lopez")
    page.wait_for_url(re.compile(r".*[?&]tz=" + re.escape(offered.replace("/", "%2F"))))
    assert page.locator("select[name=tz]").input_value() == offered
    assert f"Times are shown in {offered.replace('_', ' ')}" in page.locator(
        ".zone-form"
    ).inner_text()
