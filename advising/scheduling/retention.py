"""Retention of career intakes: an intake goes after the retention period unless a booking
still needs it (scheduling knows both, so the rule and ``flask intake purge`` live here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from sqlalchemy import delete, func, select

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.scheduling.cli import older_than_option
from advising.scheduling.models import CANCELLED, Booking

log = logging.getLogger("advising.intake")


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    kept: int


def purge(older_than_days: int, now: datetime | None = None) -> PurgeResult:
    """Delete intakes (with their roadmaps) created more than ``older_than_days`` ago.

    An old intake is kept while a booking needs it: one still upcoming, or one that ended
    within the retention period (cancelled bookings need nothing). Deleting sets
    ``bookings.intake_id`` to NULL; bookings, notes and recommendations stay.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    begin_write_locked(db.session)  # count and delete see the same rows
    needed = select(Booking.intake_id).where(
        Booking.intake_id.is_not(None),
        Booking.status != CANCELLED,
        Booking.end_at >= cutoff,
    )
    old = Intake.created_at < cutoff
    kept = db.session.scalar(select(func.count(Intake.id)).where(old, Intake.id.in_(needed)))
    result = db.session.execute(
        delete(Intake)
        .where(old, Intake.id.not_in(needed))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    deleted = result.rowcount or 0
    log.info("intake purge older_than_days=%s deleted=%s kept=%s", older_than_days, deleted, kept)
    return PurgeResult(deleted=deleted, kept=kept or 0)


@click.command("purge")
@older_than_option("Delete intakes created more than DAYS days ago.")
def purge_command(older_than: int) -> None:
    """Delete intakes (and their roadmaps) past retention, unless a booking still needs them:
    one that is upcoming or ended within the last DAYS days."""
    result = purge(older_than)
    click.echo(
        f"Deleted {result.deleted} intake(s) older than {older_than} days; "
        f"kept {result.kept} that bookings still need."
    )
