"""The advisor's calendar and weekly hours in a real browser at desktop and phone widths:
nothing scrolls sideways, axe finds no violations, the rows form adds and removes rows."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.scheduling.test_advisor_calendar import seed_dst_week
from tests.ui.checks import broken_words

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .map(e => e.tagName + '.' + e.className);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(0, 5)};
}"""


def sign_in(page, url: str, email: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")


def signed_in_advisor(live_server, page, width: int):
    """The DST week's advisor, signed in, in a window ``width`` pixels wide."""
    with live_server.app.app_context():
        seeded = seed_dst_week()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, seeded.email)
    return seeded


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations]


def fits(page) -> None:
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["client"], overflow
    assert overflow["wide"] == [], overflow


@pytest.mark.parametrize("width", [1280, 360])
def test_calendar_week_and_day_fit_and_pass_axe(live_server, browser_page, width):
    page, seeded = browser_page, signed_in_advisor(live_server, browser_page, width)
    page.goto(f"{live_server.url}/me/calendar?start={seeded.change.isoformat()}")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("My calendar: Week of")
    region = page.get_by_role("region", name="Week of")
    assert region.count() == 1
    fits(page)
    assert axe_violations(page) == []

    sunday = page.locator(f'section[aria-labelledby="day-{seeded.change.isoformat()}"]')
    saturday_id = seeded.change.toordinal() - 1
    saturday = page.locator(
        f'section[aria-labelledby="day-{seeded.change.fromordinal(saturday_id).isoformat()}"]'
    )
    if width == 1280:
        assert sunday.is_visible() and saturday.is_visible()
        booked = saturday.get_by_role("link", name="Booked: Jo Visitor")
        assert booked.is_visible()
        box = booked.bounding_box()
        assert box is not None and box["height"] > 10
    else:  # one day at a time on a phone: the day links lead to each day
        page.get_by_role("link", name=f"Sat {seeded.change.fromordinal(saturday_id).day}").click()
        page.wait_for_url("**view=day**")
        assert page.locator("section.cal-day").count() == 1
        fits(page)
        assert axe_violations(page) == []
        assert page.get_by_role("link", name="Booked: Jo Visitor").is_visible()

    page.get_by_role("link", name="Booked: Jo Visitor").click()
    page.wait_for_url(f"**/me/consultations/{seeded.booking_id}")


@pytest.mark.parametrize("width", [1280, 360])
def test_weekly_hours_rows_add_remove_and_errors(live_server, browser_page, width):
    page = browser_page
    signed_in_advisor(live_server, page, width)
    page.goto(live_server.url + "/me/booking-rules")
    fits(page)
    assert axe_violations(page) == []
    monday = page.locator("#hours-0")
    rows_before = monday.locator(".hours-row").count()
    page.get_by_role("button", name="Add a row to Monday").click()
    assert monday.locator(".hours-row").count() == rows_before + 1
    page.get_by_role("button", name="Remove Monday row 1").click()
    assert monday.locator(".hours-row").count() == rows_before
    tuesday = page.locator("#hours-1")
    tuesday.locator("input[name='hours-1-1-start']").fill("08:00")
    tuesday.locator("input[name='hours-1-1-end']").fill("10:00")
    page.get_by_role("button", name="Save booking rules").last.click()
    page.wait_for_load_state()
    assert "Overlaps 9:00 AM to 5:00 PM." in page.locator("#hours-1-1-error").inner_text()
    fits(page)
    assert axe_violations(page) == []


UNCOVERED = """() => {
  // Each item's label, where it starts, shows that item: nothing drawn over it.
  return [...document.querySelectorAll('.cal-item')].filter(item => {
    const label = item.querySelector('strong');
    const box = label.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) { return false; }  // text for screen readers only
    label.scrollIntoView({block: 'center'});
    const range = document.createRange();
    range.selectNodeContents(label);
    const line = range.getClientRects()[0];  // the label's first line of text
    const y = line.top + line.height / 2;
    const right = Math.min(line.right, item.getBoundingClientRect().right);  // its visible part
    return [line.left + 2, (line.left + right) / 2, right - 2].some(x => {
      const top = document.elementFromPoint(x, y);
      return !(top && top.closest('.cal-item') === item);
    });
  }).map(item => item.querySelector('strong').textContent);
}"""


def test_no_label_in_the_week_is_drawn_over(live_server, browser_page):
    """A booking inside a calendar's available time, busy time beside it, busy time over the
    booking and two busy events that start together, all within weekly hours: every label can
    be read, and no word of one breaks across lines."""
    from zoneinfo import ZoneInfo

    from advising.calendars import services as calendars
    from advising.database import utcnow
    from advising.extensions import db
    from advising.scheduling import services
    from tests.calendars.test_services import calendar, vevent
    from tests.factories import make_advisor

    zone = ZoneInfo("America/New_York")
    day = (utcnow().astimezone(zone) + timedelta(days=2)).date()
    with live_server.app.app_context():
        advisor = make_advisor(name="Maria Lopez", slug="maria-lopez", timezone=zone.key)
        services.update_rules(
            advisor.id, {d: [(time(9), time(17))] for d in range(7)}, min_notice_hours=0
        )
        nine, one = datetime.combine(day, time(9), zone), datetime.combine(day, time(13), zone)
        calendars.import_upload(
            advisor,
            calendar(
                vevent("free", nine, nine + timedelta(hours=3), "Office hours"),
                vevent("busy", one, one + timedelta(hours=1), "Dentist"),
            ),
            "Work",
        )
        visitor = services.VisitorDetails("Jo Visitor", "jo@example.org", None, "", zone.key)
        services.book(advisor, nine, visitor)
        # added after the booking: a meeting over it, and two events starting together
        calendars.import_upload(
            advisor,
            calendar(
                vevent("standup", nine, nine + timedelta(minutes=90), "Standup"),
                vevent("call", one, one + timedelta(hours=2), "Call"),
            ),
            "Team",
        )
        db.session.commit()
        email = advisor.user.email
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/me/calendar?start={day.isoformat()}")
    section = page.locator(f'section[aria-labelledby="day-{day.isoformat()}"]')
    for name in ("Booked: Jo Visitor", "Available (calendar)"):
        assert section.get_by_text(name).is_visible()
    assert section.get_by_text("Busy (calendar)").count() == 3
    assert page.evaluate(UNCOVERED) == []
    assert broken_words(page, ".cal-item strong") == []
    fits(page)
