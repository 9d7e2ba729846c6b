"""The worker: ``flask worker`` delivers the outbox as messages are queued, queues reminders
and syncs calendar feeds; ``flask dev`` runs the web server and a worker together.

It sits on top of the features it drives. Importing this package stays free of Flask:
:func:`register` loads the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    from advising.worker.cli import dev_command, worker_command

    app.cli.add_command(worker_command)
    app.cli.add_command(dev_command)
