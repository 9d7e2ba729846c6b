"""Account actions. Each public function is one transaction."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from advising.accounts.events import (
    AccountInvited,
    PasswordLinkIssued,
    PasswordResetRequested,
    RoleGiven,
)
from advising.accounts.models import (
    INVITE,
    RESET,
    UNUSABLE_HASH,
    AccountEvent,
    PasswordToken,
    Role,
    User,
)
from advising.accounts.passwords import hash_password, password_problem, verify_password
from advising.database import utcnow
from advising.extensions import db, events
from advising.shared.errors import FieldError
from advising.shared.tokens import hash_token, new_token, well_formed
from advising.shared.zones import is_zone

log = logging.getLogger("advising.accounts")

RESET_LIFETIME = timedelta(hours=1)
INVITE_LIFETIME = timedelta(days=7)

# A hash of a random password: checked when the email is unknown so both paths cost the same.
_TIMING_DECOY_HASH = hash_password("decoy-password-for-unknown-accounts")


class AccountError(FieldError):
    """An account action was refused; the message is for the person."""


def zone_of(user: User) -> str:
    """The zone a person's pages show times in: their own (detected at their first sign-in or
    chosen on their settings page), else UTC (and the pages say which zone they use)."""
    zone = user.timezone
    return zone if zone and is_zone(zone) else "UTC"


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
    db.session.flush()
    events().publish(RoleGiven(user.id, user.role))
    db.session.commit()
    log.info("user created user_id=%s role=%s", user.id, user.role)
    return user


def deactivate_user(email: str) -> User:
    """Deactivate an account and end all its sessions."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"No account for {normalize_email(email)}.", field="email")
    _deactivate(user, None, "from the command line")
    db.session.commit()
    log.info("user deactivated user_id=%s", user.id)
    return user


def _deactivate(user: User, actor: User | None, detail: str = "") -> None:
    """Deactivate ``user``: every session ends and no open password link works again, even
    after a reactivation (the caller commits)."""
    user.active = False
    user.session_version += 1
    _void_links(user)
    record(user, "deactivated", actor, detail)


def _void_links(user: User) -> None:
    db.session.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


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


# --- account events ---------------------------------------------------------------------------


def record(user: User, action: str, actor: User | None, detail: str = "") -> AccountEvent:
    """Note a change to ``user`` made by ``actor`` (in the current transaction)."""
    event = AccountEvent(
        user_id=user.id, actor_id=actor.id if actor else None, action=action, detail=detail[:200]
    )
    db.session.add(event)
    return event


def recent_events(limit: int = 50) -> list[tuple[AccountEvent, User, User | None]]:
    """The latest account events, newest first, with the account and the actor."""
    events_ = list(
        db.session.scalars(
            select(AccountEvent).order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc())
        ).all()[:limit]
    )
    ids = {e.user_id for e in events_} | {e.actor_id for e in events_ if e.actor_id}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [(e, users[e.user_id], users.get(e.actor_id or 0)) for e in events_]


# --- one-time password links (reset and invite) -------------------------------------------------


class LinkError(Exception):
    """A password link that cannot be used; the message is for the person."""


def link_url(token: str) -> str:
    """The absolute link under PUBLIC_BASE_URL (works without a request)."""
    path = current_app.url_map.bind("localhost").build("accounts.set_password", {"token": token})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _send_link(
    user: User,
    event_type: type[PasswordLinkIssued],
    purpose: str,
    lifetime: timedelta,
    **extra: str,
) -> None:
    """Make a one-time link for ``user`` and announce it (a subscriber mails it, in this
    transaction; the caller commits)."""
    token, digest = new_token()
    now = utcnow()
    row = PasswordToken(
        user_id=user.id,
        token_hash=digest,
        purpose=purpose,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(row)
    db.session.flush()
    events().publish(
        event_type(
            user_id=user.id,
            email=user.email,
            name=user.name,
            purpose=purpose,
            token_url=link_url(token),
            expires_at=row.expires_at,
            **extra,
        )
    )


def request_password_reset(email: str, remote_addr: str | None = None) -> None:
    """Mail a reset link when ``email`` names an active account; otherwise do nothing (the
    person sees the same answer either way)."""
    user = find_user(email)
    if user is None or not user.active:
        log.info(
            "password reset not sent: no active account account_ref=%s addr=%s",
            account_ref(email),
            remote_addr,
        )
        return
    _send_link(user, PasswordResetRequested, RESET, RESET_LIFETIME)
    db.session.commit()
    log.info("password reset link issued user_id=%s addr=%s", user.id, remote_addr)


def check_link(token: str) -> tuple[PasswordToken, User]:
    """The link's row and account, or :class:`LinkError` saying why it cannot be used."""
    row = (
        db.session.scalar(
            select(PasswordToken).where(PasswordToken.token_hash == hash_token(token))
        )
        if well_formed(token)
        else None
    )
    if row is None:
        raise LinkError("This link is not valid. Ask for a new one.")
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        raise LinkError("This account is deactivated. Ask an administrator if you need access.")
    if row.used_at is not None:
        raise LinkError("This link has already been used. Ask for a new one if you need it.")
    if row.expires_at <= utcnow():
        raise LinkError("This link has expired. Ask for a new one.")
    return row, user


def set_password_with_link(token: str, new_password: str) -> User:
    """Set the password through a one-time link: every session ends, and the link (with any
    other open link of the account) can no longer be used."""
    row, user = check_link(token)
    problem = password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, field="new_password")
    now = utcnow()
    claimed = db.session.execute(
        update(PasswordToken)
        .where(PasswordToken.id == row.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # used by a request that got there first
        db.session.rollback()
        raise LinkError("This link has already been used. Ask for a new one if you need it.")
    _void_links(user)  # any other open link of the account
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    record(
        user,
        "password_set",
        None,
        "through an invitation" if row.purpose == INVITE else "through a reset link",
    )
    db.session.commit()
    log.info("password set through a %s link user_id=%s", row.purpose, user.id)
    return user


# --- administration -----------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise AccountError(
            f"Role must be one of: {', '.join(r.value for r in Role)}.", field="role"
        )


def invite_user(email: str, name: str, role: str, actor: User) -> User:
    """Create an account without a password and mail its owner a link to set one."""
    email = normalize_email(email)
    _check_role(role)
    if not name.strip():
        raise AccountError("A name is required.", field="name")
    if find_user(email) is not None:
        raise AccountError("An account for that address already exists.", field="email")
    user = User(email=email, name=name.strip(), role=role, password_hash=UNUSABLE_HASH)
    db.session.add(user)
    db.session.flush()
    record(user, "invited", actor, f"as {role}")
    events().publish(RoleGiven(user.id, role))
    _send_link(user, AccountInvited, INVITE, INVITE_LIFETIME, role=role, invited_by=actor.name)
    db.session.commit()
    log.info("user invited user_id=%s role=%s by user_id=%s", user.id, role, actor.id)
    return user


def _managed(user_id: int, actor: User) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("There is no such account.")
    return user


def change_role(user_id: int, role: str, actor: User) -> User:
    """Give an account another role; an administrator cannot demote themselves."""
    user = _managed(user_id, actor)
    _check_role(role)
    if user.id == actor.id and role != user.role:
        raise AccountError("You cannot change your own role.", field="role")
    if role == user.role:
        return user
    old, user.role = user.role, role
    record(user, "role_changed", actor, f"{old} to {role}")
    events().publish(RoleGiven(user.id, role))
    db.session.commit()
    log.info("role changed user_id=%s %s->%s by user_id=%s", user.id, old, role, actor.id)
    return user


def set_active(user_id: int, active: bool, actor: User) -> User:
    """Deactivate (ending every session) or reactivate an account; never one's own."""
    user = _managed(user_id, actor)
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account.")
    if user.active == active:
        return user
    if active:
        user.active = True
        record(user, "reactivated", actor)
    else:
        _deactivate(user, actor)
    db.session.commit()
    log.info(
        "user %s user_id=%s by user_id=%s",
        "reactivated" if active else "deactivated",
        user.id,
        actor.id,
    )
    return user


def set_timezone(user: User, zone: str) -> None:
    """Save the zone the person reads dates and times in."""
    if not is_zone(zone):
        raise AccountError("Choose a time zone from the list.", field="timezone")
    user.timezone = zone
    db.session.commit()
