"""A date override is final for its date, through the service: it replaces the weekly hours and
the availability declared by calendar events on that local date."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from advising.calendars import services as calendars
from advising.database import utcnow
from advising.scheduling import services
from advising.scheduling import slots as engine
from tests.factories import make_advisor

NY = ZoneInfo("America/New_York")


def office_hours(start: datetime, hours: int) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//advising tests//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", "office-hours@tests")
    event.add("summary", "Office hours")
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=hours))
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    calendar.add_component(event)
    return calendar.to_ical()


def test_override_replaces_calendar_declared_availability(ctx):
    advisor = make_advisor(slug="override-final", timezone="America/New_York")
    services.update_rules(advisor.id, {}, duration_minutes=30)  # no weekly hours at all
    day = utcnow().astimezone(NY).date() + timedelta(days=5)
    calendars.import_upload(
        advisor, office_hours(datetime.combine(day, time(13), NY), hours=4), "Work"
    )

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
