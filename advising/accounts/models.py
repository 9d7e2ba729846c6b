"""User accounts and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from advising.database import UTCDateTime, utcnow
from advising.extensions import db


class Role(enum.StrEnum):
    """What a person may do: advisors advise, staff run bookings, admins also manage users."""

    ADVISOR = "advisor"
    STAFF = "staff"
    ADMIN = "admin"


# An invited person has no password until they follow their link: no hash ever matches this.
UNUSABLE_HASH = "!"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and deactivation: every older session cookie dies.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The IANA zone the person's pages show times in (detected by the browser at sign-in).
    timezone: Mapped[str | None] = mapped_column(String(64))

    def get_id(self) -> str:
        """The identifier kept in the session: the user and the session generation."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def awaiting_password(self) -> bool:
        """Invited, and the invitation's link not used yet."""
        return self.password_hash == UNUSABLE_HASH

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds one of ``roles``; admins hold every staff right."""
        wanted = {str(r) for r in roles}
        if self.role == Role.ADMIN and Role.STAFF in wanted:
            return True
        return self.role in wanted

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


# What a one-time password link is for: a forgotten password, or an invited person's first one.
RESET = "reset"
INVITE = "invite"


class PasswordToken(db.Model):
    """A single-use link to set a password; only the SHA-256 of its secret is kept."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<PasswordToken {self.id} {self.purpose} user={self.user_id}>"


class AccountEvent(db.Model):
    """A change to an account and who made it (``actor_id`` None: the command line or the
    person themselves through a link)."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<AccountEvent {self.id} {self.action} user={self.user_id}>"
