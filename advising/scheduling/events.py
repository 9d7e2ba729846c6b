"""What scheduling tells the features above it: a booking changed (typed, explicit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from advising.scheduling.models import Actor, Booking


class BookingChange(StrEnum):
    CREATED = "created"
    CONFIRMED = "confirmed"  # a held booking, confirmed by the visitor
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class BookingChanged:
    """Published inside the booking's transaction, before its commit.

    ``manage_token`` is the visitor's manage-link secret when the publisher has it (the
    booking was just made, or the visitor is acting through their link); it is never stored.
    ``previous_start`` is where a rescheduled booking started before the move;
    ``was_held`` says a cancelled booking was still waiting for the visitor's confirmation.
    """

    change: BookingChange
    actor: Actor
    booking: Booking
    manage_token: str | None = None
    previous_start: datetime | None = None  # where a moved booking was before
    was_held: bool = False
