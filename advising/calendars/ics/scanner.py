"""Text to blocks: one pass over the content lines, keeping only the properties we read."""

from __future__ import annotations

from dataclasses import dataclass, field

from advising.calendars.ics.lines import logical_lines, property_name, value_after_colon
from advising.calendars.ics.types import Clock, IcsError, Limits, fail
from advising.shared.text import excerpt

_CALENDAR_PROPS = frozenset({"X-WR-TIMEZONE", "CALSCALE"})
_EVENT_PROPS = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "SUMMARY",
        "CATEGORIES",
        "TRANSP",
        "STATUS",
        "SEQUENCE",
    }
)
_TIMEZONE_PROPS = frozenset({"TZID"})
_OBSERVANCE_PROPS = frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "RRULE", "RDATE"})
_NOTHING: frozenset[str] = frozenset()
# A property we read may not be longer than this (DESCRIPTION and the like are skipped unread).
_MAX_PROPERTY_CHARS = 256 * 1024

Prop = tuple[str, str, int]  # (NAME, whole logical line, line number)


@dataclass(slots=True)
class Block:
    """A component we care about, with the raw lines of the properties we read."""

    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Scanned:
    """What the scanner kept from the file."""

    calendar_props: list[Prop]
    events: list[Block]
    timezones: list[Block]


@dataclass(slots=True)
class _Open:
    """A component that has begun and not yet ended."""

    name: str
    line: int
    wanted: frozenset[str]
    sink: list[Prop] | None


class Scanner:
    """Checks BEGIN/END structure and keeps only the properties we read.

    Doing this ourselves (rather than ``Calendar.from_ical``) keeps line numbers for error
    messages, bounds nesting and component counts before anything is built, and skips the
    descriptions, attendees and attachments that make up most of a real export.
    """

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.stack: list[_Open] = []
        self.components = 0
        self.calendars = 0
        self.result = Scanned([], [], [])
        # Properties we keep per component: every EXDATE/RDATE may sit on its own line.
        self.max_props = limits.max_dates_per_event + 100

    def scan(self, text: str) -> Scanned:
        """Scan the whole text."""
        stack = self.stack
        wanted: frozenset[str] = _NOTHING
        for count, (number, line) in enumerate(logical_lines(text), 1):
            if not count & 0xFFF:
                self.clock.check()
            name = property_name(line)
            if name is None:
                if not stack:
                    self._outside(line, number)
                continue  # a stray line inside a component: exporters produce these; skip it
            if name == "BEGIN" or name == "END" or name in wanted:
                if len(line) > _MAX_PROPERTY_CHARS:
                    fail(f"the {name} line is far too long to be real.", number)
                self._handle(name, line, number)
                wanted = stack[-1].wanted if stack else _NOTHING
            elif not stack:
                self._outside(line, number)
        if stack:
            top = stack[-1]
            fail(
                f"BEGIN:{top.name} is never closed by END:{top.name}; the file seems to be "
                "cut off. Download or export it again.",
                top.line,
            )
        if not self.calendars:
            raise IcsError("This is not an iCalendar file: it has no BEGIN:VCALENDAR.")
        return self.result

    def _outside(self, raw: str, line: int) -> None:
        """Text outside any component: fatal before the first calendar, ignored after one."""
        if self.calendars:
            return
        fail(
            "this is not an iCalendar (.ics) file: it should start with BEGIN:VCALENDAR "
            f'but starts with "{excerpt(raw)}".',
            line,
        )

    def _handle(self, name: str, text: str, line: int) -> None:
        """Act on one logical line we decided to keep."""
        if name == "BEGIN":
            self._begin(value_after_colon(text), line)
        elif name == "END":
            self._end(value_after_colon(text), line)
        else:
            sink = self.stack[-1].sink
            if sink is not None:
                if len(sink) >= self.max_props:
                    fail(
                        f"a {self.stack[-1].name} has more than {self.max_props:,} lines of "
                        "dates and details, which no calendar program writes.",
                        line,
                    )
                sink.append((name, text, line))

    def _begin(self, value: str, line: int) -> None:
        kind = value.strip().upper()
        stack = self.stack
        depth = len(stack)
        if not kind:
            fail("BEGIN without a component name.", line)
        if depth == 0 and kind != "VCALENDAR":
            fail(
                "this is not an iCalendar (.ics) file: it should start with BEGIN:VCALENDAR "
                f"but has BEGIN:{excerpt(kind)}.",
                line,
            )
        if depth >= self.limits.max_nesting:
            fail(
                f"components are nested more than {self.limits.max_nesting} deep, which no "
                "calendar program does.",
                line,
            )
        self.components += 1
        if self.components > self.limits.max_components:
            fail(
                f"the file has more than {self.limits.max_components:,} events and other "
                "entries. Export a shorter date range.",
                line,
            )
        wanted: frozenset[str] = _NOTHING
        sink: list[Prop] | None = None
        if depth == 0:
            self.calendars += 1
            wanted, sink = _CALENDAR_PROPS, self.result.calendar_props
        elif depth == 1 and kind in ("VEVENT", "VTIMEZONE"):
            block = Block(kind, line)
            if kind == "VEVENT":
                self.result.events.append(block)
                wanted = _EVENT_PROPS
            else:
                self.result.timezones.append(block)
                wanted = _TIMEZONE_PROPS
            sink = block.props
        elif depth == 2 and kind in ("STANDARD", "DAYLIGHT") and stack[-1].name == "VTIMEZONE":
            block = Block(kind, line)
            self.result.timezones[-1].children.append(block)
            wanted, sink = _OBSERVANCE_PROPS, block.props
        stack.append(_Open(kind, line, wanted, sink))

    def _end(self, value: str, line: int) -> None:
        kind = value.strip().upper()
        if not self.stack:
            fail(f"END:{excerpt(kind)} without a matching BEGIN.", line)
        top = self.stack.pop()
        if top.name != kind:
            fail(
                f"END:{excerpt(kind)} does not close BEGIN:{top.name} from line {top.line}; "
                "the file is damaged.",
                line,
            )
