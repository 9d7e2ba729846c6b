"""The login journey in a real browser (Debian chromium driven by Playwright)."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD, make_advisor

pytestmark = pytest.mark.browser


def test_advisor_signs_in_and_out_in_the_browser(live_server, browser_page):
    with live_server.app.app_context():
        make_advisor(name="Grace Hopper", email="grace@example.org")
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("#password-error").inner_text().endswith("do not match an active account.")
    assert page.get_by_label("Email").input_value() == "grace@example.org"

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Grace Hopper"
    page.locator("details.account-menu summary").click()  # profile and sign out: the menu
    assert page.get_by_role("link", name="My profile").first.is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert "You are signed out." in page.locator(".flashes").inner_text()
    page.goto(live_server.url + "/dashboard")
    assert "/login" in page.url


def test_on_a_phone_the_signed_in_menu_folds_under_one_button(live_server, browser_page):
    """An advisor's menu has nine entries: on a phone it waits under "Menu" instead of taking
    a third of the screen on every page; on a wide screen it is all there."""
    with live_server.app.app_context():
        make_advisor(name="Grace Hopper", email="grace@example.org")
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] < 140, header
    menu = page.get_by_role("navigation", name="Main")
    calendars = menu.get_by_role("link", name="My calendars")
    assert not calendars.is_visible()
    page.get_by_text("Menu", exact=True).click()
    calendars.click()
    page.wait_for_url("**/me/calendars")  # loaded at 360 px: the menu starts folded
    page.set_viewport_size({"width": 1280, "height": 800})  # turned or widened: it opens
    menu.get_by_role("link", name="Booking rules").wait_for(state="visible", timeout=3000)
    page.goto(live_server.url + "/dashboard")
    assert menu.get_by_role("link", name="My calendars").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
