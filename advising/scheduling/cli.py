"""``flask bookings``: jobs for cron on bookings (expired holds; retention of personal data)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from advising.scheduling import services

bookings_cli = AppGroup("bookings", help="Booking jobs: expired holds, personal-data retention.")


@bookings_cli.command("expire-holds")
def expire_holds_command() -> None:
    """Release bookings held for confirmation whose hold expired (cron, every few minutes)."""
    count = services.expire_holds()
    click.echo(f"Released {count} unconfirmed hold(s).")
