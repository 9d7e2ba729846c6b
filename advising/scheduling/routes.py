"""Public booking pages, manage links and the advisor's consultations."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("scheduling", __name__)


def register(app: Flask) -> None:
    from advising.scheduling import models  # noqa: F401

    app.register_blueprint(bp)
