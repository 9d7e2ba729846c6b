"""Scrubbing: what of a calendar is worth storing once its intervals are known.

Busy events' titles and details are private. The stored copy keeps times, rules, categories
and availability titles, so it reads to the same intervals with the same markers.
"""

from __future__ import annotations

from collections.abc import Sequence

from advising.calendars.ics.decode import decode_text
from advising.calendars.ics.lines import logical_lines, property_name, split, value_after_colon
from advising.calendars.ics.markers import MarkerMatcher
from advising.calendars.ics.types import AvailabilityMarkers, IcsError

# Event properties that say more than scheduling needs: dropped from stored calendars.
PRIVATE_PROPERTIES = frozenset(
    {
        "DESCRIPTION",
        "LOCATION",
        "ATTENDEE",
        "ORGANIZER",
        "COMMENT",
        "CONTACT",
        "URL",
        "ATTACH",
        "RESOURCES",
        "X-ALT-DESC",
        # links to video meetings
        "X-GOOGLE-CONFERENCE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL",
        "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    }
)
# The calendar's own name and description (Google puts the owner's email there).
PRIVATE_CALENDAR_PROPERTIES = frozenset({"X-WR-CALNAME", "X-WR-CALDESC"})
BUSY_TITLE = "Busy"


def scrub(data: bytes, keywords: Sequence[str]) -> bytes:
    """The calendar without what scheduling does not need (one linear pass over lines).

    Inside events, drops the description, location, people, links and attachments and any
    alarms, and replaces each title with "Busy" unless it contains an availability keyword.
    Categories, times and recurrence rules are kept, and so is everything outside events but
    the calendar's name and description. ``data`` must be readable text (IcsError if not):
    callers scrub what :func:`parse_calendar` has just read.
    """
    matcher = MarkerMatcher(AvailabilityMarkers(tuple(keywords), ()))
    busy_line = "SUMMARY:" + ("" if matcher.matches_title(BUSY_TITLE) else BUSY_TITLE)
    out: list[str] = []
    in_event = in_alarm = False
    for number, line in logical_lines(decode_text(data)):
        name = property_name(line)
        if name in ("BEGIN", "END"):
            value = value_after_colon(line).strip().upper()
            if value == "VALARM" and in_event:
                in_alarm = name == "BEGIN"
                continue
            if value == "VEVENT":
                in_event = name == "BEGIN"
        elif in_alarm:
            continue
        elif in_event:
            if name in PRIVATE_PROPERTIES:
                continue
            if name == "SUMMARY" and not matcher.matches_title(_summary(line, number)):
                line = busy_line
        elif name in PRIVATE_CALENDAR_PROPERTIES:
            continue
        out.append(line)
    out.append("")
    return "\r\n".join(out).encode()


def _summary(line: str, number: int) -> str:
    """The unescaped title of a SUMMARY line; empty when the line cannot be read."""
    try:
        return split(line, number, "SUMMARY")[1]
    except IcsError:
        return ""
