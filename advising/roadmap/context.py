"""What the roadmap template shows: one context for the page, its "what if" and the PDF."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from advising.consultations import services as consultations
from advising.database import utcnow
from advising.intake import services as intakes
from advising.intake.models import Intake
from advising.roadmap.engine import Roadmap
from advising.roadmap.timeline import build_timeline
from advising.scheduling import services as scheduling
from advising.scheduling.models import CONFIRMED, HELD

HOLDING_OPEN = (CONFIRMED, HELD)  # upcoming consultations a visitor can still open


def roadmap_context(
    intake: Intake, token: str, *, print_: bool, roadmap: Roadmap | None = None
) -> dict[str, Any]:
    """What the roadmap template needs; ``roadmap`` replaces the stored one (a what-if)."""
    now = utcnow()
    bookings = scheduling.bookings_for_intake(intake.id)
    roadmap = roadmap or intakes.roadmap_of(intake)
    return {
        "intake": intake,
        "roadmap": roadmap,
        "tl": build_timeline(roadmap),
        "roadmap_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        + url_for("roadmap.page", token=token),
        "exam_date": next((m.date for m in roadmap.milestones if m.key == "exam"), None),
        "token": token,
        "print": print_,
        "recommendations": consultations.recommendations_for_intake(intake.id),
        "upcoming": [b for b in bookings if b.status in HOLDING_OPEN and b.end_at >= now],
        "manage_urls": {
            b.id: url_for("scheduling.manage", token=t)
            for b in bookings
            if (t := scheduling.manage_token_from_intake(b))
        },
        "book_url": url_for("scheduling.any_advisor", intake=token, tz=intake.timezone),
    }
