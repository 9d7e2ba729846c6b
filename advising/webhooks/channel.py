"""The ``webhook`` outbox channel: POST one stored event to its endpoint, signed.

The endpoint (URL, secret, enabled) is looked up when the row is sent, so a deleted or
disabled endpoint gets nothing. The request goes through the calendar feeds' guarded
connections: no private or local addresses unless ``FEED_ALLOW_PRIVATE_ADDRESSES``, every
resolved address checked when connecting, no redirects, no proxies, and one hard deadline
(``WEBHOOK_TIMEOUT_SECONDS``, 5 s) for connecting, the TLS handshake and the answer.
2xx is success; 408, 429, 5xx, timeouts and connection errors are retried with the outbox's
backoff; any other answer is a permanent failure.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app

from advising.calendars.feeds import BlockedAddress, Deadline, guarded_opener
from advising.extensions import db
from advising.outbox.errors import PermanentFailure, TemporaryFailure
from advising.webhooks.models import WebhookEndpoint, endpoint_id_of
from advising.webhooks.signing import headers

CHANNEL = "webhook"
USER_AGENT = "advising-webhooks/1.0 (+https://advising.example)"
DEFAULT_TIMEOUT = 5.0
RETRIED_4XX = {408, 429}


def message_id(name: str) -> str:
    """The ``webhook-id``: the outbox row's, the same on every attempt."""
    return "msg_" + name.removeprefix("message-")


def post(
    url: str,
    body: bytes,
    extra_headers: dict[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    allow_private: bool = False,
) -> int:
    """POST ``body``; returns the 2xx status or raises a DeliveryError in plain words."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise PermanentFailure("The endpoint address is not http(s).")
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **extra_headers},
    )
    too_slow = f"no answer within {timeout:g} seconds"
    deadline = Deadline(timeout)
    try:
        opener = guarded_opener(allow_private, deadline, follow_redirects=False)
        with opener.open(request, timeout=timeout) as response:
            response.read(64 * 1024)
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        code = error.code
        if code >= 500 or code in RETRIED_4XX:
            raise TemporaryFailure(f"the endpoint answered {code}")
        if 300 <= code < 400:
            raise PermanentFailure(f"the endpoint redirected ({code}); register its final address")
        raise PermanentFailure(f"the endpoint refused the event ({code})")
    except urllib.error.URLError as error:
        if isinstance(error.reason, BlockedAddress):
            raise PermanentFailure(str(error.reason).replace("feed", "endpoint"))
        if isinstance(error.reason, TimeoutError) or time.monotonic() >= deadline.at:
            raise TemporaryFailure(too_slow)
        raise TemporaryFailure(f"the endpoint could not be reached ({error.reason})")
    except TimeoutError:
        raise TemporaryFailure(too_slow)
    except (http.client.HTTPException, OSError) as error:
        if time.monotonic() >= deadline.at:
            raise TemporaryFailure(too_slow)
        raise TemporaryFailure(f"the endpoint's answer could not be read ({error})")


class WebhookSender:
    """Sends stored events to their endpoints for one delivery run."""

    def __init__(self, timeout: float, allow_private: bool):
        self.timeout = timeout
        self.allow_private = allow_private

    def _endpoint(self, recipient: str) -> tuple[str, str]:
        endpoint_id = endpoint_id_of(recipient)
        endpoint = db.session.get(WebhookEndpoint, endpoint_id) if endpoint_id else None
        found = (endpoint.url, endpoint.secret, endpoint.enabled) if endpoint else None
        db.session.rollback()  # only read: end the transaction before the slow part
        if found is None:
            raise PermanentFailure("the endpoint was deleted")
        url, secret, enabled = found
        if not enabled:
            raise PermanentFailure("the endpoint is disabled")
        return url, secret

    def send(self, recipient: str, message: bytes, name: str) -> None:
        url, secret = self._endpoint(recipient)
        signed = headers(secret, message_id(name), int(time.time()), message)
        post(url, message, signed, timeout=self.timeout, allow_private=self.allow_private)

    def close(self) -> None:
        pass


def open_webhooks() -> WebhookSender:
    config = current_app.config
    return WebhookSender(
        float(config.get("WEBHOOK_TIMEOUT_SECONDS", DEFAULT_TIMEOUT)),
        bool(config.get("FEED_ALLOW_PRIVATE_ADDRESSES", False)),
    )
