"""Advisor pages for calendars: sources, upload, feeds, sync and the week view."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("calendars", __name__)


def register(app: Flask) -> None:
    from advising.calendars import models  # noqa: F401

    app.register_blueprint(bp)
