"""Every advisor's free times on one calendar ("any advisor, any time"): each start offered
once, by the first advisor in the order given (the best fit first) who is free then. Pure:
plain values in, plain values out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from advising.scheduling.slots import Slot, SlotsByDay

__all__ = ["PooledDays", "PooledSlot", "pool"]


@dataclass(frozen=True)
class PooledSlot:
    slot: Slot
    advisor: int  # the index, in the order pooled, of the advisor who takes it


@dataclass(frozen=True)
class PooledDays:
    """Several advisors' slots by local date (each advisor's :class:`SlotsByDay` in one zone),
    in order of preference."""

    by_advisor: tuple[SlotsByDay, ...]

    def counts(self) -> dict[date, int]:
        """How many different start times each day with any has."""
        starts: dict[date, set[datetime]] = {}
        for days in self.by_advisor:
            for day, first, end in days.days:
                starts.setdefault(day, set()).update(days.starts[first:end])
        return {day: len(found) for day, found in sorted(starts.items())}

    def slots_on(self, day: date) -> list[PooledSlot]:
        """The day's times in order, each with the first advisor (in pooled order) free then."""
        taken: dict[datetime, PooledSlot] = {}
        for index, days in enumerate(self.by_advisor):
            for slot in days.slots_on(day):
                taken.setdefault(slot.start, PooledSlot(slot, index))
        return [taken[start] for start in sorted(taken)]


def pool(by_advisor: Sequence[SlotsByDay]) -> PooledDays:
    """One calendar of the advisors' slots, the first of ``by_advisor`` preferred."""
    return PooledDays(tuple(by_advisor))
