"""Repeat rules: vetting them, and expanding them with bounded work.

Repeat rules are never expanded blindly from their first date: a rule that is too costly to
walk up to the window is refused before any work is done, open-ended daily, weekly and hourly
rules skip straight to the window, and a rule that can never match is cut off after a few
decades instead of the thousands of years dateutil would walk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from dateutil import rrule as dateutil_rrule
from icalendar import Event, vRecur
from recurring_ical_events import EventAdapter, Occurrence, Series

from advising.calendars.ics.events import EventInfo, Moment
from advising.calendars.ics.types import fail, refuse
from advising.shared.text import excerpt

_FREQ_WORDS = {"SECONDLY": "every second", "MINUTELY": "every minute"}
_SUPPORTED_FREQS = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"})
# The longest a period of each frequency can be, for bounding when a counted rule ends.
_SIMPLE_STEPS = {
    "YEARLY": timedelta(days=366),
    "MONTHLY": timedelta(days=31),
    "WEEKLY": timedelta(days=7),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
}


def vet_rule(value: str, describe: Callable[[], str], line: int) -> vRecur:
    """Parse and vet a repeat rule before recurring-ical-events sees it.

    ``describe()`` names the event in messages; it is called only when a message needs it.
    """
    try:
        rule = vRecur.from_ical(value.strip())
    except (ValueError, TypeError, OverflowError):
        fail(f'the repeat rule "{excerpt(value.strip())}" could not be read.', line)
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if "RSCALE" in rule or "SKIP" in rule:
        fail(
            f"{describe()} repeats by another calendar scale (RSCALE), which is not supported.",
            line,
        )
    if freq in _FREQ_WORDS:
        refuse(
            f"{describe()} repeats {_FREQ_WORDS[freq]} (FREQ={freq}); events "
            "that repeat this often are not supported. Please change or delete it.",
            line,
        )
    if freq not in _SUPPORTED_FREQS:
        fail(f'the repeat rule "{excerpt(value.strip())}" has no valid FREQ.', line)
    interval = rule.get("INTERVAL")
    if interval is not None and (len(interval) != 1 or int(interval[0]) < 1):
        fail(f"{describe()} has a repeat INTERVAL that is not a positive number.", line)
    if rule.get("COUNT") and rule.get("UNTIL"):
        fail(
            f"{describe()} has both COUNT and UNTIL in its repeat rule, which is not allowed.",
            line,
        )
    if "BYEASTER" in rule:
        fail(f"{describe()} uses BYEASTER, which is not part of the iCalendar standard.", line)
    return rule


def rule_end(
    rule: vRecur, start: Moment, first: datetime, to_utc: Callable[[Moment], datetime]
) -> datetime | None:
    """A late bound for the last start a rule produces, or None when there is none.

    ``first`` is ``start`` in UTC; ``to_utc`` places an UNTIL value the same way.
    """
    until = rule.get("UNTIL")
    if until:
        return to_utc(until[0]) + timedelta(days=1)
    count = rule.get("COUNT")
    freq = str(rule.get("FREQ", [""])[0]).upper()
    if not count or freq not in _SIMPLE_STEPS:
        return None
    # Only rules that match in every period: no filters, and a start day that every
    # month (or year) has, since monthly and yearly rules repeat the start's day.
    byparts = {key.upper() for key in rule}
    simple = byparts <= {"FREQ", "COUNT", "INTERVAL", "WKST"} or (
        freq == "WEEKLY" and byparts <= {"FREQ", "COUNT", "INTERVAL", "WKST", "BYDAY"}
    )
    if not simple or (freq in ("MONTHLY", "YEARLY") and start.day > 28):
        return None
    steps = int(rule.get("INTERVAL", [1])[0] or 1) * (int(count[0]) + 1)
    if steps > 4_000_000:  # beyond any window we could be asked about
        return None
    return first + _SIMPLE_STEPS[freq] * steps


# --------------------------------------------------------------------------------------------
# recurring-ical-events, with our notes on each occurrence and bounded rules
# --------------------------------------------------------------------------------------------


class Adapter(EventAdapter):
    """recurring-ical-events' VEVENT adapter, carrying our notes about the event."""

    def __init__(self, component: Event, info: EventInfo) -> None:
        super().__init__(component)
        self.info = info


class BoundedOccurrence(Occurrence):
    """An occurrence that remembers which event (series or override) it comes from."""

    def __init__(
        self,
        adapter: Adapter,
        start: Moment | None = None,
        end: Moment | timedelta | None = None,
        sequence: int = -1,
    ) -> None:
        super().__init__(adapter, start, end, sequence)
        self.info = adapter.info


class BoundedSeries(Series):
    """recurring-ical-events' Series, with repeat rules replaced by bounded ones."""

    class RecurrenceRules(Series.RecurrenceRules):
        """Creates :class:`BoundedRule` instead of bare dateutil rules."""

        def rrulestr(self, rule_string: str) -> Any:
            """Let the library build the dateutil rule, then wrap it."""
            rule = super().rrulestr(rule_string)
            return BoundedRule(rule, self.start, self.core.info)

    def occurrence(
        self,
        adapter: Adapter,  # type: ignore[override]
        start: Moment | None = None,
        end: Moment | timedelta | None = None,
    ) -> BoundedOccurrence:
        """Create our occurrence class, which keeps the event notes."""
        return BoundedOccurrence(adapter, start, end, sequence=self.sequence)


# --------------------------------------------------------------------------------------------
# The cost model of one rule
# --------------------------------------------------------------------------------------------

_YEARLY, _MONTHLY, _WEEKLY, _DAILY, _HOURLY = (
    dateutil_rrule.YEARLY,
    dateutil_rrule.MONTHLY,
    dateutil_rrule.WEEKLY,
    dateutil_rrule.DAILY,
    dateutil_rrule.HOURLY,
)
_FREQS = {
    "YEARLY": _YEARLY,
    "MONTHLY": _MONTHLY,
    "WEEKLY": _WEEKLY,
    "DAILY": _DAILY,
    "HOURLY": _HOURLY,
}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PERIOD_DAYS = {_YEARLY: 366, _MONTHLY: 31, _WEEKLY: 7, _DAILY: 1, _HOURLY: 1}
_PERIODS_PER_YEAR = {_YEARLY: 1, _MONTHLY: 12, _WEEKLY: 53, _DAILY: 366, _HOURLY: 366}
# Open-ended rules of these frequencies may start anywhere on their grid: (grid step, guard).
_REBASE = {
    _DAILY: (timedelta(days=1), timedelta(days=1)),
    _WEEKLY: (timedelta(weeks=1), timedelta(weeks=1)),
    _HOURLY: (timedelta(hours=1), timedelta(days=1)),
}


@dataclass(frozen=True, slots=True)
class Shape:
    """The parts of a rule that decide how much work expanding it costs."""

    freq: int
    interval: int
    count: int | None
    until: datetime | None
    dense: bool  # every period (year, month, week, day, hour) has at least one occurrence
    scan: float  # work to look at one period
    hits: float  # work to produce the candidates of one period


def _ints(parts: Mapping[str, Any], key: str) -> set[int]:
    return {int(value) for value in parts.get(key) or ()}


def shape_of(parts: Mapping[str, Any], start: date) -> Shape:
    """The cost shape of a rule from its RRULE parts (a ``vRecur``) and its first start.

    Parts the rule leaves out are filled in from the start as RFC 5545 says (and dateutil
    does): a yearly rule repeats the start's month and day, a monthly one its day, a weekly
    one its weekday.
    """
    freq = _FREQS[str(parts["FREQ"][0]).upper()]
    interval = int((parts.get("INTERVAL") or [1])[0])
    count = int(parts["COUNT"][0]) if parts.get("COUNT") else None
    until: Any = parts["UNTIL"][0] if parts.get("UNTIL") else None
    if until is not None and not isinstance(until, datetime):
        until = datetime(until.year, until.month, until.day)
    bymonth, monthdays = _ints(parts, "BYMONTH"), _ints(parts, "BYMONTHDAY")
    yeardays, weeknos = _ints(parts, "BYYEARDAY"), _ints(parts, "BYWEEKNO")
    setpos = list(parts.get("BYSETPOS") or ())
    plain_days: set[int] = set()
    nth_days: set[tuple[int, int]] = set()
    for day in parts.get("BYDAY") or ():
        weekday = _WEEKDAYS.index(str(day.weekday).upper())
        if not day.relative or freq > _MONTHLY:  # the n of "2MO" only counts in months, years
            plain_days.add(weekday)
        else:
            nth_days.add((weekday, int(day.relative)))
    easter = bool(parts.get("BYEASTER"))
    given = {"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"} & set(parts)
    if not given and not easter:
        if freq == _YEARLY:
            bymonth = bymonth if "BYMONTH" in parts else {start.month}
            monthdays = {start.day}
        elif freq == _MONTHLY:
            monthdays = {start.day}
        elif freq == _WEEKLY:
            plain_days = {start.weekday()}
    ahead = {day for day in monthdays if day > 0}
    behind = {day for day in monthdays if day < 0}
    monthdays = ahead | behind  # day 0 matches nothing
    days = _PERIOD_DAYS[freq]
    fraction = 1.0
    if bymonth:
        fraction *= min(1.0, len(bymonth) / 12)
    if plain_days or nth_days:
        fraction *= min(1.0, (len(plain_days) + len(nth_days)) / 7)
    if monthdays:
        fraction *= min(1.0, len(monthdays) / 30)
    if yeardays:
        fraction *= min(1.0, len(yeardays) / 365)
    if weeknos:
        fraction *= min(1.0, len(weeknos) / 52)
    times = len(_ints(parts, "BYMINUTE") or (0,)) * len(_ints(parts, "BYSECOND") or (0,))
    if freq != _HOURLY:
        times *= len(_ints(parts, "BYHOUR") or (0,))
    simple = not (setpos or weeknos or yeardays or easter or nth_days)
    simple = simple and not behind and all(day <= 28 for day in ahead)
    if freq == _YEARLY:
        dense = simple and not (monthdays and plain_days)
    elif freq == _MONTHLY:
        dense = simple and not bymonth and not (monthdays and plain_days)
    elif freq == _WEEKLY:
        dense = simple and not bymonth and not monthdays
    else:
        dense = simple and not bymonth and not monthdays and not plain_days
    return Shape(
        freq=freq,
        interval=interval,
        count=count,
        until=until,
        dense=dense,
        scan=12 + days * (1 + len(setpos)),
        hits=6 * days * fraction * times,
    )


class BoundedRule:
    """Stands in for one dateutil rule inside recurring-ical-events, with bounded work.

    recurring-ical-events only calls ``between(after, before, inc=True)`` and reads ``until``.
    dateutil's ``between`` walks every period from DTSTART and only stops at the first
    occurrence after ``before``, so a rule starting in year 1, or one that can never match,
    costs seconds. Here we

    * work on wall-clock times without a zone, as dateutil does internally;
    * move the start of open-ended daily, weekly and hourly rules forward along their own grid
      to just before the window, which leaves every occurrence in the window unchanged;
    * refuse rules whose walk up to the window is still estimated to be too costly;
    * move the whole computation by whole calendar cycles (28 years between 1901 and 2099,
      else 400 years) so that dateutil reaches its year-9999 limit, and stops, within a few
      decades of the window even when the rule never matches again.

    The rule's parts are read from the RRULE text recurring-ical-events built it from
    (``rule.string``), not from dateutil's private attributes.
    """

    def __init__(self, rule: Any, start: datetime, info: EventInfo) -> None:
        self.until = rule.until  # set by recurring-ical-events, which filters with it
        self.string = rule.string
        self._rule = rule
        self._zone = start.tzinfo
        self._first = start.replace(tzinfo=None, microsecond=0)
        self._shape = shape_of(vRecur.from_ical(rule.string), start)
        until = self._shape.until
        self._until = None if until is None else _wall(until, self._zone)
        self._info = info

    def between(self, after: datetime, before: datetime, inc: bool = False) -> list[datetime]:
        """The rule's starts between ``after`` and ``before``, like dateutil's ``between``."""
        shape = self._shape
        low, high = _wall(after, self._zone), _wall(before, self._zone)
        first = self._first
        if high < first or high < low or (self._until is not None and self._until < low):
            return []
        low = max(low, first)
        start = first if shape.count is not None else _rebase(shape, first, low)
        shift = _year_shift(start, high)
        limits = self._info.context.limits
        if _work(shape, start, high, shift) > limits.max_expansion_work:
            refuse(
                f"{self._info.describe()} repeats too often between {first.date()} and the "
                "requested period to be worked out. Please give it a later start or an end.",
                self._info.line,
            )
        self._info.context.clock.check()
        until = self._until if self._until is not None and self._until <= high else None
        rule = self._rule.replace(
            dtstart=_add_years(start, shift),
            until=None if until is None else _add_years(until, shift),
            cache=False,
        )
        # dateutil's own between() with a cap on what it collects inside the window.
        low, high = _add_years(low, shift), _add_years(high, shift)
        found: list[datetime] = []
        for moment in rule:
            if moment > high or (moment == high and not inc):
                break
            if moment > low or (moment == low and inc):
                found.append(_add_years(moment, -shift).replace(tzinfo=self._zone))
                if len(found) > limits.max_occurrences_per_series:
                    refuse(
                        f"{self._info.describe()} happens more than "
                        f"{limits.max_occurrences_per_series:,} times in the requested period; "
                        "that is too many to handle.",
                        self._info.line,
                    )
        return found


def _wall(moment: datetime, zone: tzinfo | None) -> datetime:
    """Wall-clock time in ``zone`` without tzinfo (for floating rules: as given)."""
    if moment.tzinfo is None:
        return moment
    if zone is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(zone).replace(tzinfo=None)


def _rebase(shape: Shape, first: datetime, low: datetime) -> datetime:
    """Move an open-ended rule's start forward along its grid to just before ``low``.

    The new start keeps the weekday and time of day and stays a whole number of intervals
    from the old one, so the rule produces the same occurrences from there on. It stays at
    least one period (a day for hourly rules) before ``low``, because dateutil skips
    candidates earlier in the first period than the start itself.
    """
    grid = _REBASE.get(shape.freq)
    if grid is None:
        return first
    step, guard = grid[0] * shape.interval, grid[1]
    gap = low - guard - first
    if gap <= timedelta(0):
        return first
    return first + step * (gap // step)


def _year_shift(first: datetime, last: datetime) -> int:
    """Years to add so that dateutil hits year 9999 soon after ``last``.

    The shifted years must have the same calendars as the real ones (weekday of 1 January and
    leap years). The Gregorian calendar repeats exactly every 400 years. Where neither the real
    years nor their images skip a leap year (as 1900 and 2100 do), a year with the same
    weekday and leap status comes round at least every 28 years, which lands much closer to 9999.
    """
    span = last.year - first.year
    if span <= 70 and not _skips_leap_year(first.year, last.year):
        weekday = date(first.year, 1, 1).weekday()
        for target in range(9999 - span, 9900, -1):  # 9901-9999 skip no leap year
            if target % 4 == first.year % 4 and date(target, 1, 1).weekday() == weekday:
                return target - first.year
    return 400 * ((9999 - last.year) // 400)


def _skips_leap_year(first: int, last: int) -> bool:
    """Whether a century year that is not a leap year (1900, 2100...) lies in [first, last]."""
    century = -(-first // 100) * 100
    while century <= last:
        if century % 400:
            return True
        century += 100
    return False


def _add_years(moment: datetime, years: int) -> datetime:
    """The same wall-clock time ``years`` later (or earlier)."""
    return moment.replace(year=moment.year + years) if years else moment


def _work(shape: Shape, start: datetime, last: datetime, shift: int) -> float:
    """Estimated dateutil work to expand from ``start`` to ``last`` (and past it)."""
    freq, interval = shape.freq, shape.interval
    if freq == _YEARLY:
        periods = (last.year - start.year) // interval + 1
    elif freq == _MONTHLY:
        periods = ((last.year - start.year) * 12 + last.month - start.month) // interval + 1
    elif freq == _WEEKLY:
        periods = (last - start).days // (7 * interval) + 1
    elif freq == _DAILY:
        periods = (last - start).days // interval + 1
    else:
        periods = int((last - start).total_seconds() // 3600) // interval + 1
    if shape.count is not None and shape.dense:
        periods = min(periods, shape.count + 1)
    work = periods * (shape.scan + shape.hits)
    if not shape.dense:  # it may walk on until year 9999 looking for one more match
        tail_years = 9999 - (last.year + shift) + 1
        per_year = _PERIODS_PER_YEAR[freq] / (1 if freq == _HOURLY else interval)
        work += tail_years * per_year * shape.scan
    return work
