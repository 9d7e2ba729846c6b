"""Slots and bookings: the transactions behind the booking pages and the API.

Slots come from stored calendar blocks and bookings via indexed range queries (no calendar
parsing per request). Booking re-checks the slot inside a write-locked transaction; the
database's own constraint is the last word on PostgreSQL.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Collection, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Time,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import TypeEngine

from advising.advisors import availability as versions
from advising.advisors.models import AdvisorProfile
from advising.calendars.models import BLOCK_AVAILABLE, MAX_BLOCK_DAYS, CalendarBlock
from advising.database import UTCDateTime, begin_write_locked, read_rows, utcnow
from advising.extensions import db, events
from advising.intake.models import Intake
from advising.scheduling import slots as engine
from advising.scheduling.cache import DEFAULT_MAX_AGE, SlotCache
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.matching import Fit, Wants, fit
from advising.scheduling.models import (
    ACTIVE_STATUSES,
    CANCELLED,
    CONFIRMED,
    HELD,
    HOLDING_STATUSES,
    OUTCOMES,
    Actor,
    Booking,
    BookingSettings,
    BookingStatus,
    DateOverride,
    WeeklyHoursRange,
)
from advising.scheduling.pooled import PooledDays, pool
from advising.scheduling.request_keys import (
    BookingRequest,
    RequestKey,
    intake_manage_token,
    prior_booking_id,
)
from advising.shared.emails import limit_key
from advising.shared.errors import FieldError
from advising.shared.federal_holidays import federal_holidays
from advising.shared.tokens import hash_token, keyed_digest, new_token

log = logging.getLogger("advising.scheduling")

SLOT_CACHE_KEY = "advising.slot_cache"
T = TypeVar("T")


class BookingError(FieldError):
    """A booking action was refused; the message is for the person, ``field`` names the input."""


class TooManyUpcoming(BookingError):
    """The visitor's e-mail already holds the most upcoming consultations allowed."""


class SlotTaken(BookingError):
    """The requested time is no longer free; ``alternatives`` are the nearest free slots."""

    def __init__(self, alternatives: list[engine.Slot]):
        super().__init__("That time was just taken.", field="start")
        self.alternatives = alternatives


@dataclass(frozen=True)
class VisitorDetails:
    name: str
    email: str
    phone: str | None
    topic: str
    timezone: str
    intake_id: int | None = None  # the career intake the visitor booked from, if any


def _publish(
    change: BookingChange,
    actor: Actor,
    booking: Booking,
    manage_token: str | None = None,
    previous_start: datetime | None = None,
    was_held: bool = False,
) -> None:
    """Tell the features above (mail, webhooks) inside the transaction, before its commit."""
    db.session.flush()
    events().publish(
        BookingChanged(change, actor, booking, manage_token, previous_start, was_held)
    )


def new_manage_token() -> tuple[str, str]:
    """A manage-link secret and the hash we store."""
    return new_token()


# --- rules -----------------------------------------------------------------------------------


def settings_for(advisor_id: int) -> BookingSettings:
    """The advisor's booking settings (made with the profile; see :mod:`.defaults`)."""
    settings = db.session.get(BookingSettings, advisor_id)
    if settings is None:
        raise BookingError("This advisor is not taking bookings.")
    return settings


def rules_from(settings: BookingSettings) -> engine.BookingRules:
    return engine.BookingRules(
        duration=timedelta(minutes=settings.duration_minutes),
        interval=timedelta(minutes=settings.interval_minutes),
        buffer_before=timedelta(minutes=settings.buffer_before_minutes),
        buffer_after=timedelta(minutes=settings.buffer_after_minutes),
        min_notice=timedelta(hours=settings.min_notice_hours),
        horizon=timedelta(days=settings.horizon_days),
        max_per_day=settings.max_per_day,
        booking_enabled=settings.booking_enabled,
    )


def weekly_hours(advisor_id: int) -> engine.WeeklyHours:
    """The advisor's weekly hours, in the advisor's zone."""
    rows = db.session.scalars(
        select(WeeklyHoursRange)
        .where(WeeklyHoursRange.advisor_id == advisor_id)
        .order_by(WeeklyHoursRange.weekday, WeeklyHoursRange.start_time)
    )
    ranges: dict[int, list[engine.TimeRange]] = {}
    for row in rows:
        ranges.setdefault(row.weekday, []).append(engine.TimeRange(row.start_time, row.end_time))
    return engine.WeeklyHours({day: tuple(r) for day, r in ranges.items()})


def date_overrides(advisor_id: int, first: date, last: date) -> tuple[engine.DateOverride, ...]:
    rows = db.session.scalars(
        select(DateOverride)
        .where(
            DateOverride.advisor_id == advisor_id,
            DateOverride.day >= first,
            DateOverride.day <= last,
        )
        .order_by(DateOverride.day, DateOverride.start_time)
    )
    by_day: dict[date, list[engine.TimeRange]] = {}
    for row in rows:
        day_ranges = by_day.setdefault(row.day, [])
        if row.start_time is not None and row.end_time is not None:
            day_ranges.append(engine.TimeRange(row.start_time, row.end_time))
    return tuple(engine.DateOverride(day, tuple(r)) for day, r in sorted(by_day.items()))


def holiday_closings(
    advisor_id: int, first: date, last: date, overridden: Collection[date] | None = None
) -> dict[date, str]:
    """The federal holidays from ``first`` to ``last`` the advisor is closed on, by date: none
    when they do not close on holidays, and not the dates with hours or a day off of their own
    (``overridden``, when the caller has read them already)."""
    if not settings_for(advisor_id).closed_on_holidays:
        return {}
    if overridden is None:
        overridden = set(
            db.session.scalars(
                select(DateOverride.day).where(
                    DateOverride.advisor_id == advisor_id,
                    DateOverride.day >= first,
                    DateOverride.day <= last,
                )
            )
        )
    return {
        day: name for day, name in federal_holidays(first, last).items() if day not in overridden
    }


class AdvisorRef(Protocol):
    """An advisor as slot reads need it: an AdvisorProfile, or the plain values of one."""

    @property
    def id(self) -> int: ...
    @property
    def timezone(self) -> str: ...
    @property
    def availability_version(self) -> int: ...


RULES = "rules"  # slot cache entries of an advisor's booking rules


def rules_of(advisor: AdvisorRef) -> engine.BookingRules:
    """The advisor's booking rules, kept in the app's :class:`SlotCache` per availability
    version like every slot answer (a change to the rules moves the version); a slot read
    that meets them on the way keeps them too (:func:`_keep_rules`)."""
    cache: SlotCache = current_app.extensions[SLOT_CACHE_KEY]
    use_cache = cache.capacity > 0 and not versions.has_pending_changes(db.session)
    now = utcnow()
    if use_cache and (kept := cache.get(_rules_key(advisor), now)) is not None:
        return kept
    rules = rules_from(settings_for(advisor.id))
    if use_cache:
        _keep_rules(cache, advisor, rules)
    return rules


def _rules_key(advisor: AdvisorRef) -> tuple[int, int, str]:
    return (advisor.id, advisor.availability_version, RULES)


def _keep_rules(cache: SlotCache, advisor: AdvisorRef, rules: engine.BookingRules) -> None:
    now = utcnow()
    cache.put(_rules_key(advisor), rules, now, now + DEFAULT_MAX_AGE)


# --- what the engine needs, by bounded range queries ----------------------------------------


def _holds_time(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """Bookings holding their time at ``now``: a held one only until its hold expires."""
    return and_(
        Booking.status.in_(HOLDING_STATUSES),
        or_(Booking.status != HELD, Booking.hold_expires_at > now),
    )


def _nulls(*types: TypeEngine[Any]) -> list[ColumnElement[Any]]:
    """Typed NULL columns: the first SELECT of a UNION gives each column its type."""
    return [cast(null(), type_) for type_ in types]


_TIMES = (UTCDateTime(), UTCDateTime(), String(), UTCDateTime(), UTCDateTime(), UTCDateTime())
_RULE_COLUMNS = (Integer(),) * 7 + (Boolean(), Boolean(), Date(), Time(), Time())


# Everything the engine needs, in one query for one advisor or several (rows by ``part``):
# 0 the settings row (with whether the advisor closes on federal holidays), 1 the weekly
# hours, 2 the date overrides between :first and :last, 3 the calendar blocks overlapping the
# window [:lo, :hi) (a block is at most MAX_BLOCK_DAYS long, so the index scan on
# (advisor_id, start_at) is bounded on both sides), 4 the bookings holding time in the window
# at :now (a held one only until its hold expires) but :exclude.
_INPUTS = union_all(
    select(
        literal_column("0", Integer).label("part"),
        BookingSettings.advisor_id.label("advisor_id"),
        BookingSettings.duration_minutes.label("a"),
        BookingSettings.interval_minutes.label("b"),
        BookingSettings.buffer_before_minutes.label("c"),
        BookingSettings.buffer_after_minutes.label("d"),
        BookingSettings.min_notice_hours.label("e"),
        BookingSettings.horizon_days.label("f"),
        BookingSettings.max_per_day.label("g"),
        BookingSettings.booking_enabled.label("enabled"),
        BookingSettings.closed_on_holidays.label("closed"),
        *_nulls(Date(), Time(), Time(), *_TIMES),
    ).where(BookingSettings.advisor_id.in_(bindparam("ids", expanding=True))),
    select(
        literal_column("1", Integer),
        WeeklyHoursRange.advisor_id,
        WeeklyHoursRange.weekday,
        *[null()] * 8,
        null(),
        WeeklyHoursRange.start_time,
        WeeklyHoursRange.end_time,
        *[null()] * len(_TIMES),
    ).where(WeeklyHoursRange.advisor_id.in_(bindparam("ids", expanding=True))),
    select(
        literal_column("2", Integer),
        DateOverride.advisor_id,
        *[null()] * 9,
        DateOverride.day,
        DateOverride.start_time,
        DateOverride.end_time,
        *[null()] * len(_TIMES),
    ).where(
        DateOverride.advisor_id.in_(bindparam("ids", expanding=True)),
        DateOverride.day >= bindparam("first", type_=Date()),
        DateOverride.day <= bindparam("last", type_=Date()),
    ),
    select(
        literal_column("3", Integer),
        CalendarBlock.advisor_id,
        *[null()] * len(_RULE_COLUMNS),
        CalendarBlock.start_at,
        CalendarBlock.end_at,
        CalendarBlock.kind,
        *[null()] * 3,
    ).where(
        CalendarBlock.advisor_id.in_(bindparam("ids", expanding=True)),
        CalendarBlock.start_at >= bindparam("lo_block"),
        CalendarBlock.start_at < bindparam("hi"),
        CalendarBlock.end_at > bindparam("lo"),
    ),
    select(
        literal_column("4", Integer),
        Booking.advisor_id,
        *[null()] * len(_RULE_COLUMNS),
        Booking.start_at,
        Booking.end_at,
        null(),
        Booking.blocked_start,
        Booking.blocked_end,
        Booking.hold_expires_at,
    ).where(
        Booking.advisor_id.in_(bindparam("ids", expanding=True)),
        _holds_time(bindparam("now")),
        Booking.blocked_start < bindparam("hi"),
        Booking.blocked_end > bindparam("lo"),
        Booking.id != bindparam("exclude"),
    ),
)


def _availabilities(
    advisors: Sequence[AdvisorRef],
    start: datetime,
    end: datetime,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> dict[int, tuple[engine.Availability, datetime | None]]:
    """What the engine needs for each of ``advisors`` between ``start`` and ``end`` at ``now``,
    and when the first hold in it expires, by advisor id, in one query whatever their number
    (:data:`_INPUTS`): the rules (settings, weekly hours, overrides) and what holds time in
    the window. An advisor without booking settings is left out."""
    if not advisors:
        return {}
    ids = [advisor.id for advisor in advisors]
    # Widen by a day on each side: buffers, daily caps and local days reach past the range.
    lo, hi = start - timedelta(days=1), end + timedelta(days=1)
    params = {
        "ids": ids,
        "first": lo.date() - timedelta(days=1),
        "last": hi.date() + timedelta(days=1),
        "lo": lo,
        "hi": hi,
        "lo_block": lo - timedelta(days=MAX_BLOCK_DAYS),
        "now": now,
        "exclude": -1 if exclude_booking_id is None else exclude_booking_id,
    }
    rules: dict[int, engine.BookingRules] = {}
    weekly: dict[int, dict[int, list[tuple[time, time]]]] = {i: {} for i in ids}
    overrides: dict[int, dict[date, list[tuple[time, time]]]] = {i: {} for i in ids}
    windows: dict[int, tuple[list[tuple[datetime, datetime]], ...]] = {
        i: ([], [], [], []) for i in ids
    }
    expiries: dict[int, list[datetime]] = {}
    closing: list[int] = []
    for (
        part, advisor_id, a, b, c, d, e, f, g, enabled, closed, day, t0, t1,
        start_at, end_at, kind, blocked_start, blocked_end, expiry,
    ) in read_rows(db.session, _INPUTS, params):  # fmt: skip
        if part == 3:
            available, busy, _, _ = windows[advisor_id]
            (available if kind == BLOCK_AVAILABLE else busy).append((start_at, end_at))
        elif part == 4:
            _, _, bookings, holds = windows[advisor_id]
            bookings.append((start_at, end_at))
            holds.append((blocked_start, blocked_end))
            if expiry is not None:
                expiries.setdefault(advisor_id, []).append(expiry)
        elif part == 0:
            rules[advisor_id] = engine.BookingRules(
                duration=timedelta(minutes=a),
                interval=timedelta(minutes=b),
                buffer_before=timedelta(minutes=c),
                buffer_after=timedelta(minutes=d),
                min_notice=timedelta(hours=e),
                horizon=timedelta(days=f),
                max_per_day=g,
                booking_enabled=bool(enabled),
            )
            if closed:
                closing.append(advisor_id)
        elif part == 1:
            weekly[advisor_id].setdefault(a, []).append((t0, t1))
        else:
            ranges = overrides[advisor_id].setdefault(day, [])
            if t0 is not None and t1 is not None:
                ranges.append((t0, t1))
    if closing:
        holidays = federal_holidays(params["first"], params["last"])
        for advisor_id in closing:
            for day in holidays:  # a day off, unless the advisor set hours for the date
                overrides[advisor_id].setdefault(day, [])
    found = {}
    for advisor in advisors:
        if advisor.id not in rules:
            continue
        available, busy, bookings, holds = windows[advisor.id]
        av = engine.Availability(
            zone=advisor.timezone,
            rules=rules[advisor.id],
            weekly=engine.WeeklyHours(
                {day: _time_ranges(ranges) for day, ranges in sorted(weekly[advisor.id].items())}
            ),
            overrides=tuple(
                engine.DateOverride(day, _time_ranges(ranges))
                for day, ranges in sorted(overrides[advisor.id].items())
            ),
            available_windows=engine.spans(available),
            busy=engine.spans(busy),
            bookings=engine.spans(bookings),
            booking_holds=engine.spans(holds),
        )
        found[advisor.id] = (av, min(expiries.get(advisor.id, ()), default=None))
    return found


def _time_ranges(ranges: list[tuple[time, time]]) -> tuple[engine.TimeRange, ...]:
    return tuple(engine.TimeRange(start, end) for start, end in sorted(ranges))


def availability(
    advisor: AdvisorRef,
    start: datetime,
    end: datetime,
    *,
    exclude_booking_id: int | None = None,
    now: datetime | None = None,
) -> engine.Availability:
    """Everything the slot engine needs for ``advisor`` between ``start`` and ``end`` at
    ``now`` (holds that have expired by then hold nothing)."""
    av, _ = _availability_and_next_expiry(advisor, start, end, exclude_booking_id, now)
    return av


def _availability_and_next_expiry(
    advisor: AdvisorRef,
    start: datetime,
    end: datetime,
    exclude_booking_id: int | None = None,
    now: datetime | None = None,
) -> tuple[engine.Availability, datetime | None]:
    """:func:`availability`, and when the first hold in it expires (the slots change then)."""
    now = now or utcnow()
    found = _availabilities([advisor], start, end, now, exclude_booking_id)
    if advisor.id not in found:
        raise BookingError("This advisor is not taking bookings.")
    return found[advisor.id]


def slots_view(
    advisor: AdvisorRef,
    start: datetime,
    end: datetime,
    now: datetime,
    render: Callable[[list[datetime], timedelta], T],
    view: Hashable = "slots",
) -> T:
    """``render(starts, duration)`` for the advisor's bookable slots starting in [start, end)
    at ``now``: their starts (sorted aware UTC instants, see :func:`engine.slot_starts`) and
    the length every one of them has.

    Kept in the app's :class:`SlotCache` under ``view`` (what ``render`` makes) until the
    advisor's availability version moves or the clock would change the slots. A session
    holding uncommitted availability changes neither reads nor fills the cache.
    """
    found = slots_views([advisor], start, end, now, render, view)
    if advisor.id not in found:
        raise BookingError("This advisor is not taking bookings.")
    return found[advisor.id]


def slots_views(
    advisors: Sequence[AdvisorRef],
    start: datetime,
    end: datetime,
    now: datetime,
    render: Callable[[list[datetime], timedelta], T],
    view: Hashable = "slots",
) -> dict[int, T]:
    """:func:`slots_view` for several advisors, by id: the cached answers, and one query for
    all the others (an advisor not taking bookings is left out)."""
    cache: SlotCache = current_app.extensions[SLOT_CACHE_KEY]
    use_cache = cache.capacity > 0 and not versions.has_pending_changes(db.session)
    found: dict[int, T] = {}
    missing = []
    for advisor in advisors:
        key = (advisor.id, advisor.availability_version, start, end, view)
        if use_cache and (value := cache.get(key, now)) is not None:
            found[advisor.id] = value
        else:
            missing.append(advisor)
    inputs = _availabilities(missing, start, end, now)
    for advisor in missing:
        if advisor.id not in inputs:
            continue
        av, next_expiry = inputs[advisor.id]
        starts = engine.slot_starts(av, start, end, now)
        value = render(starts, av.rules.duration)
        if use_cache:
            _keep_rules(cache, advisor, av.rules)
            valid_until = engine.slots_valid_until(av, start, end, now, starts)
            if next_expiry is not None:
                valid_until = min(valid_until, next_expiry)  # a hold expiring frees its time
            key = (advisor.id, advisor.availability_version, start, end, view)
            cache.put(key, value, now, valid_until)
        found[advisor.id] = value
    return found


def available_slots(
    advisor: AdvisorRef,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    *,
    exclude_booking_id: int | None = None,
) -> list[engine.Slot]:
    """Bookable slots of ``advisor`` starting in [start, end); ``exclude_booking_id`` leaves
    out that booking (for moving it), bypassing the cache."""
    now = now or utcnow()
    if exclude_booking_id is not None:
        av = availability(advisor, start, end, exclude_booking_id=exclude_booking_id, now=now)
        return engine.compute_slots(av, start, end, now)
    return list(slots_view(advisor, start, end, now, _slot_tuple))


def slots_by_day(
    advisor: AdvisorRef, start: datetime, end: datetime, now: datetime, zone: str
) -> engine.SlotsByDay:
    """Bookable slots of ``advisor`` starting in [start, end), by local date in ``zone`` (a
    month page: each day's count, one day's slots), cached as every slot answer is."""
    return slots_view(advisor, start, end, now, _by_day_in(zone), view=("by-day", zone))


def _by_day_in(zone: str) -> Callable[[list[datetime], timedelta], engine.SlotsByDay]:
    def by_day(starts: list[datetime], duration: timedelta) -> engine.SlotsByDay:
        return engine.slots_by_day(starts, duration, zone)

    return by_day


def _slot_tuple(starts: list[datetime], duration: timedelta) -> tuple[engine.Slot, ...]:
    return tuple(engine.slots_from_starts(starts, duration))


def next_available_slots(
    advisor: AdvisorRef,
    now: datetime | None = None,
    *,
    days: int = 14,
    exclude_booking_id: int | None = None,
) -> list[engine.Slot]:
    """Slots in the coming ``days`` days, for the advisor's public page. The range starts at
    the minute (slots lie past ``now`` + notice anyway), so a minute's visitors share it."""
    now = now or utcnow()
    start = now.replace(second=0, microsecond=0)
    return available_slots(
        advisor, start, start + timedelta(days=days), now, exclude_booking_id=exclude_booking_id
    )


def _nearest(
    advisor: AdvisorProfile, around: datetime, now: datetime, exclude_booking_id: int | None = None
) -> list[engine.Slot]:
    av = availability(
        advisor,
        around - timedelta(days=7),
        around + timedelta(days=7),
        exclude_booking_id=exclude_booking_id,
        now=now,
    )
    return engine.nearest_slots(av, around, now, count=3)


# --- bookings --------------------------------------------------------------------------------


def _lock_advisor(advisor_id: int) -> BookingSettings:
    """Serialise booking changes of one advisor: SQLite holds the write lock already (BEGIN
    IMMEDIATE); PostgreSQL locks the advisor's settings row until commit."""
    settings = db.session.scalars(
        select(BookingSettings)
        .where(BookingSettings.advisor_id == advisor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if settings is None:
        raise BookingError("This advisor is not taking bookings.")
    return settings


def _is_overlap_violation(error: IntegrityError | OperationalError) -> bool:
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return code in {"23P01", "40001", "40P01"} or "bookings_no_overlap" in str(error)


@contextmanager
def _slot_transaction(
    advisor_id: int, start: datetime, now: datetime, *, exclude_booking_id: int | None = None
) -> Iterator[BookingSettings]:
    """The write-locked transaction that books or moves a consultation to ``start``, yielding
    the advisor's locked settings. Any failure rolls it back; a time that is no longer free
    (by the re-check or by the database's constraint) becomes SlotTaken with the nearest
    free slots."""
    begin_write_locked(db.session)
    try:
        yield _lock_advisor(advisor_id)
    except SlotTaken:
        db.session.rollback()
    except (IntegrityError, OperationalError) as error:
        db.session.rollback()
        if not _is_overlap_violation(error):
            raise
    except BaseException:
        db.session.rollback()
        raise
    else:
        return
    advisor = db.session.get(AdvisorProfile, advisor_id)
    raise SlotTaken(_nearest(advisor, start, now, exclude_booking_id=exclude_booking_id))


def _claim(
    advisor: AdvisorProfile,
    start: datetime,
    rules: engine.BookingRules,
    now: datetime,
    *,
    exclude_booking_id: int | None = None,
) -> tuple[datetime, engine.Span]:
    """The end of a consultation at ``start`` and the time it holds with its buffers, after
    re-checking ``start`` against the current rules, calendar and bookings."""
    end = start + rules.duration
    av = availability(advisor, start, end, exclude_booking_id=exclude_booking_id, now=now)
    if not engine.is_bookable(av, start, now):
        raise SlotTaken([])
    return end, engine.occupied_span(start, end, rules)


def _same_mailbox(email: str):
    """Bookings whose visitor e-mail reaches the mailbox of ``email`` (any case, any +tag)."""
    local, _, domain = limit_key(email).rpartition("@")
    stored = func.lower(Booking.visitor_email)
    pattern = local.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
    return or_(stored == f"{local}@{domain}", stored.like(f"{pattern}+%@{domain}", escape="\\"))


def _check_upcoming(email: str, now: datetime) -> None:
    """Refuse a booking when ``email`` already holds BOOKING_MAX_UPCOMING_PER_EMAIL upcoming
    consultations (with any advisor). Runs in the booking transaction; on PostgreSQL an
    advisory lock on the mailbox serialises bookings for it across advisors."""
    cap = current_app.config.get("BOOKING_MAX_UPCOMING_PER_EMAIL", 0)
    if not cap:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext("booking-email:" + limit_key(email))))
        )
    upcoming = db.session.scalar(
        select(func.count(Booking.id)).where(
            _same_mailbox(email),
            Booking.status.in_(ACTIVE_STATUSES),
            _holds_time(now),
            Booking.end_at > now,
        )
    )
    if upcoming >= cap:
        raise TooManyUpcoming(
            f"This email address already has {upcoming} upcoming consultations booked. "
            "Please attend or cancel one (from its link) before booking another.",
            field="email",
        )


def book(
    advisor: AdvisorProfile,
    start: datetime,
    visitor: VisitorDetails,
    now: datetime | None = None,
    *,
    actor: Actor = Actor.VISITOR,
    request: RequestKey | None = None,
) -> tuple[Booking, str]:
    """Book ``start`` with ``advisor`` for ``visitor``; returns the booking and its manage token.

    Raises SlotTaken (with the nearest free slots) when the time is no longer bookable. With a
    ``request`` key, a repeat of a request that already booked returns that booking (nothing
    is booked or mailed again); KeyReused when the key was used for another request.
    """
    now = now or utcnow()
    start = start.astimezone(UTC)
    advisor_id = advisor.id
    try:
        return _book(advisor_id, start, visitor, now, actor, request)
    except _Replay as replay:
        assert request is not None
        log.info("booking request repeated booking_id=%s", replay.booking_id)
        booking = db.session.get(Booking, replay.booking_id)
        return booking, manage_token_from_intake(booking) or request.manage_token


def manage_token_from_intake(booking: Booking) -> str | None:
    """The manage link's secret of a booking made from a roadmap that still exists (derived,
    never stored); None for other bookings."""
    if booking.intake_id is None:
        return None
    intake = db.session.get(Intake, booking.intake_id)
    if intake is None:
        return None
    return intake_manage_token(current_app.config["SECRET_KEY"], intake.token_hash, booking.id)


class _Replay(Exception):
    def __init__(self, booking_id: int):
        super().__init__(booking_id)
        self.booking_id = booking_id


def _book(
    advisor_id: int,
    start: datetime,
    visitor: VisitorDetails,
    now: datetime,
    actor: Actor,
    request: RequestKey | None,
) -> tuple[Booking, str]:
    with _slot_transaction(advisor_id, start, now) as settings:
        if request is not None and (prior := prior_booking_id(request)) is not None:
            raise _Replay(prior)
        if actor is Actor.VISITOR:
            _check_upcoming(visitor.email, now)
        _expire_holds_of(advisor_id, now)
        advisor = db.session.get(AdvisorProfile, advisor_id)
        end, span = _claim(advisor, start, rules_from(settings), now)
        if request is not None:
            token, token_hash = request.manage_token, hash_token(request.manage_token)
        else:
            token, token_hash = new_manage_token()
        hold = settings.hold_minutes if actor is Actor.VISITOR else None
        booking = Booking(
            advisor_id=advisor_id,
            status=HELD if hold else CONFIRMED,
            hold_expires_at=now + timedelta(minutes=hold) if hold else None,
            start_at=start,
            end_at=end,
            blocked_start=span.start,
            blocked_end=span.end,
            visitor_name=visitor.name,
            visitor_email=visitor.email,
            visitor_phone=visitor.phone or None,
            visitor_timezone=visitor.timezone,
            topic=visitor.topic,
            consent_at=now,
            manage_token_hash=token_hash,
            intake_id=visitor.intake_id,
        )
        db.session.add(booking)
        if booking.intake_id is not None:  # the roadmap page can offer this booking's link
            db.session.flush()
            token = manage_token_from_intake(booking) or token
            booking.manage_token_hash = hash_token(token)
        _publish(BookingChange.CREATED, actor, booking, manage_token=token)
        if request is not None:
            db.session.add(
                BookingRequest(
                    key_hash=request.key_hash,
                    fingerprint=request.fingerprint,
                    booking_id=booking.id,
                    created_at=now,
                )
            )
        db.session.commit()
    log.info("booking created booking_id=%s advisor_id=%s", booking.id, advisor_id)
    return booking, token


def booking_by_token(token: str) -> Booking | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Booking).where(Booking.manage_token_hash == hash_token(token)))


def can_change(booking: Booking, cutoff_hours: int, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return booking.status == CONFIRMED and booking.start_at - timedelta(hours=cutoff_hours) > now


def reschedule(
    booking: Booking,
    new_start: datetime,
    *,
    by: Actor,
    now: datetime | None = None,
    manage_token: str | None = None,
    visitor_timezone: str | None = None,
) -> Booking:
    """Move a confirmed booking to ``new_start``, keeping its identity (same UID, SEQUENCE + 1).

    ``manage_token`` is the visitor's link secret when they act through it (for their mail);
    ``visitor_timezone`` the zone the visitor picked the new time in, which their page and
    mail then use.
    """
    now = now or utcnow()
    new_start = new_start.astimezone(UTC)
    booking_id, advisor_id = booking.id, booking.advisor_id
    with _slot_transaction(advisor_id, new_start, now, exclude_booking_id=booking_id) as settings:
        _expire_holds_of(advisor_id, now)
        booking = _lock_booking_row(booking_id)
        if booking.status != CONFIRMED:
            raise BookingError("This consultation is no longer active.")
        if by is Actor.VISITOR and not can_change(
            booking, settings.reschedule_cutoff_hours, now
        ):
            raise BookingError(
                f"Consultations can be moved online until {settings.reschedule_cutoff_hours} hours "
                "before they start. Please contact your advisor."
            )
        end, span = _claim(
            booking.advisor, new_start, rules_from(settings), now, exclude_booking_id=booking_id
        )
        previous_start = booking.start_at
        booking.start_at, booking.end_at = new_start, end
        booking.blocked_start, booking.blocked_end = span.start, span.end
        booking.sequence += 1
        if visitor_timezone:
            booking.visitor_timezone = visitor_timezone
        _publish(
            BookingChange.RESCHEDULED,
            by,
            booking,
            manage_token=manage_token,
            previous_start=previous_start,
        )
        db.session.commit()
    log.info("booking rescheduled booking_id=%s by=%s", booking.id, by)
    return booking


def _lock_booking_row(booking_id: int) -> Booking:
    """The booking as committed now, its row locked until commit on PostgreSQL (SQLite holds
    the write lock already): a cancel, a move and an outcome of one booking never interleave,
    and each sees what the one before it wrote."""
    return db.session.scalars(
        select(Booking)
        .where(Booking.id == booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


@contextmanager
def locked_booking(booking_id: int) -> Iterator[Booking]:
    """The booking, reloaded inside a write transaction that holds it, rolled back on any
    failure; the caller commits."""
    begin_write_locked(db.session)
    try:
        yield _lock_booking_row(booking_id)
    except BaseException:
        db.session.rollback()
        raise


def cancel(
    booking: Booking,
    *,
    reason: str,
    by: Actor,
    now: datetime | None = None,
    enforce_cutoff: bool = True,
) -> Booking:
    """Cancel a held or confirmed booking, freeing its time. A visitor may cancel a confirmed
    one online until the advisor's cut-off (``enforce_cutoff``; not when erasing their data)."""
    now = now or utcnow()
    with locked_booking(booking.id) as booking:
        settings = settings_for(booking.advisor_id)
        if booking.status not in ACTIVE_STATUSES:
            raise BookingError("This consultation is already cancelled or over.")
        if (
            by is Actor.VISITOR
            and enforce_cutoff
            and booking.status == CONFIRMED
            and not can_change(booking, settings.cancel_cutoff_hours, now)
        ):
            raise BookingError(
                f"Consultations can be cancelled online until {settings.cancel_cutoff_hours} hours "
                "before they start. Please contact your advisor."
            )
        _cancel_locked(booking, reason, by, now)
        db.session.commit()
    log.info("booking cancelled booking_id=%s by=%s", booking.id, by)
    return booking


def _cancel_locked(booking: Booking, reason: str, by: Actor, now: datetime) -> None:
    """Cancel ``booking`` (loaded in this write transaction) and tell the features above."""
    was_held = booking.status == HELD
    booking.status = CANCELLED
    booking.hold_expires_at = None
    booking.cancelled_at = now
    booking.cancel_reason = reason.strip() or None
    booking.cancelled_by = by
    booking.sequence += 1
    _publish(BookingChange.CANCELLED, by, booking, was_held=was_held)


# --- holds until the visitor confirms ---------------------------------------------------------

HOLD_EXPIRED = "Not confirmed in time; the time was released."


def _expire_holds_of(advisor_id: int, now: datetime) -> int:
    """Cancel the advisor's holds that expired unconfirmed (inside the caller's write
    transaction, holding the advisor's lock), so the re-check and the database's constraint
    see their time free. Each one gets the usual cancellation mail."""
    expired = db.session.scalars(
        select(Booking)
        .where(
            Booking.advisor_id == advisor_id,
            Booking.status == HELD,
            Booking.hold_expires_at <= now,
        )
        .with_for_update()
    ).all()
    for booking in expired:
        _cancel_locked(booking, HOLD_EXPIRED, Actor.SYSTEM, now)
        log.info("hold expired booking_id=%s", booking.id)
    return len(expired)


def expire_holds(now: datetime | None = None) -> int:
    """Cancel every hold that expired unconfirmed (``flask bookings expire-holds``), one
    advisor's transaction at a time; returns how many."""
    now = now or utcnow()
    advisor_ids = db.session.scalars(
        select(Booking.advisor_id)
        .where(Booking.status == HELD, Booking.hold_expires_at <= now)
        .distinct()
    ).all()
    db.session.rollback()
    count = 0
    for advisor_id in advisor_ids:
        begin_write_locked(db.session)
        try:
            _lock_advisor(advisor_id)
            count += _expire_holds_of(advisor_id, now)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return count


def confirm_key(booking: Booking) -> str:
    """The key only the confirmation mail carries: a held booking is confirmed from the mailbox
    its email names, not from the page the booking form led to (that would let anyone book
    with someone else's address and confirm it)."""
    secret = current_app.config["SECRET_KEY"]
    return keyed_digest(secret, "confirm", str(booking.id), booking.manage_token_hash)


def confirm_key_matches(booking: Booking, key: str | None) -> bool:
    # bytes: compare_digest refuses text that is not ASCII (a key like "é" was a 500)
    return bool(key) and hmac.compare_digest(str(key).encode(), confirm_key(booking).encode())


def confirm(
    booking: Booking, *, now: datetime | None = None, manage_token: str | None = None
) -> Booking:
    """Confirm a held booking from the visitor's link, within its hold. Confirming one that is
    already confirmed changes nothing; an expired hold is released and refused.
    ``manage_token`` (the link's secret) goes into the visitor's confirmation mail."""
    now = now or utcnow()
    with locked_booking(booking.id) as booking:
        if booking.status == CONFIRMED:
            db.session.rollback()
            return booking
        if booking.status != HELD:
            raise BookingError("This booking is no longer waiting for confirmation.")
        if booking.hold_expires_at is None or booking.hold_expires_at <= now:
            _cancel_locked(booking, HOLD_EXPIRED, Actor.SYSTEM, now)
            db.session.commit()
            raise BookingError(
                "The time to confirm has passed and the time was released. "
                "Please book again if it is still free."
            )
        booking.status = CONFIRMED
        booking.hold_expires_at = None
        booking.sequence += 1  # calendars replace the tentative event with the confirmed one
        _publish(BookingChange.CONFIRMED, Actor.VISITOR, booking, manage_token=manage_token)
        db.session.commit()
    log.info("booking confirmed booking_id=%s", booking.id)
    return booking


def can_record_outcome(booking: Booking, now: datetime | None = None) -> bool:
    """An outcome is for a consultation that was not cancelled and has started."""
    return booking.status != CANCELLED and booking.start_at <= (now or utcnow())


def record_outcome(
    booking: Booking, outcome: BookingStatus, *, by: Actor, now: datetime | None = None
) -> Booking:
    """Mark a consultation that has started as completed or no-show (can be corrected)."""
    if outcome not in OUTCOMES:
        raise BookingError("Choose completed or no-show.", field="outcome")
    with locked_booking(booking.id) as booking:
        if booking.status == CANCELLED:
            raise BookingError("This consultation was cancelled; there is no outcome to record.")
        if not can_record_outcome(booking, now):
            raise BookingError("You can record the outcome once the consultation has started.")
        if booking.status != outcome:
            booking.status = BookingStatus(outcome)
            _publish(BookingChange(outcome.value), by, booking)
        db.session.commit()
    log.info("consultation outcome booking_id=%s status=%s", booking.id, outcome)
    return booking


@dataclass(frozen=True)
class Match:
    """An advisor with free time, how well they fit the visitor, and their first free slot."""

    advisor: AdvisorProfile
    fit: Fit
    first: engine.Slot
    # The advisor's booking rules, when finding the first slot read them (the page showing
    # the match needs them too: one read fewer); None when that slot came from the cache.
    rules: engine.BookingRules | None = None


@dataclass(frozen=True)
class FirstFree:
    """An advisor's first bookable slot (None: none in the days asked), and the booking rules
    when they were read to find it (None when the slot came from the cache)."""

    slot: engine.Slot | None
    rules: engine.BookingRules | None = None


ANY_ADVISOR_DAYS = 14
FIRST_FREE = "first-free"
# Most advisors are free this soon, a weekend and a holiday Monday included: read no further.
# (Two days sent every Friday-evening-to-Sunday "any advisor" to a second read of all 14 days:
# 7.9 ms of CPU for eight advisors on a Saturday against 3.8 ms with four; Tuesday 2.9 vs 3.8,
# Thursday 2.8 either way.)
FIRST_FREE_REACH = timedelta(days=4)


def first_free(
    advisors: Sequence[AdvisorRef], now: datetime | None = None, *, days: int = 14
) -> dict[int, FirstFree]:
    """Each advisor's first bookable slot in the coming ``days`` days (the first of
    :func:`next_available_slots`), or None, by advisor id; with the rules read for it.

    Answered from the app's :class:`SlotCache`, keyed on the advisor's availability version
    like every slot answer: the advisor's cached first slot (kept until it falls inside the
    minimum notice or a hold expires; "none" only to the next minute), else the first of the
    advisor's cached slots for these days. The advisors found in neither are read together,
    one query for all of them, first for the next ``FIRST_FREE_REACH`` only, then the rest of
    the days for those with nothing free that soon; the engine stops at each one's first free
    slot: no advisor's full slots are computed.
    """
    now = now or utcnow()
    cache: SlotCache = current_app.extensions[SLOT_CACHE_KEY]
    use_cache = cache.capacity > 0 and not versions.has_pending_changes(db.session)
    start = now.replace(second=0, microsecond=0)
    end = start + timedelta(days=days)
    found: dict[int, FirstFree] = {}
    missing = []
    for advisor in advisors:
        if use_cache:
            version = advisor.availability_version
            if (entry := cache.get((advisor.id, version, FIRST_FREE, days), now)) is not None:
                found[advisor.id] = FirstFree(entry[0])
                continue
            if (slots := cache.get((advisor.id, version, start, end, "slots"), now)) is not None:
                found[advisor.id] = FirstFree(slots[0] if slots else None)
                continue
        missing.append(advisor)
    computed: dict[int, tuple[engine.Slot | None, engine.BookingRules, datetime | None]] = {}
    stage_end = min(end, start + FIRST_FREE_REACH)
    for lo, hi in ((start, stage_end), (stage_end, end)):
        pending = [a for a in missing if a.id not in computed or computed[a.id][0] is None]
        if lo >= hi or not pending:
            continue
        inputs = _availabilities(pending, lo, hi, now)
        for advisor in pending:
            if advisor.id not in inputs:
                continue  # not taking bookings
            av, expiry = inputs[advisor.id]
            earlier = computed.get(advisor.id, (None, av.rules, None))[2]
            if earlier is not None:
                expiry = earlier if expiry is None else min(expiry, earlier)
            computed[advisor.id] = (engine.first_slot(av, lo, hi, now), av.rules, expiry)
    for advisor in missing:
        if advisor.id not in computed:
            found[advisor.id] = FirstFree(None)
            continue
        first, rules, next_expiry = computed[advisor.id]
        found[advisor.id] = FirstFree(first, rules)
        if use_cache:
            _keep_rules(cache, advisor, rules)
            # Time only ever removes slots from the front (the notice) and adds them past the
            # last one (the horizon, the days' end): a first slot stays first until the notice
            # reaches it, unless a hold expires first. None may change as the days move on.
            if first is None:
                valid_until = start + timedelta(minutes=1)
            else:
                valid_until = first.start - rules.min_notice + timedelta(microseconds=1)
            if next_expiry is not None:
                valid_until = min(valid_until, next_expiry)
            key = (advisor.id, advisor.availability_version, FIRST_FREE, days)
            cache.put(key, (first,), now, valid_until)
    return found


def rank_advisors(
    advisors: list[AdvisorProfile], wants: Wants | None = None, now: datetime | None = None
) -> list[Match]:
    """Advisors with free time in the coming two weeks, best fit first, then soonest free
    (see :func:`first_free`), then by name."""
    now = now or utcnow()
    wants = wants or Wants()
    found = []
    firsts = first_free(advisors, now, days=ANY_ADVISOR_DAYS)
    for advisor in advisors:
        first = firsts.get(advisor.id)
        if first is not None and first.slot is not None:
            found.append(
                Match(advisor, fit(advisor.specialties or [], wants), first.slot, first.rules)
            )
    return sorted(
        found, key=lambda m: (-m.fit.score, m.first.start, m.advisor.display_name, m.advisor.id)
    )


def by_fit(
    advisors: list[AdvisorProfile], wants: Wants | None = None, now: datetime | None = None
) -> list[AdvisorProfile]:
    """The order "any time" offers a time in: best fit first; of equal fit, the advisor with
    fewer consultations to come (so one advisor's name does not take every shared time),
    then by name."""
    wants = wants or Wants()
    ahead = upcoming_counts([a.id for a in advisors], now or utcnow())
    return sorted(
        advisors,
        key=lambda a: (
            -fit(a.specialties or [], wants).score,
            ahead.get(a.id, 0),
            a.display_name,
            a.id,
        ),
    )


def upcoming_counts(advisor_ids: list[int], now: datetime) -> dict[int, int]:
    """How many consultations each advisor has still to come (held or confirmed), by id."""
    if not advisor_ids:
        return {}
    rows = db.session.execute(
        select(Booking.advisor_id, func.count(Booking.id))
        .where(
            Booking.advisor_id.in_(advisor_ids),
            Booking.status.in_(ACTIVE_STATUSES),
            Booking.start_at >= now,
        )
        .group_by(Booking.advisor_id)
    )
    return {advisor_id: count for advisor_id, count in rows}


def pooled_slots_by_day(
    advisors: Sequence[AdvisorRef], start: datetime, end: datetime, now: datetime, zone: str
) -> PooledDays:
    """Every one of ``advisors``' times starting in [start, end), by local date in ``zone``,
    each offered by the first of them free then: each advisor's answer cached as
    :func:`slots_by_day` keeps it, the ones not kept read in one query."""
    found = slots_views(advisors, start, end, now, _by_day_in(zone), view=("by-day", zone))
    none = engine.slots_by_day([], timedelta(0), zone)  # not taking bookings: no times
    return pool([found.get(advisor.id, none) for advisor in advisors])


def any_advisor(
    advisors: list[AdvisorProfile], now: datetime | None = None, wants: Wants | None = None
) -> AdvisorProfile | None:
    """The best match with free time (see :func:`rank_advisors`), or None."""
    ranked = rank_advisors(advisors, wants, now)
    return ranked[0].advisor if ranked else None


def upcoming_consultations_note(user_id: int, now: datetime | None = None) -> str | None:
    """What deactivating an advisor's account leaves behind: their upcoming consultations."""
    profile = db.session.scalar(select(AdvisorProfile).where(AdvisorProfile.user_id == user_id))
    if profile is None:
        return None
    count = advisor_bookings(profile.id, upcoming=True, per_page=1, now=now).total or 0
    if not count:
        return f"{profile.display_name} has no upcoming consultations."
    return (
        f"{profile.display_name} has {count} upcoming consultation{'s' if count != 1 else ''}. "
        "They stay booked and visitors keep their links, but no new times are offered; move or "
        "cancel them from Bookings (filter by advisor) so nobody waits for a call that will "
        "not happen."
    )


#: Consultations per page on the advisor's list.
ADVISOR_BOOKINGS_PER_PAGE = 50


def _advisor_bookings_query(advisor_id: int, *, upcoming: bool, now: datetime) -> Select:
    query = select(Booking).where(Booking.advisor_id == advisor_id)
    if upcoming:
        return query.where(Booking.end_at >= now, Booking.status.in_(ACTIVE_STATUSES)).order_by(
            Booking.start_at, Booking.id
        )
    return query.where(
        or_(Booking.end_at < now, Booking.status.not_in(ACTIVE_STATUSES))
    ).order_by(Booking.start_at.desc(), Booking.id.desc())


def advisor_bookings(
    advisor_id: int,
    *,
    upcoming: bool,
    page: int = 1,
    per_page: int = ADVISOR_BOOKINGS_PER_PAGE,
    now: datetime | None = None,
) -> Pagination:
    """One page of an advisor's upcoming consultations (soonest first) or past and cancelled
    ones (latest first), with the total, so no consultation is out of reach."""
    query = _advisor_bookings_query(advisor_id, upcoming=upcoming, now=now or utcnow())
    found = db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False)
    if not found.items and found.page > found.pages > 0:  # past the end: the last page
        found = db.paginate(query, page=found.pages, per_page=per_page, error_out=False)
    return found


# --- the advisor's rules ---------------------------------------------------------------------


def weekly_ranges(advisor_id: int) -> dict[int, list[tuple[time, time]]]:
    """The advisor's weekly hours as plain (start, end) pairs per weekday."""
    hours = weekly_hours(advisor_id)
    return {day: [(r.start, r.end) for r in hours.ranges.get(day, ())] for day in range(7)}


def update_rules(
    advisor_id: int, weekly: dict[int, list[tuple[time, time]]], **fields: object
) -> None:
    """Save the advisor's booking rules and weekly hours in one transaction."""
    settings = settings_for(advisor_id)
    for key, value in fields.items():
        setattr(settings, key, value)
    db.session.execute(
        delete(WeeklyHoursRange)
        .where(WeeklyHoursRange.advisor_id == advisor_id)
        .execution_options(availability_of={advisor_id})
    )
    for weekday, ranges in weekly.items():
        for start, end in ranges:
            db.session.add(
                WeeklyHoursRange(
                    advisor_id=advisor_id, weekday=weekday, start_time=start, end_time=end
                )
            )
    db.session.commit()


def list_overrides(advisor_id: int, since: date) -> list[DateOverride]:
    return list(
        db.session.scalars(
            select(DateOverride)
            .where(DateOverride.advisor_id == advisor_id, DateOverride.day >= since)
            .order_by(DateOverride.day, DateOverride.start_time)
        )
    )


def set_override(advisor_id: int, day: date, ranges: list[tuple[time, time]]) -> None:
    """Replace the hours of ``day`` (an empty list makes it a day off)."""
    db.session.execute(
        delete(DateOverride)
        .where(DateOverride.advisor_id == advisor_id, DateOverride.day == day)
        .execution_options(availability_of={advisor_id})
    )
    if ranges:
        for start, end in ranges:
            db.session.add(
                DateOverride(advisor_id=advisor_id, day=day, start_time=start, end_time=end)
            )
    else:
        db.session.add(DateOverride(advisor_id=advisor_id, day=day))
    db.session.commit()


def remove_override_day(advisor_id: int, day: date) -> None:
    db.session.execute(
        delete(DateOverride)
        .where(DateOverride.advisor_id == advisor_id, DateOverride.day == day)
        .execution_options(availability_of={advisor_id})
    )
    db.session.commit()


def slot_is_free(advisor: AdvisorProfile, start: datetime, now: datetime | None = None) -> bool:
    """Whether ``start`` is bookable right now (a read-only check for showing the form)."""
    now = now or utcnow()
    rules = rules_from(settings_for(advisor.id))
    av = availability(advisor, start, start + rules.duration, now=now)
    return engine.is_bookable(av, start, now)


def bookings_for_intake(intake_id: int) -> list[Booking]:
    """Bookings made from one career intake, in time order."""
    return list(
        db.session.scalars(
            select(Booking).where(Booking.intake_id == intake_id).order_by(Booking.start_at)
        )
    )


def booking_for_advisor(advisor_id: int, booking_id: int) -> Booking | None:
    return db.session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.advisor_id == advisor_id)
    )
