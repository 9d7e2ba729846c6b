"""A person's own time zone, detected by their browser when they sign in.

The sign-in form carries a hidden ``tz`` field that static/js/timezone.js fills with the
browser's zone. A user without a zone gets it stored on sign-in; staff pages then show times
and read date filters in it (UTC until then, and the pages say which zone they use).
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import user_logged_in

from advising.accounts.models import User
from advising.extensions import db
from advising.shared.zones import offered_zone


def store_detected_zone(_app: Flask, user: User, **_extra: object) -> None:
    if user.timezone or request.method != "POST":
        return
    zone = request.form.get("tz", "").strip()
    zone = offered_zone(zone) if len(zone) <= 64 else None
    if zone is not None:
        user.timezone = zone
        db.session.commit()


def install(app: Flask) -> None:
    user_logged_in.connect(store_detected_zone, app)
