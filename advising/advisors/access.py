"""The signed-in advisor's own profile, for the pages under /me."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from advising.accounts.models import Role
from advising.advisors.models import AdvisorProfile
from advising.advisors.services import ensure_draft_profile, profile_for_user


def own_profile_or_404() -> AdvisorProfile:
    """The current user's advisor profile; an advisor account made before profiles came with
    the role gets its hidden draft now; 404 for any other account without one."""
    profile = profile_for_user(current_user)
    if profile is None and current_user.is_authenticated and current_user.role == Role.ADVISOR:
        profile = ensure_draft_profile(current_user)
    if profile is None:
        abort(404)
    return profile
