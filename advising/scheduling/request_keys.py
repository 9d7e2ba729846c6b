"""Booking requests made safe to retry: a request that carries a key (the API's
``Idempotency-Key`` header, the booking form's one-time key) books at most once. A retry after
an ambiguous failure (a dropped connection after the commit) gets the first outcome back, with
the same manage link, and nothing is booked or mailed twice.

The key's hash is stored with the booking, in its transaction. The manage link of a keyed
booking is derived from the key with the app's secret, so the first answer can be given again
without ever storing the link itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from advising.database import UTCDateTime, utcnow
from advising.extensions import db
from advising.shared.tokens import hash_token

API = "api"
WEB = "web"
MAX_KEY_LENGTH = 200


class BookingRequest(db.Model):
    """A keyed booking request that succeeded: which booking it made."""

    __tablename__ = "booking_requests"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class RequestKey:
    """One keyed request: the stored hash of its key, what it asked for, the link it gets."""

    key_hash: str
    fingerprint: str
    manage_token: str


class KeyReused(ValueError):
    """The key was already used for a different request."""


def request_key(scope: str, key: str, secret: str, *parts: object) -> RequestKey:
    """The :class:`RequestKey` for ``key`` sent to ``scope`` asking for ``parts``."""
    key_hash = hash_token(f"{scope}\0{key}")
    fingerprint = hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()
    digest = hmac.new(secret.encode(), f"manage\0{key_hash}".encode(), "sha256").digest()
    token = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return RequestKey(key_hash, fingerprint, token)


def intake_manage_token(secret: str, intake_token_hash: str, booking_id: int) -> str:
    """The manage link of a booking made from a roadmap: derived from the roadmap's stored
    hash, so the roadmap page (opened with its own secret link) can offer it again."""
    message = f"intake-manage\0{intake_token_hash}\0{booking_id}".encode()
    digest = hmac.new(secret.encode(), message, "sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def prior_booking_id(request: RequestKey) -> int | None:
    """The booking an earlier request with this key made; KeyReused when it asked otherwise."""
    stored = db.session.get(BookingRequest, request.key_hash)
    if stored is None:
        return None
    if stored.fingerprint != request.fingerprint:
        raise KeyReused("This key was already used for a different booking request.")
    return stored.booking_id
