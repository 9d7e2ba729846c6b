"""Advisor profiles: who they are, their zone and how visitors meet them."""

from __future__ import annotations

import secrets

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.accounts.models import User
from advising.extensions import db


def initial_availability_version() -> int:
    """A random first version, so an advisor created under a reused id never meets the cached
    slots of the one deleted before it."""
    return secrets.randbits(30)


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
    # Bumped in the same transaction as any change to when the advisor is free (see
    # advising.scheduling.versions), so cached slots are checked by the advisor lookup itself.
    availability_version: Mapped[int] = mapped_column(
        default=initial_availability_version, server_default="0"
    )

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def takes_bookings(self) -> bool:
        """Shown to visitors and bookable: the profile is on and its account active (what
        :func:`advising.advisors.services.active_advisors` asks of the database)."""
        return self.active and self.user.active

    def __repr__(self) -> str:
        return f"<AdvisorProfile {self.slug}>"


class FormerSlug(db.Model):
    """An address an advisor's page had before they changed it: links shared with it (a
    signature, a bookmark, a site's embed) still lead to them."""

    __tablename__ = "advisor_former_slugs"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_profiles.id", ondelete="CASCADE"), index=True
    )
