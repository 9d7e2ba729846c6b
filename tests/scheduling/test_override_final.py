"""A date override is final for its date, through the service: it replaces the weekly hours and
the availability declared by calendar events on that local date."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from advising.calendars import services as calendars
from advising.database import utcnow
from advising.scheduling import services
from advising.scheduling import slots as engine
from tests.calendars.test_services import calendar, vevent
from tests.factories import make_advisor

NY = ZoneInfo("America/New_York")


def test_override_replaces_calendar_declared_availability(ctx):
    advisor = make_advisor(slug="override-final", timezone="America/New_York")
    services.update_rules(advisor.id, {}, duration_minutes=30)  # no weekly hours at all
    day = utcnow().astimezone(NY).date() + timedelta(days=5)
    opens = datetime.combine(day, time(13), NY)
    hours = vevent("office-hours", opens, opens + timedelta(hours=4), "Office hours")
    calendars.import_upload(advisor, calendar(hours), "Work")

    def local_starts() -> list[str]:
        start = datetime.combine(day, time(0), NY).astimezone(UTC)
        end = start + timedelta(days=1)
        av = services.availability(advisor, start, end)
        slots = engine.compute_slots(av, start, end, utcnow())
        return [s.start.astimezone(NY).strftime("%H:%M") for s in slots]

    assert local_starts()[0] == "13:00"  # the calendar's office hours open the afternoon
    services.set_override(advisor.id, day, [(time(9), time(10))])
    assert local_starts() == ["09:00", "09:15", "09:30"]  # only the override's hours
    services.set_override(advisor.id, day, [])
    assert local_starts() == []  # a day off closes the calendar's office hours too
