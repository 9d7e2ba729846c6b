"""Signed-in sessions: started at sign-in with the time they began, and over once they are
older than SESSION_ABSOLUTE_LIFETIME_HOURS however busy they were (each request refreshes the
cookie's idle expiry, never this)."""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user

from advising.accounts import services
from advising.accounts.models import User

SIGNED_IN_AT = "signed_in_at"


def now() -> float:
    """The clock sessions are measured with (seconds since the epoch)."""
    return time.time()


def start_session(user: User, *, signed_in_at: float | None = None) -> None:
    """A fresh session (and CSRF token) for ``user``; ``signed_in_at`` carries an existing
    session's start over (a password change is no new sign-in)."""
    session.clear()
    login_user(user)
    session.permanent = True
    session[SIGNED_IN_AT] = int(signed_in_at if signed_in_at is not None else now())


def within_absolute_lifetime() -> bool:
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return False  # a session from before sign-in times were kept
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME_HOURS"] * 3600
    return now() < signed_in_at + lifetime  # (hosts' clocks may differ a little: no lower bound)


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the user while the session is young enough and current."""
    if not within_absolute_lifetime():
        session.clear()
        return None
    return services.load_session_user(session_id)
