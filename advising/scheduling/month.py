"""The month calendar of the date-first time picker: which days of a month have free times,
laid out in weeks (Sunday first, as US calendars are). Pure."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DayCell:
    day: date
    free: int  # how many free times that day
    selected: bool


@dataclass(frozen=True)
class MonthView:
    first: date  # the 1st of the month shown
    weeks: tuple[tuple[DayCell | None, ...], ...]
    previous: date | None  # the 1st of the month before, when it can hold free times
    next: date | None


def month_view(
    first: date, free_days: dict[date, int], selected: date | None, earliest: date, latest: date
) -> MonthView:
    """``first``'s month in weeks; ``earliest``/``latest`` bound the months one can page to."""
    grid = calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(
        first.year, first.month
    )
    weeks = tuple(
        tuple(
            DayCell(day, free_days.get(day, 0), day == selected)
            if day.month == first.month
            else None
            for day in week
        )
        for week in grid
    )
    previous = _shift(first, -1)
    following = _shift(first, 1)
    return MonthView(
        first=first,
        weeks=weeks,
        previous=previous if previous >= earliest.replace(day=1) else None,
        next=following if following <= latest.replace(day=1) else None,
    )


def next_month(first: date) -> date:
    """The 1st of the month after ``first``'s."""
    return _shift(first, 1)


def _shift(first: date, months: int) -> date:
    month = first.month - 1 + months
    return date(first.year + month // 12, month % 12 + 1, 1)


def first_of_month(text: str | None, default: date, earliest: date, latest: date) -> date:
    """The 1st of the month named by ``YYYY-MM`` (or of ``default``'s month); ``earliest``'s
    month when that lies outside the months from ``earliest`` to ``latest``."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = default.replace(day=1)
    if not earliest.replace(day=1) <= first <= latest.replace(day=1):
        return earliest.replace(day=1)
    return first
