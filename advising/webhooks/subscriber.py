"""Events to outbox rows: subscribed to scheduling's ``BookingChanged`` and intake's
``IntakeCreated``, it queues one ``webhook`` row per enabled endpoint that chose the event,
inside the transaction that made the change (so a booking commits with its webhooks or not
at all). Bodies carry no visitor's name, e-mail, phone or topic, nor intake answers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.intake.events import IntakeCreated
from advising.outbox.delivery import enqueue
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.models import Booking
from advising.webhooks.channel import CHANNEL
from advising.webhooks.models import WebhookEndpoint

BOOKING_EVENTS = {
    BookingChange.CREATED: "booking.created",
    BookingChange.RESCHEDULED: "booking.moved",
    BookingChange.CANCELLED: "booking.cancelled",
    BookingChange.COMPLETED: "booking.completed",
    BookingChange.NO_SHOW: "booking.no_show",
}


def _utc(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def booking_data(booking: Booking) -> dict[str, Any]:
    return {
        "booking_id": booking.id,
        "advisor": booking.advisor.slug,
        "start": _utc(booking.start_at),
        "end": _utc(booking.end_at),
        "status": booking.status,
        "intake_id": booking.intake_id,
        "cancelled_by": booking.cancelled_by,
    }


def body(event_type: str, data: dict[str, Any], now: datetime) -> bytes:
    payload = {"type": event_type, "timestamp": _utc(now), "data": data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def queue_event(
    event_type: str, data: dict[str, Any], *, booking_id: int | None = None
) -> list[int]:
    """One pending row per enabled endpoint subscribed to ``event_type`` (this transaction)."""
    now = utcnow()
    endpoints = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.enabled.is_(True))
        .order_by(WebhookEndpoint.id)
    )
    data_bytes = body(event_type, data, now)
    return [
        enqueue(
            data_bytes,
            channel=CHANNEL,
            kind=event_type,
            recipient=endpoint.recipient,
            subject=event_type,
            booking_id=booking_id,
            now=now,
        ).id
        for endpoint in endpoints
        if event_type in endpoint.event_types
    ]


def on_booking_change(event: BookingChanged) -> None:
    event_type = BOOKING_EVENTS.get(event.change)
    if event_type is None:  # a held booking confirmed: not offered as a webhook event
        return
    data = {**booking_data(event.booking), "actor": str(event.actor)}
    queue_event(event_type, data, booking_id=event.booking.id)


def on_intake_created(event: IntakeCreated) -> None:
    intake = event.intake
    queue_event(
        "intake.created",
        {
            "intake_id": intake.id,
            "created_at": _utc(intake.created_at),
            "content_version": intake.content_version,
        },
    )
