"""Intakes: store the answers and the roadmap built from them behind a secret link, read
them back (old formats too), delete them at the visitor's request.

Intake data is personal: logs name intakes by id only, never by token or content.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import cache

from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db, events
from advising.intake.events import (
    IntakeAnswersReplaced,
    IntakeCreated,
    IntakeDeleted,
    RoadmapLinkRequested,
)
from advising.intake.models import Intake
from advising.roadmap.engine import (
    Content,
    IntakeAnswers,
    Roadmap,
    answers_from_dict,
    answers_to_dict,
    build_roadmap,
    credential_codes_from_dict,
    dollar_range,
    load_content,
    roadmap_from_dict,
    roadmap_to_dict,
)
from advising.shared.tokens import hash_token, new_token, well_formed

log = logging.getLogger("advising.intake")


@cache
def content() -> Content:
    """The roadmap content file, read and checked once per process."""
    return load_content()


def format_date(day: date) -> str:
    """A date worded like the roadmap content ("January 4, 2027")."""
    c = content()
    return c.date_format.format(day=day.day, month=c.month_names[day.month - 1], year=day.year)


def format_budget(low: int | None, high: int | None) -> str:
    """A budget or a cost range as the roadmap words amounts (the ``budget`` filter)."""
    return dollar_range(low, high)


# --- answers <-> JSON -------------------------------------------------------------------------
# ``answers_to_dict`` / ``answers_from_dict`` (imported above) live next to ``IntakeAnswers`` in
# the engine: stored answers carry a format number and load tolerantly after questions change.


# --- intakes ----------------------------------------------------------------------------------


def create_intake(
    answers: IntakeAnswers, now: datetime | None = None, *, email_link: bool = False
) -> tuple[Intake, str]:
    """Build the roadmap, store it with the answers; return the intake and its link token.
    ``email_link``: the visitor asked for the link by email (sent with the same commit).

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
    db.session.flush()
    events().publish(IntakeCreated(intake, token))
    if email_link:
        events().publish(RoadmapLinkRequested(intake, token))
    db.session.commit()
    log.info("intake created intake_id=%s", intake.id)
    return intake, token


def email_roadmap_link(intake: Intake, token: str) -> None:
    """Send the roadmap's private link to the address the visitor gave (one commit)."""
    events().publish(RoadmapLinkRequested(intake, token))
    db.session.commit()
    log.info("roadmap link mailed intake_id=%s", intake.id)


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


def credential_codes_of(intake: Intake) -> tuple[str, ...]:
    """The credentials the intake's roadmap names, its recommended one first, read from the
    stored roadmap without rebuilding it (from a rebuilt one when it no longer reads)."""
    try:
        return credential_codes_from_dict(intake.roadmap)
    except ValueError:
        return credential_codes_from_dict(roadmap_to_dict(roadmap_of(intake)))


def answers_of(intake: Intake) -> IntakeAnswers:
    return answers_from_dict(intake.answers)


def roadmap_for(answers: IntakeAnswers) -> Roadmap:
    """The roadmap these answers would give (nothing stored): the page's "what if"."""
    return build_roadmap(answers, content())


def replace_answers(intake: Intake, answers: IntakeAnswers, token: str) -> Roadmap:
    """Store changed answers and the roadmap built from them, in one commit (the person chose
    to keep a "what if" version; ``token`` is the roadmap's link key they came with). Raises
    ``AnswersError`` like ``create_intake``."""
    roadmap = build_roadmap(answers, content())
    intake.answers = answers_to_dict(answers)
    intake.roadmap = roadmap_to_dict(roadmap)
    intake.content_version = roadmap.content_version
    events().publish(IntakeAnswersReplaced(intake, token))
    db.session.commit()
    log.info("intake answers replaced by visitor intake_id=%s", intake.id)
    return roadmap


def delete_intake(intake: Intake) -> None:
    """Delete an intake and its roadmap at the visitor's request (bookings stay)."""
    intake_id = intake.id
    events().publish(IntakeDeleted(intake))
    db.session.delete(intake)
    db.session.commit()
    log.info("intake deleted by visitor intake_id=%s", intake_id)


def intake_by_id(intake_id: int | None) -> Intake | None:
    """The intake a booking was made from (None once purged or deleted)."""
    return db.session.get(Intake, intake_id) if intake_id is not None else None
