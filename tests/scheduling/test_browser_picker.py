"""The date-first picker in a real browser: page to a month three months ahead, pick a day
with the keyboard, pick a time that shows its end, and book it."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from advising.extensions import db
from advising.scheduling import month, services
from advising.scheduling.defaults import DEFAULT_SETTINGS
from tests.factories import make_advisor

pytestmark = pytest.mark.browser


def test_a_visitor_books_a_day_three_months_ahead(live_server, browser_page):
    with live_server.app.app_context():
        advisor = make_advisor(name="Maria Lopez", slug="maria-lopez", timezone="America/New_York")
        settings = services.settings_for(advisor.id)
        fields = {name: getattr(settings, name) for name in DEFAULT_SETTINGS}
        services.update_rules(
            advisor.id, services.weekly_ranges(advisor.id), **{**fields, "horizon_days": 150}
        )
        db.session.remove()
    page = browser_page  # Europe/London
    page.goto(live_server.url + "/advisors/maria-lopez")
    assert "45 minutes" in page.locator(".duration").inner_text()
    # this month, or (late in a month with nothing left) the next
    target = datetime.strptime(page.locator("#month-heading").inner_text(), "%B %Y").date()
    for _ in range(3):
        target = month.next_month(target)
    for _ in range(3):
        page.locator(".month-nav a[rel=next]").click()
    assert page.locator("#month-heading").inner_text() == target.strftime("%B %Y")
    first_day = page.locator(".month-grid a.day").first
    first_day.focus()
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*day=\d{4}-\d\d-\d\d.*"))
    assert page.locator(".day-times h3").inner_text() == chosen.split(":")[0]
    slot = page.locator(".slot-list a").first
    slot.focus()
    page.keyboard.press("ArrowRight")
    second = page.locator(".slot-list a").nth(1).inner_text()
    assert page.evaluate("document.activeElement.innerText") == second
    label = slot.inner_text()
    london = r"(GMT|BST)"  # the visitor's zone; three months ahead may be summer time
    assert re.match(rf"\d{{1,2}}:\d\d [AP]M \u2013 \d{{1,2}}:\d\d [AP]M {london}", label)
    slot.click()
    page.get_by_label("Your name").fill("Bob Visitor")
    page.get_by_label("Email").fill("bob@example.org")
    page.get_by_label("I agree that my details are stored").check()
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_url(re.compile(r".*/b/[A-Za-z0-9_-]{43}$"))
    assert target.strftime("%B") in page.get_by_role("heading", level=1).inner_text()
