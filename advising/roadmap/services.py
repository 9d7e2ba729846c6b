"""The visitor's roadmap outputs beside the page: the PDF (rendered once per version of
what it shows) and milestones as an iCalendar file."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.invites import ical
from advising.roadmap.engine import Roadmap
from advising.roadmap.models import RoadmapPdf

log = logging.getLogger("advising.roadmap")


def html_digest(html: str) -> str:
    """The version of a roadmap's print HTML that its stored PDF is checked against."""
    return hashlib.sha256(html.encode()).hexdigest()


def stored_pdf(intake_id: int, digest: str) -> bytes | None:
    """The PDF kept for this intake when it was made from the HTML of ``digest``; reads
    fresh (never the session's identity map), so a render finished elsewhere is seen."""
    row = db.session.execute(
        select(RoadmapPdf.html_sha256, RoadmapPdf.pdf).where(RoadmapPdf.intake_id == intake_id)
    ).one_or_none()
    return bytes(row.pdf) if row is not None and row.html_sha256 == digest else None


def roadmap_pdf(intake: Intake, html: str, render: Callable[[str], bytes]) -> bytes:
    """The PDF of ``html`` for this intake: the stored one when the HTML is unchanged since it
    was rendered, else ``render(html)``, stored for the next request."""
    digest = html_digest(html)
    intake_id = intake.id
    if (stored := stored_pdf(intake_id, digest)) is not None:
        return stored
    db.session.rollback()  # no snapshot held while WeasyPrint works
    body = render(html)
    try:  # the write lock first (SQLite); a busy database only means it is not kept this time
        begin_write_locked(db.session)
        stored_row = db.session.get(RoadmapPdf, intake_id, populate_existing=True)
        if stored_row is None:
            db.session.add(RoadmapPdf(intake_id=intake_id, html_sha256=digest, pdf=body))
        else:
            stored_row.html_sha256, stored_row.pdf, stored_row.created_at = digest, body, utcnow()
        db.session.commit()
    except (IntegrityError, OperationalError):  # stored by another request, or busy
        db.session.rollback()
    log.info("roadmap pdf rendered intake_id=%s", intake_id)
    return body


MILESTONE_REMINDER = timedelta(hours=15)  # 9:00 AM the day before an all-day milestone
STUDY_DAYS = ("TU", "SA", "TH", "SU", "MO", "WE", "FR")  # two sessions first, then more
STUDY_MAX_SESSION_HOURS = 3  # more hours a week add sessions rather than lengthen them
_WEEKDAY_INDEX = {code: i for i, code in enumerate(ical.WEEKDAYS)}


@dataclass(frozen=True)
class StudySessions:
    days: tuple[str, ...]  # RFC 5545 day codes, in week order
    length: timedelta
    start: time  # local time of day


def study_sessions(hours_per_week: int) -> StudySessions:
    """Hours a week as sessions: at least two (Tuesday and Saturday), a session more for every
    3 hours beyond 6, at 7:00 PM; sessions longer than 3 hours (over 7 days) start at 9:00 AM."""
    count = min(7, max(2, math.ceil(hours_per_week / STUDY_MAX_SESSION_HOURS)))
    minutes = max(30, round(hours_per_week * 60 / count / 15) * 15)
    days = tuple(sorted(STUDY_DAYS[:count], key=_WEEKDAY_INDEX.__getitem__))
    start = time(19) if minutes <= STUDY_MAX_SESSION_HOURS * 60 else time(9)
    return StudySessions(days=days, length=timedelta(minutes=minutes), start=start)


def _hours(length: timedelta) -> str:
    hours = length.total_seconds() / 3600
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def milestones_ics(
    intake: Intake,
    roadmap: Roadmap,
    public_base_url: str,
    roadmap_url: str = "",
    *,
    study: bool = False,
) -> bytes:
    """One all-day event per milestone (METHOD:PUBLISH), built by the invite builder's
    sanitisers, each with a reminder the day before and the roadmap's link. UIDs and DTSTAMP
    depend only on the intake, so downloading again updates the same events instead of adding
    copies. ``study`` adds the weekly study sessions until the exam as one recurring event in
    the person's time zone."""
    domain = urlsplit(public_base_url).hostname or "advising.example"
    stamp = intake.created_at
    link = f"\n\nYour roadmap: {roadmap_url}" if roadmap_url else ""
    items = [
        ical.AllDayItem(
            uid=f"roadmap-{intake.id}-{stamp:%Y%m%d%H%M%S}-{milestone.key}@{domain}",
            day=milestone.date,
            summary=milestone.title,
            description=milestone.description + link,
            category="Career roadmap",
            url=roadmap_url,
            reminder=MILESTONE_REMINDER,
        )
        for milestone in roadmap.milestones
    ]
    weekly = []
    dates = {m.key: m.date for m in roadmap.milestones}
    if study and "exam" in dates:
        zone = ZoneInfo(intake.timezone or "UTC")
        sessions = study_sessions(roadmap.study_plan.hours_per_week)
        first_day = dates.get("program_start", roadmap.start_date)
        while ical.WEEKDAYS[first_day.weekday()] not in sessions.days:
            first_day += timedelta(days=1)
        exam = dates["exam"]
        count = len(sessions.days)
        weekly.append(
            ical.WeeklyItem(
                uid=f"roadmap-{intake.id}-{stamp:%Y%m%d%H%M%S}-study@{domain}",
                first_start=datetime.combine(first_day, sessions.start, tzinfo=zone),
                duration=sessions.length,
                weekdays=sessions.days,
                until=datetime.combine(exam, time(0), tzinfo=zone),
                summary=f"Study medical coding ({roadmap.study_plan.hours_per_week} h a week)",
                description=(
                    f"Your weekly study time: {count} sessions of {_hours(sessions.length)} "
                    f"until your exam. Move them in your calendar to fit your week.{link}"
                ),
                category="Career roadmap",
                url=roadmap_url,
            )
        )
    return ical.build_all_day_publish(items, stamp, "Medical coding roadmap", weekly=weekly)
