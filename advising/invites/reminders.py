"""Reminders 24 hours and 1 hour before a consultation, queued once each per booking time
(``flask mail reminders``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.invites.compose import render_mail, subject_of
from advising.invites.links import VISITOR, minutes_of, valid_email, valid_url
from advising.invites.message import build_text_message
from advising.invites.models import (
    KIND_REMINDER,
    BookingReminder,
)
from advising.invites.queueing import queue_message
from advising.scheduling.models import CONFIRMED, Booking
from advising.shared import timefmt as display

# Reminder kinds, earliest first, with how long before the start each is due.
REMINDERS: tuple[tuple[str, timedelta], ...] = (
    ("24h", timedelta(hours=24)),
    ("1h", timedelta(hours=1)),
)


def skip_reminders_already_due(booking: Booking, now: datetime) -> None:
    """A booking made or moved inside a reminder's window just got its invitation: that
    reminder is recorded as skipped rather than sent right after it."""
    for kind, before in REMINDERS:
        if booking.start_at - before <= now:
            _record(booking, kind, outbox_id=None)
    db.session.flush()


def _record(booking: Booking, kind: str, outbox_id: int | None) -> None:
    """Note that ``kind`` was queued (or skipped: no ``outbox_id``) for this booking time."""
    db.session.add(
        BookingReminder(
            booking_id=booking.id,
            kind=kind,
            sequence=booking.sequence,
            starts_at=booking.start_at,
            outbox_id=outbox_id,
        )
    )


def reminder_message(booking: Booking, now: datetime) -> tuple[EmailMessage, str]:
    zone = booking.visitor_timezone
    subject = subject_of(KIND_REMINDER, VISITOR, booking, zone)
    context = {
        "booking": booking,
        "advisor": booking.advisor,
        "zone": zone,
        "when": display.format_datetime(booking.start_at, zone),
        "minutes": minutes_of(booking),
        "video_url": valid_url(booking.advisor.video_url),
        "until_start": booking.start_at - now,
    }
    message = build_text_message(
        sender=current_app.config["MAIL_FROM"],
        sender_name=current_app.config["MAIL_FROM_NAME"],
        to_email=booking.visitor_email,
        to_name=booking.visitor_name,
        subject=subject,
        text_body=render_mail("invites/mail/reminder.txt", **context),
        html_body=render_mail("invites/mail/reminder.html", **context),
        reply_to=valid_email(booking.advisor.user.email),
    )
    return message, subject


def _queue_reminder(booking_id: int, now: datetime) -> int:
    """Queue the reminder now due for one booking, once: the booking row is locked (or the
    database write-locked) while its reminder records are checked and written."""
    begin_write_locked(db.session)
    query = (
        select(Booking).where(Booking.id == booking_id).execution_options(populate_existing=True)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    try:
        booking = db.session.scalar(query)
        if booking is None or booking.status != CONFIRMED or booking.start_at <= now:
            db.session.commit()
            return 0
        due = [kind for kind, before in REMINDERS if booking.start_at - before <= now]
        done = set(
            db.session.scalars(
                select(BookingReminder.kind).where(
                    BookingReminder.booking_id == booking.id,
                    BookingReminder.sequence == booking.sequence,
                )
            )
        )
        queued = 0
        for kind in due:
            if kind in done:
                continue
            outbox_id = None
            if kind == due[-1]:  # only the latest one due; an earlier one missed is skipped
                outbox_id = queue_message(
                    lambda: reminder_message(booking, now),
                    booking=booking,
                    kind=KIND_REMINDER,
                    recipient=booking.visitor_email,
                    now=now,
                )
                queued += 1
            _record(booking, kind, outbox_id)
        db.session.commit()
        return queued
    except IntegrityError:  # another run recorded it first
        db.session.rollback()
        return 0


def queue_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due (24 h and 1 h before confirmed consultations), each
    once per booking time however often or concurrently this runs. Returns how many."""
    now = now or utcnow()
    horizon = max(before for _, before in REMINDERS)
    candidates = list(
        db.session.scalars(
            select(Booking.id)
            .where(
                Booking.status == CONFIRMED,
                Booking.start_at > now,
                Booking.start_at <= now + horizon,
            )
            .order_by(Booking.start_at, Booking.id)
        )
    )
    db.session.commit()
    return sum(_queue_reminder(booking_id, now) for booking_id in candidates)
