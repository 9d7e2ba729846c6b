"""`flask roadmap ...`: checks on the roadmap's content."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from advising.database import utcnow
from advising.roadmap.engine.catalogue import load_catalogue

roadmap_cli = AppGroup("roadmap", help="Roadmap content: credential facts and their sources.")


@roadmap_cli.command("stale-facts")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    default=365,
    show_default=True,
    help="List facts checked more than this many days ago.",
)
def stale_facts(days: int) -> None:
    """List credential facts (credentials.toml) checked more than DAYS ago, oldest first."""
    stale = load_catalogue().stale_facts(utcnow().date(), days)
    for key, checked_on, source in stale:
        click.echo(f"{checked_on.isoformat()}  {key}  ({source})")
    click.echo(f"{len(stale)} fact(s) checked more than {days} days ago.")
