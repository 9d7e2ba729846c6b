"""The week view's display model: an advisor's blocks for one week, day by day in their zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from advising.advisors.models import AdvisorProfile
from advising.calendars.models import MAX_BLOCK_DAYS, CalendarBlock
from advising.extensions import db


@dataclass(frozen=True)
class ShownBlock:
    """A block as shown on one local day: local start and end, and whether it runs over."""

    start: datetime
    end: datetime
    kind: str
    continues_before: bool = False
    continues_after: bool = False


@dataclass(frozen=True)
class WeekDay:
    """One local day and the blocks shown on it."""

    day: date
    blocks: tuple[ShownBlock, ...]


@dataclass(frozen=True)
class Week:
    """Seven days from a Monday, in the advisor's zone."""

    start: date
    zone: str
    days: tuple[WeekDay, ...]

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=7)


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_blocks(advisor: AdvisorProfile, week_start: date) -> Week:
    """The advisor's busy and available blocks for the week from the Monday of ``week_start``,
    day by day in the advisor's zone (pieces of long events joined back up)."""
    zone = ZoneInfo(advisor.timezone)
    first = week_start_of(week_start)
    bounds = [
        datetime.combine(first + timedelta(days=i), time(0), zone).astimezone(UTC) for i in range(8)
    ]
    # Pieces touching the week's edges are read too: they are joined to the pieces inside.
    rows = db.session.execute(
        select(CalendarBlock.start_at, CalendarBlock.end_at, CalendarBlock.kind, CalendarBlock.uid)
        .where(
            CalendarBlock.advisor_id == advisor.id,
            CalendarBlock.start_at >= bounds[0] - timedelta(days=MAX_BLOCK_DAYS),
            CalendarBlock.start_at <= bounds[-1],
            CalendarBlock.end_at >= bounds[0],
        )
        .order_by(CalendarBlock.start_at, CalendarBlock.end_at)
    ).all()
    merged: list[list] = []
    open_ends: dict[tuple[str, str, datetime], int] = {}
    for start, end, kind, uid in rows:
        index = open_ends.pop((kind, uid, start), None)
        if index is not None and uid:
            merged[index][1] = end
        else:
            index = len(merged)
            merged.append([start, end, kind])
        open_ends[(kind, uid, end)] = index
    days = []
    for i in range(7):
        day_start, day_end = bounds[i], bounds[i + 1]
        shown = tuple(
            ShownBlock(
                max(start, day_start).astimezone(zone),
                min(end, day_end).astimezone(zone),
                kind,
                continues_before=start < day_start,
                continues_after=end > day_end,
            )
            for start, end, kind in merged
            if start < day_end and end > day_start
        )
        days.append(WeekDay(first + timedelta(days=i), shown))
    return Week(first, advisor.timezone, tuple(days))
