"""US federal holidays as federal offices keep them: the days an advisor who closes on
holidays offers no consultations, and the days a roadmap never sets a target on. Pure: dates
in, names out (the ``holidays`` library knows the rules, including the days observed in place
of a weekend holiday)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

__all__ = ["federal_holidays"]


@lru_cache(maxsize=32)
def _of_year(year: int) -> MappingProxyType[date, str]:
    found = holidays.country_holidays("US", years=year, observed=True)
    return MappingProxyType({day: name for day, name in sorted(found.items()) if day.year == year})


def federal_holidays(first: date, last: date) -> dict[date, str]:
    """The federal holidays from ``first`` to ``last`` (both included), by date in order.

    A holiday on a Saturday is also kept on the Friday before, one on a Sunday on the Monday
    after (named "... (observed)"), as federal offices close then; the day itself stays in."""
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update((d, n) for d, n in _of_year(year).items() if first <= d <= last)
    return found
