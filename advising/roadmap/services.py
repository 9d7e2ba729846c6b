"""The visitor's roadmap outputs beside the page: the PDF (rendered once per version of
what it shows) and milestones as an iCalendar file."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.intake import services as intakes
from advising.intake.models import Intake
from advising.invites import ical
from advising.roadmap.engine import Roadmap, StudyPlan, spoken_list
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
STUDY_LONG_SESSION = timedelta(hours=3)  # a longer session starts in the morning


@dataclass(frozen=True)
class StudySessions:
    days: tuple[str, ...]  # RFC 5545 day codes, in week order
    length: timedelta
    start: time  # local time of day


def study_sessions(plan: StudyPlan, week_days: Sequence[str]) -> tuple[StudySessions, ...]:
    """The page's weekly study plan as calendar sessions: each study day with its hours,
    days of the same length together (one weekly event each), at 7:00 PM, or at 9:00 AM for
    sessions over three hours. ``week_days``: the content's names of the days, Monday first."""
    codes = dict(zip(week_days, ical.WEEKDAYS, strict=True))  # "Monday" -> "MO"
    by_day: dict[str, float] = {}
    for block in plan.blocks:
        by_day[block.day] = by_day.get(block.day, 0) + block.hours
    by_length: dict[timedelta, list[str]] = {}
    for day, hours in by_day.items():
        by_length.setdefault(timedelta(hours=hours), []).append(codes[day])
    return tuple(
        StudySessions(
            days=tuple(sorted(days, key=ical.WEEKDAYS.index)),
            length=length,
            start=time(19) if length <= STUDY_LONG_SESSION else time(9),
        )
        for length, days in sorted(by_length.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )


def _day_list(codes: tuple[str, ...], week_days: Sequence[str]) -> str:
    names = dict(zip(ical.WEEKDAYS, week_days, strict=True))
    return spoken_list([names[code] + "s" for code in codes])


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
        exam = dates["exam"]
        week_days = intakes.content().study_days
        for number, sessions in enumerate(study_sessions(roadmap.study_plan, week_days), start=1):
            first_day = dates.get("program_start", roadmap.start_date)
            while ical.WEEKDAYS[first_day.weekday()] not in sessions.days:
                first_day += timedelta(days=1)
            count = len(sessions.days)
            on_days = _day_list(sessions.days, week_days)
            part = "" if number == 1 else f"-{number}"
            weekly.append(
                ical.WeeklyItem(
                    uid=f"roadmap-{intake.id}-{stamp:%Y%m%d%H%M%S}-study{part}@{domain}",
                    first_start=datetime.combine(first_day, sessions.start, tzinfo=zone),
                    duration=sessions.length,
                    weekdays=sessions.days,
                    until=datetime.combine(exam, time(0), tzinfo=zone),
                    summary=(
                        f"Study medical coding ({roadmap.study_plan.hours_per_week} h a week)"
                    ),
                    description=(
                        f"From your weekly study plan: {_hours(sessions.length)} on "
                        f"{on_days} ({count} session{'' if count == 1 else 's'})"
                        f" until your exam. Move them in your calendar to fit your week.{link}"
                    ),
                    category="Career roadmap",
                    url=roadmap_url,
                )
            )
    return ical.build_all_day_publish(items, stamp, "Medical coding roadmap", weekly=weekly)
