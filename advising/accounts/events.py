"""What accounts tells the features above it (published on the app's event bus inside the
transaction that made the link, so whatever a subscriber queues commits with it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PasswordLinkIssued:
    """A one-time link to set a password was made for ``email``: ``purpose`` is ``reset`` (a
    forgotten password) or ``invite`` (an administrator invited the person, as ``role``)."""

    user_id: int
    email: str
    name: str
    purpose: str
    token_url: str
    expires_at: datetime
    role: str = ""
    invited_by: str = ""


@dataclass(frozen=True)
class PasswordResetRequested(PasswordLinkIssued):
    """Someone asked for a password reset link for an existing, active account."""


@dataclass(frozen=True)
class AccountInvited(PasswordLinkIssued):
    """An administrator invited a person; the link sets their first password."""


@dataclass(frozen=True)
class RoleGiven:
    """An account was created with ``role``, or changed to it (so a feature can set up what
    that role needs, such as an advisor's profile)."""

    user_id: int
    role: str
