"""Dates a person can live with: US federal holidays, business days, term starts."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from advising.shared.federal_holidays import federal_holidays


@cache
def us_federal_holidays(year: int) -> frozenset[date]:
    """The eleven US federal holidays of ``year`` (actual and observed days)."""
    return frozenset(federal_holidays(date(year, 1, 1), date(year, 12, 31)))


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
