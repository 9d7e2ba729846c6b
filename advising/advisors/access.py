"""The signed-in advisor's own profile, for the pages under /me."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from advising.advisors.models import AdvisorProfile
from advising.advisors.services import profile_for_user


def own_profile_or_404() -> AdvisorProfile:
    """The current user's advisor profile; 404 for an account without one."""
    profile = profile_for_user(current_user)
    if profile is None:
        abort(404)
    return profile
