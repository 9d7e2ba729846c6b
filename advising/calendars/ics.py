"""Read an advisor's iCalendar export and find when they are busy and when they offer time.

Advisors hand us an ``.ics`` file (an upload, or a feed we fetch) from Google, Outlook, Apple,
Thunderbird and the like. :func:`parse_calendar` turns those bytes into sorted
:class:`Interval` values for one window of time: ``busy`` where the advisor cannot be booked and
``available`` where they offer consultations.

This module is part of the pure core: no Flask, no database. It leans on icalendar for the
value types and time zones, on recurring-ical-events for expanding repetitions and on
x-wr-timezone for calendars that name their zone with ``X-WR-TIMEZONE``.

Decisions callers can rely on:

* Intervals are clipped to ``[window_start, window_end)``; nothing outside the window is
  returned and pieces that end up empty are dropped. Times are aware and in UTC.
* The result is sorted by ``(start, end, kind, uid)`` without exact duplicates. Overlapping
  intervals are *not* merged: each event keeps its own interval and UID.
* A timed event with neither DTEND nor DURATION lasts zero time (RFC 5545, 3.6.1) and so blocks
  nothing. An all-day event with neither (or with DTEND equal to DTSTART) lasts one day.
* All-day events run from midnight to midnight in the advisor's zone (23 or 25 hours on the
  days the clocks change).
* Floating times (no zone) are in the calendar's ``X-WR-TIMEZONE`` when it names a known zone,
  otherwise in the advisor's zone. Following x-wr-timezone, UTC times in such a calendar are
  moved to that zone too, so a weekly event keeps its wall-clock time across DST.
* A TZID is looked up as an IANA name, then as a Windows name (icalendar's CLDR table), then as
  a "globally unique" ``/vendor/.../Area/City`` id, then in the file's own VTIMEZONE blocks.
  An unknown TZID is treated as floating.
* ``STATUS:CANCELLED`` (on a series or on one occurrence) yields nothing. An event matching the
  :class:`AvailabilityMarkers` is ``available`` even when it is ``TRANSP:TRANSPARENT``, because
  advisors often mark office hours as "free" so colleagues can still invite them. Any other
  transparent event yields nothing; every other event is ``busy``.
* Keyword markers match whole words and phrases of SUMMARY, case-insensitively, so
  "Office hours (Tue)" matches "office hours" but "Unavailable" does not match "available".
* Only VEVENTs directly inside VCALENDAR count; to-dos, journals, free/busy blocks and alarms are
  ignored. The file may contain several VCALENDAR blocks one after the other.
* Problems with the file raise :class:`IcsError`, whose message is written for the advisor;
  mistakes by the caller (naive window, unknown zone name) raise :class:`ValueError`.

Hostile files are bounded: the size is checked before anything is parsed, the text must be
UTF-8 without NUL bytes, and there are caps on components, nesting, dates per event and
occurrences per series. Repeat rules are never expanded blindly from their first date: a rule
that is too costly to walk up to the window is refused before any work is done, open-ended
daily, weekly and hourly rules skip straight to the window, and a rule that can never match is
cut off after a few decades instead of the thousands of years dateutil would walk. A time budget
covers the rest.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache, lru_cache
from typing import Any, NoReturn

import x_wr_timezone
from dateutil import rrule as dateutil_rrule
from icalendar import (
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDate,
    vDatetime,
    vDDDLists,
    vDDDTypes,
    vDuration,
    vInt,
    vRecur,
    vText,
    vUTCOffset,
)
from icalendar.parser import Contentline, split_on_unescaped_comma, unescape_backslash
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from recurring_ical_events import EventAdapter, Occurrence, Series

__all__ = [
    "AvailabilityMarkers",
    "IcsError",
    "Interval",
    "Limits",
    "parse_calendar",
]


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


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


def parse_calendar(
    data: bytes,
    window_start: datetime,
    window_end: datetime,
    zone: str,
    markers: AvailabilityMarkers = AvailabilityMarkers(),
    limits: Limits = Limits(),
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Interval]:
    """Return the advisor's busy and available intervals inside ``[window_start, window_end)``.

    ``data`` is the raw ``.ics`` file. ``zone`` is the advisor's IANA zone: it places all-day
    events and floating times. ``on_progress(done, total)`` is called now and then with the
    number of events handled so far, so a command line can show progress on big files.

    Raises :class:`IcsError` (with ``.line`` when known) for anything wrong with the file, and
    :class:`ValueError` for a naive or empty window or an unknown zone.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    advisor_zone = _advisor_zone(zone)
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window_start and window_end must be timezone-aware")
    if window_end <= window_start:
        raise ValueError("window_end must be after window_start")
    clock = _Clock(limits.time_budget_seconds)
    try:
        text = _decode(bytes(data), limits)
        scanned = _Scanner(limits, clock).scan(text)
        reader = _Reader(
            scanned,
            window_start.astimezone(UTC),
            window_end.astimezone(UTC),
            advisor_zone,
            _MarkerMatcher(markers),
            limits,
            clock,
            on_progress,
        )
        return reader.intervals()
    except IcsError:
        raise
    except _CallbackFailed as failed:
        raise failed.original from None
    except Exception as exc:  # the promise: the file never surfaces another exception type
        raise IcsError(
            "The calendar could not be read. It may be damaged or use a feature we do not "
            f"support ({type(exc).__name__}: {_short(str(exc))})."
        ) from exc


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


class _CallbackFailed(Exception):
    """Carries an exception raised by ``on_progress`` past the error translation untouched."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


class _Clock:
    """The time budget of one call."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + budget

    def check(self) -> None:
        """Raise IcsError once the budget is spent."""
        if time.monotonic() > self.deadline:
            raise IcsError(
                f"Reading the calendar took longer than {self.budget:g} seconds, so we stopped. "
                "The file is too large or too complex; try exporting a shorter date range."
            )


def _fail(message: str, line: int | None = None) -> NoReturn:
    """Raise IcsError, prefixing the line number when known."""
    raise IcsError(f"Line {line}: {message}" if line is not None else message, line)


def _short(text: str, limit: int = 60) -> str:
    """A printable excerpt of untrusted text for an error message."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _size(count: int) -> str:
    """A byte count in words."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


@cache
def _iana_names() -> frozenset[str]:
    """The IANA zone names this system knows, read once."""
    return frozenset(zoneinfo.available_timezones())


def _iana(name: str) -> tzinfo | None:
    """The IANA zone with exactly this name, without touching the disk for unknown names."""
    if name in _iana_names():
        return zoneinfo.ZoneInfo(name)
    return None


def _advisor_zone(zone: str) -> tzinfo:
    """The advisor's zone; a bad name is the caller's mistake, not the file's."""
    found = _iana(zone)
    if found is None:
        raise ValueError(f"unknown IANA time zone: {zone!r}")
    return found


@lru_cache(maxsize=512)
def _known_zone(tzid: str) -> tzinfo | None:
    """Resolve a TZID that names a well-known zone, or return None.

    Tried in order: the IANA name itself, a Windows name through icalendar's CLDR table
    (Outlook writes "W. Europe Standard Time"), and a "globally unique" id such as
    ``/mozilla.org/20050126_1/Europe/Berlin`` whose tail is an IANA name.
    """
    raw = tzid.strip().strip('"').strip()
    cleaned = raw.strip("/")
    found = _iana(cleaned)
    if found is None and cleaned in WINDOWS_TO_OLSON:
        found = _iana(WINDOWS_TO_OLSON[cleaned])
    if found is None and raw.startswith("/"):
        parts = cleaned.split("/")
        for first in range(1, len(parts)):
            found = _iana("/".join(parts[first:]))
            if found is not None:
                break
    return found


# --------------------------------------------------------------------------------------------
# Bytes to text
# --------------------------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"


def _decode(data: bytes, limits: Limits) -> str:
    """Check size and encoding and return the text; never replaces bad bytes silently."""
    if len(data) > limits.max_bytes:
        raise IcsError(
            f"The file is {_size(len(data))}, more than the {_size(limits.max_bytes)} we accept. "
            "Try exporting a shorter date range."
        )
    if not data.strip():
        raise IcsError("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IcsError(
            "The file is UTF-16 text, not UTF-8. Export the calendar again as a standard "
            ".ics file, or save it as UTF-8 in a text editor."
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise IcsError(
            f"The file contains a NUL byte (at line {line}), so it is not a text calendar. "
            "It may be a binary file or UTF-16 text; export the calendar again as .ics.",
            line,
        )
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise IcsError(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} at line {line}). "
            "Export the calendar again as a standard .ics file, or save it as UTF-8 in a "
            "text editor.",
            line,
        ) from None


# --------------------------------------------------------------------------------------------
# Text to blocks: one pass over the lines, keeping only what we use
# --------------------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z0-9-]+")
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


@dataclass(slots=True)
class _Block:
    """A component we care about, with the raw lines of the properties we read."""

    name: str
    line: int
    props: list[tuple[str, str, int]] = field(default_factory=list)  # (NAME, text, line)
    children: list[_Block] = field(default_factory=list)


@dataclass(slots=True)
class _Scanned:
    """What the scanner kept from the file."""

    calendar_props: list[tuple[str, str, int]]
    events: list[_Block]
    timezones: list[_Block]


@dataclass(slots=True)
class _Open:
    """A component that has begun and not yet ended."""

    name: str
    line: int
    wanted: frozenset[str]
    sink: list[tuple[str, str, int]] | None


class _Scanner:
    """Unfolds lines, checks BEGIN/END structure and keeps only the properties we read.

    Doing this ourselves (rather than ``Calendar.from_ical``) keeps line numbers for error
    messages, bounds nesting and component counts before anything is built, and skips the
    descriptions, attendees and attachments that make up most of a real export.
    """

    def __init__(self, limits: Limits, clock: _Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.stack: list[_Open] = []
        self.components = 0
        self.calendars = 0
        self.result = _Scanned([], [], [])
        # Properties we keep per component: every EXDATE/RDATE may sit on its own line.
        self.max_props = limits.max_dates_per_event + 100

    def scan(self, text: str) -> _Scanned:
        """Scan the whole text."""
        stack = self.stack
        wanted: frozenset[str] = _NOTHING
        pending: list[str] | None = None
        pending_name = ""
        pending_line = 0
        pending_size = 0
        name_match = _NAME.match
        for number, raw in enumerate(io.StringIO(text, newline=""), 1):
            raw = raw.rstrip("\r\n")
            if not raw:
                continue
            if raw[0] in " \t":
                if pending is not None:
                    pending.append(raw[1:])
                    pending_size += len(raw)
                    if pending_size > _MAX_PROPERTY_CHARS:
                        _fail(f"the {pending_name} line is far too long to be real.", pending_line)
                continue
            if pending is not None:
                self._handle(pending_name, "".join(pending), pending_line)
                wanted = stack[-1].wanted if stack else _NOTHING
                pending = None
            if not number & 0xFFF:
                self.clock.check()
            match = name_match(raw)
            end = match.end() if match else 0
            if not end or end == len(raw) or raw[end] not in ":;":
                if not stack:
                    self._outside(raw, number)
                continue  # a stray line inside a component: exporters produce these; skip it
            name = raw[:end].upper()
            if name == "BEGIN" or name == "END" or name in wanted:
                pending, pending_name, pending_line, pending_size = [raw], name, number, len(raw)
                if pending_size > _MAX_PROPERTY_CHARS:
                    _fail(f"the {name} line is far too long to be real.", number)
            elif not stack:
                self._outside(raw, number)
        if pending is not None:
            self._handle(pending_name, "".join(pending), pending_line)
        if stack:
            top = stack[-1]
            _fail(
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
        _fail(
            "this is not an iCalendar (.ics) file: it should start with BEGIN:VCALENDAR "
            f'but starts with "{_short(raw)}".',
            line,
        )

    def _handle(self, name: str, text: str, line: int) -> None:
        """Act on one logical line we decided to keep."""
        if name == "BEGIN":
            self._begin(_value_after_colon(text), line)
        elif name == "END":
            self._end(_value_after_colon(text), line)
        else:
            sink = self.stack[-1].sink
            if sink is not None:
                if len(sink) >= self.max_props:
                    _fail(
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
            _fail("BEGIN without a component name.", line)
        if depth == 0 and kind != "VCALENDAR":
            _fail(
                "this is not an iCalendar (.ics) file: it should start with BEGIN:VCALENDAR "
                f"but has BEGIN:{_short(kind)}.",
                line,
            )
        if depth >= self.limits.max_nesting:
            _fail(
                f"components are nested more than {self.limits.max_nesting} deep, which no "
                "calendar program does.",
                line,
            )
        self.components += 1
        if self.components > self.limits.max_components:
            _fail(
                f"the file has more than {self.limits.max_components:,} components. "
                "Try exporting a shorter date range.",
                line,
            )
        wanted: frozenset[str] = _NOTHING
        sink: list[tuple[str, str, int]] | None = None
        if depth == 0:
            self.calendars += 1
            wanted, sink = _CALENDAR_PROPS, self.result.calendar_props
        elif depth == 1 and kind in ("VEVENT", "VTIMEZONE"):
            block = _Block(kind, line)
            if kind == "VEVENT":
                self.result.events.append(block)
                wanted = _EVENT_PROPS
            else:
                self.result.timezones.append(block)
                wanted = _TIMEZONE_PROPS
            sink = block.props
        elif depth == 2 and kind in ("STANDARD", "DAYLIGHT") and stack[-1].name == "VTIMEZONE":
            block = _Block(kind, line)
            self.result.timezones[-1].children.append(block)
            wanted, sink = _OBSERVANCE_PROPS, block.props
        stack.append(_Open(kind, line, wanted, sink))

    def _end(self, value: str, line: int) -> None:
        kind = value.strip().upper()
        if not self.stack:
            _fail(f"END:{_short(kind)} without a matching BEGIN.", line)
        top = self.stack.pop()
        if top.name != kind:
            _fail(
                f"END:{_short(kind)} does not close BEGIN:{top.name} from line {top.line}; "
                "the file is damaged.",
                line,
            )


def _value_after_colon(text: str) -> str:
    """The value of a simple ``NAME:value`` line."""
    return text.partition(":")[2]


# --------------------------------------------------------------------------------------------
# Markers
# --------------------------------------------------------------------------------------------


class _MarkerMatcher:
    """Decides whether an event is one in which the advisor offers consultations."""

    def __init__(self, markers: AvailabilityMarkers) -> None:
        words = [re.escape(keyword.strip()) for keyword in markers.keywords if keyword.strip()]
        words = [r"\s+".join(word.split(r"\ ")) for word in words]  # any run of spaces
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
            if words
            else None
        )
        self._categories = frozenset(c.strip().casefold() for c in markers.categories if c.strip())

    def matches(self, summary: str, categories: Sequence[str]) -> bool:
        """True when the summary or a category marks availability."""
        if self._pattern is not None and self._pattern.search(summary):
            return True
        return any(category.strip().casefold() in self._categories for category in categories)


# --------------------------------------------------------------------------------------------
# Events: reading values, grouping, expanding
# --------------------------------------------------------------------------------------------

_Moment = date | datetime
_MARGIN = timedelta(days=2)  # slack for cheap "is this anywhere near the window" checks
_FREQ_WORDS = {"SECONDLY": "every second", "MINUTELY": "every minute"}
_SUPPORTED_FREQS = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"})
# The longest a period of each frequency can be, for bounding when a counted rule ends.
_SIMPLE_STEPS = {
    "YEARLY": timedelta(days=366),
    "MONTHLY": timedelta(days=31),
    "WEEKLY": timedelta(days=7),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
}


@dataclass(slots=True)
class _Context:
    """What the recurrence machinery needs to know about the current call."""

    limits: Limits
    clock: _Clock


@dataclass(slots=True)
class _EventInfo:
    """What we need about one VEVENT once its times are known."""

    uid: str
    line: int
    summary: str
    available: bool
    transparent: bool
    cancelled: bool
    context: _Context

    def describe(self) -> str:
        """The event in words, for error messages."""
        return _event_words(self.summary, self.line)


def _event_words(summary: str, line: int | None = None) -> str:
    """An event in words for error messages: its title, and its line when given."""
    title = f'the event "{_short(summary, 50)}"' if summary else "an untitled event"
    return title if line is None else f"{title} (line {line})"


class _RawEvent:
    """One VEVENT before it is fully read; values are parsed on demand and remembered."""

    __slots__ = ("block", "line", "props", "start", "uid")

    def __init__(self, block: _Block) -> None:
        self.block = block
        self.line = block.line
        props: dict[str, list[tuple[str, int]]] = {}
        for name, text, line in block.props:
            props.setdefault(name, []).append((text, line))
        self.props = props
        self.uid = ""
        self.start: _Moment | None = None

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


class _Adapter(EventAdapter):
    """recurring-ical-events' VEVENT adapter, carrying our notes about the event."""

    def __init__(self, component: Event, info: _EventInfo) -> None:
        super().__init__(component)
        self.info = info


class _Occurrence(Occurrence):
    """An occurrence that remembers which event (series or override) it comes from."""

    def __init__(
        self,
        adapter: _Adapter,
        start: _Moment | None = None,
        end: _Moment | timedelta | None = None,
        sequence: int = -1,
    ) -> None:
        super().__init__(adapter, start, end, sequence)
        self.info = adapter.info


class _Series(Series):
    """recurring-ical-events' Series, with repeat rules replaced by bounded ones."""

    class RecurrenceRules(Series.RecurrenceRules):
        """Creates :class:`_BoundedRule` instead of bare dateutil rules."""

        def rrulestr(self, rule_string: str) -> Any:
            """Let the library build the dateutil rule, then wrap it."""
            rule = super().rrulestr(rule_string)
            return _BoundedRule(rule, self.start, self.core.info)

    def occurrence(
        self,
        adapter: _Adapter,  # type: ignore[override]
        start: _Moment | None = None,
        end: _Moment | timedelta | None = None,
    ) -> _Occurrence:
        """Create our occurrence class, which keeps the event notes."""
        return _Occurrence(adapter, start, end, sequence=self.sequence)


class _Reader:
    """Turns scanned blocks into intervals for one window."""

    def __init__(
        self,
        scanned: _Scanned,
        window_start: datetime,
        window_end: datetime,
        advisor_zone: tzinfo,
        markers: _MarkerMatcher,
        limits: Limits,
        clock: _Clock,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        self.scanned = scanned
        self.window_start = window_start
        self.window_end = window_end
        self.advisor_zone = advisor_zone
        self.markers = markers
        self.limits = limits
        self.clock = clock
        self.context = _Context(limits, clock)
        self.on_progress = on_progress
        self.dates_left = 0
        self.walker: x_wr_timezone.UTCChangingWalker | None = None
        self.zones = _ZoneBook(scanned.timezones, clock)
        self._read_calendar_props()

    # -- calendar level -----------------------------------------------------------------------

    def _read_calendar_props(self) -> None:
        for name, text, line in self.scanned.calendar_props:
            _, value = _split(text, line, name)
            value = value.strip()
            if name == "CALSCALE" and value.upper() not in ("", "GREGORIAN"):
                _fail(
                    f"the calendar uses the {_short(value)} calendar scale; only the "
                    "Gregorian calendar is supported.",
                    line,
                )
            if name == "X-WR-TIMEZONE" and self.walker is None and value:
                zone = _known_zone(value)
                # An unknown X-WR-TIMEZONE is ignored: it is only a hint, and the events carry
                # their own zones or are read in the advisor's zone.
                if zone is not None:
                    self.walker = x_wr_timezone.UTCChangingWalker(zone)

    # -- main loop ----------------------------------------------------------------------------

    def intervals(self) -> list[Interval]:
        """Read every event and return the sorted intervals."""
        raws = [_RawEvent(block) for block in self.scanned.events]
        total = len(raws)
        self._progress(0, total)
        groups: dict[str, list[_RawEvent]] = {}
        for raw in raws:
            raw.uid = self._uid(raw)
            groups.setdefault(raw.uid, []).append(raw)
        found: set[tuple[datetime, datetime, str, str]] = set()
        done = 0
        reported = 0
        step = max(1, total // 100)
        for group in groups.values():
            self.clock.check()
            if self._worth_expanding(group):
                self._expand(group, found)
            done += len(group)
            if done - reported >= step:
                self._progress(done, total)
                reported = done
        if reported != total:
            self._progress(total, total)
        return [Interval(*item) for item in sorted(found)]

    def _progress(self, done: int, total: int) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(done, total)
        except Exception as exc:
            raise _CallbackFailed(exc) from exc

    def _uid(self, raw: _RawEvent) -> str:
        found = raw.first("UID")
        if found is not None:
            _, value = _split(found[0], found[1], "UID")
            if value.strip():
                return value.strip()
        # Without a UID an event cannot be linked to others; give it one of its own.
        return f"line-{raw.line}"

    # -- deciding what to expand --------------------------------------------------------------

    def _worth_expanding(self, group: list[_RawEvent]) -> bool:
        """Cheaply skip events that cannot reach the window (most of a long history).

        Only two shapes are skipped, both conservatively: a lone event without repeats or
        overrides that lies outside the window, and a series that provably ended before it.
        """
        low = self.window_start - _MARGIN
        high = self.window_end + _MARGIN
        if len(group) == 1 and not group[0].repeats and not group[0].is_override:
            raw = group[0]
            start = self._start(raw)
            first = self._rough_utc(start)
            last = self._rough_end(raw, start, first)
            return first < high and last > low
        latest = datetime.min.replace(tzinfo=UTC)
        for raw in group:
            start = self._start(raw)
            first = self._rough_utc(start)
            length = self._rough_end(raw, start, first) - first
            latest = max(latest, first + length)
            recurrence = raw.first("RECURRENCE-ID")
            if recurrence is not None:
                params, _ = _split(recurrence[0], recurrence[1], "RECURRENCE-ID")
                if str(params.get("RANGE", "")).upper() == "THISANDFUTURE":
                    return True
            for text, line in raw.props.get("RRULE", ()):
                _, value = _split(text, line, "RRULE")
                rule = self._recur(value, raw, line)
                last_start = self._rule_end(rule, start, first)
                if last_start is None:
                    return True
                latest = max(latest, last_start + length)
            for text, line in raw.props.get("RDATE", ()):
                if text.count(",") + 1 > self.limits.max_dates_per_event:
                    return True  # let the full read report it
                for moment in self._moments(text, line, "RDATE"):
                    if isinstance(moment, tuple):
                        when, until = moment
                        span = (
                            until
                            if isinstance(until, timedelta)
                            else (self._rough_utc(until) - self._rough_utc(when))
                        )
                        latest = max(latest, self._rough_utc(when) + max(span, length))
                    else:
                        latest = max(latest, self._rough_utc(moment) + length)
            if latest > low:
                return True
        return latest > low

    def _rule_end(self, rule: vRecur, start: _Moment, first: datetime) -> datetime | None:
        """A late bound for the last start a rule produces, or None when there is none."""
        until = rule.get("UNTIL")
        if until:
            return self._rough_utc(until[0]) + timedelta(days=1)
        count = rule.get("COUNT")
        freq = str(rule.get("FREQ", [""])[0]).upper()
        if not count or freq not in _SIMPLE_STEPS:
            return None
        # Only rules that match in every period: no filters, and a start day that every
        # month (or year) has, since monthly and yearly rules repeat the start's day.
        byparts = {key.upper() for key in rule}
        simple = byparts <= {"FREQ", "COUNT", "INTERVAL", "WKST"} or (
            freq == "WEEKLY" and byparts <= {"FREQ", "COUNT", "INTERVAL", "WKST", "BYDAY"}
        )
        if not simple or (freq in ("MONTHLY", "YEARLY") and start.day > 28):
            return None
        steps = int(rule.get("INTERVAL", [1])[0] or 1) * (int(count[0]) + 1)
        if steps > 4_000_000:  # beyond any window we could be asked about
            return None
        return first + _SIMPLE_STEPS[freq] * steps

    # -- values -------------------------------------------------------------------------------

    def _start(self, raw: _RawEvent) -> _Moment:
        if raw.start is None:
            found = raw.first("DTSTART")
            if found is None:
                _fail(f"{_event_words(self._summary(raw))} has no start time (DTSTART).", raw.line)
            if len(raw.props["DTSTART"]) > 1:
                _fail(
                    "the event has more than one start time (DTSTART).", raw.props["DTSTART"][1][1]
                )
            raw.start = self._moment_line(found[0], found[1], "DTSTART")
        return raw.start

    def _rough_end(self, raw: _RawEvent, start: _Moment, first: datetime) -> datetime:
        """The end in UTC, for the cheap window checks only."""
        found = raw.first("DTEND")
        if found is not None:
            return max(first, self._rough_utc(self._moment_line(found[0], found[1], "DTEND")))
        found = raw.first("DURATION")
        if found is not None:
            return first + abs(self._duration(found[0], found[1]))
        return first + timedelta(days=1) if not isinstance(start, datetime) else first

    def _rough_utc(self, moment: _Moment) -> datetime:
        """A moment as UTC; dates are taken at midnight in the advisor's zone."""
        return self._instant(moment).astimezone(UTC)

    def _instant(self, moment: _Moment) -> datetime:
        """An aware datetime for a date, a naive (floating) or an aware datetime."""
        if isinstance(moment, datetime):
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.advisor_zone)
        return datetime(moment.year, moment.month, moment.day, tzinfo=self.advisor_zone)

    def _summary(self, raw: _RawEvent) -> str:
        found = raw.first("SUMMARY")
        if found is None:
            return ""
        return _split(found[0], found[1], "SUMMARY")[1].strip()

    def _moment_line(self, text: str, line: int, name: str) -> _Moment:
        params, value = _split(text, line, name)
        return self._moment(value, params, line, name)

    def _moment(self, value: str, params: dict[str, str], line: int, name: str) -> _Moment:
        """Parse a DATE or DATE-TIME and place it in time.

        A TZID is resolved by :class:`_ZoneBook`; with ``X-WR-TIMEZONE`` the value then goes
        through x-wr-timezone's walker exactly as ``x_wr_timezone.to_standard`` would; what is
        still floating ends up in the advisor's zone.
        """
        text = value.strip()
        try:
            if len(text) == 8:
                return vDate.from_ical(text)
            moment = vDatetime.from_ical(text)
        except (ValueError, TypeError, OverflowError):
            _fail(f'{name} "{_short(text)}" is not a valid date or date and time.', line)
        if moment.tzinfo is None:
            tzid = params.get("TZID")
            if tzid:
                zone = self.zones.lookup(str(tzid), line)
                if zone is not None:
                    moment = moment.replace(tzinfo=zone)
        # x-wr-timezone takes any time whose zone has no name for floating; zones built from
        # a VTIMEZONE without TZNAME (Outlook's) have none, so only hand it what it should move.
        if self.walker is not None and (moment.tzinfo is None or self.walker.is_UTC(moment)):
            moment = self.walker.walk_value_datetime(moment)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.advisor_zone)
        return moment

    def _moments(self, text: str, line: int, name: str) -> list[_Moment | tuple[_Moment, Any]]:
        """The values of an EXDATE or RDATE line, periods included."""
        params, value = _split(text, line, name)
        found: list[_Moment | tuple[_Moment, Any]] = []
        for item in value.split(","):
            if not item.strip():
                continue
            if "/" in item:
                head, _, tail = item.partition("/")
                begin = self._moment(head, params, line, name)
                if tail.strip().lstrip("+-").upper().startswith("P"):
                    found.append((begin, self._duration_value(tail, line, name)))
                else:
                    found.append((begin, self._moment(tail, params, line, name)))
            else:
                found.append(self._moment(item, params, line, name))
        return found

    def _duration(self, text: str, line: int) -> timedelta:
        _, value = _split(text, line, "DURATION")
        return self._duration_value(value, line, "DURATION")

    def _duration_value(self, value: str, line: int, name: str) -> timedelta:
        try:
            duration = vDuration.from_ical(value.strip())
        except (ValueError, TypeError, OverflowError):
            _fail(f'{name} "{_short(value.strip())}" is not a valid duration.', line)
        if not isinstance(duration, timedelta):
            _fail(f'{name} "{_short(value.strip())}" is not a valid duration.', line)
        return duration

    def _recur(self, value: str, raw: _RawEvent, line: int) -> vRecur:
        """Parse and vet a repeat rule before recurring-ical-events sees it."""
        try:
            rule = vRecur.from_ical(value.strip())
        except (ValueError, TypeError, OverflowError):
            _fail(f'the repeat rule "{_short(value.strip())}" could not be read.', line)
        freq = str((rule.get("FREQ") or [""])[0]).upper()
        if freq in _FREQ_WORDS:
            _fail(
                f"{self._describe(raw)} repeats {_FREQ_WORDS[freq]} (FREQ={freq}); events "
                "that repeat this often are not supported. Please change or delete it.",
                line,
            )
        if freq not in _SUPPORTED_FREQS:
            _fail(f'the repeat rule "{_short(value.strip())}" has no valid FREQ.', line)
        interval = rule.get("INTERVAL")
        if interval is not None and (len(interval) != 1 or int(interval[0]) < 1):
            _fail(
                f"{self._describe(raw)} has a repeat INTERVAL that is not a positive number.", line
            )
        if rule.get("COUNT") and rule.get("UNTIL"):
            _fail(
                f"{self._describe(raw)} has both COUNT and UNTIL in its repeat rule, which "
                "is not allowed.",
                line,
            )
        if "BYEASTER" in rule:
            _fail(
                f"{self._describe(raw)} uses BYEASTER, which is not part of the iCalendar "
                "standard.",
                line,
            )
        return rule

    def _describe(self, raw: _RawEvent) -> str:
        """The event in words, for error messages (reads its SUMMARY only when needed)."""
        return _event_words(self._summary(raw), raw.line)

    # -- building components for recurring-ical-events -----------------------------------------

    def _event(self, raw: _RawEvent) -> tuple[Event, _EventInfo]:
        """Build the icalendar Event that recurring-ical-events expands, and our notes."""
        props = raw.props
        event = Event()
        event["UID"] = vText(raw.uid)
        start = self._start(raw)
        event["DTSTART"] = vDDDTypes(start)
        found = raw.first("DTEND")
        if found is not None:
            end = self._moment_line(found[0], found[1], "DTEND")
            if self._rough_utc(end) < self._rough_utc(start):
                _fail(f"{self._describe(raw)} ends before it starts.", found[1])
            event["DTEND"] = vDDDTypes(end)
        else:
            found = raw.first("DURATION")
            if found is not None:
                duration = self._duration(found[0], found[1])
                if duration < timedelta(0):
                    _fail(f"{self._describe(raw)} has a negative DURATION.", found[1])
                event["DURATION"] = vDDDTypes(duration)
        rules = props.get("RRULE", [])
        if len(rules) > self.limits.max_rules_per_event:
            _fail(
                f"{self._describe(raw)} has more than {self.limits.max_rules_per_event} "
                "repeat rules.",
                rules[0][1],
            )
        if rules:
            recurs = [
                self._recur(_split(text, line, "RRULE")[1], raw, line) for text, line in rules
            ]
            event["RRULE"] = recurs[0] if len(recurs) == 1 else recurs
        self.dates_left = self.limits.max_dates_per_event
        for name in ("EXDATE", "RDATE"):
            lists = [self._date_list(raw, text, line, name) for text, line in props.get(name, [])]
            if lists:
                event[name] = lists[0] if len(lists) == 1 else lists
        found = raw.first("RECURRENCE-ID")
        if found is not None:
            params, value = _split(found[0], found[1], "RECURRENCE-ID")
            recurrence = vDDDTypes(self._moment(value, params, found[1], "RECURRENCE-ID"))
            if str(params.get("RANGE", "")).upper() == "THISANDFUTURE":
                recurrence.params["RANGE"] = "THISANDFUTURE"
            event["RECURRENCE-ID"] = recurrence
        found = raw.first("SEQUENCE")
        if found is not None:
            # A broken SEQUENCE only matters for conflicting copies of an event; ignore it.
            with contextlib.suppress(ValueError):
                event["SEQUENCE"] = vInt(int(_split(found[0], found[1], "SEQUENCE")[1].strip()))
        summary = self._summary(raw)
        categories: list[str] = []
        for text, line in props.get("CATEGORIES", []):
            categories.extend(_categories(text, line))
        info = _EventInfo(
            uid=raw.uid,
            line=raw.line,
            summary=summary,
            available=self.markers.matches(summary, categories),
            transparent=self._word(raw, "TRANSP") == "TRANSPARENT",
            cancelled=self._word(raw, "STATUS") == "CANCELLED",
            context=self.context,
        )
        return event, info

    def _word(self, raw: _RawEvent, name: str) -> str:
        found = raw.first(name)
        if found is None:
            return ""
        return _split(found[0], found[1], name)[1].strip().upper()

    def _date_list(self, raw: _RawEvent, text: str, line: int, name: str) -> vDDDLists:
        count = text.count(",") + 1  # checked before parsing, so a huge line costs nothing
        if count > self.dates_left:
            _fail(
                f"{self._describe(raw)} has more than {self.limits.max_dates_per_event:,} "
                "EXDATE/RDATE values.",
                line,
            )
        moments = self._moments(text, line, name)
        self.dates_left -= len(moments)
        return vDDDLists(moments)

    # -- expansion ----------------------------------------------------------------------------

    def _expand(
        self, group: list[_RawEvent], found: set[tuple[datetime, datetime, str, str]]
    ) -> None:
        """Expand one UID's events over the window with recurring-ical-events."""
        adapters = []
        lead: _EventInfo | None = None
        for raw in group:
            event, info = self._event(raw)
            adapters.append(_Adapter(event, info))
            if lead is None and not raw.is_override:
                lead = info  # the series itself names the event in messages
        lead = lead or adapters[0].info
        # Ask for a day more on each side, expressed in the advisor's zone so that all-day
        # events are compared at local midnight; the exact window is applied below.
        span_start = (self.window_start - timedelta(days=1)).astimezone(self.advisor_zone)
        span_end = (self.window_end + timedelta(days=1)).astimezone(self.advisor_zone)
        cap = self.limits.max_occurrences_per_series
        try:
            series = _Series(adapters)
            for count, occurrence in enumerate(series.between(span_start, span_end), 1):
                if count > cap:
                    _fail(
                        f"{lead.describe()} happens more than {cap:,} times in the requested "
                        "period; that is too many to handle.",
                        lead.line,
                    )
                self._record(occurrence, found)
        except (IcsError, _CallbackFailed):
            raise
        except Exception as exc:
            _fail(
                f"the repetitions of {lead.describe()} could not be worked out "
                f"({type(exc).__name__}: {_short(str(exc))}).",
                lead.line,
            )

    def _record(
        self, occurrence: _Occurrence, found: set[tuple[datetime, datetime, str, str]]
    ) -> None:
        """Turn one occurrence into an interval inside the window, if it yields one."""
        info = occurrence.info
        if info.cancelled:
            return
        if info.available:
            kind = "available"
        elif info.transparent:
            return
        else:
            kind = "busy"
        start = self._instant(occurrence.start)
        end = self._instant(occurrence.end)
        if not isinstance(occurrence.start, datetime) and end <= start:
            end = self._instant(occurrence.start + timedelta(days=1))
        start = max(start.astimezone(UTC), self.window_start)
        end = min(end.astimezone(UTC), self.window_end)
        if end > start:
            found.add((start, end, kind, info.uid))


# NAME;KEY=value;KEY=value:value with no quoting in the parameters: nearly every line we read.
_PLAIN_LINE = re.compile(r"[A-Za-z0-9-]+((?:;[A-Za-z0-9-]+=[^\";:]*)*):(.*)", re.DOTALL)


def _split(text: str, line: int, name: str) -> tuple[dict[str, str], str]:
    """Split one property line into parameters (upper-case keys) and unescaped value.

    Plain lines are split here; anything with quoted parameters goes through icalendar's
    content-line parser, which is exact but walks the line one character at a time.
    """
    plain = _PLAIN_LINE.fullmatch(text)
    if plain is not None:
        params: dict[str, str] = {}
        if plain[1]:
            for piece in plain[1][1:].split(";"):
                key, _, value = piece.partition("=")
                params.setdefault(key.upper(), value)
        value = plain[2]
        return params, unescape_backslash(value) if "\\" in value else value
    try:
        _, parsed, value = Contentline(text).parts()
    except (ValueError, TypeError, AssertionError):
        _fail(f'the {name} line could not be read: "{_short(text)}".', line)
    return {str(key).upper(): str(found) for key, found in parsed.items()}, value


def _categories(text: str, line: int) -> list[str]:
    """The values of a CATEGORIES line (commas inside a value are escaped)."""
    try:
        _, _, raw_value = Contentline(text).raw_parts()
    except (ValueError, TypeError, AssertionError):
        _fail(f'the CATEGORIES line could not be read: "{_short(text)}".', line)
    return [value.strip() for value in split_on_unescaped_comma(raw_value) if value.strip()]


# --------------------------------------------------------------------------------------------
# Time zones named by TZID
# --------------------------------------------------------------------------------------------

_MAX_OFFSET = timedelta(hours=18)
_ZONE_RULE_PARTS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYMONTH",
        "BYDAY",
        "BYMONTHDAY",
        "WKST",
    }
)


class _ZoneBook:
    """Resolves the TZIDs of one file.

    Well-known names come from zoneinfo (see :func:`_known_zone`). Anything else is built from
    the file's own VTIMEZONE with icalendar's ``Timezone.to_tz``. We deliberately do not go
    through icalendar's global zone cache: it keeps the *first* VTIMEZONE it ever saw for a
    TZID, so one advisor's "Customized Time Zone" would silently apply to everyone else's.
    """

    def __init__(self, blocks: list[_Block], clock: _Clock) -> None:
        self.clock = clock
        self.blocks: dict[str, _Block] = {}
        for block in blocks:
            for name, text, line in block.props:
                if name == "TZID":
                    tzid = _split(text, line, "TZID")[1].strip()
                    self.blocks.setdefault(tzid, block)
        self.found: dict[str, tzinfo | None] = {}

    def lookup(self, tzid: str, line: int) -> tzinfo | None:
        """The zone for a TZID, or None to treat the time as floating."""
        if tzid in self.found:
            return self.found[tzid]
        zone = _known_zone(tzid)
        if zone is None:
            block = self.blocks.get(tzid.strip())
            if block is not None:
                self.clock.check()
                zone = self._build(tzid.strip(), block)
        self.found[tzid] = zone
        return zone

    def _build(self, tzid: str, block: _Block) -> tzinfo:
        """Build a zone from a VTIMEZONE block after vetting its rules."""
        where = f'the time zone "{_short(tzid, 40)}"'
        if not block.children:
            _fail(f"{where} has no STANDARD or DAYLIGHT part.", block.line)
        component = Timezone()
        component.add("TZID", tzid)
        for child in block.children:
            part = TimezoneStandard() if child.name == "STANDARD" else TimezoneDaylight()
            seen: set[str] = set()
            start: datetime | None = None
            rule: vRecur | None = None
            for name, text, line in child.props:
                value = _split(text, line, name)[1].strip()
                if name in seen and name != "RDATE" and name != "TZNAME":
                    continue  # keep the first of a repeated single-valued property
                seen.add(name)
                if name == "DTSTART":
                    start = _zone_moment(value, line, where)
                elif name in ("TZOFFSETFROM", "TZOFFSETTO"):
                    try:
                        offset = vUTCOffset.from_ical(value)
                    except (ValueError, TypeError):
                        _fail(f'{where} has an invalid {name} "{_short(value)}".', line)
                    if abs(offset) > _MAX_OFFSET:
                        _fail(f"{where} is more than 18 hours away from UTC.", line)
                    part.add(name, offset)
                elif name == "TZNAME":
                    part.add("TZNAME", value)
                elif name == "RRULE":
                    rule = _zone_rule(value, line, where)
                elif name == "RDATE":
                    values = [v for v in value.split(",") if v.strip()]
                    if len(values) > 1000:
                        _fail(f"{where} lists more than 1,000 change dates.", line)
                    part.add("RDATE", [_zone_moment(v, line, where) for v in values])
            if start is None or not {"TZOFFSETFROM", "TZOFFSETTO"} <= seen:
                _fail(f"{where} lacks DTSTART, TZOFFSETFROM or TZOFFSETTO.", child.line)
            if rule is not None:
                if start.year < 1970 and not rule.get("COUNT"):
                    # Earlier changes do not matter for booking, and dateutil walks every one
                    # of them on each lookup. Outlook starts its rules in 1601.
                    start = start.replace(
                        year=1972 if (start.month, start.day) == (2, 29) else 1970
                    )
                try:
                    applies = _zone_rule_applies(rule, start)
                except (ValueError, TypeError, OverflowError):
                    _fail(f"{where} has a clock-change rule that could not be used.", child.line)
                if not applies:
                    _fail(f"{where} has a clock-change rule that never applies.", child.line)
                part.add("RRULE", rule)
            part.add("DTSTART", start)
            component.add_component(part)
        try:
            return component.to_tz(tzp, lookup_tzid=False)
        except Exception as exc:
            _fail(f"{where} could not be understood ({_short(str(exc))}).", block.line)


def _zone_moment(value: str, line: int, where: str) -> datetime:
    """A local date-time inside a VTIMEZONE."""
    try:
        moment = vDDDTypes.from_ical(value.strip())
    except (ValueError, TypeError, OverflowError):
        _fail(f'{where} has an invalid date "{_short(value.strip())}".', line)
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day)
    _fail(f'{where} has an invalid date "{_short(value.strip())}".', line)


def _zone_rule_applies(rule: vRecur, start: datetime) -> bool:
    """Whether a VTIMEZONE rule ever matches, found out cheaply.

    dateutil would walk to year 9999 on the first lookup of a rule that never matches. The
    Gregorian calendar repeats every 400 years, so we try the same rule from a start moved by
    whole 400-year cycles to a few centuries before 9999, where dateutil must stop soon.
    """
    probe_year = 9599 - (9599 - start.year) % 400
    probe = dateutil_rrule.rrulestr(
        rule.to_ical().decode(), dtstart=start.replace(year=probe_year), ignoretz=True
    )
    return next(iter(probe.replace(count=None, until=None, cache=False)), None) is not None


def _zone_rule(value: str, line: int, where: str) -> vRecur:
    """A VTIMEZONE rule; only the yearly shapes real zones use, so lookups stay cheap."""
    try:
        rule = vRecur.from_ical(value)
    except (ValueError, TypeError, OverflowError):
        _fail(f'{where} has a rule that could not be read: "{_short(value)}".', line)
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    unknown = {key.upper() for key in rule} - _ZONE_RULE_PARTS
    interval = rule.get("INTERVAL")
    if freq != "YEARLY" or unknown or (interval is not None and int(interval[0]) != 1):
        _fail(f'{where} changes its clocks with an unusual rule ("{_short(value)}").', line)
    return rule


# --------------------------------------------------------------------------------------------
# Bounded expansion of one repeat rule
# --------------------------------------------------------------------------------------------

_YEARLY, _MONTHLY, _WEEKLY, _DAILY, _HOURLY = (
    dateutil_rrule.YEARLY,
    dateutil_rrule.MONTHLY,
    dateutil_rrule.WEEKLY,
    dateutil_rrule.DAILY,
    dateutil_rrule.HOURLY,
)
_PERIOD_DAYS = {_YEARLY: 366, _MONTHLY: 31, _WEEKLY: 7, _DAILY: 1, _HOURLY: 1}
_PERIODS_PER_YEAR = {_YEARLY: 1, _MONTHLY: 12, _WEEKLY: 53, _DAILY: 366, _HOURLY: 366}
# Open-ended rules of these frequencies may start anywhere on their grid: (grid step, guard).
_REBASE = {
    _DAILY: (timedelta(days=1), timedelta(days=1)),
    _WEEKLY: (timedelta(weeks=1), timedelta(weeks=1)),
    _HOURLY: (timedelta(hours=1), timedelta(days=1)),
}


@dataclass(frozen=True, slots=True)
class _Shape:
    """The parts of a dateutil rule that decide how much work expanding it costs."""

    freq: int
    interval: int
    count: int | None
    until: datetime | None
    dense: bool  # every period (year, month, week, day, hour) has at least one occurrence
    scan: float  # work to look at one period
    hits: float  # work to produce the candidates of one period


def _shape(rule: Any) -> _Shape:
    """Read the normalised parts of a dateutil rule.

    dateutil has no public accessors for them. These attributes have not changed since
    dateutil 2.7 and the version is pinned; the tests exercise every one of them.
    """
    freq, interval = rule._freq, rule._interval
    bymonth, monthdays = rule._bymonth, rule._bymonthday + rule._bynmonthday
    weekdays = len(rule._byweekday or ()) + len(rule._bynweekday or ())
    yeardays, weeknos, setpos = rule._byyearday, rule._byweekno, rule._bysetpos
    hours, minutes, seconds = rule._byhour, rule._byminute, rule._bysecond
    days = _PERIOD_DAYS[freq]
    fraction = 1.0
    if bymonth:
        fraction *= min(1.0, len(bymonth) / 12)
    if weekdays:
        fraction *= min(1.0, weekdays / 7)
    if monthdays:
        fraction *= min(1.0, len(monthdays) / 30)
    if yeardays:
        fraction *= min(1.0, len(yeardays) / 365)
    if weeknos:
        fraction *= min(1.0, len(weeknos) / 52)
    times = len(minutes or (0,)) * len(seconds or (0,))
    if freq != _HOURLY:
        times *= len(hours or (0,))
    simple = not (setpos or weeknos or yeardays or rule._byeaster or rule._bynweekday)
    simple = simple and not rule._bynmonthday and all(day <= 28 for day in rule._bymonthday)
    if freq == _YEARLY:
        dense = simple and not (monthdays and rule._byweekday)
    elif freq == _MONTHLY:
        dense = simple and not bymonth and not (monthdays and rule._byweekday)
    elif freq == _WEEKLY:
        dense = simple and not bymonth and not monthdays
    else:
        dense = simple and not bymonth and not monthdays and not rule._byweekday
    return _Shape(
        freq=freq,
        interval=interval,
        count=rule._count,
        until=rule._until,
        dense=dense,
        scan=12 + days * (1 + len(setpos or ())),
        hits=6 * days * fraction * times,
    )


class _BoundedRule:
    """Stands in for one dateutil rule inside recurring-ical-events, with bounded work.

    recurring-ical-events only calls ``between(after, before, inc=True)`` and reads ``until``.
    dateutil's ``between`` walks every period from DTSTART and only stops at the first
    occurrence after ``before``, so a rule starting in year 1, or one that can never match,
    costs seconds. Here we

    * work on wall-clock times without a zone, as dateutil does internally;
    * move the start of open-ended daily, weekly and hourly rules forward along their own grid
      to just before the window, which leaves every occurrence in the window unchanged;
    * refuse rules whose walk up to the window is still estimated to be too costly;
    * move the whole computation by whole calendar cycles (28 years between 1901 and 2099,
      else 400 years) so that dateutil reaches its year-9999 limit, and stops, within a few
      decades of the window even when the rule never matches again.
    """

    def __init__(self, rule: Any, start: datetime, info: _EventInfo) -> None:
        self.until = rule.until  # set by recurring-ical-events, which filters with it
        self.string = rule.string
        self._rule = rule
        self._zone = start.tzinfo
        self._first = start.replace(tzinfo=None, microsecond=0)
        self._shape = _shape(rule)
        until = self._shape.until
        self._until = None if until is None else _wall(until, self._zone)
        self._info = info

    def between(self, after: datetime, before: datetime, inc: bool = False) -> list[datetime]:
        """The rule's starts between ``after`` and ``before``, like dateutil's ``between``."""
        shape = self._shape
        low, high = _wall(after, self._zone), _wall(before, self._zone)
        first = self._first
        if high < first or high < low or (self._until is not None and self._until < low):
            return []
        low = max(low, first)
        start = first if shape.count is not None else _rebase(shape, first, low)
        shift = _year_shift(start, high)
        limits = self._info.context.limits
        if _work(shape, start, high, shift) > limits.max_expansion_work:
            _fail(
                f"{self._info.describe()} repeats too often between {first.date()} and the "
                "requested period to be worked out. Please give it a later start or an end.",
                self._info.line,
            )
        self._info.context.clock.check()
        until = self._until if self._until is not None and self._until <= high else None
        rule = self._rule.replace(
            dtstart=_add_years(start, shift),
            until=None if until is None else _add_years(until, shift),
            cache=False,
        )
        # dateutil's own between() with a cap on what it collects inside the window.
        low, high = _add_years(low, shift), _add_years(high, shift)
        found: list[datetime] = []
        for moment in rule:
            if moment > high or (moment == high and not inc):
                break
            if moment > low or (moment == low and inc):
                found.append(_add_years(moment, -shift).replace(tzinfo=self._zone))
                if len(found) > limits.max_occurrences_per_series:
                    _fail(
                        f"{self._info.describe()} happens more than "
                        f"{limits.max_occurrences_per_series:,} times in the requested period; "
                        "that is too many to handle.",
                        self._info.line,
                    )
        return found


def _wall(moment: datetime, zone: tzinfo | None) -> datetime:
    """Wall-clock time in ``zone`` without tzinfo (for floating rules: as given)."""
    if moment.tzinfo is None:
        return moment
    if zone is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(zone).replace(tzinfo=None)


def _rebase(shape: _Shape, first: datetime, low: datetime) -> datetime:
    """Move an open-ended rule's start forward along its grid to just before ``low``.

    The new start keeps the weekday and time of day and stays a whole number of intervals
    from the old one, so the rule produces the same occurrences from there on. It stays at
    least one period (a day for hourly rules) before ``low``, because dateutil skips
    candidates earlier in the first period than the start itself.
    """
    grid = _REBASE.get(shape.freq)
    if grid is None:
        return first
    step, guard = grid[0] * shape.interval, grid[1]
    gap = low - guard - first
    if gap <= timedelta(0):
        return first
    return first + step * (gap // step)


def _year_shift(first: datetime, last: datetime) -> int:
    """Years to add so that dateutil hits year 9999 soon after ``last``.

    The shifted years must have the same calendars as the real ones (weekday of 1 January and
    leap years). The Gregorian calendar repeats exactly every 400 years. Where neither the real
    years nor their images skip a leap year (as 1900 and 2100 do), a year with the same
    weekday and leap status comes round at least every 28 years, which lands much closer to 9999.
    """
    span = last.year - first.year
    if span <= 70 and not _skips_leap_year(first.year, last.year):
        weekday = date(first.year, 1, 1).weekday()
        for target in range(9999 - span, 9900, -1):  # 9901-9999 skip no leap year
            if target % 4 == first.year % 4 and date(target, 1, 1).weekday() == weekday:
                return target - first.year
    return 400 * ((9999 - last.year) // 400)


def _skips_leap_year(first: int, last: int) -> bool:
    """Whether a century year that is not a leap year (1900, 2100...) lies in [first, last]."""
    century = -(-first // 100) * 100
    while century <= last:
        if century % 400:
            return True
        century += 100
    return False


def _add_years(moment: datetime, years: int) -> datetime:
    """The same wall-clock time ``years`` later (or earlier)."""
    return moment.replace(year=moment.year + years) if years else moment


def _work(shape: _Shape, start: datetime, last: datetime, shift: int) -> float:
    """Estimated dateutil work to expand from ``start`` to ``last`` (and past it)."""
    freq, interval = shape.freq, shape.interval
    if freq == _YEARLY:
        periods = (last.year - start.year) // interval + 1
    elif freq == _MONTHLY:
        periods = ((last.year - start.year) * 12 + last.month - start.month) // interval + 1
    elif freq == _WEEKLY:
        periods = (last - start).days // (7 * interval) + 1
    elif freq == _DAILY:
        periods = (last - start).days // interval + 1
    else:
        periods = int((last - start).total_seconds() // 3600) // interval + 1
    if shape.count is not None and shape.dense:
        periods = min(periods, shape.count + 1)
    work = periods * (shape.scan + shape.hits)
    if not shape.dense:  # it may walk on until year 9999 looking for one more match
        tail_years = 9999 - (last.year + shift) + 1
        per_year = _PERIODS_PER_YEAR[freq] / (1 if freq == _HOURLY else interval)
        work += tail_years * per_year * shape.scan
    return work
