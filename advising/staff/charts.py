"""Bar geometry for the insights charts: plain numbers in, rectangles out (no Flask, no SQL).

The templates draw each chart as inline SVG from this geometry; the numbers themselves are
always shown in a table beside the chart as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400  # the SVG's viewBox width; it scales down to the column it sits in
LABEL_WIDTH = 112  # room on the left for the bar labels
VALUE_ROOM = 64  # room on the right of the longest bar for its value
ROW = 26  # height of one bar's row
BAR = 18  # height of a bar inside its row
PAD = 4  # space above the first and below the last row


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as shown at the bar's end
    x: float
    y: float
    width: float
    height: float

    @property
    def text_x(self) -> float:
        return self.x + self.width + 6

    @property
    def text_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class BarChart:
    width: int
    height: float
    label_x: float  # labels end here (right-aligned)
    bars: tuple[Bar, ...]


def bar_chart(items: Sequence[tuple[str, float, str]], full: float = 0.0) -> BarChart:
    """Horizontal bars for ``(label, value, shown text)`` items, longest bar = largest value,
    or ``full`` when that is larger (a share draws against 100%, so 0.1% is a sliver).

    Negative values draw as empty bars; when every value is zero no bar has length.
    """
    top = max(max((max(value, 0.0) for _, value, _ in items), default=0.0), full)
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = tuple(
        Bar(
            label=label,
            text=text,
            x=LABEL_WIDTH,
            y=PAD + index * ROW + (ROW - BAR) / 2,
            width=round(span * max(value, 0.0) / top, 2) if top > 0 else 0.0,
            height=BAR,
        )
        for index, (label, value, text) in enumerate(items)
    )
    return BarChart(
        width=WIDTH, height=2 * PAD + len(items) * ROW, label_x=LABEL_WIDTH - 8, bars=bars
    )
