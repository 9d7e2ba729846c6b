"""The advisor's calendar page: one week (or one day) as a time grid in the advisor's zone,
with weekly hours, date overrides and days off, calendar busy and available blocks and the
booked consultations. Items are placed by their local wall-clock time in 15-minute rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from advising.advisors.models import AdvisorProfile
from advising.calendars.week import week_blocks, week_start_of
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.models import Booking, BookingStatus
from advising.scheduling.slots import DateOverride, local_day_bounds, local_to_utc
from advising.shared import timefmt as display

ROW_MINUTES = 15
ROWS = 24 * 60 // ROW_MINUTES  # 96 rows from local midnight to midnight

HOURS = "hours"
SPECIAL = "special"
AVAILABLE = "available"
BUSY = "busy"
BOOKED = "booked"
HELD = "held"


@dataclass(frozen=True)
class Item:
    """One thing on the grid: text for everyone, kind for the look, rows for the place."""

    kind: str
    label: str
    start: datetime  # local (aware, in the advisor's zone)
    end: datetime
    when: str  # "9:00 AM CST to 5:00 PM CST"
    row: int  # first grid row, 1-based
    span: int  # rows covered, at least 1
    href: str | None = None
    source: str = ""  # "(calendar)": shown where a lane has room for it
    column: int = 1  # first grid column of its day, 1-based (see :func:`_place`)
    columns: int = 1  # grid columns covered

    @property
    def all_day(self) -> bool:
        """Whether the item covers its whole day (shown as "All day", not 12 AM to 12 AM)."""
        return self.row == 1 and self.span >= ROWS

    @property
    def full_label(self) -> str:
        return f"{self.label} {self.source}" if self.source else self.label


@dataclass(frozen=True)
class Day:
    day: date
    note: str  # "Weekly hours", "Special hours", "Day off", "No hours"
    items: tuple[Item, ...]
    is_today: bool
    columns: int = 1  # grid columns of the day: lanes of available time, then of taken time


@dataclass(frozen=True)
class CalendarView:
    zone: str
    days: tuple[Day, ...]
    first: date
    step: int  # 7 for a week, 1 for a day
    now_row: int | None  # the row of "now" on today, when today is shown
    now_label: str

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=self.step)

    @property
    def next(self) -> date:
        return self.first + timedelta(days=self.step)

    @property
    def last(self) -> date:
        return self.days[-1].day


def _row_of(local: datetime, day: date) -> int:
    """The 0-based quarter-hour row of a local instant on ``day`` (by its wall clock)."""
    if local.date() > day:
        return ROWS
    return (local.hour * 60 + local.minute) // ROW_MINUTES


def _when(start: datetime, end: datetime, zone: str) -> str:
    return f"{display.format_time(start, zone)} to {display.format_time(end, zone)}"


def _item(
    kind: str,
    label: str,
    start: datetime,
    end: datetime,
    day: date,
    zone: str,
    href: str | None = None,
    source: str = "",
) -> Item:
    first = _row_of(start, day)
    last = _row_of(end - timedelta(microseconds=1), day) if end > start else first
    span = max(1, last - first + 1)
    return Item(kind, label, start, end, _when(start, end, zone), first + 1, span, href, source)


#: Most lanes side by side on each side of a day; a busier hour shares the lane free soonest.
MAX_LANES = 3
#: What fills time (the right side); a calendar's available time is the left side.
TAKEN = (BUSY, BOOKED, HELD)


def _lanes(items: list[Item]) -> tuple[list[tuple[Item, int, int]], int]:
    """Overlapping items side by side: each item with its lane and how many lanes its group
    of overlapping items uses, and the most lanes any group uses (at least 1)."""
    placed: list[tuple[Item, int, int]] = []
    group: list[tuple[Item, int]] = []
    lane_ends: list[int] = []  # the first row after each lane's last item
    for item in sorted(items, key=lambda i: (i.row, -i.span, i.label)):
        end = item.row + item.span
        if group and item.row >= max(lane_ends):
            placed.extend((done, lane, len(lane_ends)) for done, lane in group)
            group, lane_ends = [], []
        lane = next((n for n, free_from in enumerate(lane_ends) if free_from <= item.row), None)
        if lane is None and len(lane_ends) < MAX_LANES:
            lane_ends.append(end)
            lane = len(lane_ends) - 1
        elif lane is None:  # the lane free soonest, the least shared of those
            shared = [sum(1 for _, used in group if used == n) for n in range(MAX_LANES)]
            lane = min(range(MAX_LANES), key=lambda n: (lane_ends[n], shared[n]))
        lane_ends[lane] = max(lane_ends[lane], end)
        group.append((item, lane))
    placed.extend((done, lane, len(lane_ends)) for done, lane in group)
    return placed, max((lanes for _, _, lanes in placed), default=1)


def _place(items: list[Item]) -> tuple[tuple[Item, ...], int]:
    """Grid columns for a day's items: available time on the left, taken time on the right,
    each side as wide as its busiest hour needs (a side with nothing takes no room). An item
    alone in its hour fills its side; of overlapping items, the last lane also takes what its
    side has to spare. The hours stay a band behind them all. Returns the items (in their
    order) and the day's column count."""
    available = [i for i in items if i.kind == AVAILABLE]
    taken = [i for i in items if i.kind in TAKEN]
    left, left_lanes = _lanes(available) if available else ([], 0)
    right, right_lanes = _lanes(taken) if taken else ([], 0)
    columns = max(1, left_lanes + right_lanes)
    where: dict[int, tuple[int, int]] = {}
    for placed, first, lanes in ((left, 1, left_lanes), (right, left_lanes + 1, right_lanes)):
        for item, lane, group_lanes in placed:
            span = 1 if lane < group_lanes - 1 else lanes - group_lanes + 1
            where[id(item)] = (first + lane, span)
    out = []
    for item in items:
        if id(item) in where:
            column, span = where[id(item)]
            item = replace(item, column=column, columns=span)
        else:
            item = replace(item, column=1, columns=columns)
        out.append(item)
    return tuple(out), columns


def _local_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return local_day_bounds(day, tz.key)


def advisor_calendar(
    advisor: AdvisorProfile,
    first: date,
    days: int,
    now: datetime,
    consultation_url: Callable[[int], str],
) -> CalendarView:
    """``days`` local days from ``first`` (7 from a Monday for a week, or 1)."""
    zone = advisor.timezone
    tz = ZoneInfo(zone)
    last = first + timedelta(days=days - 1)
    weekly = services.weekly_hours(advisor.id)
    overrides = {o.day: o for o in services.date_overrides(advisor.id, first, last)}
    closings = services.holiday_closings(advisor.id, first, last, overridden=overrides)
    calendar_days = {}
    for monday in {week_start_of(first), week_start_of(last)}:
        for shown in week_blocks(advisor, monday).days:
            calendar_days[shown.day] = shown.blocks
    start_utc = _local_bounds(first, tz)[0]
    end_utc = _local_bounds(last, tz)[1]
    bookings = db.session.scalars(
        select(Booking)
        .where(
            Booking.advisor_id == advisor.id,
            Booking.status != BookingStatus.CANCELLED.value,
            Booking.start_at < end_utc,
            Booking.end_at > start_utc,
        )
        .order_by(Booking.start_at)
    ).all()
    today = now.astimezone(tz).date()
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        lo, hi = _local_bounds(day, tz)
        items: list[Item] = []
        holiday = closings.get(day)
        override = DateOverride(day, ()) if holiday else overrides.get(day)
        if override is not None:
            ranges = override.ranges
            note = "Special hours" if ranges else f"Closed: {holiday}" if holiday else "Day off"
            kind, label = SPECIAL, "Special hours"
        else:
            ranges = weekly.for_weekday(day.weekday())
            note = "Weekly hours" if ranges else "No weekly hours"
            kind, label = HOURS, "Weekly hours"
        for r in ranges:
            wall_start, wall_end = r.on(day)
            s = local_to_utc(wall_start, zone).astimezone(tz)
            e = local_to_utc(wall_end, zone).astimezone(tz)
            if e > s:
                items.append(_item(kind, label, s, e, day, zone))
        for block in calendar_days.get(day, ()):
            if block.kind == "available":
                label, source = "Available", "(calendar)"
                if override is not None:
                    why = "federal holiday" if holiday else "date override"
                    label, source = "Available, not offered", f"(calendar; {why})"
                items.append(
                    _item(AVAILABLE, label, block.start, block.end, day, zone, source=source)
                )
            else:
                items.append(
                    _item(BUSY, "Busy", block.start, block.end, day, zone, source="(calendar)")
                )
        for booking in bookings:
            if booking.start_at < hi and booking.end_at > lo:
                s = max(booking.start_at, lo).astimezone(tz)
                e = min(booking.end_at, hi).astimezone(tz)
                held = booking.status == BookingStatus.HELD.value
                label = f"{'Held' if held else 'Booked'}: {booking.visitor_name}"
                href = consultation_url(booking.id)
                items.append(_item(HELD if held else BOOKED, label, s, e, day, zone, href))
        placed, columns = _place(items)
        out.append(Day(day, note, placed, day == today, columns))
    now_row = None
    if first <= today <= last:
        local_now = now.astimezone(tz)
        now_row = _row_of(local_now, today) + 1
    now_label = display.format_time(now.astimezone(UTC), zone)
    return CalendarView(zone, tuple(out), first, 7 if days == 7 else 1, now_row, now_label)
