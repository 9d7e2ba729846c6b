"""Booking services on both engines: rules loosened after booking, typed events, defaults."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from advising.extensions import db, events
from advising.scheduling import services
from advising.scheduling.defaults import DEFAULT_SETTINGS, DEFAULT_WEEKLY_HOURS
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.models import Actor, BookingSettings, BookingStatus, WeeklyHoursRange
from tests.factories import make_advisor

VISITOR = services.VisitorDetails("Ann Lee", "ann@example.org", None, "", "UTC")


def _rules(advisor_id: int, **changes: object) -> None:
    settings = services.settings_for(advisor_id)
    fields = {name: getattr(settings, name) for name in DEFAULT_SETTINGS}
    services.update_rules(advisor_id, services.weekly_ranges(advisor_id), **{**fields, **changes})


def test_a_buffer_loosened_after_booking_never_offers_a_time_the_database_refuses(ctx):
    """Book with 15 minutes after, then set the buffer to 0: the time right after the
    consultation stays blocked (the stored span is what the exclusion constraint checks), so
    the visitor is never offered a time that is then "taken", nor looped back to it."""
    advisor = make_advisor()
    free = [s.start for s in services.next_available_slots(advisor, days=14)]
    length = timedelta(minutes=services.settings_for(advisor.id).duration_minutes)
    # A time with working hours after it, whatever the hour the test runs at.
    first = next(t for t in free if t + length + timedelta(minutes=15) in free)
    _rules(advisor.id, buffer_after_minutes=15)
    booking, _ = services.book(advisor, first, VISITOR)
    right_after = booking.end_at
    _rules(advisor.id, buffer_after_minutes=0)

    offered = [s.start for s in services.next_available_slots(advisor, days=14)]
    assert right_after not in offered
    assert booking.blocked_end in offered  # 15 minutes later is free again
    with pytest.raises(services.SlotTaken) as taken:
        services.book(advisor, right_after, VISITOR)
    assert right_after not in [s.start for s in taken.value.alternatives]
    later, _ = services.book(advisor, booking.blocked_end, VISITOR)
    assert later.start_at == booking.blocked_end


def test_a_new_advisor_has_the_default_rules_and_hours_from_the_one_source(ctx):
    advisor = make_advisor()
    settings = db.session.get(BookingSettings, advisor.id)
    assert {name: getattr(settings, name) for name in DEFAULT_SETTINGS} == DEFAULT_SETTINGS
    hours = db.session.scalars(
        select(WeeklyHoursRange).where(WeeklyHoursRange.advisor_id == advisor.id)
    ).all()
    assert sorted((h.weekday, h.start_time, h.end_time) for h in hours) == sorted(
        (day, start, end) for day, ranges in DEFAULT_WEEKLY_HOURS.items() for start, end in ranges
    )
    rules = services.rules_from(settings)
    assert rules.buffer_after == timedelta(minutes=DEFAULT_SETTINGS["buffer_after_minutes"])


def test_every_change_is_published_as_a_typed_event_with_its_actor(ctx):
    seen: list[BookingChanged] = []
    events(ctx).subscribe(BookingChanged, seen.append)
    try:
        advisor = make_advisor()
        slots = services.next_available_slots(advisor, days=14)
        booking, token = services.book(advisor, slots[0].start, VISITOR)
        services.reschedule(booking, slots[-1].start, by=Actor.VISITOR, manage_token=token)
        services.cancel(booking, reason="", by=Actor.STAFF)
    finally:
        events(ctx).unsubscribe(BookingChanged, seen.append)
    assert [(e.change, e.actor) for e in seen] == [
        (BookingChange.CREATED, Actor.VISITOR),
        (BookingChange.RESCHEDULED, Actor.VISITOR),
        (BookingChange.CANCELLED, Actor.STAFF),
    ]
    assert seen[0].manage_token == token and seen[1].manage_token == token
    assert seen[2].manage_token is None
    assert booking.cancelled_by == Actor.STAFF


def test_an_outcome_goes_through_scheduling_and_is_published(ctx):
    seen: list[BookingChanged] = []
    events(ctx).subscribe(BookingChanged, seen.append)
    try:
        advisor = make_advisor()
        start = services.next_available_slots(advisor, days=14)[0].start
        booking, _ = services.book(advisor, start, VISITOR)
        with pytest.raises(services.BookingError, match="once the consultation has started"):
            services.record_outcome(booking, BookingStatus.NO_SHOW, by=Actor.ADVISOR)
        services.record_outcome(
            booking, BookingStatus.NO_SHOW, by=Actor.ADVISOR, now=start + timedelta(minutes=5)
        )
    finally:
        events(ctx).unsubscribe(BookingChanged, seen.append)
    assert booking.status == BookingStatus.NO_SHOW
    assert seen[-1].change is BookingChange.NO_SHOW and seen[-1].actor is Actor.ADVISOR
