"""Visitors' personal data: deleted on request from the manage link, and by retention.

A booking whose visitor's details are deleted stays as an anonymous slot for the advisor's
records (name "Deleted"; e-mail, phone, topic, reason and intake link cleared), and its mail
rows in the outbox are scrubbed once delivered (recipient, subject and message bytes). An
upcoming booking is cancelled first, with the usual mail; that mail is delivered, then
scrubbed by the next ``flask bookings purge``. Retention (``flask bookings purge
--older-than DAYS``) does the same for bookings cancelled or over more than DAYS ago, and
empties the message bytes of mail delivered more than DAYS ago.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from sqlalchemy import and_, or_, select, update

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.outbox.models import MAIL, PENDING, SENT, OutboxMessage
from advising.scheduling import history, services
from advising.scheduling.cli import bookings_cli, older_than_option
from advising.scheduling.models import ACTIVE_STATUSES, CANCELLED, Actor, Booking

log = logging.getLogger("advising.scheduling")

ERASED_NAME = "Deleted"
ERASED_REASON = "Cancelled when the visitor deleted their personal data."


def _anonymize(booking: Booking, now: datetime, by: Actor) -> None:
    history.record_personal_data_deleted(booking, by)
    booking.visitor_name = ERASED_NAME
    booking.visitor_email = ""
    booking.visitor_phone = None
    booking.topic = ""
    booking.cancel_reason = None
    booking.intake_id = None
    booking.personal_data_erased_at = now


def _scrub_delivered_mail(*conditions) -> int:
    """Clear recipient, subject and message bytes of the mail rows matching ``conditions``
    that are no longer waiting to be sent (pending ones are delivered first)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status != PENDING, OutboxMessage.recipient != "", *conditions)
        .values(recipient="", subject="", message=b"")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def erase(booking: Booking, *, now: datetime | None = None) -> Booking:
    """Delete the visitor's personal data of ``booking`` at their request, cancelling it
    first when it is still to come (whatever the cut-off: they asked for their data to go)."""
    now = now or utcnow()
    if booking.status in ACTIVE_STATUSES and booking.end_at > now:
        services.cancel(
            booking, reason=ERASED_REASON, by=Actor.VISITOR, now=now, enforce_cutoff=False
        )
    with services.locked_booking(booking.id) as booking:
        if booking.status in ACTIVE_STATUSES and booking.end_at > now:
            raise services.BookingError("Please cancel the consultation first.")
        _anonymize(booking, now, Actor.VISITOR)
        _scrub_delivered_mail(OutboxMessage.booking_id == booking.id)
        db.session.commit()
    log.info("personal data erased booking_id=%s", booking.id)
    return booking


@dataclass(frozen=True)
class PurgeResult:
    bookings: int
    mail_rows: int


def purge(older_than_days: int, now: datetime | None = None) -> PurgeResult:
    """Retention: delete the personal data of bookings cancelled or over more than
    ``older_than_days`` ago (and scrub their delivered mail), scrub the delivered mail of
    bookings erased since, and empty the bytes of any mail delivered before the cut-off."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    begin_write_locked(db.session)
    try:
        due = db.session.scalars(
            select(Booking)
            .where(
                Booking.personal_data_erased_at.is_(None),
                or_(
                    Booking.end_at < cutoff,
                    and_(Booking.status == CANCELLED, Booking.cancelled_at < cutoff),
                ),
            )
            .with_for_update()
        ).all()
        for booking in due:
            _anonymize(booking, now, Actor.SYSTEM)
        db.session.flush()
        erased = select(Booking.id).where(Booking.personal_data_erased_at.is_not(None))
        scrubbed = _scrub_delivered_mail(OutboxMessage.booking_id.in_(erased))
        emptied = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == MAIL,
                OutboxMessage.status == SENT,
                OutboxMessage.sent_at < cutoff,
                OutboxMessage.message != b"",
            )
            .values(message=b"")
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    result = PurgeResult(bookings=len(due), mail_rows=scrubbed + (emptied.rowcount or 0))
    log.info(
        "booking purge older_than_days=%s bookings=%s mail_rows=%s",
        older_than_days,
        result.bookings,
        result.mail_rows,
    )
    return result


@bookings_cli.command("purge")
@older_than_option("Bookings cancelled or over, and mail delivered, more than DAYS days ago.")
def purge_command(older_than: int) -> None:
    """Delete visitors' personal data of bookings cancelled or over more than DAYS days ago
    (each stays as an anonymous slot) and empty mail delivered more than DAYS days ago."""
    result = purge(older_than)
    click.echo(
        f"Deleted the personal data of {result.bookings} booking(s); "
        f"scrubbed {result.mail_rows} mail row(s)."
    )
