"""Advisors' private subscription feeds: a rotatable token (only its hash stored) and the
feed of their consultations."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from advising.advisors.models import AdvisorProfile
from advising.database import utcnow
from advising.extensions import db
from advising.invites.downloads import invite_event, publish
from advising.invites.links import FEED, public_url
from advising.invites.models import (
    AdvisorFeed,
)
from advising.scheduling.models import Booking
from advising.shared.tokens import hash_token

FEED_PAST = timedelta(days=90)
FEED_LIMIT = 2000


def feed_of(advisor_id: int) -> AdvisorFeed | None:
    return db.session.get(AdvisorFeed, advisor_id)


def rotate_feed(advisor_id: int) -> str:
    """Give the advisor a new feed address (256 random bits); the old one stops working.
    Returns the token: it is shown once, only its hash is kept."""
    token = secrets.token_urlsafe(32)
    values = {"advisor_id": advisor_id, "token_hash": hash_token(token), "created_at": utcnow()}
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(AdvisorFeed).values(**values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[AdvisorFeed.advisor_id],
            set_={"token_hash": statement.excluded.token_hash, "created_at": utcnow()},
        )
    )
    db.session.commit()
    return token


def advisor_for_feed_token(token: str) -> AdvisorProfile | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(AdvisorProfile)
        .join(AdvisorFeed, AdvisorFeed.advisor_id == AdvisorProfile.id)
        .where(AdvisorFeed.token_hash == hash_token(token))
    )


def feed_urls(token: str) -> tuple[str, str]:
    """The https (or http in development) and webcal:// addresses of a feed."""
    url = public_url("invites.feed", token=token)
    return url, "webcal://" + url.split("://", 1)[1]


def feed_ics(advisor: AdvisorProfile, now: datetime | None = None) -> bytes:
    """The advisor's consultations from 90 days back on; cancelled ones stay as CANCELLED so
    subscribed calendars drop them. Visitors appear by name and topic only."""
    now = now or utcnow()
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.advisor_id == advisor.id, Booking.start_at >= now - FEED_PAST)
        .order_by(Booking.start_at)
        .limit(FEED_LIMIT)
    )
    return publish(
        [invite_event(b, FEED) for b in bookings], f"Consultations · {advisor.display_name}"
    )
