"""The visitor's roadmap outputs beside the page: milestones as an iCalendar file."""

from __future__ import annotations

from urllib.parse import urlsplit

from advising.intake.models import Intake
from advising.invites import ical
from advising.roadmap.engine import Roadmap


def milestones_ics(intake: Intake, roadmap: Roadmap, public_base_url: str) -> bytes:
    """One all-day event per milestone (METHOD:PUBLISH), built by the invite builder's
    sanitisers. UIDs and DTSTAMP depend only on the intake, so downloading again updates the
    same events instead of adding copies."""
    domain = urlsplit(public_base_url).hostname or "advising.example"
    stamp = intake.created_at
    items = [
        ical.AllDayItem(
            uid=f"roadmap-{intake.id}-{stamp:%Y%m%d%H%M%S}-{milestone.key}@{domain}",
            day=milestone.date,
            summary=milestone.title,
            description=milestone.description,
            category="Career roadmap",
        )
        for milestone in roadmap.milestones
    ]
    return ical.build_all_day_publish(items, stamp, "Medical coding roadmap")
