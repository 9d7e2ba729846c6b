"""Rendered roadmap PDFs, kept per version of what they show."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from advising.database import UTCDateTime, utcnow
from advising.extensions import db


class RoadmapPdf(db.Model):
    """The PDF last rendered for an intake's roadmap. ``html_sha256`` is the hash of the HTML
    it was made from (the roadmap, the advisor's recommendations, the booked consultations):
    the same HTML serves the stored bytes, so WeasyPrint runs once per version."""

    __tablename__ = "roadmap_pdfs"

    intake_id: Mapped[int] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True
    )
    html_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
