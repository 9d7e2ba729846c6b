"""``flask bookings``: jobs for cron on bookings (expired holds; retention of personal data)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from advising.scheduling import services


def older_than_option(help_text: str):
    """The ``--older-than DAYS`` option of the retention commands."""
    return click.option(
        "--older-than",
        "older_than",
        required=True,
        type=click.IntRange(min=0),
        metavar="DAYS",
        help=help_text,
    )


bookings_cli = AppGroup("bookings", help="Booking jobs: expired holds, personal-data retention.")


@bookings_cli.command("expire-holds")
def expire_holds_command() -> None:
    """Release bookings held for confirmation whose hold expired (cron, every few minutes)."""
    count = services.expire_holds()
    click.echo(f"Released {count} unconfirmed hold(s).")
