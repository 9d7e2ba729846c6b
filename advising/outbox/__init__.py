"""The outbox: anything sent to the outside (mail, webhooks) is written as a row in the
transaction that caused it, then delivered with claims, leases and backoff by whichever
process runs :func:`advising.outbox.delivery.deliver`: the worker (``flask worker``, woken by
:mod:`advising.outbox.wakeup`) or ``flask mail deliver``; web requests never deliver. Each kind
of delivery is a *channel* that a feature registers with :func:`register_channel`; the outbox
itself knows none of them.

Importing this package stays free of Flask: :func:`register` loads the web side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from advising.outbox.delivery import Channel

CHANNELS_KEY = "advising.outbox.channels"
FORGETFUL_KEY = "advising.outbox.forgetful"


def register_channel(
    app: Flask, name: str, channel: Channel, *, forget_when_done: bool = False
) -> None:
    """Deliver rows of ``name`` (``"mail"``, ``"webhook"``) with ``channel``. With
    ``forget_when_done`` a row's bytes are erased once it is sent or has failed for good (they
    hold a secret the job needed, such as a visitor's link key)."""
    app.extensions.setdefault(CHANNELS_KEY, {})[name] = channel
    forgetful = app.extensions.setdefault(FORGETFUL_KEY, set())
    if forget_when_done:
        forgetful.add(name)
    else:
        forgetful.discard(name)


def register(app: Flask) -> None:
    from advising.outbox import models  # noqa: F401  (tables in the metadata)
