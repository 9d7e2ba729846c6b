"""Invites: iCalendar invites (pure ical.py), e-mail (pure message.py), the outbox and feeds.

Importing this package stays free of Flask: :func:`register` loads the web side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    from advising.extensions import events
    from advising.intake.events import IntakeDeleted, RoadmapLinkRequested
    from advising.invites import models  # noqa: F401  (tables in the metadata)
    from advising.invites.account_mail import subscribe_account_mail
    from advising.invites.booking_mail import on_booking_change
    from advising.invites.cli import mail_cli
    from advising.invites.outbox import open_mail
    from advising.invites.roadmap_mail import on_intake_deleted, on_roadmap_link
    from advising.invites.routes import bp
    from advising.outbox import register_channel
    from advising.scheduling.events import BookingChanged
    from advising.web import NavItem, add_nav

    events(app).subscribe(BookingChanged, on_booking_change)
    events(app).subscribe(RoadmapLinkRequested, on_roadmap_link)
    events(app).subscribe(IntakeDeleted, on_intake_deleted)
    subscribe_account_mail(events(app))
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    register_channel(app, "mail", open_mail)
    add_nav(
        app,
        NavItem(
            "Calendar feed",
            "invites.feed_page",
            ("advisor",),
            tile="Subscribe to your consultations from Google, Outlook or Apple Calendar.",
        ),
    )
