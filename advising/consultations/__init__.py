"""Consultations: what an advisor does around a booked consultation (notes, outcome,
recommendations) and the pages for it.

Importing this package stays free of Flask: :func:`register` loads the web side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    from advising.consultations import models  # noqa: F401  (tables in the metadata)
    from advising.consultations.routes import bp, next_consultations
    from advising.web import DashboardPanel, NavItem, add_dashboard_panel, add_nav

    app.register_blueprint(bp)
    add_dashboard_panel(
        app, DashboardPanel("consultations/_next.html", next_consultations, ("advisor",))
    )
    add_nav(
        app,
        NavItem(
            "My consultations",
            "consultations.consultations",
            ("advisor",),
            tile="Upcoming and past consultations, in your time zone.",
        ),
    )
