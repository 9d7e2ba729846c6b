"""Bookable consultation slots: the pure scheduling core.

Plain values in, plain values out: no Flask, no SQLAlchemy, no clock (``now`` is always
passed in). Every instant the engine returns is an aware :class:`datetime` in UTC; every
aware input may be in any zone and is normalised to UTC; naive instants are rejected.

Rules
=====

*Availability* of an advisor is the union of

- for each local date in the advisor's zone, that date's wall-clock ranges: the
  :class:`DateOverride` ranges when overrides exist for the date (several overrides for one
  date are unioned; an override without ranges makes the date a day off), otherwise the
  :class:`WeeklyHours` ranges for its weekday;
- the calendar ``available`` windows (:attr:`Availability.available_windows`), which add to
  the weekly hours, except on a local date that has overrides: an override is final for its
  date, so the parts of calendar windows falling on an overridden local date are dropped
  (busy time and bookings still block inside the override's ranges).

Touching or overlapping pieces merge, so a slot may straddle 12:00 when 09:00-12:00 and
12:00-17:00 are both open, or straddle midnight when one day ends at 24:00 and the next
starts at 00:00.

Wall-clock ranges are converted with :mod:`zoneinfo` for their own date, so 09:00-17:00 stays
09:00-17:00 local across daylight-saving changes (its UTC instants shift). A wall time ``w``
is converted to *the first instant at which the local clock reads ``w`` or later*:

- an ambiguous time (clocks fall back) resolves to its first occurrence (``fold=0``);
- a time in a spring-forward gap resolves to the transition instant, the first valid instant
  after the gap (a range 02:30-05:00 on the New York spring-forward day starts at 03:00 EDT;
  a range lying entirely in the gap is empty).

A :class:`TimeRange` is ``start <= t < end`` on one local date; ``end == time(0)`` means
midnight at the end of that date (24:00), so ``TimeRange(time(0), time(0))`` is the whole
day. A range cannot cross midnight: split it in two (they merge).

A *slot* ``[s, s + duration)`` is bookable when all of these hold:

1. ``rules.booking_enabled`` is true;
2. ``[s, s + duration)`` lies entirely inside availability;
3. its *occupied span* ``[s - buffer_before, s + duration + buffer_after)`` overlaps no
   ``busy`` span and no booking's occupied span (see :func:`occupied_span`); spans are
   half-open, so touching is not overlapping, and empty spans are ignored. Hence two
   bookings' occupied spans never overlap (the database enforces the same); an existing
   booking occupies the union of its span under the current rules and the span it stored
   when it was made (``booking_holds``), so the engine is never looser than the database;
4. ``s`` is on the start grid: its local wall-clock time is a whole multiple of
   ``rules.interval`` after the local midnight of its own local date (:00/:15/:30/:45 for a
   15-minute grid, DST days included; in the repeated hour of a fall-back day both
   occurrences of 01:15 are on the grid, in a spring-forward gap there are no grid points;
   a grid that does not divide 24 h restarts at every local midnight);
5. ``now + min_notice <= s <= now + horizon`` (both ends inclusive);
6. with ``rules.max_per_day`` set, the advisor-local date of ``s`` holds fewer than
   ``max_per_day`` confirmed bookings (a booking counts on the local date of its start), so
   the existing bookings plus the new one stay within the cap; a date at the cap offers
   nothing.

``Availability.bookings`` are the *other* confirmed bookings: when re-checking inside the
booking transaction, or when rescheduling, leave out the booking being (re)made.

Efficiency: the calendar windows, busy spans and buffered bookings are sorted and merged
once per :class:`Availability` (cached on the instance), then each query bisects to the
spans near its range and sweeps: ``O((n + m) log n)`` overall, never a per-minute loop. The
sweep yields a sorted list of start instants (:func:`slot_starts`); :class:`Slot` objects are
made from it only for callers that want them, and :func:`first_slot` stops at the first.
A zone's UTC-offset changes are found once per zone and UTC day and remembered (pure zone
arithmetic), so a window of weeks costs a few look-ups, not an offset probe per hour.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from advising.scheduling.defaults import DEFAULT_SETTINGS

_DEFAULTS: dict[str, int] = {k: v for k, v in DEFAULT_SETTINGS.items() if isinstance(v, int)}

__all__ = [
    "Availability",
    "BookingRules",
    "DateOverride",
    "Slot",
    "SlotsByDay",
    "Span",
    "TimeRange",
    "WeeklyHours",
    "compute_slots",
    "first_slot",
    "group_by_day",
    "is_bookable",
    "local_day_bounds",
    "local_to_utc",
    "nearest_slots",
    "occupied_span",
    "slot_starts",
    "slots_by_day",
    "slots_from_starts",
    "slots_valid_until",
    "spans",
    "utc_offsets",
]

_TICK = timedelta(microseconds=1)  # datetime resolution: ``s < end`` is ``s <= end - _TICK``
_DAY = timedelta(days=1)
_PROBE = timedelta(hours=1)  # UTC-offset sampling step; zones never change twice within it
_MIDNIGHT = time(0)


# --------------------------------------------------------------------------- value types


def _aware_utc(value: datetime, what: str) -> datetime:
    if value.__class__ is datetime and value.tzinfo is UTC:
        return value  # already normalised: the common case, kept cheap
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware: {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class BookingRules:
    """An advisor's booking rules (every duration a :class:`timedelta`)."""

    duration: timedelta = timedelta(minutes=_DEFAULTS["duration_minutes"])
    # start-time grid step from local midnight
    interval: timedelta = timedelta(minutes=_DEFAULTS["interval_minutes"])
    buffer_before: timedelta = timedelta(minutes=_DEFAULTS["buffer_before_minutes"])
    buffer_after: timedelta = timedelta(minutes=_DEFAULTS["buffer_after_minutes"])
    min_notice: timedelta = timedelta(hours=_DEFAULTS["min_notice_hours"])
    horizon: timedelta = timedelta(days=_DEFAULTS["horizon_days"])
    max_per_day: int | None = None  # confirmed bookings per advisor-local day; None = no cap
    booking_enabled: bool = True

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.interval <= timedelta(0):
            raise ValueError("interval must be positive")
        for name in ("buffer_before", "buffer_after", "min_notice", "horizon"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"{name} must not be negative")
        if self.max_per_day is not None and (
            isinstance(self.max_per_day, bool) or self.max_per_day < 0
        ):
            raise ValueError("max_per_day must be None or a non-negative int")


@dataclass(frozen=True)
class TimeRange:
    """Local wall-clock range ``start <= t < end`` within one day.

    ``end == time(0)`` means midnight at the end of the day (24:00); otherwise
    ``start < end``. Times are naive (the advisor's zone applies).
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("TimeRange times must be naive wall-clock times")
        if self.end != _MIDNIGHT and self.end <= self.start:
            raise ValueError(f"TimeRange end {self.end} must be after start {self.start}")

    def on(self, day: date) -> tuple[datetime, datetime]:
        """The naive wall-clock datetimes this range covers on ``day``."""
        end_day = day + _DAY if self.end == _MIDNIGHT else day
        return datetime.combine(day, self.start), datetime.combine(end_day, self.end)


def _ranges(value: Iterable[TimeRange]) -> tuple[TimeRange, ...]:
    ranges = tuple(value)
    for r in ranges:
        if not isinstance(r, TimeRange):
            raise TypeError(f"expected TimeRange, got {type(r).__name__}")
    return ranges


@dataclass(frozen=True)
class WeeklyHours:
    """Recurring wall-clock ranges per weekday (0 = Monday ... 6 = Sunday).

    Missing weekdays have no hours. The mapping is copied into a read-only one.
    """

    ranges: Mapping[int, tuple[TimeRange, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        copied: dict[int, tuple[TimeRange, ...]] = {}
        for weekday, ranges in self.ranges.items():
            if isinstance(weekday, bool) or weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), not {weekday!r}")
            copied[weekday] = _ranges(ranges)
        object.__setattr__(self, "ranges", MappingProxyType(copied))

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.ranges.items())))

    def for_weekday(self, weekday: int) -> tuple[TimeRange, ...]:
        return self.ranges.get(weekday, ())


@dataclass(frozen=True)
class DateOverride:
    """Replaces the weekly hours on one local date; no ranges means a day off."""

    day: date
    ranges: tuple[TimeRange, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError("DateOverride.day must be a date")
        object.__setattr__(self, "ranges", _ranges(self.ranges))


@dataclass(frozen=True)
class Span:
    """Half-open instant range ``[start, end)``; stored in UTC, ``end >= start``."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start, end = _aware_utc(self.start, "start"), _aware_utc(self.end, "end")
        if end < start:
            raise ValueError(f"span ends before it starts: {start} .. {end}")
        if start is not self.start or end is not self.end:  # not UTC yet
            object.__setattr__(self, "start", start)
            object.__setattr__(self, "end", end)


@dataclass(frozen=True)
class Slot:
    """A bookable consultation ``[start, end)`` in UTC (``end = start + duration``)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start, end = _aware_utc(self.start, "start"), _aware_utc(self.end, "end")
        if end <= start:
            raise ValueError(f"slot must end after it starts: {start} .. {end}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


def spans(pairs: Iterable[tuple[datetime, datetime]]) -> tuple[Span, ...]:
    """:class:`Span` values for ``(start, end)`` pairs, e.g. rows read from a database: a pair
    already in UTC and in order is taken as it is, any other is checked and normalised as
    ``Span(start, end)`` does."""
    made = []
    for start, end in pairs:
        if (
            start.__class__ is datetime
            and end.__class__ is datetime
            and start.tzinfo is UTC
            and end.tzinfo is UTC
            and start <= end
        ):
            span = object.__new__(Span)
            object.__setattr__(span, "start", start)
            object.__setattr__(span, "end", end)
            made.append(span)
        else:
            made.append(Span(start, end))
    return tuple(made)


def _slot(start: datetime, end: datetime) -> Slot:
    """A :class:`Slot` from instants the engine made (aware UTC, ``end > start``), unchecked."""
    slot = object.__new__(Slot)
    object.__setattr__(slot, "start", start)
    object.__setattr__(slot, "end", end)
    return slot


def slots_from_starts(starts: Iterable[datetime], duration: timedelta) -> list[Slot]:
    """:class:`Slot` values for the starts :func:`slot_starts` returns (``end = start +
    duration``), for callers that want objects rather than the list of instants."""
    return [_slot(start, start + duration) for start in starts]


def occupied_span(start: datetime, end: datetime, rules: BookingRules) -> Span:
    """A booking with its buffers: ``[start - buffer_before, end + buffer_after)``."""
    return Span(
        _aware_utc(start, "start") - rules.buffer_before,
        _aware_utc(end, "end") + rules.buffer_after,
    )


class _Index:
    """Sorted, merged spans of one :class:`Availability` (built once, then bisected)."""

    def __init__(self, av: Availability) -> None:
        tz = av.tzinfo
        rules = av.rules
        self.windows = _merge((w.start, w.end) for w in av.available_windows)
        blocked = [(b.start, b.end) for b in av.busy]
        blocked += [
            (b.start - rules.buffer_before, b.end + rules.buffer_after) for b in av.bookings
        ]
        blocked += [(h.start, h.end) for h in av.booking_holds]
        self.blocked = _merge(blocked)
        self.windows_start = [s for s, _ in self.windows]
        self.windows_end = [e for _, e in self.windows]
        self.blocked_start = [s for s, _ in self.blocked]
        self.blocked_end = [e for _, e in self.blocked]
        per_day = Counter(b.start.astimezone(tz).date() for b in av.bookings)
        cap = rules.max_per_day
        self.full_days = frozenset(
            () if cap is None else (d for d, n in per_day.items() if n >= cap)
        )
        self.day_off_all = cap == 0  # a cap of zero closes every day
        overrides: dict[date, list[TimeRange]] = {}
        for o in av.overrides:
            overrides.setdefault(o.day, []).extend(o.ranges)
        self.overrides = overrides


@dataclass(frozen=True)
class Availability:
    """Everything the engine needs to know about one advisor.

    ``zone`` is an IANA name; ``available_windows`` come from calendar "available" events,
    ``busy`` from calendar busy events, ``bookings`` are the confirmed bookings' own
    ``[start, end)`` (buffers are applied by the engine). ``booking_holds`` are the spans
    those bookings hold as stored when they were made (their buffers of that moment): a
    booking blocks the union of both, so a rule loosened since never offers a time that the
    database's constraint would refuse. Sequences may be unsorted and overlapping.
    """

    zone: str
    rules: BookingRules = field(default_factory=BookingRules)
    weekly: WeeklyHours = field(default_factory=WeeklyHours)
    overrides: tuple[DateOverride, ...] = ()
    available_windows: tuple[Span, ...] = ()
    busy: tuple[Span, ...] = ()
    bookings: tuple[Span, ...] = ()
    booking_holds: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        ZoneInfo(self.zone)  # unknown zone: ZoneInfoNotFoundError (a KeyError)
        for name in ("overrides", "available_windows", "busy", "bookings", "booking_holds"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @cached_property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @cached_property
    def _index(self) -> _Index:
        return _Index(self)


# --------------------------------------------------------------------------- zone helpers


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _offset(instant: datetime, tz: ZoneInfo) -> timedelta:
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def _to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(first, tz) == wall:
        return first  # exists; fold=0 is the earlier occurrence when ambiguous
    # In a spring-forward gap: find the transition, the first instant reading >= wall.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(first, other), max(first, other)
    while hi - lo > _TICK:
        mid = lo + (hi - lo) // 2
        if _wall(mid, tz) >= wall:
            hi = mid
        else:
            lo = mid
    return hi


def local_to_utc(wall: datetime, zone: str) -> datetime:
    """Convert a naive wall-clock time in ``zone`` to UTC (the module's DST rules)."""
    if wall.tzinfo is not None:
        raise ValueError("local_to_utc takes a naive wall-clock datetime")
    return _to_utc(wall.replace(fold=0), ZoneInfo(zone))


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of local date ``day`` in ``zone`` (23/24/25 hours long).

    Suits :func:`compute_slots` for "the slots on this day as seen in ``zone``".
    """
    tz = ZoneInfo(zone)
    midnight = datetime.combine(day, _MIDNIGHT)
    return _to_utc(midnight, tz), _to_utc(midnight + _DAY, tz)


_FAR = datetime.max.replace(tzinfo=UTC) - 3 * _DAY


@lru_cache(maxsize=16_384)
def _transitions_in(tz: ZoneInfo, day_start: datetime) -> tuple[tuple[datetime, timedelta], ...]:
    """The UTC-offset changes ``(instant, new offset)`` in ``(day_start, day_start + 1 day]``
    (a UTC day): pure zone arithmetic, so kept for every later request (a few per zone-year)."""
    return tuple(_probed_runs(tz, day_start, day_start + _DAY)[1:])


def _offset_runs(tz: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, timedelta]]:
    """Starts and offsets of the constant-UTC-offset runs covering ``[lo, hi]``.

    The changes are looked up per UTC day (:func:`_transitions_in`), so a window of weeks
    costs a few cache hits rather than an offset probe per hour.
    """
    if hi >= _FAR:
        return _probed_runs(tz, lo, hi)
    runs = [(lo, _offset(lo, tz))]
    day = lo.replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= hi:
        for at, offset in _transitions_in(tz, day):
            if lo < at <= hi:
                runs.append((at, offset))
        day += _DAY
    return runs


def utc_offsets(zone: str, lo: datetime, hi: datetime) -> list[tuple[datetime, timedelta]]:
    """The UTC offsets of ``zone`` over ``[lo, hi]``: ``(from, offset)`` pairs in time order,
    the first from ``lo``, each offset holding until the next pair's instant."""
    lo, hi = _aware_utc(lo, "lo"), _aware_utc(hi, "hi")
    return _offset_runs(ZoneInfo(zone), lo, hi)


def _probed_runs(tz: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, timedelta]]:
    """:func:`_offset_runs` by probing the offset every ``_PROBE`` and bisecting changes."""
    offset = _offset(lo, tz)
    runs = [(lo, offset)]
    t = lo
    while t < hi:
        probe = min(t + _PROBE, hi)
        if _offset(probe, tz) == offset:
            t = probe
            continue
        a, b = t, probe  # offset(a) == offset != offset(b): bisect to the transition
        while b - a > _TICK:
            mid = a + (b - a) // 2
            if _offset(mid, tz) == offset:
                a = mid
            else:
                b = mid
        offset = _offset(b, tz)
        runs.append((b, offset))
        t = b
    return runs


def _day_pieces(
    tz: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime, timedelta, datetime]]:
    """Split ``[lo, hi]`` into pieces of one offset and one local date.

    Each piece is ``(u0, u1, offset, local_midnight)``: UTC half-open ``[u0, u1)``, its UTC
    offset and the naive local midnight of its date. The last piece ends at ``hi + _TICK``.
    """
    runs = _offset_runs(tz, lo, hi)
    ends = [start for start, _ in runs[1:]] + [hi + _TICK]
    pieces = []
    for (u0, offset), u1 in zip(runs, ends, strict=True):
        w0 = u0.replace(tzinfo=None) + offset
        w1 = u1.replace(tzinfo=None) + offset
        midnight = datetime.combine(w0.date(), _MIDNIGHT)
        while midnight < w1:
            a, b = max(w0, midnight), min(w1, midnight + _DAY)
            if a < b:
                u0, u1 = (a - offset).replace(tzinfo=UTC), (b - offset).replace(tzinfo=UTC)
                pieces.append((u0, u1, offset, midnight))
            midnight += _DAY
    return pieces


# --------------------------------------------------------------------------- interval sweeps


def _merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Union of half-open spans, sorted; touching spans merge, empty ones vanish."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract_open(
    closed: list[tuple[datetime, datetime]], opened: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """Closed intervals minus open intervals (both sorted by start, ends sorted too)."""
    out = []
    j = 0
    for a, c in closed:
        while j < len(opened) and opened[j][1] <= a:
            j += 1
        cur = a
        k = j
        while True:
            if k == len(opened) or opened[k][0] >= c:
                out.append((cur, c))
                break
            f0, f1 = opened[k]
            k += 1
            if f1 <= cur:
                continue
            if f0 >= cur:
                out.append((cur, f0))
            if f1 > c:
                break
            cur = f1
    return out


def _availability(av: Availability, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """Merged availability spans that may hold part of a slot starting in ``[lo, hi]``."""
    tz, index = av.tzinfo, av._index
    spans: list[tuple[datetime, datetime]] = []
    day = _wall(lo, tz).date() - _DAY
    last = _wall(hi + av.rules.duration, tz).date() + _DAY
    overridden: list[tuple[datetime, datetime]] = []
    while day <= last:
        ranges = index.overrides.get(day)
        if ranges is None:
            ranges = av.weekly.for_weekday(day.weekday())
        else:
            midnight = datetime.combine(day, _MIDNIGHT)
            overridden.append((_to_utc(midnight, tz), _to_utc(midnight + _DAY, tz)))
        for r in ranges:
            start, end = r.on(day)
            spans.append((_to_utc(start, tz), _to_utc(end, tz)))
        day += _DAY
    i = bisect_right(index.windows_end, lo)
    j = bisect_left(index.windows_start, hi + av.rules.duration)
    windows = index.windows[i:j]
    if overridden:
        # An override is final for its local date: calendar windows add nothing there.
        windows = _subtract_open(windows, _merge(overridden))
    spans.extend(windows)
    return _merge(spans)


def _slots_between(av: Availability, lo: datetime, hi: datetime) -> list[Slot]:
    """Every bookable slot starting in the closed range ``[lo, hi]`` (notice etc. applied)."""
    return slots_from_starts(_starts_between(av, lo, hi), av.rules.duration)


def _starts_between(av: Availability, lo: datetime, hi: datetime) -> list[datetime]:
    """The sorted starts of every bookable slot starting in the closed range ``[lo, hi]``."""
    rules, index, tz = av.rules, av._index, av.tzinfo
    if not rules.booking_enabled or index.day_off_all or lo > hi:
        return []
    duration, interval = rules.duration, rules.interval
    # Start ranges from availability: [a, b - duration], clipped to [lo, hi].
    starts = []
    for a, b in _availability(av, lo, hi):
        a, b = max(a, lo), min(b - duration, hi)
        if a <= b:
            starts.append((a, b))
    if not starts:
        return []
    # A start s clashes with blocked [x, y) iff x - duration - buffer_after < s < y + buffer_before.
    before, after = rules.buffer_before, rules.buffer_after
    i = bisect_right(index.blocked_end, lo - before)
    j = bisect_left(index.blocked_start, hi + duration + after)
    forbidden = [(x - duration - after, y + before) for x, y in index.blocked[i:j]]
    allowed = _subtract_open(starts, forbidden)
    if not allowed:
        return []
    # Grid points inside the allowed closed ranges, per piece of one offset and local date.
    pieces = _day_pieces(tz, allowed[0][0], allowed[-1][1])
    full_days = index.full_days
    starts_out: list[datetime] = []
    append = starts_out.append
    # Per piece: the UTC instant its local midnight would be at the piece's offset (the grid's
    # origin), and whether its date is at the daily cap.
    origins = [
        ((midnight - offset).replace(tzinfo=UTC), midnight.date() in full_days)
        for _, _, offset, midnight in pieces
    ]
    p = 0
    for a, c in allowed:
        while p < len(pieces) and pieces[p][1] <= a:
            p += 1
        q = p
        while q < len(pieces) and pieces[q][0] <= c:
            u0, u1 = pieces[q][0], pieces[q][1]
            origin, full = origins[q]
            q += 1
            if full:
                continue
            k0 = -(-(max(a, u0) - origin) // interval)
            k1 = (min(c, u1 - _TICK) - origin) // interval
            if k0 > k1:
                continue
            start = origin + k0 * interval
            for _ in range(k1 - k0 + 1):
                append(start)
                start += interval
    return starts_out


# --------------------------------------------------------------------------- public API


def _bounds(
    av: Availability, start: datetime, end: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """The closed range of starts ``[start, end)`` allows at ``now`` (notice and horizon)."""
    start, end, now = _aware_utc(start, "start"), _aware_utc(end, "end"), _aware_utc(now, "now")
    rules = av.rules
    return max(start, now + rules.min_notice), min(end - _TICK, now + rules.horizon)


def compute_slots(av: Availability, start: datetime, end: datetime, now: datetime) -> list[Slot]:
    """Bookable slots whose start lies in ``[start, end)``, sorted, without duplicates."""
    return slots_from_starts(slot_starts(av, start, end, now), av.rules.duration)


def slot_starts(av: Availability, start: datetime, end: datetime, now: datetime) -> list[datetime]:
    """The starts of :func:`compute_slots`'s slots (aware UTC, sorted, each slot lasting
    ``av.rules.duration``): the same answer as a plain sorted list of instants, with no
    object per slot, for callers that serialise or count them."""
    return _starts_between(av, *_bounds(av, start, end, now))


def first_slot(av: Availability, start: datetime, end: datetime, now: datetime) -> Slot | None:
    """The first of :func:`compute_slots`'s slots, or None; looks a day ahead, then doubles
    the reach, so a free day soon costs a day's work rather than the whole range's."""
    lo, hi = _bounds(av, start, end, now)
    reach = _DAY
    while lo <= hi:
        upto = min(hi, lo + reach)
        found = _starts_between(av, lo, upto)
        if found:
            return _slot(found[0], found[0] + av.rules.duration)
        lo, reach = upto + _TICK, reach * 2
    return None


def is_bookable(av: Availability, slot_start: datetime, now: datetime) -> bool:
    """Whether ``[slot_start, slot_start + duration)`` is bookable now (same rules as above).

    Meant for the re-check inside the booking transaction; agrees exactly with
    :func:`compute_slots`.
    """
    slot_start = _aware_utc(slot_start, "slot_start")
    slots = compute_slots(av, slot_start, slot_start + _TICK, now)
    return bool(slots) and slots[0].start == slot_start


SLOTS_LOOKAHEAD = _DAY


def slots_valid_until(
    av: Availability,
    start: datetime,
    end: datetime,
    now: datetime,
    slots: Sequence[Slot] | Sequence[datetime],
) -> datetime:
    """Until when (exclusive) ``slots``, the answer of :func:`compute_slots` at ``now`` (or of
    :func:`slot_starts`: its starts), stays its answer as the clock moves on with ``av``
    unchanged; for caching it.

    Only two things move with the clock: the first slot falls inside the minimum notice, and
    the horizon reaches a slot beyond it. The next such slot is looked for up to
    ``SLOTS_LOOKAHEAD`` past the horizon; when there is none, the answer is valid that long.
    """
    start, end, now = _aware_utc(start, "start"), _aware_utc(end, "end"), _aware_utc(now, "now")
    rules = av.rules
    until = datetime.max.replace(tzinfo=UTC)
    if slots:
        first = slots[0]
        first_start = first.start if isinstance(first, Slot) else first
        until = first_start - rules.min_notice + _TICK
    horizon_end = now + rules.horizon
    last_start = end - _TICK
    if horizon_end < last_start and rules.min_notice <= rules.horizon:
        reach = min(last_start, horizon_end + SLOTS_LOOKAHEAD)
        beyond = _slots_between(av, max(start, horizon_end + _TICK), reach)
        if beyond:
            until = min(until, beyond[0].start - rules.horizon)
        elif reach < last_start:
            until = min(until, reach - rules.horizon)
    return until


def nearest_slots(av: Availability, around: datetime, now: datetime, count: int = 3) -> list[Slot]:
    """Up to ``count`` bookable slots whose starts are nearest ``around``, in time order.

    For offering alternatives when a requested slot was just taken. Ties in distance go to
    the earlier slot; ``around`` itself is included when it is bookable. The search widens
    (doubling from one day) until it is certain or covers ``now + min_notice ..
    now + horizon``.
    """
    around, now = _aware_utc(around, "around"), _aware_utc(now, "now")
    rules = av.rules
    first, last = now + rules.min_notice, now + rules.horizon
    if count <= 0 or not rules.booking_enabled or first > last:
        return []
    radius = _DAY
    while True:
        lo, hi = max(around - radius, first), min(around + radius, last)
        found = _slots_between(av, lo, hi)
        found.sort(key=lambda s: (abs(s.start - around), s.start))
        best = found[:count]
        covers_all = around - radius <= first and around + radius >= last
        if covers_all or (len(best) == count and abs(best[-1].start - around) <= radius):
            return sorted(best, key=lambda s: s.start)
        radius *= 2


@dataclass(frozen=True)
class SlotsByDay:
    """Slot starts (sorted aware UTC instants of slots lasting ``duration``) by the local
    date they fall on in a zone: a month page counts each day's slots and shows one day's,
    without a :class:`Slot` for every slot of the month."""

    starts: tuple[datetime, ...]
    duration: timedelta
    days: tuple[tuple[date, int, int], ...]  # (local date, first index, end index), in order

    def counts(self) -> dict[date, int]:
        """How many slots each day with any has."""
        return {day: end - first for day, first, end in self.days}

    def slots_on(self, day: date) -> list[Slot]:
        """The day's slots, in order (none for a day without)."""
        for each, first, end in self.days:
            if each == day:
                return slots_from_starts(self.starts[first:end], self.duration)
        return []


def slots_by_day(starts: Sequence[datetime], duration: timedelta, zone: str) -> SlotsByDay:
    """``starts`` (sorted, as :func:`slot_starts` returns them) grouped by local date in
    ``zone``: one search per day rather than a conversion per slot."""
    tz = ZoneInfo(zone)
    ordered = tuple(starts)
    days = []
    first = 0
    while first < len(ordered):
        day = ordered[first].astimezone(tz).date()
        midnight = _to_utc(datetime.combine(day, _MIDNIGHT) + _DAY, tz)
        end = max(bisect_left(ordered, midnight, first), first + 1)
        days.append((day, first, end))
        first = end
    return SlotsByDay(ordered, duration, tuple(days))


def group_by_day(slots: Iterable[Slot], zone: str) -> list[tuple[date, list[Slot]]]:
    """Group slots by the local date of their start in ``zone`` (e.g. the visitor's).

    Days in order, slots in order within each day; days without slots are omitted.
    """
    tz = ZoneInfo(zone)
    days: dict[date, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return sorted(days.items())
