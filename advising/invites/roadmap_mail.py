"""Mail with a roadmap's private link: subscribed to ``RoadmapLinkRequested``, it queues the
message in the outbox inside the transaction that asked for it."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import and_, delete, or_

from advising.extensions import db
from advising.intake.events import IntakeDeleted, RoadmapLinkRequested
from advising.invites.compose import render_mail
from advising.invites.ical import clean_line
from advising.invites.message import build_text_message
from advising.invites.models import OutboxMessage
from advising.invites.outbox import enqueue
from advising.shared.emails import is_deliverable_address

KIND_ROADMAP_LINK = "roadmap_link"
SUBJECT = "Your medical coding roadmap"


def roadmap_link_message(event: RoadmapLinkRequested) -> bytes:
    """The message (RFC 5322 bytes) to the visitor, with their roadmap's link."""
    answers = event.intake.answers
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    message = build_text_message(
        sender=current_app.config["MAIL_FROM"],
        sender_name=current_app.config["MAIL_FROM_NAME"],
        to_email=answers["email"],
        to_name=answers["name"],
        subject=SUBJECT,
        text_body=render_mail(
            "invites/mail/roadmap_link.txt",
            visitor_name=clean_line(answers["name"]),
            url=base + url_for("roadmap.page", token=event.token),
        ),
    )
    return message.as_bytes()


def on_roadmap_link(event: RoadmapLinkRequested) -> None:
    """Runs before the intake transaction commits: the mail and the request commit together.
    An address mail cannot carry (stored before the intake checked it so) gets nothing."""
    if not is_deliverable_address(event.intake.answers["email"]):
        return
    enqueue(
        roadmap_link_message(event),
        kind=KIND_ROADMAP_LINK,
        recipient=event.intake.answers["email"],
        subject=SUBJECT,
        intake_id=event.intake.id,
    )


def on_intake_deleted(event: IntakeDeleted) -> None:
    """The visitor deleted their roadmap: its link's mail goes too, sent or not (the row held
    their name, address and the link). Another roadmap of the same address keeps its mail;
    a row queued before mail named its roadmap is matched by the address."""
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.kind == KIND_ROADMAP_LINK,
            or_(
                OutboxMessage.intake_id == event.intake.id,
                and_(
                    OutboxMessage.intake_id.is_(None),
                    OutboxMessage.recipient == event.intake.answers["email"],
                ),
            ),
        )
    )
