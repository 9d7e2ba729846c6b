"""The mail outbox, reminder records and advisors' calendar-feed tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.advisors.models import AdvisorProfile
from advising.database import UTCDateTime, utcnow
from advising.extensions import db

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
MAIL_STATUSES = (PENDING, SENT, FAILED)

# What a message is about (shown to staff).
KIND_CREATED = "created"
KIND_RESCHEDULED = "rescheduled"
KIND_CANCELLED = "cancelled"
KIND_REMINDER = "reminder"


class OutboxMessage(db.Model):
    """One e-mail, stored ready to send (RFC 5322 bytes) in the transaction that caused it.

    A deliverer claims a row by setting ``claimed_until`` (a lease) and ``claim_token`` in a
    conditional UPDATE; only the holder of the claim marks it sent or schedules a retry.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))  # the envelope recipient
    subject: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[bytes] = mapped_column(LargeBinary)  # as_bytes() with the SMTP policy
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


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
