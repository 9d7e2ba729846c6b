"""advising: consultation booking and career advising for people entering medical coding.

Importing the package stays free of Flask so the pure core (calendar parsing, slots, roadmap,
invites) can be used and tested on its own; the factory loads the web stack when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application: configuration from the environment, then ``config`` on top."""
    from advising.app import build_app

    return build_app(config)
