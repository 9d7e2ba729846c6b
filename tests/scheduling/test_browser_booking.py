"""The visitor's booking journey in a real browser, with the zone detected by the page."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_advisor

pytestmark = pytest.mark.browser


def test_visitor_books_reschedules_and_cancels_in_their_own_zone(live_server, browser_page):
    with live_server.app.app_context():
        make_advisor(name="Maria Lopez", slug="maria-lopez", timezone="America/New_York")
    page = browser_page  # the browser's zone is Europe/London
    page.goto(live_server.url + "/advisors")
    page.get_by_role("link", name="See times with Maria Lopez").click()

    # late in a month with nothing left, the page opens its first free day (day=...)
    page.wait_for_url(re.compile(r".*/advisors/maria-lopez\?(.*&)?tz=Europe(%2F|/)London"))
    assert "Times are shown in Europe/London" in page.locator(".zone-form").inner_text()
    first_slot = page.locator(".slot-list a").first
    slot_label = first_slot.inner_text()
    # London's, summer or not, named once: "9:00 AM to 9:45 AM GMT", with an en dash
    assert re.match(r"\d{1,2}:\d\d [AP]M \u2013 \d{1,2}:\d\d [AP]M (GMT|BST)", slot_label)
    first_slot.click()

    assert "(Europe/London)" in page.locator(".when").inner_text()
    assert "(Eastern Time)" in page.locator(".when").inner_text()
    page.get_by_label("Your name").fill("Bob Visitor")
    page.get_by_label("Email").fill("bob@example.org")
    page.get_by_label("What would you like to discuss?").fill("Is CPC right for me?")
    page.get_by_role("button", name="Book this time").click()
    assert "Please correct" in page.locator(".form-summary").inner_text()  # consent missing
    assert page.get_by_label("Your name").input_value() == "Bob Visitor"
    page.get_by_label("I agree that my details are stored").check()
    page.get_by_role("button", name="Book this time").click()

    page.wait_for_url(re.compile(r".*/b/[A-Za-z0-9_-]{43}$"))
    manage_url = page.url
    assert "Your consultation is booked" in page.locator(".flashes").inner_text()
    assert slot_label.split()[0] in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Reschedule").click()
    page.locator("a.day").last.click()  # a day from the calendar: its link ends in #times
    assert page.url.endswith("#times")
    new_slot = page.locator(".slot-list button").last  # the shown day may have few times left
    new_label = new_slot.inner_text().split()[0]
    new_slot.click()
    assert new_label in page.get_by_role("heading", level=1).inner_text() or (
        new_label in page.locator(".when").inner_text()
    )  # nothing moves on one click: the new time is shown to confirm
    page.get_by_role("button", name="Move to this time").click()
    page.wait_for_url(manage_url)  # exactly: no "#times" carried over to a page without it
    assert "moved" in page.locator(".flashes").inner_text()
    assert new_label in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Cancel").click()
    page.get_by_label("Reason (optional)").fill("Found a course elsewhere")
    page.get_by_role("button", name="Cancel the consultation").click()
    page.wait_for_url(manage_url)
    assert "cancelled" in page.locator(".eyebrow").inner_text().lower()
    assert page.get_by_role("link", name="Reschedule").count() == 0


def test_the_zone_picker_applies_on_its_button_not_on_each_arrow_key(live_server, browser_page):
    """Each arrow key in the select reloaded the page at the next zone (WCAG 3.2.2)."""
    with live_server.app.app_context():
        make_advisor(name="Maria Lopez", slug="maria-lopez", timezone="America/New_York")
    page = browser_page
    page.goto(live_server.url + "/advisors/maria-lopez?tz=America/Chicago")
    before = page.url
    select = page.locator("select#tz")
    select.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(400)
    assert page.url == before
    chosen = select.input_value()
    assert chosen != "America/Chicago"
    page.get_by_role("button", name="Show times").click()
    page.wait_for_url(re.compile(r".*tz=" + re.escape(chosen).replace("/", "(%2F|/)")))
    # a day leads to its times (the page used to reload at its top, far above them)
    day = page.locator("a.day").first
    assert day.get_attribute("href").endswith("#times")
