"""Advisors: public profiles and the advisor's own settings."""

from flask import Flask


def register(app: Flask) -> None:
    from advising.advisors import models  # noqa: F401
    from advising.advisors.routes import bp

    app.register_blueprint(bp)
