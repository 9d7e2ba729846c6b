"""Mail through the generic outbox: the ``mail`` channel and mail-flavoured shortcuts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app

from advising.invites.mail import Transport, transport_from_url
from advising.outbox.delivery import (
    LEASE,
    MAX_PER_RUN,
    DeliveryReport,
    backoff,
    max_attempts,
    messages,
    purge_sent,
    retry_now,
    status_counts,
)
from advising.outbox.delivery import deliver as deliver_any
from advising.outbox.delivery import enqueue as enqueue_any
from advising.outbox.models import MAIL, OutboxMessage

if TYPE_CHECKING:
    from collections.abc import Iterable
    from email.message import EmailMessage

__all__ = [
    "LEASE",
    "MAX_PER_RUN",
    "DeliveryReport",
    "MailSender",
    "backoff",
    "deliver",
    "enqueue",
    "max_attempts",
    "messages",
    "open_mail",
    "purge_sent",
    "retry_now",
    "status_counts",
]


class MailSender:
    """The mail channel's sender: one transport from ``MAIL_URL``, our envelope sender."""

    def __init__(self, transport: Transport, envelope_from: str):
        self.transport = transport
        self.envelope_from = envelope_from

    def send(self, recipient: str, message: bytes, name: str) -> None:
        self.transport.send(self.envelope_from, recipient, message, name)

    def close(self) -> None:
        self.transport.close()


def open_mail(transport: Transport | None = None) -> MailSender:
    """The mail channel: opens ``MAIL_URL``'s transport for one delivery run."""
    config = current_app.config
    transport = transport or transport_from_url(
        config["MAIL_URL"], timeout=float(config.get("MAIL_TIMEOUT_SECONDS", 30))
    )
    return MailSender(transport, config["MAIL_FROM"])


def deliver(
    *,
    now: datetime | None = None,
    ids: Iterable[int] | None = None,
    limit: int | None = None,
    transport: Transport | None = None,
) -> DeliveryReport:
    """Deliver due outbox messages; ``transport`` replaces ``MAIL_URL``'s for mail (tests)."""
    senders = {MAIL: open_mail(transport)} if transport is not None else None
    options = {"limit": limit} if limit is not None else {}
    return deliver_any(now=now, ids=ids, senders=senders, **options)


def enqueue(message: EmailMessage | bytes, **fields: object) -> OutboxMessage:
    """Queue one e-mail in the current transaction (see ``advising.outbox.delivery.enqueue``)."""
    data = message if isinstance(message, bytes) else message.as_bytes()
    return enqueue_any(data, channel=MAIL, **fields)  # type: ignore[arg-type]
