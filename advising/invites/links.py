"""Links and identities in invites and mail: absolute URLs under PUBLIC_BASE_URL, booking
UIDs, and the checks that keep hostile values out of them."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from advising.invites import ical
from advising.scheduling.models import Booking
from advising.shared.tokens import hash_token

VISITOR, ADVISOR, STAFF, FEED = "visitor", "advisor", "staff", "feed"


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link under PUBLIC_BASE_URL; works without a request (CLI, threads)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base_url() + path


def booking_uid(booking: Booking) -> str:
    host = urlsplit(base_url()).hostname or "advising.invalid"
    return f"booking-{booking.id}@{host}"


def checked_manage_token(booking: Booking, token: str | None) -> str | None:
    """``token`` when it is this booking's manage-link secret (links are never guessed)."""
    if token and hash_token(token) == booking.manage_token_hash:
        return token
    return None


def valid_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return ical.clean_url(url)
    except ical.InvalidInviteData:
        return None


def valid_email(address: str | None) -> str | None:
    try:
        return ical.clean_email(address)
    except ical.InvalidInviteData:
        return None


def minutes_of(booking: Booking) -> int:
    return int((booking.end_at - booking.start_at).total_seconds() // 60)
