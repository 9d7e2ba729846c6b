"""Invites: iCalendar invites (pure ical.py), e-mail (pure message.py), the outbox and feeds.

Importing this package stays free of Flask: :func:`register` loads the web side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response


def _deliver_after_request(response: Response) -> Response:
    """Try the mail this request queued once the response has gone out; never fails it."""
    from flask import current_app

    from advising.invites.services import take_queued_ids

    ids = take_queued_ids()
    if ids and current_app.config.get("MAIL_DELIVER_AFTER_REQUEST", True):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _deliver_now(app, ids))
    return response


def _deliver_now(app: Flask, ids: list[int]) -> None:
    from advising.extensions import db
    from advising.invites.outbox import deliver

    with app.app_context():
        try:
            deliver(ids=ids)
        except Exception:  # the cron job will send it: never let this hurt the visitor
            app.logger.exception("mail delivery after the request failed")
            db.session.rollback()


def register(app: Flask) -> None:
    from advising.invites import models  # noqa: F401  (tables in the metadata)
    from advising.invites.cli import mail_cli
    from advising.invites.routes import bp
    from advising.invites.services import on_booking_change
    from advising.scheduling.services import booking_listeners
    from advising.web import NavItem, add_nav

    if on_booking_change not in booking_listeners:  # create_app may run many times
        booking_listeners.append(on_booking_change)
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    app.after_request(_deliver_after_request)
    add_nav(
        app,
        NavItem(
            "Calendar feed",
            "invites.feed_page",
            ("advisor",),
            tile="Subscribe to your consultations from Google, Outlook or Apple Calendar.",
        ),
    )
