"""Intakes: store the answers and the roadmap built from them behind a secret link;
attach them to bookings; delete them after the retention period.

Intake data is personal: logs name intakes by id only, never by token or content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, func, select

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.roadmap.engine import (
    Content,
    IntakeAnswers,
    Roadmap,
    answers_from_dict,
    answers_to_dict,
    build_roadmap,
    load_content,
    roadmap_from_dict,
    roadmap_to_dict,
)
from advising.scheduling.models import CANCELLED, Booking
from advising.shared.tokens import hash_token, new_token, well_formed

log = logging.getLogger("advising.intake")



@cache
def content() -> Content:
    """The roadmap content file, read and checked once per process."""
    return load_content()




# --- answers <-> JSON -------------------------------------------------------------------------
# ``answers_to_dict`` / ``answers_from_dict`` (imported above) live next to ``IntakeAnswers`` in
# the engine: stored answers carry a format number and load tolerantly after questions change.


# --- intakes ----------------------------------------------------------------------------------


def create_intake(answers: IntakeAnswers, now: datetime | None = None) -> tuple[Intake, str]:
    """Build the roadmap, store it with the answers; return the intake and its link token.

    Raises ``AnswersError`` (from the engine) when an answer is not acceptable.
    """
    now = now or utcnow()
    roadmap = build_roadmap(answers, content())
    token, token_hash = new_token()
    intake = Intake(
        token_hash=token_hash,
        answers=answers_to_dict(answers),
        roadmap=roadmap_to_dict(roadmap),
        content_version=roadmap.content_version,
        consent_at=now,
        created_at=now,
    )
    db.session.add(intake)
    db.session.commit()
    log.info("intake created intake_id=%s", intake.id)
    return intake, token


def intake_by_token(token: str | None) -> Intake | None:
    if not well_formed(token):
        return None
    return db.session.scalar(select(Intake).where(Intake.token_hash == hash_token(token)))


def roadmap_of(intake: Intake) -> Roadmap:
    """The stored roadmap; rebuilt from the answers if it can no longer be read."""
    try:
        return roadmap_from_dict(intake.roadmap)
    except (ValueError, TypeError):
        log.warning("stored roadmap unreadable, rebuilt intake_id=%s", intake.id)
        return build_roadmap(answers_from_dict(intake.answers), content())


def answers_of(intake: Intake) -> IntakeAnswers:
    return answers_from_dict(intake.answers)


def delete_intake(intake: Intake) -> None:
    """Delete an intake and its roadmap at the visitor's request (bookings stay)."""
    intake_id = intake.id
    db.session.delete(intake)
    db.session.commit()
    log.info("intake deleted by visitor intake_id=%s", intake_id)


# --- bookings ---------------------------------------------------------------------------------


def intake_for_booking(booking: Booking) -> Intake | None:
    if booking.intake_id is None:
        return None
    return db.session.get(Intake, booking.intake_id)


def bookings_of(intake: Intake) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking).where(Booking.intake_id == intake.id).order_by(Booking.start_at)
        )
    )


# --- retention --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    kept: int


def purge(older_than_days: int, now: datetime | None = None) -> PurgeResult:
    """Delete intakes (with their roadmaps) created more than ``older_than_days`` ago.

    An old intake is kept while a booking needs it: one still upcoming, or one that ended
    within the retention period (cancelled bookings need nothing). Deleting sets
    ``bookings.intake_id`` to NULL; bookings, notes and recommendations stay.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    begin_write_locked(db.session)  # count and delete see the same rows
    needed = select(Booking.intake_id).where(
        Booking.intake_id.is_not(None),
        Booking.status != CANCELLED,
        Booking.end_at >= cutoff,
    )
    old = Intake.created_at < cutoff
    kept = db.session.scalar(select(func.count(Intake.id)).where(old, Intake.id.in_(needed)))
    result = db.session.execute(
        delete(Intake)
        .where(old, Intake.id.not_in(needed))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    deleted = result.rowcount or 0
    log.info("intake purge older_than_days=%s deleted=%s kept=%s", older_than_days, deleted, kept)
    return PurgeResult(deleted=deleted, kept=kept or 0)
