"""Endpoints: register, enable or disable, delete; their deliveries from the outbox."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import defer

from advising.calendars.feeds import is_public_address
from advising.extensions import db
from advising.outbox.delivery import retry_now
from advising.outbox.models import FAILED, PENDING, OutboxMessage
from advising.shared.errors import FieldError
from advising.webhooks.channel import CHANNEL
from advising.webhooks.models import EVENT_TYPES, WebhookEndpoint, recipient_of
from advising.webhooks.signing import new_secret

MAX_URL = 2000
DELIVERIES_SHOWN = 100


class EndpointError(FieldError):
    """An endpoint that cannot be registered; the message is for the admin, ``field`` names
    the input at fault (the address unless said otherwise)."""

    def __init__(self, message: str, field: str = "url"):
        super().__init__(message, field)


def check_url(url: str, *, allow_private: bool) -> str:
    """The address to post to: https (http only when private addresses are allowed, for
    tests and local receivers), no credentials, and no literal private address or
    ``localhost``. Host names are checked again on every connection."""
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise EndpointError(f"The address is longer than {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise EndpointError("That is not a valid address.")
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme.lower() not in schemes or not host:
        raise EndpointError("The address must start with https://.")
    if parts.username or parts.password:
        raise EndpointError("The address must not contain a user name or password.")
    if parts.fragment:
        raise EndpointError("The address must not contain a #fragment.")
    if not allow_private:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            literal = False
        else:
            literal = True
        local = host.lower() == "localhost" or host.lower().endswith(".localhost")
        if local or (literal and not is_public_address(host)):
            raise EndpointError(
                "The address points to a private or local network address, which is not allowed."
            )
    return url


def check_events(chosen: Iterable[str]) -> list[str]:
    picked = [e for e in EVENT_TYPES if e in set(chosen)]
    if not picked:
        raise EndpointError("Choose at least one event.", field="events")
    return picked


def create_endpoint(url: str, events: Iterable[str], *, allow_private: bool) -> WebhookEndpoint:
    """Store a new enabled endpoint with a fresh secret (committed)."""
    endpoint = WebhookEndpoint(
        url=check_url(url, allow_private=allow_private),
        secret=new_secret(),
        events=" ".join(check_events(events)),
        enabled=True,
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def set_enabled(endpoint: WebhookEndpoint, enabled: bool) -> None:
    endpoint.enabled = enabled
    db.session.commit()


def set_events(endpoint: WebhookEndpoint, events: Iterable[str]) -> None:
    endpoint.events = " ".join(check_events(events))
    db.session.commit()


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete it and its deliveries (a row being sent right now simply records nothing)."""
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.channel == CHANNEL, OutboxMessage.recipient == endpoint.recipient
        )
    )
    db.session.delete(endpoint)
    db.session.commit()


def deliveries(endpoint_id: int, limit: int = DELIVERIES_SHOWN) -> list[OutboxMessage]:
    """Its outbox rows, newest first, without their bodies."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .options(defer(OutboxMessage.message))
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.recipient == recipient_of(endpoint_id),
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def redeliver(endpoint_id: int, message_id: int) -> bool:
    """Make one of its waiting or failed deliveries due now; False when it is not one."""
    row = db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.id == message_id,
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.recipient == recipient_of(endpoint_id),
            OutboxMessage.status.in_((PENDING, FAILED)),
        )
    )
    return bool(row is not None and retry_now([row]))
