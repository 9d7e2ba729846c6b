"""The advisor's calendar page (a week or a day as a time grid in the advisor's zone) and the
weekly hours edited as rows on the booking rules page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from advising.accounts.models import Role
from advising.database import utcnow
from advising.extensions import db
from advising.scheduling import services
from tests.calendars.test_services import calendar, vevent
from tests.conftest import client_after_commit, post_form
from tests.factories import make_advisor, make_user
from tests.scheduling.test_booking_web import hours_rows

NY = "America/New_York"
VISITOR = services.VisitorDetails("Jo Visitor", "jo@example.org", None, "", "UTC")


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app)


def next_dst_sunday(zone: str, after: date) -> date:
    """The first day from ``after`` on which the zone's UTC offset changes (a Sunday in NY)."""
    tz = ZoneInfo(zone)
    day = after
    while True:
        noon_before = datetime.combine(day - timedelta(days=1), time(12), tz)
        noon = datetime.combine(day, time(12), tz)
        if noon_before.utcoffset() != noon.utcoffset():
            return day
        day += timedelta(days=1)


@dataclass
class Seeded:
    advisor_id: int
    email: str
    change: date  # the DST-change Sunday
    booking_id: int


def seed_dst_week() -> Seeded:
    """A New York advisor whose week holds a clock change on Sunday, special hours that Sunday,
    a day off on Friday and a consultation booked on Saturday at 10:00 AM."""
    advisor = make_advisor(name="Maria Lopez", slug="maria-lopez", timezone=NY)
    services.update_rules(
        advisor.id,
        {day: [(time(9), time(17))] for day in range(5)},
        duration_minutes=45,
        min_notice_hours=0,
        horizon_days=365,
    )
    today = utcnow().astimezone(ZoneInfo(NY)).date()
    change = next_dst_sunday(NY, today + timedelta(days=7))
    saturday, friday = change - timedelta(days=1), change - timedelta(days=2)
    services.set_override(advisor.id, change, [(time(10), time(12))])
    services.set_override(advisor.id, friday, [])
    services.set_override(advisor.id, saturday, [(time(9), time(12))])
    start = datetime.combine(saturday, time(10), ZoneInfo(NY))
    booking, _ = services.book(advisor, start, VISITOR)
    db.session.commit()
    return Seeded(advisor.id, advisor.user.email, change, booking.id)


def day_section(html: str, day: date) -> str:
    match = re.search(
        rf'<section class="cal-day[^"]*" aria-labelledby="day-{day.isoformat()}".*?</section>',
        html,
        re.S,
    )
    assert match, day
    return match.group(0)


def test_week_grid_shows_booking_day_off_and_override_across_a_dst_change(client, auth, ctx):
    seeded = seed_dst_week()
    auth.login(seeded.email)
    change = seeded.change
    tz = ZoneInfo(NY)
    before = datetime.combine(change - timedelta(days=1), time(12), tz).tzname()
    after = datetime.combine(change, time(12), tz).tzname()
    assert before != after
    response = client.get(f"/me/calendar?start={change.isoformat()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="region"' in html and 'aria-label="Week of' in html
    assert "Times are in your zone, Eastern Time" in html

    saturday = day_section(html, change - timedelta(days=1))
    assert f'href="/me/consultations/{seeded.booking_id}"' in saturday
    assert "Booked: Jo Visitor" in saturday
    # placed by its wall-clock time: 10:00 is row 41, 45 minutes span three rows
    assert re.search(r'class="cal-item cal-booked r41 s3 c1 w1"', saturday)
    assert f"10:00 AM {before}</time> to <time" in saturday

    friday = day_section(html, change - timedelta(days=2))
    assert "<p>Day off</p>" in friday and "cal-hours" not in friday

    sunday = day_section(html, change)
    assert "<p>Special hours</p>" in sunday
    assert re.search(r'class="cal-item cal-special r41 s8 c1 w1"', sunday)
    assert f"10:00 AM {after}</time> to <time" in sunday
    assert f"12:00 PM {after}" in sunday

    monday = day_section(html, change - timedelta(days=6))
    assert "<p>Weekly hours</p>" in monday and "cal-hours r37 s32" in monday

    # previous / next / this week
    first = change - timedelta(days=6)
    assert f"start={(first - timedelta(days=7)).isoformat()}" in html
    assert f"start={(first + timedelta(days=7)).isoformat()}" in html

    # one day, as on a phone
    day_html = client.get(f"/me/calendar?view=day&day={change.isoformat()}").get_data(as_text=True)
    assert day_html.count('<section class="cal-day') == 1
    assert "Special hours" in day_section(day_html, change)
    assert f"day={(change - timedelta(days=1)).isoformat()}" in day_html


def test_calendar_shows_busy_and_available_blocks_and_now(client, auth, ctx):
    from advising.calendars import services as calendars

    advisor = make_advisor(timezone=NY)
    auth.login(advisor.user.email)
    now = utcnow()
    busy = now + timedelta(hours=2)
    free = now + timedelta(days=1)
    calendars.import_upload(
        advisor,
        calendar(
            vevent("b", busy, busy + timedelta(hours=1), "Dentist"),
            vevent("f", free, free + timedelta(hours=2), "Office hours"),
        ),
        "Work",
    )
    html = client.get("/me/calendar").get_data(as_text=True)
    assert "Busy (calendar)" in html and "Available (calendar)" in html
    assert "Dentist" not in html
    assert re.search(
        r'<li class="cal-now r\d+ s1"><span>Now, \d{1,2}:\d\d [AP]M E[SD]T</span>', html
    )


def test_old_week_url_redirects_and_the_page_is_for_advisors(client, auth, ctx):
    advisor = make_advisor()
    auth.login(advisor.user.email)
    response = client.get("/me/calendars/week?start=2030-01-09")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/calendar?start=2030-01-09"
    assert "Week of Monday, January 7, 2030" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    auth.logout()
    staff = make_user(Role.STAFF)
    auth.login(staff.email)
    assert client.get("/me/calendar").status_code == 403


# --- weekly hours as rows ----------------------------------------------------------------------

RULES = {
    "duration_minutes": "45",
    "interval_minutes": "15",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "15",
    "min_notice_hours": "12",
    "horizon_days": "60",
    "reschedule_cutoff_hours": "12",
    "cancel_cutoff_hours": "2",
    "booking_enabled": "y",
}


def test_overlapping_or_inverted_rows_show_errors_beside_them_and_save_nothing(client, auth, ctx):
    advisor = make_advisor()
    auth.login(advisor.user.email)
    saved = services.weekly_ranges(advisor.id)
    form = {
        **RULES,
        "duration_minutes": "30",
        **hours_rows(0, ("09:00", "12:00"), ("11:00", "13:00")),
        **hours_rows(2, ("17:00", "09:00")),
        **hours_rows(3, ("09:00", "")),
    }
    html = post_form(client, "/me/booking-rules", form).get_data(as_text=True)
    assert re.search(r'id="hours-0-1-error">Overlaps 9:00 AM to 12:00 PM\.<', html)
    assert 'id="hours-0-0-error"' not in html
    assert re.search(r'id="hours-2-0-error">Ends at 9:00 AM, before it starts at 5:00 PM\.<', html)
    assert 'id="hours-3-0-error">Enter both a start and an end time.<' in html
    assert 'aria-describedby="hours-0-1-error"' in html
    assert "nothing was saved" in html
    # the summary counts and links the rows too, not only the form's own fields
    assert "Please correct the 3 fields marked below." in html
    assert '<a href="#hours-0-1-start">Monday hours, row 2</a>: Overlaps 9:00 AM' in html
    db.session.rollback()
    assert services.weekly_ranges(advisor.id) == saved
    assert services.settings_for(advisor.id).duration_minutes == 45

    # touching rows are fine, and a midnight end (00:00 or 24:00) closes the day
    ok = {**RULES, **hours_rows(0, ("09:00", "12:00"), ("12:00", "00:00"))}
    assert post_form(client, "/me/booking-rules", ok).status_code == 302
    db.session.rollback()
    assert services.weekly_ranges(advisor.id)[0] == [(time(9), time(12)), (time(12), time(0))]
    assert services.weekly_ranges(advisor.id)[1] == []


def test_copy_monday_to_weekdays_fills_the_rows_without_saving(client, auth, ctx):
    advisor = make_advisor()
    auth.login(advisor.user.email)
    form = {**RULES, **hours_rows(0, ("08:00", "11:30"), ("13:00", "16:00")), "copy": "0:weekdays"}
    html = post_form(client, "/me/booking-rules", form).get_data(as_text=True)
    assert "Monday&#39;s hours were copied to the other weekdays" in html
    for weekday in range(5):
        assert f'name="hours-{weekday}-1-start" value="13:00"' in html
    assert 'name="hours-5-0-start" value=""' in html
    db.session.rollback()
    assert services.weekly_ranges(advisor.id)[1] == [(time(9), time(17))]  # not saved yet
    assert 'name="copy" value="3:all"' in html


def test_day_off_says_so_and_shows_on_the_rules_page(client, auth, ctx):
    advisor = make_advisor()
    auth.login(advisor.user.email)
    month_ahead = utcnow().date() + timedelta(days=30)  # the page lists dates from today on
    friday = month_ahead + timedelta(days=(4 - month_ahead.weekday()) % 7)
    saturday = friday + timedelta(days=1)
    response = post_form(
        client,
        "/me/booking-rules/dates",
        {"override-day": friday.isoformat(), "override-day_off": "y"},
        page="/me/booking-rules",
    )
    assert response.status_code == 302
    html = client.get("/me/booking-rules").get_data(as_text=True)
    friday_text = f"Friday, {friday:%B} {friday.day}, {friday.year}"
    assert f"{friday_text} is a day off." in html
    assert "Hours for" not in html
    assert f"<strong>{friday_text}</strong>: Day off" in html
    post_form(
        client,
        "/me/booking-rules/dates",
        {"override-day": saturday.isoformat(), "override-hours": "10:00 AM - 2 PM"},
        page="/me/booking-rules",
    )
    html = client.get("/me/booking-rules").get_data(as_text=True)
    saturday_text = f"Saturday, {saturday:%B} {saturday.day}, {saturday.year}"
    assert f"<strong>{saturday_text}</strong>: Special hours: 10:00 AM to 2:00 PM" in html
    # a date gone by was "saved" and never listed: it is refused next to the date
    refused = post_form(
        client,
        "/me/booking-rules/dates",
        {"override-day": "2025-01-01", "override-hours": "9-5"},
        page="/me/booking-rules",
    )
    assert refused.status_code == 200
    assert "That date has passed." in refused.get_data(as_text=True)
    assert 'value="2025-01-01"' in refused.get_data(as_text=True)  # the input is kept
    assert not services.date_overrides(advisor.id, date(2025, 1, 1), date(2025, 1, 1))


def test_sync_now_is_offered_for_feeds_only(client, auth, ctx):
    from advising.calendars import services as calendars
    from advising.calendars.models import CalendarSource

    advisor = make_advisor()
    auth.login(advisor.user.email)
    start = utcnow() + timedelta(days=1)
    upload = calendars.import_upload(
        advisor, calendar(vevent("u", start, start + timedelta(hours=1))), "Uploaded"
    )
    html = client.get("/me/calendars").get_data(as_text=True)
    assert f"/me/calendars/{upload.id}/sync" not in html
    assert f"/me/calendars/{upload.id}/sync" not in client.get(
        f"/me/calendars/{upload.id}"
    ).get_data(as_text=True)
    feed = CalendarSource(
        advisor_id=advisor.id, kind="feed", label="Feed", feed_url="https://x.test/a.ics"
    )
    db.session.add(feed)
    db.session.commit()
    assert f"/me/calendars/{feed.id}/sync" in client.get("/me/calendars").get_data(as_text=True)


def test_a_whole_day_away_reads_all_day_not_midnight_to_midnight(client, auth, ctx):
    from advising.calendars import services as calendars

    advisor = make_advisor(timezone=NY)
    auth.login(advisor.user.email)
    zone = ZoneInfo(NY)
    day = (utcnow().astimezone(zone) + timedelta(days=2)).date()
    midnight = datetime.combine(day, time(0), zone)
    calendars.import_upload(
        advisor, calendar(vevent("t", midnight, midnight + timedelta(days=1), "Trip")), "Work"
    )
    html = client.get(f"/me/calendar?view=day&day={day.isoformat()}").get_data(as_text=True)
    section = day_section(html, day)
    assert "All day" in section and "Busy (calendar), all day" in section
    assert "12:00 AM" not in section.split("cal-busy", 1)[1].split("</li>", 1)[0]
