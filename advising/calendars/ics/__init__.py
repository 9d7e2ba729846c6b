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
  intervals are *not* merged: each event keeps its own interval and UID (callers that store
  them merge with :func:`merge_intervals`).
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
* One damaged event (no start, an end before its start, a repeat rule that cannot be read or
  used: an empty RRULE, COUNT with UNTIL, RSCALE; a bad date or duration) is skipped, and
  :func:`read_calendar` reports it with its line and the reason; the rest is read.
* Problems with the file as a whole (not a calendar, broken structure, a damaged VTIMEZONE,
  more work than the limits allow) raise :class:`IcsError`, whose message is written for the
  advisor; mistakes by the caller (naive window, unknown zone name) raise :class:`ValueError`.

Hostile files are bounded: the size is checked before anything is parsed, the text must be
UTF-8 without NUL bytes, and there are caps on components, nesting, dates per event and
occurrences per series. Repeat rules are never expanded blindly from their first date: a rule
that is too costly to walk up to the window is refused before any work is done, open-ended
daily, weekly and hourly rules skip straight to the window, and a rule that can never match is
cut off after a few decades instead of the thousands of years dateutil would walk. A time budget
covers the rest.

Modules, one concern each: ``types`` (the public values and errors), ``decode`` (bytes to
text), ``lines`` (content lines), ``scanner`` (components), ``zones`` (TZIDs and VTIMEZONE),
``times`` (placing values in time), ``events`` and ``recurrence`` (repeat rules with bounded
work), ``markers`` (availability keywords), ``reader`` (events to intervals), ``merge``
(overlapping and touching intervals made one before storing) and ``scrub`` (what of a calendar
is stored).
"""

from __future__ import annotations

from advising.calendars.ics.markers import keyword_pattern
from advising.calendars.ics.merge import merge_intervals
from advising.calendars.ics.reader import parse_calendar, read_calendar
from advising.calendars.ics.scrub import scrub
from advising.calendars.ics.types import (
    AvailabilityMarkers,
    Clock,
    IcsError,
    Interval,
    Limits,
    ParseResult,
    SkippedEvent,
)

__all__ = [
    "AvailabilityMarkers",
    "Clock",
    "IcsError",
    "Interval",
    "Limits",
    "ParseResult",
    "SkippedEvent",
    "keyword_pattern",
    "merge_intervals",
    "parse_calendar",
    "read_calendar",
    "scrub",
]
