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
SLOW_KEY = "advising.outbox.slow"


def register_channel(
    app: Flask,
    name: str,
    channel: Channel,
    *,
    forget_when_done: bool = False,
    slow: bool = False,
) -> None:
    """Deliver rows of ``name`` (``"mail"``, ``"webhook"``) with ``channel``. With
    ``forget_when_done`` a row's bytes are erased once it is sent or has failed for good (they
    hold a secret the job needed, such as a visitor's link key). A ``slow`` channel (seconds of
    CPU per row, such as rendering a PDF) is delivered by the worker in a thread of its own, so
    a queue of its rows never holds up mail."""
    app.extensions.setdefault(CHANNELS_KEY, {})[name] = channel
    for key, wanted in ((FORGETFUL_KEY, forget_when_done), (SLOW_KEY, slow)):
        names = app.extensions.setdefault(key, set())
        if wanted:
            names.add(name)
        else:
            names.discard(name)


def slow_channels(app: Flask) -> frozenset[str]:
    """The channels registered as slow (see :func:`register_channel`)."""
    return frozenset(app.extensions.get(SLOW_KEY, ()))


def register(app: Flask) -> None:
    from advising.outbox import models  # noqa: F401  (tables in the metadata)
