"""Reminder records and advisors' calendar-feed tokens (mail rows live in the outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.advisors.models import AdvisorProfile
from advising.database import UTCDateTime, utcnow
from advising.extensions import db
from advising.outbox.models import FAILED, PENDING, SENT, OutboxMessage

__all__ = ["FAILED", "PENDING", "SENT", "AdvisorFeed", "BookingReminder", "OutboxMessage"]

# What a message is about (shown to staff).
KIND_CREATED = "created"
KIND_RESCHEDULED = "rescheduled"
KIND_CANCELLED = "cancelled"
KIND_CONFIRMED = "confirmed"  # a held booking the visitor confirmed from the mail
KIND_REMINDER = "reminder"


class BookingReminder(db.Model):
    """A reminder of one kind ("24h", "1h") for one booking at one SEQUENCE, queued or skipped.

    The unique constraint makes "once" hold even when two ``mail reminders`` runs overlap; a
    moved booking has a higher SEQUENCE, so it gets fresh reminders for its new time.
    """

    __tablename__ = "booking_reminders"
    __table_args__ = (UniqueConstraint("booking_id", "kind", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # NULL when skipped: the booking got this time after the reminder would have been due.
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AdvisorFeed(db.Model):
    """An advisor's private subscription address: only the token's SHA-256 is kept."""

    __tablename__ = "advisor_feeds"

    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    advisor: Mapped[AdvisorProfile] = relationship()
