"""Webhooks: admins register HTTPS endpoints that hear of booking and intake events.

Each event becomes one outbox row per subscribed endpoint (channel ``webhook``), written in the
transaction that caused it; the worker delivers them signed the Standard Webhooks way.
Importing this package stays free of Flask: :func:`register` loads the web side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    from advising.extensions import events
    from advising.intake.events import IntakeCreated
    from advising.outbox import register_channel
    from advising.scheduling.events import BookingChanged
    from advising.web import NavItem, add_nav
    from advising.webhooks import models  # noqa: F401  (tables in the metadata)
    from advising.webhooks.channel import CHANNEL, open_webhooks
    from advising.webhooks.routes import bp
    from advising.webhooks.subscriber import on_booking_change, on_intake_created

    events(app).subscribe(BookingChanged, on_booking_change)
    events(app).subscribe(IntakeCreated, on_intake_created)
    register_channel(app, CHANNEL, open_webhooks)
    app.register_blueprint(bp)
    add_nav(
        app,
        NavItem(
            "Webhooks",
            "webhooks.index",
            ("admin",),
            tile="Endpoints told of bookings and intakes, with their deliveries.",
        ),
    )
