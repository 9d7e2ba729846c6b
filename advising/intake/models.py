"""A visitor's career intake and the roadmap generated from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from advising.database import UTCDateTime, utcnow
from advising.extensions import db


class Intake(db.Model):
    """What the visitor told us (``answers``) and the roadmap built from it.

    Personal data: reachable only through the secret roadmap link, of which only the
    SHA-256 is stored; deleted by ``flask intake purge`` after the retention period.
    """

    __tablename__ = "intakes"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    roadmap: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_version: Mapped[str] = mapped_column(String(40))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    @property
    def name(self) -> str:
        return str(self.answers.get("name", ""))

    @property
    def email(self) -> str:
        return str(self.answers.get("email", ""))

    @property
    def timezone(self) -> str:
        return str(self.answers.get("timezone", ""))

    def __repr__(self) -> str:  # never the answers: they are personal
        return f"<Intake {self.id}>"
