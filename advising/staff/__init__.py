"""Staff pages: every booking, invites and exports, the mail outbox and insights."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    from advising.staff import (
        insights_routes,  # noqa: F401  (its views join the blueprint)
        signin_zone,
    )
    from advising.staff.routes import bp
    from advising.web import NavItem, add_nav

    app.register_blueprint(bp)
    signin_zone.install(app)
    add_nav(
        app,
        NavItem(
            "Bookings",
            "staff.bookings",
            ("staff",),
            tile="Every booking: filter, download invites, export CSV, move or cancel.",
        ),
    )
    add_nav(
        app,
        NavItem(
            "Mail outbox",
            "staff.mail",
            ("staff",),
            tile="Booking mail waiting or failed, with a button to try again.",
        ),
    )
    add_nav(
        app,
        NavItem(
            "Insights",
            "staff.insights_page",
            ("staff",),
            tile="Funnel, no-shows, lead time, advisors' booked share and the busiest times.",
        ),
    )
