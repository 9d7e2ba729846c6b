"""Consultations: the advisor's private notes (with history), the outcome (recorded through
scheduling) and the recommendations shown on the visitor's roadmap."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from advising.accounts.models import Role, User
from advising.advisors.models import AdvisorProfile
from advising.consultations.models import (
    AdvisorRecommendation,
    ConsultationNote,
    ConsultationNoteRevision,
)
from advising.database import utcnow
from advising.extensions import db
from advising.scheduling.models import OUTCOMES as OUTCOME_STATUSES
from advising.scheduling.models import Booking
from advising.shared.errors import FieldError

log = logging.getLogger("advising.consultations")

OUTCOMES = {status.value: status.label for status in OUTCOME_STATUSES}
MAX_NOTE_LENGTH = 20_000
MAX_RECOMMENDATION_LENGTH = 4_000


class ConsultationError(FieldError):
    """An action on a consultation was refused; the message is for the advisor."""


# --- who may read private notes ---------------------------------------------------------------


def is_own_consultation(user: User, booking: Booking) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.ADVISOR
        and booking.advisor is not None
        and booking.advisor.user_id == user.id
    )


def can_read_notes(user: User, booking: Booking) -> bool:
    """The consultation's advisor and admins; never staff, other advisors or visitors."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN or is_own_consultation(user, booking)


# --- notes ------------------------------------------------------------------------------------


def note_for(booking_id: int) -> ConsultationNote | None:
    return db.session.scalar(
        select(ConsultationNote).where(ConsultationNote.booking_id == booking_id)
    )


def latest_revision_id(booking_id: int) -> int:
    """The id of the note's newest saved version (0 before the first save)."""
    note = note_for(booking_id)
    return note.revisions[0].id if note and note.revisions else 0


def _clean_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


class NoteConflict(ConsultationError):
    """The note was saved elsewhere after the form was opened."""


def save_note(
    booking: Booking,
    author: User,
    body: str,
    *,
    based_on: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Save a new version of the consultation's note; False when nothing changed.

    ``based_on`` is the revision the advisor was editing: if another save came in since,
    NoteConflict is raised instead of silently replacing it (both texts stay available).
    """
    now = now or utcnow()
    body = _clean_text(body)
    if len(body) > MAX_NOTE_LENGTH:
        raise ConsultationError(f"Keep the note under {MAX_NOTE_LENGTH:,} characters.")
    for attempt in range(2):
        note = note_for(booking.id)
        latest = note.revisions[0].id if note and note.revisions else 0
        if based_on is not None and based_on != latest:
            raise NoteConflict(
                "This note was saved somewhere else after you opened it. Your text is kept "
                "below; compare it with the latest version in the history, then save again."
            )
        if note is not None and note.body == body:
            return False
        if note is None:
            note = ConsultationNote(booking_id=booking.id, body=body, created_at=now)
            db.session.add(note)
        note.body = body
        note.updated_at = now
        note.revisions.append(
            ConsultationNoteRevision(body=body, author_id=author.id, created_at=now)
        )
        try:
            db.session.commit()
        except IntegrityError:  # the first version was created at the same moment elsewhere
            db.session.rollback()
            if attempt:
                raise
            continue
        log.info("consultation note saved booking_id=%s note_id=%s", booking.id, note.id)
        return True
    return False  # pragma: no cover


# --- outcome ----------------------------------------------------------------------------------


# --- recommendations --------------------------------------------------------------------------


def add_recommendation(
    booking: Booking, author: User, body: str, now: datetime | None = None
) -> AdvisorRecommendation:
    body = _clean_text(body)
    if not body:
        raise ConsultationError("Write the recommendation first.")
    if len(body) > MAX_RECOMMENDATION_LENGTH:
        raise ConsultationError(f"Keep it under {MAX_RECOMMENDATION_LENGTH:,} characters.")
    if booking.intake_id is None:
        raise ConsultationError("This visitor has no roadmap to show recommendations on.")
    recommendation = AdvisorRecommendation(
        booking_id=booking.id, author_id=author.id, body=body, created_at=now or utcnow()
    )
    db.session.add(recommendation)
    db.session.commit()
    log.info("recommendation added booking_id=%s id=%s", booking.id, recommendation.id)
    return recommendation


def delete_recommendation(booking: Booking, recommendation_id: int) -> bool:
    recommendation = db.session.scalar(
        select(AdvisorRecommendation).where(
            AdvisorRecommendation.id == recommendation_id,
            AdvisorRecommendation.booking_id == booking.id,
        )
    )
    if recommendation is None:
        return False
    db.session.delete(recommendation)
    db.session.commit()
    log.info("recommendation deleted booking_id=%s id=%s", booking.id, recommendation_id)
    return True


def recommendations_for_booking(booking_id: int) -> list[AdvisorRecommendation]:
    return list(
        db.session.scalars(
            select(AdvisorRecommendation)
            .where(AdvisorRecommendation.booking_id == booking_id)
            .order_by(AdvisorRecommendation.created_at, AdvisorRecommendation.id)
        )
    )


@dataclass(frozen=True)
class Recommendation:
    """What the visitor sees: the text, who wrote it and when."""

    body: str
    advisor: str
    created_at: datetime


def recommendations_for_intake(intake_id: int) -> list[Recommendation]:
    rows = db.session.execute(
        select(AdvisorRecommendation, AdvisorProfile.display_name)
        .join(Booking, Booking.id == AdvisorRecommendation.booking_id)
        .join(AdvisorProfile, AdvisorProfile.id == Booking.advisor_id)
        .where(Booking.intake_id == intake_id)
        .order_by(AdvisorRecommendation.created_at, AdvisorRecommendation.id)
    )
    return [
        Recommendation(body=rec.body, advisor=name, created_at=rec.created_at) for rec, name in rows
    ]
