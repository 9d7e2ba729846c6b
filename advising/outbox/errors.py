"""How a channel reports a failed delivery: try again later, or never."""

from __future__ import annotations


class DeliveryError(Exception):
    """Sending one message failed."""


class TemporaryFailure(DeliveryError):
    """Try again later. ``connection``: the other side could not be reached or refused us as
    a client, so other messages of the channel would fail the same way right now."""

    def __init__(self, message: str, *, connection: bool = False):
        super().__init__(message)
        self.connection = connection


class PermanentFailure(DeliveryError):
    """The other side refused this message for good."""
