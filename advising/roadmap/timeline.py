"""The roadmap's visual timeline: phases and milestones placed on a dated axis.

Pure layout (no Flask): numbers the template turns into two inline SVGs, a wide one (rows
of phase bars and milestone markers under month ticks, for screens from 760 px and the PDF)
and a narrow one (time running down the page, for phones). Every label is text in the SVG;
the list of milestones beside it is the text version.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from advising.roadmap.engine import Roadmap

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Wide layout, in SVG user units (the SVG scales to the card's width).
WIDE_WIDTH = 1000
WIDE_LEFT = 20
WIDE_RIGHT = 980
WIDE_AXIS_Y = 34
WIDE_ROW = 30
# Narrow layout.
NARROW_WIDTH = 300
NARROW_AXIS_X = 62
NARROW_LABEL_X = 92
NARROW_TOP = 16
NARROW_LINE = 15
NARROW_WRAP = 27
NARROW_PX_PER_DAY = 0.32
NARROW_MIN_TICK_GAP = 22


@dataclass(frozen=True)
class Tick:
    day: date
    label: str
    x: float  # wide layout
    y: float  # narrow layout


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    start: date
    end: date
    x: float
    width: float
    y: float  # wide: top of the row
    top: float  # narrow: from ...
    height: float  # ... down
    text_x: float
    anchor: str


@dataclass(frozen=True)
class Marker:
    key: str
    day: date
    title: str
    x: float
    y: float  # wide: centre of the row
    text_x: float
    anchor: str
    axis_y: float  # narrow: where the date sits on the axis
    label_y: float  # narrow: first line of the label (pushed down past the one above)
    lines: tuple[str, ...]  # narrow: the title wrapped


@dataclass(frozen=True)
class Timeline:
    first: date
    last: date
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
    markers: tuple[Marker, ...]
    wide_height: float
    narrow_height: float
    description: str


def short_date(day: date) -> str:
    """ "Jan 4, 2027"."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _month_ticks(first: date, last: date) -> list[date]:
    """The first of each month in range, thinned to at most about a dozen."""
    span = _months_between(first, last) + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if span / s <= 12), 120)
    ticks = []
    year, month = first.year, first.month
    if first.day != 1:
        month += 1
    while True:
        if month > 12:
            year, month = year + 1, month - 12
        day = date(year, month, 1)
        if day > last:
            return ticks
        if (year * 12 + month - 1) % step == 0:  # counted across years: 24 is every other
            ticks.append(day)
        month += 1


def build_timeline(roadmap: Roadmap) -> Timeline | None:
    """The layout of ``roadmap``'s phases and milestones (None when it has no milestones)."""
    if not roadmap.milestones:
        return None
    days = [m.date for m in roadmap.milestones] + [p.start for p in roadmap.phases]
    days += [p.end for p in roadmap.phases]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(WIDE_LEFT + (day - first).days / span * (WIDE_RIGHT - WIDE_LEFT), 1)

    tick_days = _month_ticks(first, last)
    step_days = min(
        [(b - a).days for a, b in pairwise(tick_days)] or [span]
    )
    per_day = max(NARROW_PX_PER_DAY, NARROW_MIN_TICK_GAP / max(step_days, 1))

    def y(day: date) -> float:
        return round(NARROW_TOP + (day - first).days * per_day, 1)

    def anchor_for(pos: float) -> tuple[float, str]:
        if pos < WIDE_WIDTH * 0.55:
            return pos + 10, "start"
        return pos - 10, "end"

    ticks = tuple(
        Tick(
            day=d,
            label=MONTHS[d.month - 1] + (f" {d.year}" if d.month == 1 or i == 0 else ""),
            x=x(d),
            y=y(d),
        )
        for i, d in enumerate(tick_days)
    )
    row = WIDE_AXIS_Y + 12
    bars = []
    for phase in roadmap.phases:
        left, right = x(phase.start), x(phase.end)
        text_x, anchor = (left, "start") if left < WIDE_WIDTH * 0.55 else (right, "end")
        bars.append(
            Bar(
                key=phase.key,
                label=f"{phase.name}: {short_date(phase.start)} to {short_date(phase.end)}",
                start=phase.start,
                end=phase.end,
                x=left,
                width=max(right - left, 2),
                y=row,
                top=y(phase.start),
                height=max(y(phase.end) - y(phase.start), 2),
                text_x=text_x,
                anchor=anchor,
            )
        )
        row += WIDE_ROW
    markers = []
    next_free = NARROW_TOP - 4
    for milestone in roadmap.milestones:
        pos = x(milestone.date)
        text_x, anchor = anchor_for(pos)
        lines = tuple(textwrap.wrap(milestone.title, NARROW_WRAP)) or ("",)
        axis_y = y(milestone.date)
        label_y = max(axis_y + 4, next_free)
        next_free = label_y + NARROW_LINE * (len(lines) + 1) + 6
        markers.append(
            Marker(
                key=milestone.key,
                day=milestone.date,
                title=milestone.title,
                x=pos,
                y=row + WIDE_ROW / 2,
                text_x=text_x,
                anchor=anchor,
                axis_y=axis_y,
                label_y=label_y,
                lines=lines,
            )
        )
        row += WIDE_ROW
    description = " ".join(
        [f"{b.label}." for b in bars]
        + [f"{short_date(m.day)}: {m.title}." for m in markers]
    )
    return Timeline(
        first=first,
        last=last,
        ticks=ticks,
        bars=tuple(bars),
        markers=tuple(markers),
        wide_height=row + 8,
        narrow_height=max(next_free, y(last) + 10) + 4,
        description=description,
    )
