"""Test data factories: accounts and advisors with sensible defaults."""

from __future__ import annotations

import itertools
from functools import cache

from advising.accounts.models import Role, User
from advising.accounts.passwords import hash_password
from advising.advisors.models import AdvisorProfile
from advising.extensions import db

DEFAULT_PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@cache
def _default_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)


def make_user(
    role: Role | str = Role.ADVISOR,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str | None = None,
    active: bool = True,
) -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.org",
        name=name or f"User {n}",
        role=str(role),
        password_hash=hash_password(password) if password else _default_hash(),
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_advisor(
    *,
    timezone: str = "America/New_York",
    name: str | None = None,
    slug: str | None = None,
    email: str | None = None,
    active: bool = True,
    **fields: object,
) -> AdvisorProfile:
    user = make_user(Role.ADVISOR, email=email, name=name)
    profile = AdvisorProfile(
        user=user,
        display_name=name or user.name,
        slug=slug or f"advisor-{user.id}",
        timezone=timezone,
        specialties=fields.pop("specialties", ["CPC"]),
        bio=fields.pop("bio", "Experienced coder."),
        active=active,
        **fields,
    )
    db.session.add(profile)
    db.session.commit()
    return profile
