"""What advisors add to a consultation: private notes with their history, and
recommendations the visitor sees on their roadmap."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.accounts.models import User
from advising.database import UTCDateTime, utcnow
from advising.extensions import db


class ConsultationNote(db.Model):
    """The advisor's private note on one consultation: its current text.

    Only the consultation's advisor and admins may read it; every saved version is kept in
    ``ConsultationNoteRevision``.
    """

    __tablename__ = "consultation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    revisions: Mapped[list[ConsultationNoteRevision]] = relationship(
        back_populates="note",
        order_by="ConsultationNoteRevision.id.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:  # never the text
        return f"<ConsultationNote {self.id} booking={self.booking_id}>"


class ConsultationNoteRevision(db.Model):
    """One saved version of a note, with who saved it and when."""

    __tablename__ = "consultation_note_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_notes.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    note: Mapped[ConsultationNote] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ConsultationNoteRevision {self.id} note={self.note_id}>"


class AdvisorRecommendation(db.Model):
    """A recommendation for the visitor ("From your advisor"), shown on their roadmap."""

    __tablename__ = "advisor_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<AdvisorRecommendation {self.id} booking={self.booking_id}>"
