"""Every advisor profile gets its booking settings and weekly hours in the transaction that
creates it, from :mod:`advising.scheduling.defaults` (the one source of those defaults)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from advising.advisors.models import AdvisorProfile
from advising.extensions import db
from advising.scheduling.defaults import DEFAULT_SETTINGS, DEFAULT_WEEKLY_HOURS
from advising.scheduling.models import BookingSettings, WeeklyHoursRange


def default_rows(profile: AdvisorProfile) -> list[BookingSettings | WeeklyHoursRange]:
    """The settings row and weekly-hours rows a new advisor starts with."""
    rows: list[BookingSettings | WeeklyHoursRange] = [
        BookingSettings(advisor=profile, **DEFAULT_SETTINGS)
    ]
    for weekday, ranges in DEFAULT_WEEKLY_HOURS.items():
        rows += [
            WeeklyHoursRange(advisor=profile, weekday=weekday, start_time=start, end_time=end)
            for start, end in ranges
        ]
    return rows


def _add_defaults(session: Session, _context: Any, _instances: Any) -> None:
    for row in list(session.new):
        if isinstance(row, AdvisorProfile):
            session.add_all(default_rows(row))


def install() -> None:
    """Listen on the app's sessions (once per process)."""
    if not event.contains(db.session, "before_flush", _add_defaults):
        event.listen(db.session, "before_flush", _add_defaults)
