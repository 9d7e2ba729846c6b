"""Webhook endpoints: where events are posted, with the secret that signs them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from advising.database import UTCDateTime, utcnow
from advising.extensions import db

EVENT_TYPES = (
    "booking.created",
    "booking.moved",
    "booking.cancelled",
    "booking.completed",
    "booking.no_show",
    "intake.created",
)


class WebhookEndpoint(db.Model):
    """One receiver. ``secret`` is the Standard Webhooks signing secret (``whsec_`` + base64);
    it is shown to the admin once and kept to sign. ``events``: the chosen types, space
    separated."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def event_types(self) -> list[str]:
        return self.events.split()

    @property
    def recipient(self) -> str:
        """What its outbox rows carry as ``recipient``: the endpoint, not its URL."""
        return recipient_of(self.id)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id}>"


def recipient_of(endpoint_id: int) -> str:
    return f"webhook-endpoint:{endpoint_id}"


def endpoint_id_of(recipient: str) -> int | None:
    prefix, _, number = recipient.partition(":")
    return int(number) if prefix == "webhook-endpoint" and number.isdigit() else None
