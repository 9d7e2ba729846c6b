"""A booking's history: each change with who made it and when, and the mail it caused.

Changes are recorded by subscribing to :class:`BookingChanged`, in the change's own
transaction (a ``booking_events`` row). Mail is not written twice: its lines (queued, sent,
failed attempts) come from the booking's outbox rows when the history is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select, update

from advising.accounts.models import User
from advising.database import utcnow
from advising.extensions import db
from advising.outbox.models import FAILED, PENDING, SENT, OutboxMessage
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.models import Actor, Booking, BookingEvent

PERSONAL_DATA_DELETED = "personal_data_deleted"
MAIL_QUEUED, MAIL_SENT, MAIL_FAILED = "mail_queued", "mail_sent", "mail_failed"

KIND_LABELS = {
    BookingChange.CREATED: "Booked",
    BookingChange.CONFIRMED: "Confirmed (hold)",
    BookingChange.RESCHEDULED: "Moved",
    BookingChange.CANCELLED: "Cancelled",
    BookingChange.COMPLETED: "Outcome: completed",
    BookingChange.NO_SHOW: "Outcome: no-show",
    PERSONAL_DATA_DELETED: "Personal data deleted",
    MAIL_QUEUED: "Message queued",
    MAIL_SENT: "Message sent",
    MAIL_FAILED: "Message failed",
}
ERROR_CHARS = 200


def _acting_user_id(actor: Actor) -> int | None:
    """The signed-in advisor or staff member behind a change made from a page."""
    if actor not in (Actor.ADVISOR, Actor.STAFF) or not has_request_context():
        return None
    return current_user.id if current_user.is_authenticated else None


def on_booking_change(event: BookingChanged) -> None:
    """Record ``event`` in the booking's history (inside the booking's transaction)."""
    booking = event.booking
    moved = event.change is BookingChange.RESCHEDULED
    db.session.add(
        BookingEvent(
            booking_id=booking.id,
            at=utcnow(),
            kind=str(event.change),
            actor=str(event.actor),
            actor_user_id=_acting_user_id(event.actor),
            moved_from=event.previous_start if moved else None,
            moved_to=booking.start_at if moved else None,
            detail=(booking.cancel_reason or "") if event.change is BookingChange.CANCELLED else "",
        )
    )


def record_personal_data_deleted(booking: Booking, by: Actor) -> None:
    """Note the erasure, and clear what the history held of the visitor's words (reasons)."""
    db.session.execute(
        update(BookingEvent)
        .where(BookingEvent.booking_id == booking.id)
        .values(detail="")
        .execution_options(synchronize_session=False)
    )
    db.session.add(
        BookingEvent(
            booking_id=booking.id, at=utcnow(), kind=PERSONAL_DATA_DELETED, actor=str(by)
        )
    )


@dataclass(frozen=True)
class Entry:
    """One line of a booking's history, as shown."""

    at: datetime
    kind: str
    who: str
    detail: str = ""
    moved_from: datetime | None = None
    moved_to: datetime | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())


def _who(actor: str, user_name: str | None) -> str:
    role = actor.capitalize()
    return f"{user_name} ({actor})" if user_name else role


def _change_entries(booking: Booking) -> list[Entry]:
    rows = db.session.execute(
        select(BookingEvent, User.name)
        .outerjoin(User, User.id == BookingEvent.actor_user_id)
        .where(BookingEvent.booking_id == booking.id)
    ).all()
    entries = [
        Entry(e.at, e.kind, _who(e.actor, name), e.detail, e.moved_from, e.moved_to)
        for e, name in rows
    ]
    if not any(e.kind == BookingChange.CREATED for e in entries):
        # Booked before history was kept (or made directly): its creation time is known.
        entries.append(Entry(booking.created_at, BookingChange.CREATED, "Unknown"))
    return entries


def _mail_entries(booking: Booking) -> list[Entry]:
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.booking_id == booking.id)
    ).all()
    entries = []
    for m in messages:
        about = m.kind.replace("_", " ")
        to = f" to {m.recipient}" if m.recipient else ""
        entries.append(Entry(m.created_at, MAIL_QUEUED, "System", f"{about}{to}"))
        error = (m.last_error or "")[:ERROR_CHARS]
        if m.status == SENT and m.sent_at is not None:
            failed = f" after {m.attempts - 1} failed attempt(s)" if m.attempts > 1 else ""
            entries.append(Entry(m.sent_at, MAIL_SENT, "System", f"{about}{to}{failed}"))
        elif m.status == FAILED:
            detail = f"{about}{to}: gave up after {m.attempts} attempt(s)"
            entries.append(
                Entry(m.next_attempt_at, MAIL_FAILED, "System", f"{detail}. {error}".strip())
            )
        elif m.status == PENDING and m.attempts:
            detail = f"{about}{to}: {m.attempts} failed attempt(s), retrying"
            entries.append(
                Entry(m.next_attempt_at, MAIL_FAILED, "System", f"{detail}. {error}".strip())
            )
    return entries


def history(booking: Booking) -> list[Entry]:
    """Every change and message of ``booking``, oldest first."""
    entries = _change_entries(booking) + _mail_entries(booking)
    return sorted(entries, key=lambda e: e.at)
