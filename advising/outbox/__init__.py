"""The outbox: anything sent to the outside (mail, webhooks) is written as a row in the
transaction that caused it, then delivered with claims, leases and backoff by whichever
process runs :func:`advising.outbox.delivery.deliver`. Each kind of delivery is a *channel*
that a feature registers with :func:`register_channel`; the outbox itself knows none of them.

Importing this package stays free of Flask: :func:`register` loads the web side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response

    from advising.outbox.delivery import Channel

CHANNELS_KEY = "advising.outbox.channels"


def register_channel(app: Flask, name: str, channel: Channel) -> None:
    """Deliver rows of ``name`` (``"mail"``, ``"webhook"``) with ``channel``."""
    app.extensions.setdefault(CHANNELS_KEY, {})[name] = channel


def _deliver_after_request(response: Response) -> Response:
    """Try the messages this request queued once the response has gone out; never fails it."""
    from flask import current_app

    from advising.outbox.delivery import take_soon_ids

    ids = take_soon_ids()
    if ids and current_app.config.get("MAIL_DELIVER_AFTER_REQUEST", True):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _deliver_now(app, ids))
    return response


def _deliver_now(app: Flask, ids: list[int]) -> None:
    from advising.extensions import db
    from advising.outbox.delivery import deliver

    with app.app_context():
        try:
            deliver(ids=ids)
        except Exception:  # the cron job will send it: never let this hurt the visitor
            app.logger.exception("delivery after the request failed")
            db.session.rollback()


def register(app: Flask) -> None:
    from advising.outbox import models  # noqa: F401  (tables in the metadata)

    app.after_request(_deliver_after_request)
