"""Dates a person can live with: US federal holidays, business days, term starts."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """A holiday on Saturday is observed on Friday, on Sunday on Monday (5 U.S.C. 6103)."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@cache
def us_federal_holidays(year: int) -> frozenset[date]:
    """The eleven US federal holidays of ``year`` (actual and observed days)."""
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11),
             date(year, 12, 25)]
    moving = [
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _last_weekday(year, 5, 0),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
    ]
    days = set(moving) | set(fixed) | {_observed(d) for d in fixed}
    if date(year + 1, 1, 1).weekday() == 5:  # next New Year's Day observed on Dec 31
        days.add(date(year, 12, 31))
    return frozenset(days)


def is_business_day(day: date, *, us_holidays: bool = True) -> bool:
    """A weekday, and not a US federal holiday unless ``us_holidays`` is False (someone
    outside the United States does not keep them)."""
    return day.weekday() < 5 and not (us_holidays and day in us_federal_holidays(day.year))


def example_start_date(today: date) -> date:
    """A start date to show in hints ("like 2027-01-04"): the first business day four weeks
    from ``today``, so the example is never a date the forms refuse as past."""
    return next_business_day(today + timedelta(days=28))


def next_business_day(day: date, *, us_holidays: bool = True) -> date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day, us_holidays=us_holidays):
        day += timedelta(days=1)
    return day


def next_term_start(day: date, term_starts: tuple[tuple[int, int], ...]) -> date:
    """The first (month, day) term start on or after ``day``."""
    candidates = [
        date(year, month, d)
        for year in (day.year, day.year + 1)
        for month, d in term_starts
    ]
    return min(c for c in candidates if c >= day)
