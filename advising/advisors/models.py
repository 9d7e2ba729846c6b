"""Advisor profiles: who they are, their zone and how visitors meet them."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.accounts.models import User
from advising.extensions import db


class AdvisorProfile(db.Model):
    __tablename__ = "advisor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    video_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<AdvisorProfile {self.slug}>"
