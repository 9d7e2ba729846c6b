"""The event reader: scanned blocks to sorted intervals for one window, and parse_calendar."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import x_wr_timezone
from icalendar import Event, vDDDLists, vDDDTypes, vInt, vRecur, vText

from advising.calendars.ics.decode import decode
from advising.calendars.ics.events import Context, EventInfo, Moment, RawEvent, event_words
from advising.calendars.ics.lines import categories, split
from advising.calendars.ics.markers import MarkerMatcher
from advising.calendars.ics.recurrence import (
    Adapter,
    BoundedOccurrence,
    BoundedSeries,
    rule_end,
    vet_rule,
)
from advising.calendars.ics.scanner import Scanned, Scanner
from advising.calendars.ics.times import Times
from advising.calendars.ics.types import (
    AvailabilityMarkers,
    CallbackFailed,
    Clock,
    FileError,
    IcsError,
    Interval,
    Limits,
    ParseResult,
    SkippedEvent,
    fail,
    refuse,
)
from advising.calendars.ics.zones import ZoneBook, advisor_zone, known_zone
from advising.shared.text import excerpt

_MARGIN = timedelta(days=2)  # slack for cheap "is this anywhere near the window" checks
_Found = set[tuple[datetime, datetime, str, str]]
_DEFAULT_MARKERS = AvailabilityMarkers()
_DEFAULT_LIMITS = Limits()


def parse_calendar(data: bytes, *args: Any, **kwargs: Any) -> list[Interval]:
    """The intervals of :func:`read_calendar` (same arguments), for callers that need not
    hear of skipped events (damaged events are still left out)."""
    return read_calendar(data, *args, **kwargs).intervals


def read_calendar(
    data: bytes,
    window_start: datetime,
    window_end: datetime,
    zone: str,
    markers: AvailabilityMarkers = _DEFAULT_MARKERS,
    limits: Limits = _DEFAULT_LIMITS,
    on_progress: Callable[[int, int], None] | None = None,
    clock: Clock | None = None,
) -> ParseResult:
    """Return the advisor's busy and available intervals inside ``[window_start, window_end)``
    and the damaged events that were skipped.

    ``data`` is the raw ``.ics`` file. ``zone`` is the advisor's IANA zone: it places all-day
    events and floating times. ``on_progress(done, total)`` is called now and then with the
    number of events handled so far, so a command line can show progress on big files.
    ``clock`` lets a caller share one time budget between reading and what it does next
    (default: a new one of ``limits.time_budget_seconds``).

    One damaged event (no start, an end before its start, a repeat rule that cannot be read
    or used, a bad date) is skipped and reported in ``skipped``; the rest is read. Raises
    :class:`IcsError` (with ``.line`` when known) for a file that is not a calendar, is
    damaged as a whole or costs too much, and :class:`ValueError` for a naive or empty window
    or an unknown zone.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    home = advisor_zone(zone)
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window_start and window_end must be timezone-aware")
    if window_end <= window_start:
        raise ValueError("window_end must be after window_start")
    clock = clock or Clock(limits.time_budget_seconds)
    try:
        text = decode(bytes(data), limits)
        scanned = Scanner(limits, clock).scan(text)
        reader = Reader(
            scanned,
            window_start.astimezone(UTC),
            window_end.astimezone(UTC),
            home,
            MarkerMatcher(markers),
            limits,
            clock,
            on_progress,
        )
        intervals = reader.intervals()
        return ParseResult(intervals, tuple(reader.skipped))
    except IcsError:
        raise
    except CallbackFailed as failed:
        raise failed.original from None
    except Exception as exc:  # the promise: the file never surfaces another exception type
        raise IcsError(
            "The calendar could not be read. It may be damaged or use a feature we do not "
            f"support ({type(exc).__name__}: {excerpt(str(exc))})."
        ) from exc


class Reader:
    """Turns scanned blocks into intervals for one window."""

    def __init__(
        self,
        scanned: Scanned,
        window_start: datetime,
        window_end: datetime,
        home: tzinfo,
        markers: MarkerMatcher,
        limits: Limits,
        clock: Clock,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        self.scanned = scanned
        self.window_start = window_start
        self.window_end = window_end
        self.advisor_zone = home
        self.markers = markers
        self.limits = limits
        self.clock = clock
        self.context = Context(limits, clock)
        self.on_progress = on_progress
        self.dates_left = 0
        self.skipped: list[SkippedEvent] = []
        # events built while looking for touching runs, reused when read on their own
        self._built: dict[int, tuple[Event, EventInfo]] = {}
        walker = self._read_calendar_props()
        self.times = Times(home, ZoneBook(scanned.timezones, clock), walker)

    # -- calendar level -----------------------------------------------------------------------

    def _read_calendar_props(self) -> x_wr_timezone.UTCChangingWalker | None:
        """Vet CALSCALE and return the walker for a known X-WR-TIMEZONE."""
        walker = None
        for name, text, line in self.scanned.calendar_props:
            _, value = split(text, line, name)
            value = value.strip()
            if name == "CALSCALE" and value.upper() not in ("", "GREGORIAN"):
                refuse(
                    f"the calendar uses the {excerpt(value)} calendar scale; only the "
                    "Gregorian calendar is supported.",
                    line,
                )
            if name == "X-WR-TIMEZONE" and walker is None and value:
                zone = known_zone(value)
                # An unknown X-WR-TIMEZONE is ignored: it is only a hint, and the events carry
                # their own zones or are read in the advisor's zone.
                if zone is not None:
                    walker = x_wr_timezone.UTCChangingWalker(zone)
        return walker

    # -- main loop ----------------------------------------------------------------------------

    def intervals(self) -> list[Interval]:
        """Read every event and return the sorted intervals; damaged events are skipped and
        noted in ``self.skipped``."""
        raws = [RawEvent(block) for block in self.scanned.events]
        total = len(raws)
        self._progress(0, total)
        groups: dict[str, list[RawEvent]] = {}
        for raw in raws:
            try:
                raw.uid = self._uid(raw)
            except FileError:
                raise
            except IcsError as error:
                self._skip(error, raw)
                continue
            groups.setdefault(raw.uid, []).append(raw)
        found: _Found = set()
        done = 0
        for event, info, uids in self._touching_daily_runs(groups):
            self.clock.check()
            run_found = self._expanded_run(event, info)
            if run_found is None:
                continue  # its series are read one by one below, with their own messages
            found |= run_found
            for uid in uids:
                done += len(groups.pop(uid))
        reported = 0
        step = max(1, total // 100)
        for group in groups.values():
            self.clock.check()
            found |= self._read_group(group)
            done += len(group)
            if done - reported >= step:
                self._progress(done, total)
                reported = done
        if reported != total:
            self._progress(total, total)
        self.skipped.sort(key=lambda skipped: (skipped.line is None, skipped.line or 0))
        return [Interval(*item) for item in sorted(found)]

    def _read_group(self, group: list[RawEvent]) -> _Found:
        """The intervals of one UID's events. A damaged override (a moved occurrence) is
        skipped alone; damage anywhere else skips the whole group."""
        while True:
            found: _Found = set()
            try:
                if self._worth_expanding(group):
                    self._expand(group, found)
                return found
            except (FileError, CallbackFailed):
                raise
            except Exception as error:
                damaged = _damaged_event(group, error)
                if damaged is not None and damaged.is_override and len(group) > 1:
                    self._skip(error, damaged)
                    group = [raw for raw in group if raw is not damaged]
                    continue
                self._skip(error, damaged or group[0])
                return set()

    def _skip(self, error: Exception, raw: RawEvent) -> None:
        """Note a skipped event with the damaged line (or its BEGIN line) and the reason."""
        if isinstance(error, IcsError):
            line = error.line if error.line is not None else raw.line
            reason = error.message.removeprefix(f"Line {error.line}: ")
        else:
            line = raw.line
            reason = (
                f"{self._describe(raw)} could not be read ({type(error).__name__}: "
                f"{excerpt(str(error))})."
            )
        self.skipped.append(SkippedEvent(line, reason))

    def _progress(self, done: int, total: int) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(done, total)
        except Exception as exc:
            raise CallbackFailed(exc) from exc

    def _uid(self, raw: RawEvent) -> str:
        found = raw.first("UID")
        if found is not None:
            _, value = split(found[0], found[1], "UID")
            if value.strip():
                return value.strip()
        # Without a UID an event cannot be linked to others; give it one of its own.
        return f"line-{raw.line}"

    # -- deciding what to expand --------------------------------------------------------------

    def _worth_expanding(self, group: list[RawEvent]) -> bool:
        """Cheaply skip events that cannot reach the window (most of a long history).

        Only two shapes are skipped, both conservatively: a lone event without repeats or
        overrides that lies outside the window, and a series that provably ended before it.
        """
        rough_utc = self.times.rough_utc
        low = self.window_start - _MARGIN
        high = self.window_end + _MARGIN
        if len(group) == 1 and not group[0].repeats and not group[0].is_override:
            raw = group[0]
            start = self._start(raw)
            first = rough_utc(start)
            last = self._rough_end(raw, start, first)
            return first < high and last > low
        latest = datetime.min.replace(tzinfo=UTC)
        for raw in group:
            start = self._start(raw)
            first = rough_utc(start)
            length = self._rough_end(raw, start, first) - first
            latest = max(latest, first + length)
            recurrence = raw.first("RECURRENCE-ID")
            if recurrence is not None:
                params, _ = split(recurrence[0], recurrence[1], "RECURRENCE-ID")
                if str(params.get("RANGE", "")).upper() == "THISANDFUTURE":
                    return True
            for text, line in raw.props.get("RRULE", ()):
                _, value = split(text, line, "RRULE")
                rule = self._rule(value, raw, line)
                last_start = rule_end(rule, start, first, rough_utc)
                if last_start is None:
                    return True
                latest = max(latest, last_start + length)
            for text, line in raw.props.get("RDATE", ()):
                if text.count(",") + 1 > self.limits.max_dates_per_event:
                    return True  # let the full read report it
                for moment in self.times.moments(text, line, "RDATE"):
                    if isinstance(moment, tuple):
                        when, until = moment
                        span = (
                            until
                            if isinstance(until, timedelta)
                            else (rough_utc(until) - rough_utc(when))
                        )
                        latest = max(latest, rough_utc(when) + max(span, length))
                    else:
                        latest = max(latest, rough_utc(moment) + length)
            if latest > low:
                return True
        return latest > low

    # -- values -------------------------------------------------------------------------------

    def _start(self, raw: RawEvent) -> Moment:
        if raw.start is None:
            found = raw.first("DTSTART")
            if found is None:
                fail(f"{event_words(self._summary(raw))} has no start time (DTSTART).", raw.line)
            if len(raw.props["DTSTART"]) > 1:
                fail(
                    "the event has more than one start time (DTSTART).", raw.props["DTSTART"][1][1]
                )
            raw.start = self.times.moment_line(found[0], found[1], "DTSTART")
        return raw.start

    def _rough_end(self, raw: RawEvent, start: Moment, first: datetime) -> datetime:
        """The end in UTC, for the cheap window checks only."""
        found = raw.first("DTEND")
        if found is not None:
            end = self.times.moment_line(found[0], found[1], "DTEND")
            return max(first, self.times.rough_utc(end))
        found = raw.first("DURATION")
        if found is not None:
            return first + abs(self.times.duration(found[0], found[1]))
        return first + timedelta(days=1) if not isinstance(start, datetime) else first

    def _summary(self, raw: RawEvent) -> str:
        found = raw.first("SUMMARY")
        if found is None:
            return ""
        return split(found[0], found[1], "SUMMARY")[1].strip()

    def _rule(self, value: str, raw: RawEvent, line: int) -> vRecur:
        return vet_rule(value, lambda: self._describe(raw), line)

    def _describe(self, raw: RawEvent) -> str:
        """The event in words, for error messages (reads its SUMMARY only when needed)."""
        return event_words(self._summary(raw), raw.line)

    # -- building components for recurring-ical-events -----------------------------------------

    def _event(self, raw: RawEvent) -> tuple[Event, EventInfo]:
        """Build the icalendar Event that recurring-ical-events expands, and our notes."""
        times = self.times
        props = raw.props
        event = Event()
        event["UID"] = vText(raw.uid)
        start = self._start(raw)
        event["DTSTART"] = vDDDTypes(start)
        found = raw.first("DTEND")
        if found is not None:
            end = times.moment_line(found[0], found[1], "DTEND")
            if times.rough_utc(end) < times.rough_utc(start):
                fail(f"{self._describe(raw)} ends before it starts.", found[1])
            event["DTEND"] = vDDDTypes(end)
        else:
            found = raw.first("DURATION")
            if found is not None:
                duration = times.duration(found[0], found[1])
                if duration < timedelta(0):
                    fail(f"{self._describe(raw)} has a negative DURATION.", found[1])
                event["DURATION"] = vDDDTypes(duration)
        rules = props.get("RRULE", [])
        if len(rules) > self.limits.max_rules_per_event:
            refuse(
                f"{self._describe(raw)} has more than {self.limits.max_rules_per_event} "
                "repeat rules.",
                rules[0][1],
            )
        if rules:
            recurs = [self._rule(split(text, line, "RRULE")[1], raw, line) for text, line in rules]
            event["RRULE"] = recurs[0] if len(recurs) == 1 else recurs
        self.dates_left = self.limits.max_dates_per_event
        for name in ("EXDATE", "RDATE"):
            lists = [self._date_list(raw, text, line, name) for text, line in props.get(name, [])]
            if lists:
                event[name] = lists[0] if len(lists) == 1 else lists
        found = raw.first("RECURRENCE-ID")
        if found is not None:
            params, value = split(found[0], found[1], "RECURRENCE-ID")
            recurrence = vDDDTypes(times.moment(value, params, found[1], "RECURRENCE-ID"))
            if str(params.get("RANGE", "")).upper() == "THISANDFUTURE":
                recurrence.params["RANGE"] = "THISANDFUTURE"
            event["RECURRENCE-ID"] = recurrence
        found = raw.first("SEQUENCE")
        if found is not None:
            # A broken SEQUENCE only matters for conflicting copies of an event; ignore it.
            with contextlib.suppress(ValueError):
                event["SEQUENCE"] = vInt(int(split(found[0], found[1], "SEQUENCE")[1].strip()))
        summary = self._summary(raw)
        names: list[str] = []
        for text, line in props.get("CATEGORIES", []):
            names.extend(categories(text, line))
        info = EventInfo(
            uid=raw.uid,
            line=raw.line,
            summary=summary,
            available=self.markers.matches(summary, names),
            transparent=self._word(raw, "TRANSP") == "TRANSPARENT",
            cancelled=self._word(raw, "STATUS") == "CANCELLED",
            context=self.context,
        )
        return event, info

    def _word(self, raw: RawEvent, name: str) -> str:
        found = raw.first(name)
        if found is None:
            return ""
        return split(found[0], found[1], name)[1].strip().upper()

    def _date_list(self, raw: RawEvent, text: str, line: int, name: str) -> vDDDLists:
        count = text.count(",") + 1  # checked before parsing, so a huge line costs nothing
        if count > self.dates_left:
            refuse(
                f"{self._describe(raw)} has more than {self.limits.max_dates_per_event:,} "
                "EXDATE/RDATE values.",
                line,
            )
        moments = self.times.moments(text, line, name)
        self.dates_left -= len(moments)
        return vDDDLists(moments)

    # -- expansion ----------------------------------------------------------------------------

    def _expand(self, group: list[RawEvent], found: _Found) -> None:
        """Expand one UID's events over the window with recurring-ical-events."""
        events = [self._built.pop(id(raw), None) or self._event(raw) for raw in group]
        lead = next(
            (info for raw, (_, info) in zip(group, events, strict=True) if not raw.is_override),
            None,
        )
        self._expand_events(events, found, lead)

    def _touching_daily_runs(
        self, groups: dict[str, list[RawEvent]]
    ) -> list[tuple[Event, EventInfo, list[str]]]:
        """Open-ended daily series that start on the same day and touch or overlap each other
        (say 2,000 two-second events one after the other) occupy, every day, the union of
        their first occurrences: each run is expanded once, as one series from the run's
        first start to its last end, instead of once per series. Only plain series qualify:
        one UID each, one ``RRULE:FREQ=DAILY`` without other parts, no extra or excluded
        dates, no moved occurrences, times of day, the same zone, kind and day."""
        by_key: dict[tuple[Any, ...], list[tuple[Event, EventInfo, datetime, datetime]]] = {}
        for group in groups.values():
            if len(group) != 1:
                continue
            raw = group[0]
            rules = raw.props.get("RRULE", [])
            if (
                raw.is_override
                or len(rules) != 1
                or "FREQ=DAILY" not in rules[0][0].upper()  # cheap look before building
                or "RDATE" in raw.props
                or "EXDATE" in raw.props
                or "DTEND" not in raw.props
            ):
                continue
            built = self._build_quietly(raw)
            if built is None:
                continue
            event, info = built
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            parts = {key: value for key, value in event["RRULE"].items() if key != "WKST"}
            if (
                not isinstance(start, datetime)
                or not isinstance(end, datetime)
                or parts.get("FREQ") != ["DAILY"]
                or set(parts) - {"FREQ", "INTERVAL"}
                or parts.get("INTERVAL", [1]) != [1]
                or end <= start
            ):
                continue
            key = (
                str(start.tzinfo),
                start.date(),
                info.available,
                info.transparent,
                info.cancelled,
            )
            by_key.setdefault(key, []).append((event, info, start, end))
        runs: list[tuple[Event, EventInfo, list[str]]] = []
        for members in by_key.values():
            members.sort(key=lambda member: (member[2], member[3]))
            current: list[tuple[Event, EventInfo, datetime, datetime]] = []
            run_end: datetime | None = None
            for member in members:
                if run_end is not None and member[2] > run_end:
                    runs += self._merged(current)
                    current, run_end = [], None
                current.append(member)
                run_end = member[3] if run_end is None else max(run_end, member[3])
            runs += self._merged(current)
        return runs

    @staticmethod
    def _merged(
        run: list[tuple[Event, EventInfo, datetime, datetime]],
    ) -> list[tuple[Event, EventInfo, list[str]]]:
        """One series standing for a run of touching ones, with the UIDs it stands for (none
        for a run of one, which is read as usual)."""
        if len(run) < 2:
            return []
        event, info, _start, _end = run[0]
        stretched = Event()  # the first series' own event stays as it is, if read alone
        for name, value in event.items():
            stretched[name] = value
        stretched["DTEND"] = vDDDTypes(max(member[3] for member in run))
        return [(stretched, info, [member[1].uid for member in run])]

    def _build_quietly(self, raw: RawEvent) -> tuple[Event, EventInfo] | None:
        """The event built and kept for reading later; None when damaged (it is then read on
        its own, which reports the damage)."""
        try:
            built = self._event(raw)
        except (FileError, CallbackFailed):
            raise
        except Exception:
            return None
        self._built[id(raw)] = built
        return built

    def _expanded_run(self, event: Event, info: EventInfo) -> _Found | None:
        """The intervals of the series standing for a run; None when it cannot be read."""
        found: _Found = set()
        try:
            self._expand_events([(event, info)], found)
        except (FileError, CallbackFailed):
            raise
        except Exception:
            return None
        return found

    def _expand_events(
        self,
        events: list[tuple[Event, EventInfo]],
        found: _Found,
        lead: EventInfo | None = None,
    ) -> None:
        """Expand the events of one UID (or the series standing for a run)."""
        adapters = [Adapter(event, info) for event, info in events]
        lead = lead or adapters[0].info
        # Ask for a day more on each side, expressed in the advisor's zone so that all-day
        # events are compared at local midnight; the exact window is applied below.
        span_start = (self.window_start - timedelta(days=1)).astimezone(self.advisor_zone)
        span_end = (self.window_end + timedelta(days=1)).astimezone(self.advisor_zone)
        cap = self.limits.max_occurrences_per_series
        try:
            series = BoundedSeries(adapters)
            for count, occurrence in enumerate(series.between(span_start, span_end), 1):
                if count > cap:
                    refuse(
                        f"{lead.describe()} happens more than {cap:,} times in the requested "
                        "period; that is too many to handle.",
                        lead.line,
                    )
                self._record(occurrence, found)
        except (IcsError, CallbackFailed):
            raise
        except Exception as exc:
            fail(
                f"the repetitions of {lead.describe()} could not be worked out "
                f"({type(exc).__name__}: {excerpt(str(exc))}).",
                lead.line,
            )

    def _record(self, occurrence: BoundedOccurrence, found: _Found) -> None:
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
        instant = self.times.instant
        start = instant(occurrence.start)
        end = instant(occurrence.end)
        if not isinstance(occurrence.start, datetime) and end <= start:
            end = instant(occurrence.start + timedelta(days=1))
        start = max(start.astimezone(UTC), self.window_start)
        end = min(end.astimezone(UTC), self.window_end)
        if end > start:
            found.add((start, end, kind, info.uid))


def _damaged_event(group: list[RawEvent], error: Exception) -> RawEvent | None:
    """The event of ``group`` that holds the line ``error`` names, if any."""
    line = getattr(error, "line", None)
    if line is None:
        return None
    for raw in group:
        if raw.line == line or any(line == at for lines in raw.props.values() for _, at in lines):
            return raw
    return None
