"""The error a service raises when it refuses an action a person asked for."""

from __future__ import annotations


class FieldError(ValueError):
    """A refused action: the message is for the person, ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
