"""Account actions. Each public function is one transaction."""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app
from sqlalchemy import func, select

from advising.accounts.models import Role, User
from advising.accounts.passwords import hash_password, password_problem, verify_password
from advising.database import utcnow
from advising.extensions import db
from advising.shared.errors import FieldError

log = logging.getLogger("advising.accounts")

# A hash of a random password: checked when the email is unknown so both paths cost the same.
_TIMING_DECOY_HASH = hash_password("decoy-password-for-unknown-accounts")


class AccountError(FieldError):
    """An account action was refused; the message is for the person."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def account_ref(email: str) -> str:
    """A keyed reference to an email address (HMAC with SECRET_KEY, 96 bits): the same for the
    same account, meaningless without the key. Logs and rate-limit keys use it, never the
    address."""
    key = current_app.config["SECRET_KEY"]
    digest = hmac.new(
        key.encode() if isinstance(key, str) else key,
        b"account:" + normalize_email(email).encode(),
        hashlib.sha256,
    )
    return digest.hexdigest()[:24]


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def authenticate(email: str, password: str, remote_addr: str | None) -> User | None:
    """Return the active user whose password matches, logging the outcome (never the password)."""
    user = find_user(email)
    if user is None:
        verify_password(_TIMING_DECOY_HASH, password)
        log.warning(
            "login failed: unknown account account_ref=%s addr=%s", account_ref(email), remote_addr
        )
        return None
    if not verify_password(user.password_hash, password):
        log.warning("login failed: wrong password user_id=%s addr=%s", user.id, remote_addr)
        return None
    if not user.active:
        log.warning("login failed: deactivated user_id=%s addr=%s", user.id, remote_addr)
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    log.info("login succeeded user_id=%s addr=%s", user.id, remote_addr)
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout everywhere)."""
    user.session_version += 1
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current_password):
        log.warning("password change refused: wrong current password user_id=%s", user.id)
        raise AccountError("That is not your current password.", field="current_password")
    problem = password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.commit()
    log.info("password changed user_id=%s", user.id)


def create_user(email: str, name: str, role: Role | str, password: str) -> User:
    """Create an account after checking the email is free and the password acceptable."""
    email = normalize_email(email)
    if role not in {r.value for r in Role}:
        raise AccountError(
            f"Role must be one of: {', '.join(r.value for r in Role)}.", field="role"
        )
    if not name.strip():
        raise AccountError("A name is required.", field="name")
    if find_user(email) is not None:
        raise AccountError(f"An account for {email} already exists.", field="email")
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem, field="password")
    user = User(
        email=email, name=name.strip(), role=str(role), password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.commit()
    log.info("user created user_id=%s role=%s", user.id, user.role)
    return user


def deactivate_user(email: str) -> User:
    """Deactivate an account and end all its sessions."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"No account for {normalize_email(email)}.", field="email")
    user.active = False
    user.session_version += 1
    db.session.commit()
    log.info("user deactivated user_id=%s", user.id)
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the user only if the session's generation is still current."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
