"""One VEVENT as the reader sees it: its raw lines, and the notes kept for its occurrences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from advising.calendars.ics.scanner import Block
from advising.calendars.ics.types import Clock, Limits
from advising.shared.text import excerpt

Moment = date | datetime


@dataclass(slots=True)
class Context:
    """What the recurrence machinery needs to know about the current call."""

    limits: Limits
    clock: Clock


@dataclass(slots=True)
class EventInfo:
    """What we need about one VEVENT once its times are known."""

    uid: str
    line: int
    summary: str
    available: bool
    transparent: bool
    cancelled: bool
    context: Context

    def describe(self) -> str:
        """The event in words, for error messages."""
        return event_words(self.summary, self.line)


def event_words(summary: str, line: int | None = None) -> str:
    """An event in words for error messages: its title, and its line when given."""
    title = f'the event "{excerpt(summary, 50)}"' if summary else "an untitled event"
    return title if line is None else f"{title} (line {line})"


class RawEvent:
    """One VEVENT before it is fully read; values are parsed on demand and remembered."""

    __slots__ = ("block", "line", "props", "start", "uid")

    def __init__(self, block: Block) -> None:
        self.block = block
        self.line = block.line
        props: dict[str, list[tuple[str, int]]] = {}
        for name, text, line in block.props:
            props.setdefault(name, []).append((text, line))
        self.props = props
        self.uid = ""
        self.start: Moment | None = None

    def first(self, name: str) -> tuple[str, int] | None:
        """The first line of a property, if present."""
        found = self.props.get(name)
        return found[0] if found else None

    @property
    def repeats(self) -> bool:
        """Whether the event has its own repeat rule or extra dates."""
        return "RRULE" in self.props or "RDATE" in self.props

    @property
    def is_override(self) -> bool:
        """Whether the event changes one occurrence of a series."""
        return "RECURRENCE-ID" in self.props
