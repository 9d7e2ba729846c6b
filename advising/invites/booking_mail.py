"""Mail on every booking change: subscribed to scheduling's ``BookingChanged``, it queues the
visitor's and the advisor's message in the outbox inside the booking transaction, so a booking
commits with its messages or not at all. The manage link goes into the visitor's message only
when the event carries it (the booking was just made, or the visitor acted through the link)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from advising.database import utcnow
from advising.extensions import db
from advising.invites.compose import booking_message
from advising.invites.links import ADVISOR, VISITOR, checked_manage_token
from advising.invites.models import (
    KIND_CANCELLED,
    KIND_CONFIRMED,
    KIND_CREATED,
    KIND_RESCHEDULED,
    OutboxMessage,
)
from advising.invites.queueing import queue_message
from advising.invites.reminders import skip_reminders_already_due
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.models import Booking, BookingStatus

CHANGES = {
    BookingChange.CREATED: KIND_CREATED,
    BookingChange.RESCHEDULED: KIND_RESCHEDULED,
    BookingChange.CANCELLED: KIND_CANCELLED,
    BookingChange.CONFIRMED: KIND_CONFIRMED,  # the advisor hears it is real; the visitor too
}


def queue_booking_mail(
    booking: Booking,
    change: BookingChange,
    now: datetime | None = None,
    manage_token: str | None = None,
    previous_start: datetime | None = None,
    was_held: bool = False,
) -> list[int]:
    """Queue the visitor's and the advisor's message about ``change`` (in this transaction);
    the visitor's carries the manage link when ``manage_token`` is theirs, a move's message
    the time it moved from."""
    now = now or utcnow()
    kind = CHANGES[change]
    token = (
        checked_manage_token(booking, manage_token)
        if change is not BookingChange.CANCELLED
        else None
    )
    ids = [
        queue_message(
            lambda audience=audience: booking_message(
                booking,
                kind,
                audience,
                token,
                now,
                previous_start=previous_start,
                was_held=was_held,
            ),
            booking=booking,
            kind=kind,
            recipient=recipient,
            now=now,
        )
        for audience, recipient in (
            (VISITOR, booking.visitor_email),
            (ADVISOR, booking.advisor.user.email),
        )
    ]
    return [i for i in ids if i is not None]


def on_booking_change(event: BookingChanged) -> None:
    """Subscribed to BookingChanged: runs inside the booking transaction, before its commit."""
    if event.change not in CHANGES:
        return
    now = utcnow()
    queue_booking_mail(
        event.booking,
        event.change,
        now,
        manage_token=event.manage_token,
        previous_start=event.previous_start,
        was_held=event.was_held,
    )
    if event.change in (BookingChange.CREATED, BookingChange.RESCHEDULED):
        skip_reminders_already_due(event.booking, now)


#: How many times in all (the first included) a held booking's confirm-by mail may go: enough
#: for a lost or filtered message, not a way to mail someone else's address again and again.
HOLD_MAIL_SENDS = 3


def resend_hold_mail(booking: Booking, manage_token: str) -> bool:
    """Queue the visitor's confirm-by mail of a held booking again (the first was lost or
    filtered), committed; False when it is no longer held or has gone HOLD_MAIL_SENDS
    times."""
    if booking.status != BookingStatus.HELD:
        return False
    sent = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.booking_id == booking.id,
            OutboxMessage.kind == KIND_CREATED,
            OutboxMessage.recipient == booking.visitor_email,
        )
    )
    if sent >= HOLD_MAIL_SENDS:
        return False
    now = utcnow()
    token = checked_manage_token(booking, manage_token)
    queue_message(
        lambda: booking_message(booking, KIND_CREATED, VISITOR, token, now),
        booking=booking,
        kind=KIND_CREATED,
        recipient=booking.visitor_email,
        now=now,
    )
    db.session.commit()
    return True
