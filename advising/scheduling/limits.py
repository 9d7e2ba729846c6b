"""Abuse limits on making bookings, shared by the booking form and the API: so many booking
attempts per client address and per visitor e-mail (``BOOKING_LIMIT_PER_ADDRESS``,
``BOOKING_LIMIT_PER_EMAIL``), counted in the rate-limit storage (Redis with several
processes). The cap on upcoming consultations per e-mail is checked inside the booking
transaction itself (:func:`advising.scheduling.services.book`)."""

from __future__ import annotations

import time

from flask import current_app
from limits import parse

from advising.extensions import limiter
from advising.scheduling.services import BookingError
from advising.shared.emails import limit_key


class BookingLimited(BookingError):
    """Too many bookings from one address or for one e-mail; ``retry_after`` in seconds."""

    def __init__(self, message: str, field: str | None, retry_after: int):
        super().__init__(message, field=field)
        self.retry_after = retry_after


LIMITS = (
    (
        "BOOKING_LIMIT_PER_ADDRESS",
        "booking-address",
        None,
        "Too many bookings were made from your network recently. You can book again in "
        "{wait}, or write to {contact} and we will book the time for you.",
    ),
    (
        "BOOKING_LIMIT_PER_EMAIL",
        "booking-email",
        "email",
        "This email address has been used for several bookings today. You can book again "
        "in {wait}, or manage your existing bookings from their links.",
    ),
)


def count_booking_attempt(address: str | None, email: str) -> None:
    """Count one booking attempt against the address's and the e-mail's limits, or raise
    :class:`BookingLimited` (naming the field at fault) when one is used up. Counted before
    booking, atomically in the storage, so parallel requests cannot all slip through."""
    if not (limiter.enabled and limiter.initialized):
        return
    keys = {"booking-address": address or "unknown", "booking-email": limit_key(email)}
    for config_key, scope, field, message in LIMITS:
        item = parse(current_app.config[config_key])
        if not limiter.limiter.hit(item, scope, keys[scope]):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, scope, keys[scope])
            seconds = max(1, int(reset_at - time.time()))
            text = message.format(wait=_wait(seconds), contact=current_app.config["MAIL_FROM"])
            raise BookingLimited(text, field, seconds)


def _wait(seconds: int) -> str:
    """'about 25 minutes', 'about 3 hours': how long until the limit lets a booking through."""
    minutes = max(1, round(seconds / 60))
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {round(minutes / 60)} hours"
