"""The visitor's roadmap outputs beside the page: milestones as an iCalendar file."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from advising.intake.models import Intake
from advising.roadmap.engine import Roadmap


def milestones_ics(intake: Intake, roadmap: Roadmap, public_base_url: str) -> bytes:
    """One all-day event per milestone (METHOD:PUBLISH). UIDs and DTSTAMP depend only on
    the intake, so downloading again updates the same events instead of adding copies."""
    domain = urlsplit(public_base_url).hostname or "advising.example"
    calendar = Calendar()
    calendar.add("prodid", "-//Advising//Career roadmap//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Medical coding roadmap")
    stamp = intake.created_at
    for milestone in roadmap.milestones:
        event = Event()
        event.add("uid", f"roadmap-{intake.id}-{stamp:%Y%m%d%H%M%S}-{milestone.key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.date)
        event.add("dtend", milestone.date + timedelta(days=1))
        event.add("summary", milestone.title)
        event.add("description", milestone.description)
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Career roadmap"])
        calendar.add_component(event)
    return calendar.to_ical()
