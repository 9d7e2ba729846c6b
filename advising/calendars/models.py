"""Calendar sources of an advisor and the busy/available blocks expanded from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.advisors.models import AdvisorProfile
from advising.database import UTCDateTime, utcnow
from advising.extensions import db

SOURCE_UPLOAD = "upload"
SOURCE_FEED = "feed"
BLOCK_BUSY = "busy"
BLOCK_AVAILABLE = "available"


class CalendarSource(db.Model):
    """An uploaded .ics export or a feed URL, with its last good content and sync status."""

    __tablename__ = "calendar_sources"
    moves_availability = "on delete"  # its blocks go with it (advising.advisors.availability)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200), default="")
    feed_url: Mapped[str | None] = mapped_column(String(2000))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The last calendar that parsed cleanly, kept to re-expand the rolling horizon.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    block_count: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the last import of the advisor's own file skipped ("line 14: ..."); None: nothing.
    import_warnings: Mapped[list[str] | None] = mapped_column(JSON)
    # A sync process claims a source by setting this in the future (a lease), so several
    # `calendars sync` runs at once never work on the same source.
    sync_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    advisor: Mapped[AdvisorProfile] = relationship()
    blocks: Mapped[list[CalendarBlock]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )


class CalendarBlock(db.Model):
    """One busy or available interval (UTC). No titles: only what scheduling needs.

    Blocks are at most ``MAX_BLOCK_DAYS`` long (longer ones are stored in pieces) so that a
    range look-up can bound its index scan on ``start_at`` from both sides.
    """

    __tablename__ = "calendar_blocks"
    moves_availability = True
    __table_args__ = (Index("ix_calendar_blocks_advisor_start", "advisor_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_sources.id", ondelete="CASCADE"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor_profiles.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    uid: Mapped[str] = mapped_column(String(255), default="")

    source: Mapped[CalendarSource] = relationship(back_populates="blocks")


MAX_BLOCK_DAYS = 7
