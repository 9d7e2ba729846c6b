"""Merging intervals before they are stored: what overlaps or touches becomes one interval."""

from __future__ import annotations

from collections.abc import Iterable

from advising.calendars.ics.types import Clock, Interval

_CHECK_EVERY = 4096  # intervals between looks at the clock


def merge_intervals(intervals: Iterable[Interval], clock: Clock | None = None) -> list[Interval]:
    """Busy intervals that overlap or touch become one, and so do available ones (the two
    kinds are never merged with each other). A merged interval keeps the UID of its earliest
    piece. Sorted by ``(start, end, kind, uid)`` like the parser's output.

    Thousands of short, adjacent events (a feed of two-second "ticks") then cost a handful of
    stored blocks, not hundreds of thousands. ``clock`` bounds the time spent.
    """
    pieces = list(intervals)
    merged: list[Interval] = []
    for kind in sorted({i.kind for i in pieces}):
        ordered = sorted(
            (i for i in pieces if i.kind == kind), key=lambda i: (i.start, i.end, i.uid)
        )
        merged.extend(_merge_sorted(ordered, clock))
    merged.sort(key=lambda i: (i.start, i.end, i.kind, i.uid))
    return merged


def _merge_sorted(ordered: list[Interval], clock: Clock | None) -> list[Interval]:
    merged: list[Interval] = []
    for number, interval in enumerate(ordered):
        if clock is not None and not number % _CHECK_EVERY:
            clock.check()
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            if interval.end > last.end:
                merged[-1] = Interval(last.start, interval.end, last.kind, last.uid)
        else:
            merged.append(interval)
    return merged
