"""The visitor's roadmap outputs beside the page: the PDF (rendered once per version of
what it shows) and milestones as an iCalendar file."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from advising.database import utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.invites import ical
from advising.roadmap.engine import Roadmap
from advising.roadmap.models import RoadmapPdf

log = logging.getLogger("advising.roadmap")


def roadmap_pdf(intake: Intake, html: str, render: Callable[[str], bytes]) -> bytes:
    """The PDF of ``html`` for this intake: the stored one when the HTML is unchanged since it
    was rendered, else ``render(html)``, stored for the next request."""
    digest = hashlib.sha256(html.encode()).hexdigest()
    stored = db.session.get(RoadmapPdf, intake.id)
    if stored is not None and stored.html_sha256 == digest:
        return stored.pdf
    body = render(html)
    if stored is None:
        db.session.add(RoadmapPdf(intake_id=intake.id, html_sha256=digest, pdf=body))
    else:
        stored.html_sha256, stored.pdf, stored.created_at = digest, body, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another request stored the same version first
        db.session.rollback()
    log.info("roadmap pdf rendered intake_id=%s", intake.id)
    return body



def milestones_ics(intake: Intake, roadmap: Roadmap, public_base_url: str) -> bytes:
    """One all-day event per milestone (METHOD:PUBLISH), built by the invite builder's
    sanitisers. UIDs and DTSTAMP depend only on the intake, so downloading again updates the
    same events instead of adding copies."""
    domain = urlsplit(public_base_url).hostname or "advising.example"
    stamp = intake.created_at
    items = [
        ical.AllDayItem(
            uid=f"roadmap-{intake.id}-{stamp:%Y%m%d%H%M%S}-{milestone.key}@{domain}",
            day=milestone.date,
            summary=milestone.title,
            description=milestone.description,
            category="Career roadmap",
        )
        for milestone in roadmap.milestones
    ]
    return ical.build_all_day_publish(items, stamp, "Medical coding roadmap")
