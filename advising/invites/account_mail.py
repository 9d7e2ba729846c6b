"""Mail for accounts' one-time password links: subscribed to ``PasswordResetRequested`` and
``AccountInvited``, it queues the message in the outbox inside the transaction that made the
link, so the link and its mail commit together or not at all."""

from __future__ import annotations

from flask import current_app

from advising.accounts.events import AccountInvited, PasswordLinkIssued, PasswordResetRequested
from advising.invites.compose import render_mail
from advising.invites.message import build_text_message
from advising.invites.outbox import enqueue
from advising.shared import timefmt as display
from advising.shared.events import EventBus

KIND_RESET_LINK = "reset_link"
KIND_ACCOUNT_INVITE = "account_invite"


def account_link_message(event: PasswordLinkIssued) -> tuple[bytes, str]:
    """The message (RFC 5322 bytes) and its subject."""
    invited = isinstance(event, AccountInvited)
    subject = "You are invited to Advising" if invited else "Set a new password for Advising"
    context = {
        "event": event,
        "invited": invited,
        "expires": display.format_datetime(event.expires_at, "UTC"),
    }
    message = build_text_message(
        sender=current_app.config["MAIL_FROM"],
        sender_name=current_app.config["MAIL_FROM_NAME"],
        to_email=event.email,
        to_name=event.name,
        subject=subject,
        text_body=render_mail("invites/mail/account_link.txt", **context),
    )
    return message.as_bytes(), subject


def on_password_link(event: PasswordLinkIssued) -> None:
    """Subscribed to accounts' link events: runs before the accounts transaction commits."""
    data, subject = account_link_message(event)
    kind = KIND_ACCOUNT_INVITE if isinstance(event, AccountInvited) else KIND_RESET_LINK
    enqueue(data, kind=kind, recipient=event.email, subject=subject)


def subscribe_account_mail(bus: EventBus) -> None:
    for event_type in (PasswordResetRequested, AccountInvited):
        bus.subscribe(event_type, on_password_link)
