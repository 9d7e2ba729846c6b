"""`flask intake purge`: delete intakes past the retention period."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from advising.intake import services

intake_cli = AppGroup("intake", help="Career intakes and their roadmaps.")


@intake_cli.command("purge")
@click.option(
    "--older-than",
    "older_than",
    required=True,
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Delete intakes created more than DAYS days ago.",
)
def purge_command(older_than: int) -> None:
    """Delete intakes (and their roadmaps) past retention, unless a booking still needs them:
    one that is upcoming or ended within the last DAYS days."""
    result = services.purge(older_than)
    click.echo(
        f"Deleted {result.deleted} intake(s) older than {older_than} days; "
        f"kept {result.kept} that bookings still need."
    )
