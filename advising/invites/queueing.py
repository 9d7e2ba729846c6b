"""Putting a composed message in the outbox; one that cannot be built still gets a failed
row with the reason, so staff see it and the booking goes ahead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from advising.invites.models import (
    FAILED,
)
from advising.invites.outbox import enqueue
from advising.scheduling.models import Booking

log = logging.getLogger("advising.invites")


def queue_message(
    build: Callable[[], tuple[EmailMessage, str]],
    *,
    booking: Booking,
    kind: str,
    recipient: str,
    now: datetime,
) -> int | None:
    """Build a message and put it in the outbox. A message that cannot be built (say, an
    address the invite format refuses) still gets a row, marked failed with the reason, so
    staff see it; the booking itself goes ahead."""
    try:
        message, subject = build()
    except Exception as error:
        log.exception("cannot build %s mail for booking_id=%s", kind, booking.id)
        row = enqueue(
            b"",
            kind=kind,
            recipient=recipient,
            subject=f"({kind} message for booking {booking.id})",
            booking_id=booking.id,
            status=FAILED,
            last_error=f"could not build the message: {error}",
            now=now,
        )
        return None
    row = enqueue(
        message,
        kind=kind,
        recipient=recipient,
        subject=subject,
        booking_id=booking.id,
        now=now,
    )
    return row.id
