"""An advisor closed on US federal holidays offers no consultations on them, unless they set
hours for the date; the rules page lists the holidays ahead and the calendar marks them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import escape
from sqlalchemy import event

from advising.calendars import services as calendars
from advising.database import utcnow
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling import slots as engine
from advising.shared.federal_holidays import federal_holidays
from tests.calendars.test_services import calendar, vevent
from tests.conftest import post_form
from tests.factories import make_advisor
from tests.scheduling.test_advisor_calendar import RULES
from tests.scheduling.test_slot_cache import count_queries

NY = ZoneInfo("America/New_York")


def test_the_federal_holidays_and_the_weekdays_they_are_kept_on():
    found = federal_holidays(date(2027, 12, 20), date(2028, 1, 20))
    assert found == {
        date(2027, 12, 24): "Christmas Day (observed)",  # Christmas 2027 is a Saturday
        date(2027, 12, 25): "Christmas Day",
        date(2027, 12, 31): "New Year's Day (observed)",  # kept in the year before
        date(2028, 1, 1): "New Year's Day",
        date(2028, 1, 17): "Martin Luther King Jr. Day",
    }
    assert len(federal_holidays(date(2026, 1, 1), date(2026, 12, 31))) == 12  # 11 + July 3
    assert federal_holidays(date(2026, 12, 26), date(2026, 12, 30)) == {}


def _next_weekday_holiday(after: date) -> tuple[date, str]:
    ahead = federal_holidays(after, after + timedelta(days=200))
    return next((d, n) for d, n in ahead.items() if d.weekday() < 5)


def _local_starts(advisor, day: date) -> list[str]:
    start = datetime.combine(day, time(0), NY).astimezone(UTC)
    end = start + timedelta(days=1)
    av = services.availability(advisor, start, end)
    slots = engine.compute_slots(av, start, end, utcnow())
    return [slot.start.astimezone(NY).strftime("%H:%M") for slot in slots]


def test_a_new_advisor_is_closed_on_a_weekday_holiday_and_special_hours_open_it(ctx):
    advisor = make_advisor(slug="holiday-closed", timezone="America/New_York")
    services.update_rules(advisor.id, services.weekly_ranges(advisor.id), horizon_days=365)
    holiday, _ = _next_weekday_holiday(utcnow().astimezone(NY).date() + timedelta(days=2))
    workday = next(
        holiday + timedelta(days=n)
        for n in range(1, 10)
        if (holiday + timedelta(days=n)).weekday() < 5
        and holiday + timedelta(days=n) not in federal_holidays(holiday, holiday + timedelta(10))
    )
    assert services.settings_for(advisor.id).closed_on_holidays  # the default for new advisors
    assert _local_starts(advisor, holiday) == []
    assert _local_starts(advisor, workday)[0] == "09:00"  # weekly hours, Monday to Friday

    services.set_override(advisor.id, holiday, [(time(10), time(11))])
    assert _local_starts(advisor, holiday) == ["10:00", "10:15"]  # the advisor's own hours

    services.remove_override_day(advisor.id, holiday)
    services.update_rules(advisor.id, services.weekly_ranges(advisor.id), closed_on_holidays=False)
    assert _local_starts(advisor, holiday)[0] == "09:00"


def test_the_rules_page_saves_the_choice_and_lists_the_holidays_closed(client, auth, ctx):
    advisor = make_advisor(timezone="America/New_York")
    auth.login(advisor.user.email)
    today = utcnow().astimezone(NY).date()
    ahead = federal_holidays(today, today + timedelta(days=365))
    html = client.get("/me/booking-rules").get_data(as_text=True)
    assert 'checked id="closed_on_holidays" name="closed_on_holidays"' in html
    horizon = services.settings_for(advisor.id).horizon_days
    shown = [d for d in ahead if d <= today + timedelta(days=horizon)]
    assert "Federal holidays you are closed on" in html
    for day in shown:
        label = f"<strong>{day:%A}, {day:%B} {day.day}, {day.year}</strong>"
        assert f"{label}: {escape(ahead[day])}" in html

    form = {**RULES, "horizon_days": "365", "closed_on_holidays": "y"}
    assert post_form(client, "/me/booking-rules", form).status_code == 302
    html = client.get("/me/booking-rules").get_data(as_text=True)
    for day, name in ahead.items():
        if day > today:
            assert f"{day.year}</strong>: {escape(name)}" in html  # a year ahead, every holiday

    assert post_form(client, "/me/booking-rules", RULES).status_code == 302  # unticked
    db.session.rollback()
    assert services.settings_for(advisor.id).closed_on_holidays is False
    html = client.get("/me/booking-rules").get_data(as_text=True)
    assert "Federal holidays you are closed on" not in html


def test_the_calendar_marks_a_holiday_closed(client, auth, ctx):
    advisor = make_advisor(timezone="America/New_York")
    auth.login(advisor.user.email)
    holiday, name = _next_weekday_holiday(utcnow().astimezone(NY).date())
    opens = datetime.combine(holiday, time(13), NY)
    hours = vevent("office-hours", opens, opens + timedelta(hours=2), "Office hours")
    calendars.import_upload(advisor, calendar(hours), "Work")
    html = client.get(f"/me/calendar?view=day&day={holiday.isoformat()}").get_data(as_text=True)
    assert f"Closed: {name}" in html
    assert "Weekly hours" not in html.split("Closed:")[1].split("</section>")[0]
    # the calendar's office hours that day are shown, and why they are not offered
    assert "Available, not offered" in html and "(calendar; federal holiday)" in html


def test_the_calendar_reads_the_date_overrides_once(app, client, auth, ctx):
    advisor = make_advisor(timezone="America/New_York")
    auth.login(advisor.user.email)
    with app.app_context():
        served_by = db.engine  # the client's app's engine
    statements, record = count_queries()
    event.listen(served_by, "before_cursor_execute", record)
    try:
        assert client.get("/me/calendar").status_code == 200
    finally:
        event.remove(served_by, "before_cursor_execute", record)
    assert len([s for s in statements if "from date_overrides" in s.lower()]) == 1, statements
