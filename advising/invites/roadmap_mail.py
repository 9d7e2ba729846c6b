"""Mail with a roadmap's private link: subscribed to ``RoadmapLinkRequested``, it queues the
message in the outbox inside the transaction that asked for it."""

from __future__ import annotations

from flask import current_app, url_for

from advising.intake.events import RoadmapLinkRequested
from advising.invites.compose import render_mail
from advising.invites.message import build_text_message
from advising.invites.outbox import enqueue

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
            visitor_name=answers["name"],
            url=base + url_for("roadmap.page", token=event.token),
        ),
    )
    return message.as_bytes()


def on_roadmap_link(event: RoadmapLinkRequested) -> None:
    """Runs before the intake transaction commits: the mail and the request commit together."""
    enqueue(
        roadmap_link_message(event),
        kind=KIND_ROADMAP_LINK,
        recipient=event.intake.answers["email"],
        subject=SUBJECT,
    )
