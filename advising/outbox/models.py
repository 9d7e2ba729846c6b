"""The outbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advising.database import UTCDateTime, utcnow
from advising.extensions import db

PENDING = "pending"
SENT = "sent"
FAILED = "failed"

MAIL = "mail"


class OutboxMessage(db.Model):
    """One message, stored ready to send in the transaction that caused it.

    ``channel`` says how it goes out (``mail``: RFC 5322 bytes to ``recipient``); ``kind``
    what it is about (shown to staff). A deliverer claims a row by setting ``claimed_until``
    (a lease) and ``claim_token`` in a conditional UPDATE; only the holder of the claim marks
    it sent or schedules a retry.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default=MAIL, server_default=MAIL)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    # The roadmap a message carries the link of: deleting the roadmap deletes its mail.
    intake_id: Mapped[int | None] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))  # an address or a URL
    subject: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.channel} {self.kind} {self.status}>"
