"""Advisor profile reads and updates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy import delete as sa_delete

from advising.accounts.events import RoleGiven
from advising.accounts.models import Role, User
from advising.advisors.models import AdvisorProfile, FormerSlug
from advising.database import read_rows
from advising.extensions import db
from advising.shared.errors import FieldError
from advising.shared.text import has_control_characters


class ProfileError(FieldError):
    """A refused action on a profile; ``field`` names the input at fault."""


#: A draft profile's zone when the account has none yet (the advisor changes it).
DEFAULT_PROFILE_ZONE = "America/New_York"

NAME_REFUSED = "Use letters, digits and ordinary punctuation only, on one line."


def check_display_name(display_name: object) -> None:
    """A display name goes into mail headers, invites and pages: one line, no controls."""
    if not isinstance(display_name, str) or has_control_characters(display_name):
        raise ProfileError(NAME_REFUSED, field="display_name")


def slugify(text: str) -> str:
    """A URL-safe slug from a display name."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "advisor"


def active_advisors() -> list[AdvisorProfile]:
    """Advisors visitors may book, ordered by name."""
    query = (
        select(AdvisorProfile)
        .join(AdvisorProfile.user)
        .where(AdvisorProfile.active.is_(True), User.active.is_(True))
        .order_by(AdvisorProfile.display_name)
    )
    return list(db.session.scalars(query))


def advisor_by_former_slug(slug: str) -> AdvisorProfile | None:
    """The active advisor whose page had this address before (None if someone uses it now:
    a current address always wins)."""
    if advisor_by_slug(slug, active_only=False) is not None:
        return None
    former = db.session.get(FormerSlug, slug)
    profile = db.session.get(AdvisorProfile, former.advisor_id) if former else None
    return profile if profile is not None and profile.takes_bookings else None


def advisor_by_slug(slug: str, *, active_only: bool = True) -> AdvisorProfile | None:
    query = select(AdvisorProfile).where(AdvisorProfile.slug == slug)
    profile = db.session.scalar(query)
    if profile is None or (active_only and not (profile.active and profile.user.active)):
        return None
    return profile


@dataclass(frozen=True)
class BookableAdvisor:
    """What a slots request needs of an advisor; read by one light query per request."""

    id: int
    slug: str
    timezone: str
    availability_version: int


_BOOKABLE_BY_SLUG = (
    select(
        AdvisorProfile.id,
        AdvisorProfile.slug,
        AdvisorProfile.timezone,
        AdvisorProfile.availability_version,
    )
    .join(User, User.id == AdvisorProfile.user_id)
    .where(
        AdvisorProfile.slug == bindparam("slug"),
        AdvisorProfile.active.is_(True),
        User.active.is_(True),
    )
)


def bookable_advisor(slug: str) -> BookableAdvisor | None:
    """The active advisor with that slug, as plain values (no ORM object), read in a statement
    of its own (:func:`advising.database.read_rows`): the slots API asks this on every request,
    and its version says whether cached slots still hold."""
    rows = read_rows(db.session, _BOOKABLE_BY_SLUG, {"slug": slug})
    return BookableAdvisor(*rows[0]) if rows else None


def profile_for_user(user: User) -> AdvisorProfile | None:
    return db.session.scalar(select(AdvisorProfile).where(AdvisorProfile.user_id == user.id))


#: Room left in the 80-character slug column for a "-2", "-3", ... suffix.
SLUG_BASE_LENGTH = 70


def _free_slug(name: str, mine: AdvisorProfile | None = None) -> str:
    """A slug nobody else uses (``mine`` may keep its own), short enough for its column: a
    long name (names may be 120 characters) was a 500 on PostgreSQL."""
    base = slugify(name)[:SLUG_BASE_LENGTH].strip("-") or "advisor"
    slug, n = base, 2
    while (
        taken := db.session.scalar(select(AdvisorProfile.id).where(AdvisorProfile.slug == slug))
    ) is not None and (mine is None or taken != mine.id):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_profile(
    user: User, display_name: str, timezone: str, **fields: object
) -> AdvisorProfile:
    """Create the profile of an advisor account with a free slug, or complete the draft the
    account was given when it became an advisor (see :func:`draft_profile_for`)."""
    check_display_name(display_name)
    slug = str(fields.pop("slug", None) or "")
    profile = profile_for_user(user)
    if profile is None:
        profile = AdvisorProfile(user=user, slug=_free_slug(slug or display_name))
        db.session.add(profile)
    elif slug:
        profile.slug = _free_slug(slug, mine=profile)
    profile.display_name, profile.timezone = display_name, timezone
    profile.active = bool(fields.pop("active", True))
    for key, value in fields.items():
        setattr(profile, key, value)
    db.session.commit()
    return profile


def draft_profile_for(event: RoleGiven) -> None:
    """An account that became an advisor gets a hidden draft profile in the same transaction,
    so its advisor pages work from the first sign-in (they were 404s); the advisor fills it
    in and chooses when to show it."""
    user = db.session.get(User, event.user_id)
    if event.role != Role.ADVISOR.value or user is None or profile_for_user(user):
        return
    db.session.add(
        AdvisorProfile(
            user=user,
            display_name=user.name[:120],
            slug=_free_slug(user.name or f"advisor-{user.id}"),
            timezone=user.timezone or DEFAULT_PROFILE_ZONE,
            active=False,
        )
    )
    db.session.flush()


def update_profile(profile: AdvisorProfile, **fields: object) -> AdvisorProfile:
    """Save profile changes; the slug must stay unique."""
    if "display_name" in fields:
        check_display_name(fields["display_name"])
    slug = fields.get("slug")
    if slug and slug != profile.slug:
        taken = db.session.scalar(
            select(AdvisorProfile.id).where(
                AdvisorProfile.slug == slug, AdvisorProfile.id != profile.id
            )
        )
        if taken:
            raise ProfileError("Another advisor already uses that address.", field="slug")
        # the old address keeps leading here; the new one is nobody's former address now
        db.session.execute(sa_delete(FormerSlug).where(FormerSlug.slug == slug))
        db.session.merge(FormerSlug(slug=profile.slug, advisor_id=profile.id))
    for key, value in fields.items():
        setattr(profile, key, value)
    db.session.commit()
    return profile


def ensure_draft_profile(user: User) -> AdvisorProfile | None:
    """The draft profile of an advisor account that has none yet (one made before drafts came
    with the role), committed; None for an account that is not an advisor's."""
    draft_profile_for(RoleGiven(user.id, user.role))
    db.session.commit()
    return profile_for_user(user)
