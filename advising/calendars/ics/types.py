"""The parser's public values (intervals, markers, limits, errors) and its time budget."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn


@dataclass(frozen=True)
class Interval:
    """A stretch of time in which the advisor is busy or offers consultations."""

    start: datetime  # aware, UTC
    end: datetime  # aware, UTC, > start
    kind: str  # "busy" or "available"
    uid: str  # UID of the event it comes from


@dataclass(frozen=True)
class AvailabilityMarkers:
    """How an advisor marks the events in which they offer consultations.

    ``keywords`` match whole words or phrases of the SUMMARY, ignoring case.
    ``categories`` match a whole CATEGORIES value, ignoring case.
    """

    keywords: tuple[str, ...] = ("office hours", "available")
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one calendar may cost, so a hostile file cannot exhaust a worker."""

    max_bytes: int = 5 * 1024 * 1024
    max_components: int = 20_000  # BEGIN blocks of any kind
    max_occurrences_per_series: int = 5_000  # occurrences of one series inside the window
    time_budget_seconds: float = 10.0  # wall-clock time for one call
    max_nesting: int = 8  # BEGIN blocks inside each other
    max_dates_per_event: int = 5_000  # EXDATE and RDATE values on one event
    max_rules_per_event: int = 8  # RRULE lines on one event
    # Estimated dateutil steps to expand one rule up to the window, in units of roughly a
    # tenth of a microsecond: the default allows about 0.3 s for a single series.
    max_expansion_work: int = 3_000_000


class IcsError(ValueError):
    """A message a person understands; .line is the line number when known."""

    message: str
    line: int | None

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[IcsError], tuple[str, int | None]]:
        return (type(self), (self.message, self.line))


class FileError(IcsError):
    """An IcsError that refuses the whole file, not just one event: the structure is broken,
    a time zone definition is damaged, or the file costs more work than it may."""


def fail(message: str, line: int | None = None) -> NoReturn:
    """Raise IcsError, prefixing the line number when known. Raised while one event is read,
    it skips that event (reported in :attr:`ParseResult.skipped`)."""
    raise IcsError(f"Line {line}: {message}" if line is not None else message, line)


def refuse(message: str, line: int | None = None) -> NoReturn:
    """Raise FileError, prefixing the line number when known: the whole file is refused."""
    raise FileError(f"Line {line}: {message}" if line is not None else message, line)


@dataclass(frozen=True)
class SkippedEvent:
    """A damaged event that was left out; the rest of the calendar was read."""

    line: int | None  # the damaged line (or the event's BEGIN line) when known
    reason: str  # for the advisor, without the line number

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line is not None else self.reason


@dataclass(frozen=True)
class ParseResult:
    """What :func:`read_calendar` found: the sorted intervals and the events it skipped."""

    intervals: list[Interval]
    skipped: tuple[SkippedEvent, ...] = ()


class CallbackFailed(Exception):
    """Carries an exception raised by ``on_progress`` past the error translation untouched."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


class Clock:
    """The time budget of one call."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + budget

    def check(self) -> None:
        """Raise IcsError once the budget is spent."""
        if time.monotonic() > self.deadline:
            raise FileError(
                f"Reading the calendar took longer than {self.budget:g} seconds, so we stopped. "
                "The file is too large or too complex; try exporting a shorter date range."
            )
