"""The roadmap a visitor last opened in this browser, kept in their session cookie (which ends
when the browser closes) so the pages they reach another way, the menu or the advisors list,
still book with it, and the intake form offers it back instead of a second roadmap."""

from __future__ import annotations

from flask import session

from advising.shared.tokens import well_formed

SESSION_KEY = "roadmap"


def remember(token: str) -> None:
    """Keep ``token`` (a roadmap the visitor just opened) for this browser session."""
    if session.get(SESSION_KEY) != token:
        session[SESSION_KEY] = token


def forget(token: str) -> None:
    """Drop ``token`` if it is the one kept (its roadmap was deleted)."""
    if session.get(SESSION_KEY) == token:
        session.pop(SESSION_KEY)


def remembered_token() -> str | None:
    """The roadmap token kept for this browser session, if any."""
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) and well_formed(token) else None
