"""The instants the app accepts from people and programs at all: far enough out to cover any
real booking, near enough that date arithmetic and zone conversion never overflow."""

from __future__ import annotations

from datetime import UTC, datetime

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "Choose a time between the years 2000 and 2099."


def in_range(instant: datetime) -> datetime | None:
    """``instant`` in UTC when it lies in the years 2000-2099, else None."""
    try:
        in_utc = instant.astimezone(UTC)
    except OverflowError:
        return None
    return in_utc if EARLIEST <= in_utc < LATEST else None
