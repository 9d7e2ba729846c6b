"""Insights for staff: the booking funnel, rates, lead time, each advisor's booked share of
their open hours, and the busiest weekdays and hours, over a period of local dates.

Everything is aggregated in SQL (counts and sums grouped in the database, percentiles with
``percentile_cont`` on PostgreSQL); no booking is loaded as an object. Only SQLite, which
has neither percentiles nor time zones, gets two fallbacks: the lead times of the period
(one number per booking) are sorted in Python, and local times come from a CASE over the
zone's UTC offsets in the period.

Which bookings count where:

- the funnel, the rates and the lead time follow the bookings *made* in the period
  (``created_at``), whatever their consultation's date;
- booked share and busiest days and hours follow the consultations *held* in the period
  (``start_at``; confirmed, completed or no-show, not cancelled).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, and_, case, cast, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from advising.accounts.models import User
from advising.advisors.models import AdvisorProfile
from advising.extensions import db
from advising.intake.models import Intake
from advising.scheduling.models import (
    CANCELLED,
    COMPLETED,
    CONFIRMED,
    HOLDING_STATUSES,
    NO_SHOW,
    Booking,
    DateOverride,
    WeeklyHoursRange,
)
from advising.scheduling.slots import TimeRange, local_day_bounds, local_to_utc
from advising.shared.zones import is_zone, zone_name
from advising.staff.services import csv_cell

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_DAYS = 90
_PROBE = timedelta(hours=6)  # zones change offset at most once in six hours
_DAY = timedelta(days=1)
_MIDNIGHT = time(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = _EPOCH.date()


@dataclass(frozen=True)
class Period:
    """Local dates ``first`` to ``last`` (both included) in ``zone``."""

    first: date
    last: date
    zone: str

    @property
    def start(self) -> datetime:
        return local_day_bounds(self.first, self.zone)[0]

    @property
    def end(self) -> datetime:
        return local_day_bounds(self.last, self.zone)[1]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Funnel:
    intakes: int
    bookings: int
    from_intake: int
    completed: int
    no_shows: int
    cancelled: int
    confirmed: int

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the consultations with an outcome."""
        held = self.completed + self.no_shows
        return self.no_shows / held if held else None

    @property
    def cancellation_rate(self) -> float | None:
        return self.cancelled / self.bookings if self.bookings else None


@dataclass(frozen=True)
class LeadTime:
    """From booking to consultation, over the bookings made in the period and not cancelled."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True)
class AdvisorShare:
    name: str
    zone: str
    open_minutes: int
    booked_minutes: int
    consultations: int

    @property
    def share(self) -> float | None:
        return self.booked_minutes / self.open_minutes if self.open_minutes else None


@dataclass(frozen=True)
class Insights:
    period: Period
    funnel: Funnel
    lead_time: LeadTime
    advisors: tuple[AdvisorShare, ...]
    by_weekday: tuple[int, ...]  # consultations starting on Monday ... Sunday (period's zone)
    by_hour: tuple[int, ...]  # consultations starting in hour 0 ... 23 (period's zone)

    @property
    def busiest_weekday(self) -> str | None:
        return _busiest(WEEKDAYS, self.by_weekday)

    @property
    def busiest_hour(self) -> str | None:
        return _busiest([hour_label(h) for h in range(24)], self.by_hour)


def _busiest(labels: Sequence[str], counts: Sequence[int]) -> str | None:
    top = max(counts, default=0)
    return labels[list(counts).index(top)] if top else None


# --- computing --------------------------------------------------------------------------


def compute(period: Period) -> Insights:
    """Every figure of the insights page for ``period`` (a handful of aggregate queries)."""
    dialect = db.session.get_bind().dialect.name
    funnel, lead_time = _made_in_period(period, dialect)
    per_advisor, by_weekday, by_hour = _held_in_period(period, dialect)
    return Insights(
        period=period,
        funnel=funnel,
        lead_time=lead_time,
        advisors=_advisor_shares(period, per_advisor),
        by_weekday=by_weekday,
        by_hour=by_hour,
    )


def _seconds_between(start: Any, end: Any, dialect: str) -> ColumnElement[float]:
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def _made_in_period(period: Period, dialect: str) -> tuple[Funnel, LeadTime]:
    made = and_(Booking.created_at >= period.start, Booking.created_at < period.end)
    kept = Booking.status != CANCELLED
    lead = _seconds_between(Booking.created_at, Booking.start_at, dialect)
    columns: list[ColumnElement[Any]] = [
        func.count(),
        func.count(Booking.intake_id),
        _count_where(Booking.status == COMPLETED),
        _count_where(Booking.status == NO_SHOW),
        _count_where(Booking.status == CANCELLED),
        _count_where(Booking.status == CONFIRMED),
    ]
    if dialect == "postgresql":  # both percentiles from one sort
        fractions = postgresql.array([0.5, 0.9], type_=Float)
        columns.append(
            func.percentile_cont(fractions, type_=postgresql.ARRAY(Float))
            .within_group(lead)
            .filter(kept)
        )
    row = db.session.execute(select(*columns).where(made)).one()
    intakes = db.session.scalar(
        select(func.count())
        .select_from(Intake)
        .where(Intake.created_at >= period.start, Intake.created_at < period.end)
    )
    total, from_intake, completed, no_shows, cancelled, confirmed = row[:6]
    funnel = Funnel(
        intakes=intakes or 0,
        bookings=total,
        from_intake=from_intake,
        completed=completed,
        no_shows=no_shows,
        cancelled=cancelled,
        confirmed=confirmed,
    )
    kept_count = total - cancelled
    if dialect == "postgresql":
        median, p90 = row[6] or (None, None)
    else:  # SQLite: one number per booking of the period, sorted by the database
        leads = list(db.session.scalars(select(lead).where(made, kept).order_by(lead)))
        median, p90 = percentile_cont(leads, 0.5), percentile_cont(leads, 0.9)
    return funnel, LeadTime(kept_count, median, p90)


def percentile_cont(ordered: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` of sorted values: interpolated between neighbours."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    weight = position - below
    return float(ordered[below]) + (float(ordered[above]) - float(ordered[below])) * weight


def _local_start(period: Period, dialect: str) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(weekday 0 = Monday, hour) of a booking's start in the period's zone, in SQL."""
    if dialect == "postgresql":
        local = func.timezone(period.zone, Booking.start_at)
        weekday = cast(func.extract("isodow", local), Integer) - 1
        return weekday, cast(func.extract("hour", local), Integer)
    runs = offset_runs(period.zone, period.start, period.end)
    shifted = [func.datetime(Booking.start_at, f"{minutes:+d} minutes") for _, minutes in runs]
    if len(runs) == 1:
        local = shifted[0]
    else:
        local = case(
            *[(Booking.start_at < until, shifted[i]) for i, (until, _) in enumerate(runs[1:])],
            else_=shifted[-1],
        )
    weekday = (cast(func.strftime("%w", local), Integer) + 6) % 7  # %w: 0 = Sunday
    return weekday, cast(func.strftime("%H", local), Integer)


def offset_runs(zone: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(first instant, UTC offset in minutes) of each run of one offset in [start, end)."""
    tz = ZoneInfo(zone)

    def offset(instant: datetime) -> int:
        delta = instant.astimezone(tz).utcoffset() or timedelta(0)
        return int(delta.total_seconds() // 60)

    runs = [(start, offset(start))]
    probe = start
    while probe < end:
        step = min(probe + _PROBE, end)
        if offset(step) != runs[-1][1]:
            low, high = probe, step  # the offset changes in (low, high]: find the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if offset(middle) == runs[-1][1]:
                    low = middle
                else:
                    high = middle
            changed = high.replace(second=0, microsecond=0)
            if offset(changed) != offset(high):
                changed = high
            runs.append((changed, offset(high)))
        probe = step
    return runs


def _held_in_period(
    period: Period, dialect: str
) -> tuple[dict[int, tuple[int, int]], tuple[int, ...], tuple[int, ...]]:
    """Per advisor (minutes, consultations), and consultations per weekday and per hour."""
    weekday, hour = _local_start(period, dialect)
    minutes = _seconds_between(Booking.start_at, Booking.end_at, dialect) / 60.0
    query = (
        select(Booking.advisor_id, weekday, hour, func.count(), func.sum(minutes))
        .where(
            Booking.start_at >= period.start,
            Booking.start_at < period.end,
            Booking.status.in_(HOLDING_STATUSES),
        )
        .group_by(Booking.advisor_id, weekday, hour)
    )
    per_advisor: dict[int, tuple[int, int]] = {}
    by_weekday, by_hour = [0] * 7, [0] * 24
    for advisor_id, day, hour_of_day, count, booked in db.session.execute(query):
        total, held = per_advisor.get(advisor_id, (0, 0))
        per_advisor[advisor_id] = (total + round(float(booked or 0)), held + count)
        by_weekday[day] += count
        by_hour[hour_of_day] += count
    return per_advisor, tuple(by_weekday), tuple(by_hour)


Ranges = list[tuple[time, time]]


def _advisor_shares(period: Period, booked: dict[int, tuple[int, int]]) -> tuple[AdvisorShare, ...]:
    advisors = db.session.execute(
        select(
            AdvisorProfile.id,
            AdvisorProfile.display_name,
            AdvisorProfile.timezone,
            AdvisorProfile.active,
        ).order_by(AdvisorProfile.display_name, AdvisorProfile.id)
    ).all()
    weekly: dict[int, dict[int, Ranges]] = {}
    for advisor_id, weekday, start, end in db.session.execute(
        select(
            WeeklyHoursRange.advisor_id,
            WeeklyHoursRange.weekday,
            WeeklyHoursRange.start_time,
            WeeklyHoursRange.end_time,
        )
    ):
        weekly.setdefault(advisor_id, {}).setdefault(weekday, []).append((start, end))
    overrides: dict[int, dict[date, Ranges]] = {}
    for advisor_id, day, start, end in db.session.execute(
        select(
            DateOverride.advisor_id,
            DateOverride.day,
            DateOverride.start_time,
            DateOverride.end_time,
        ).where(  # a day either side: an advisor's local dates reach past the period's
            DateOverride.day >= period.first - timedelta(days=1),
            DateOverride.day <= period.last + timedelta(days=1),
        )
    ):
        ranges = overrides.setdefault(advisor_id, {}).setdefault(day, [])
        if start is not None and end is not None:
            ranges.append((start, end))  # a row without times only marks the day off
    shares = []
    for advisor_id, name, zone, active in advisors:
        minutes, held = booked.get(advisor_id, (0, 0))
        opened = open_minutes(
            zone, weekly.get(advisor_id, {}), overrides.get(advisor_id, {}), period
        )
        if active or minutes or opened:
            shares.append(AdvisorShare(name, zone, opened, minutes, held))
    return tuple(shares)


def open_minutes(
    zone: str, weekly: dict[int, Ranges], overrides: dict[date, Ranges], period: Period
) -> int:
    """Minutes of the period inside the advisor's hours: for each of the advisor's local
    dates, the override ranges when the date has overrides (none: a day off), otherwise the
    weekly ranges of its weekday. The same rule as the slot engine's, without calendars.

    Works in minutes since the epoch: two years of ten advisors' days stay a few milliseconds.
    """
    start, end = _minutes(period.start), _minutes(period.end)
    tz = ZoneInfo(zone)
    day, last = period.start.astimezone(tz).date(), period.end.astimezone(tz).date()
    spans: list[tuple[float, float]] = []
    midnight = datetime.combine(day, _MIDNIGHT)
    offset = tz.utcoffset(midnight)
    while day <= last:
        next_offset = tz.utcoffset(midnight + _DAY)
        ranges = overrides[day] if day in overrides else weekly.get(day.weekday(), [])
        if ranges:
            steady = offset if offset == next_offset else None
            spans += _day_spans(day, ranges, zone, steady)
        day, midnight, offset = day + _DAY, midnight + _DAY, next_offset
    total, reached = 0.0, start
    for lo, hi in sorted(spans):  # overlapping ranges count once; the period clips them
        lo, hi = max(lo, reached), min(hi, end)
        if hi > lo:
            total += hi - lo
            reached = hi
    return round(total)


def _minutes(instant: datetime) -> float:
    return (instant - _EPOCH).total_seconds() / 60


def _wall_minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _day_spans(
    day: date, ranges: Ranges, zone: str, steady: timedelta | None
) -> list[tuple[float, float]]:
    """The day's wall-clock ranges as spans of minutes since the epoch. On a day with one UTC
    offset (``steady``, nearly every day) that is arithmetic; a day with a change takes the
    slot engine's rule (:func:`local_to_utc`)."""
    if steady is not None:
        base = (day - _EPOCH_DAY).days * 1440 - steady.total_seconds() / 60
        return [(base + _wall_minutes(lo), base + (_wall_minutes(hi) or 1440)) for lo, hi in ranges]
    spans = []
    for lo, hi in ranges:
        wall_start, wall_end = TimeRange(lo, hi).on(day)
        spans.append(
            (_minutes(local_to_utc(wall_start, zone)), _minutes(local_to_utc(wall_end, zone)))
        )
    return spans


# --- showing ----------------------------------------------------------------------------


def hour_label(hour: int) -> str:
    """'12 AM', '9 AM', '12 PM', '5 PM': the hour starting then, US style."""
    return f"{(hour % 12) or 12} {'AM' if hour < 12 else 'PM'}"


def format_duration(seconds: float | None) -> str:
    """'3 days 4 hours', '5 hours 30 minutes', '20 minutes'; 'n/a' for none."""
    if seconds is None:
        return "n/a"
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(shown) or "0 minutes"


def format_hours(minutes: int) -> str:
    """'34 hours', '2.5 hours', '1 hour': open and booked time, to a tenth of an hour."""
    shown = f"{minutes / 60:.1f}".removesuffix(".0")
    return f"{shown} hour{'' if shown == '1' else 's'}"


def format_rate(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _fraction(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


@dataclass(frozen=True)
class Table:
    """One table of the page, as shown and as downloaded (``csv_header``, ``csv_rows``)."""

    name: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    csv_header: tuple[str, ...]
    csv_rows: tuple[tuple[object, ...], ...]


TABLES = ("funnel", "rates", "lead-time", "advisors", "weekdays", "hours")


def tables(insights: Insights) -> dict[str, Table]:
    """Every table of the page by name (the names of ``TABLES``)."""
    f, lead, zone = insights.funnel, insights.lead_time, insights.period.zone
    zone_shown = zone_name(zone)
    stages = (
        ("Intakes created", f.intakes),
        ("Bookings made", f.bookings),
        ("Bookings made from an intake", f.from_intake),
        ("Consultations completed", f.completed),
        ("No-shows", f.no_shows),
    )
    rates = (
        ("No-show rate", f.no_shows, f.completed + f.no_shows, f.no_show_rate),
        ("Cancellation rate", f.cancelled, f.bookings, f.cancellation_rate),
    )
    leads = (("Median", lead.median_seconds), ("90th percentile", lead.p90_seconds))
    return {
        "funnel": Table(
            "funnel",
            "Funnel: intakes and bookings made in the period",
            ("Stage", "Count"),
            tuple((stage, f"{count:,}") for stage, count in stages),
            ("stage", "count"),
            stages,
        ),
        "rates": Table(
            "rates",
            "Rates over the bookings made in the period",
            ("Measure", "Rate", "Of"),
            tuple(
                (name, format_rate(rate), f"{part:,} of {whole:,}")
                for name, part, whole, rate in rates
            ),
            ("measure", "count", "out_of", "rate"),
            tuple((name, part, whole, _fraction(rate)) for name, part, whole, rate in rates),
        ),
        "lead-time": Table(
            "lead-time",
            f"Lead time from booking to consultation ({lead.count:,} bookings not cancelled)",
            ("Measure", "Lead time"),
            tuple((name, format_duration(seconds)) for name, seconds in leads),
            ("measure", "hours"),
            tuple((name, _hours(seconds)) for name, seconds in leads),
        ),
        "advisors": Table(
            "advisors",
            "Booked share of each advisor's open hours (in the advisor's zone)",
            ("Advisor", "Booked", "Open", "Share"),
            tuple(
                (
                    a.name,
                    format_hours(a.booked_minutes),
                    format_hours(a.open_minutes),
                    format_rate(a.share),
                )
                for a in insights.advisors
            ),
            ("advisor", "advisor_zone", "consultations", "booked_hours", "open_hours", "share"),
            tuple(
                (
                    a.name,
                    a.zone,
                    a.consultations,
                    _hours(a.booked_minutes * 60),
                    _hours(a.open_minutes * 60),
                    _fraction(a.share),
                )
                for a in insights.advisors
            ),
        ),
        "weekdays": Table(
            "weekdays",
            f"Consultations by day of the week ({zone_shown})",
            ("Day", "Consultations"),
            tuple((day, f"{n:,}") for day, n in zip(WEEKDAYS, insights.by_weekday, strict=True)),
            ("weekday", "consultations"),
            tuple(zip(WEEKDAYS, insights.by_weekday, strict=True)),
        ),
        "hours": Table(
            "hours",
            f"Consultations by hour they start ({zone_shown})",
            ("Hour starting", "Consultations"),
            tuple((hour_label(h), f"{n:,}") for h, n in enumerate(insights.by_hour)),
            ("hour_starting", "consultations"),
            tuple((f"{h:02d}:00", n) for h, n in enumerate(insights.by_hour)),
        ),
    }


def csv_text(table: Table) -> str:
    """The table as CSV (byte-order mark for spreadsheets, formula-like cells defused)."""
    return "".join(_csv_lines(table.csv_header, table.csv_rows))


def _csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    yield "\ufeff" + buffer.getvalue()


def default_period(zone: str, now: datetime | None = None) -> tuple[date, date]:
    """The last ``DEFAULT_DAYS`` local dates in ``zone``, today included."""
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def zone_of(user_id: int) -> str:
    """The staff member's zone: their own (detected at sign-in), else their advisor
    profile's when they have one, else UTC."""
    own = db.session.scalar(select(User.timezone).where(User.id == user_id))
    if own and is_zone(own):
        return own
    query = select(AdvisorProfile.timezone).where(AdvisorProfile.user_id == user_id)
    return db.session.scalar(query) or "UTC"
