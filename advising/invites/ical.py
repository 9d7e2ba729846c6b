"""iCalendar (RFC 5545 / RFC 5546 iTIP) documents for consultation bookings.

Pure module: no Flask, no database. Every document is built with the
``icalendar`` library; nothing here assembles iCalendar text by hand.

* :func:`build_request` -- ``METHOD:REQUEST`` for a new or moved booking.
* :func:`build_cancel` -- ``METHOD:CANCEL`` (``STATUS:CANCELLED``).
* :func:`build_publish` -- ``METHOD:PUBLISH`` with many events (staff
  downloads, an advisor's subscription feed).

One booking keeps one UID for its whole life; the caller raises SEQUENCE by
one on every reschedule and on the cancel, so calendars replace the event
instead of adding a second one.

Text from users (names, summary, description, location) can never add a
line, a property or a parameter: single-line values pass through
:func:`clean_line` (control characters and line breaks removed, whitespace
collapsed), parameter values through :func:`clean_name` (also no ``"``,
which RFC 5545 cannot carry inside a parameter value and which RFC 6868's
``^'`` escape shows literally in clients that don't implement it),
multi-line texts through :func:`clean_text`, and e-mail addresses through
:func:`clean_email`, which rejects anything that is not a plain
``local@domain`` address. Links must be absolute http(s) URLs
(:func:`clean_url`). Times must be timezone-aware; they are written in UTC
with whole seconds (microseconds are dropped).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vUri

from advising.shared.emails import normalize_email

__all__ = [
    "DEFAULT_CALENDAR_NAME",
    "DEFAULT_REMINDER",
    "PRODID",
    "WEEKDAYS",
    "InvalidInviteData",
    "InviteEvent",
    "WeeklyItem",
    "build_cancel",
    "build_publish",
    "build_request",
    "clean_email",
    "clean_line",
    "clean_name",
    "clean_text",
    "clean_url",
]

PRODID = "-//advising//Consultation invites 1.0//EN"
DEFAULT_CALENDAR_NAME = "Advising consultations"
DEFAULT_REMINDER = timedelta(minutes=30)
FEED_REFRESH = timedelta(hours=1)

CONFIRMED = "CONFIRMED"
TENTATIVE = "TENTATIVE"
CANCELLED = "CANCELLED"
_STATUSES = frozenset({CONFIRMED, TENTATIVE, CANCELLED})


class InvalidInviteData(ValueError):
    """An invite field cannot be written safely (bad address, URL, time, ...)."""


@dataclass(frozen=True)
class InviteEvent:
    """One booking, as it should appear in a calendar."""

    uid: str  # stable per booking, e.g. "booking-42@advising.example"
    sequence: int  # 0 on create; +1 on every reschedule and on cancel
    start: datetime  # timezone-aware
    end: datetime  # timezone-aware, after start
    summary: str
    description: str
    location: str
    organizer_name: str  # the advisor
    organizer_email: str
    attendee_name: str  # the visitor
    attendee_email: str
    status: str  # "CONFIRMED" | "TENTATIVE" | "CANCELLED"
    manage_url: str | None
    video_url: str | None
    created: datetime | None = None


# --------------------------------------------------------------------------
# Cleaning user text
# --------------------------------------------------------------------------

# Characters that end a line somewhere (RFC 5545 parsers, Python's
# str.splitlines, Unicode). In single-line values they become a space.
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Bidirectional embedding/override/isolate controls: used to disguise names.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_dropped(ch: str) -> bool:
    """Characters that never belong in calendar or header text."""
    if ch in _BIDI_CONTROLS:
        return True
    code = ord(ch)
    if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:  # noncharacters
        return True
    # Cc: C0/C1 controls and DEL; Cs: lone surrogates (not encodable).
    return unicodedata.category(ch) in ("Cc", "Cs")


def _as_str(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInviteData(f"expected text, got {type(value).__name__}")
    return value


def _defuse_backslash_n(text: str) -> str:
    # icalendar 7 turns a literal backslash + capital N in TEXT values into a
    # line break when serializing. Lower-case it so the text round-trips.
    return text.replace("\\N", "\\n")


def clean_line(value: str | None) -> str:
    """A single-line value: no line breaks, no control characters.

    Line breaks and tabs become spaces, other control/bidi-override
    characters are removed, runs of whitespace collapse to one space and the
    ends are stripped. ``None`` gives ``""``.
    """
    text = _as_str(value)
    chars = []
    for ch in text:
        if ch in _LINE_BREAKS or ch == "\t":
            chars.append(" ")
        elif not _is_dropped(ch):
            chars.append(ch)
    return _defuse_backslash_n(" ".join("".join(chars).split()))


def clean_name(value: str | None) -> str:
    """A value fit for a parameter such as ``CN``: :func:`clean_line` without ``"`` or ``\\``.

    A double quote cannot appear in an RFC 5545 parameter value; RFC 6868's
    ``^'`` escape is not understood by every client, so it becomes ``'``.
    Parameter values have no backslash escapes, yet parsers (icalendar's
    among them) read ``CN=\\:mailto:...`` as an escaped colon, so a
    backslash becomes ``/``.
    """
    return clean_line(value).replace('"', "'").replace("\\", "/")


def clean_text(value: str | None) -> str:
    """A multi-line value (DESCRIPTION): keeps line breaks (as ``\\n``) and tabs.

    CRLF, CR and other line separators become ``\\n``, other control
    characters are removed, trailing spaces on each line and blank lines at
    both ends are stripped.
    """
    text = _as_str(value).replace("\r\n", "\n")
    chars = []
    for ch in text:
        if ch in _LINE_BREAKS:
            chars.append("\n")
        elif ch == "\t" or not _is_dropped(ch):
            chars.append(ch)
    lines = [line.rstrip() for line in "".join(chars).split("\n")]
    return _defuse_backslash_n("\n".join(lines).strip("\n"))


def clean_email(value: str | None) -> str:
    """Validate a plain ``local@domain`` address; return it with the domain lower-cased.

    The one address check of the app (:func:`advising.shared.emails.normalize_email`, which
    the booking form and the API use too): display names, quotes, ``;``, ``:``, ``,``,
    ``<>``, whitespace or control characters, IP literals and a single-label domain raise
    :class:`InvalidInviteData`. International domains become their ASCII (IDNA) form.
    """
    text = _as_str(value)
    try:
        return normalize_email(text)
    except ValueError as error:
        raise InvalidInviteData(str(error))


def clean_url(value: str) -> str:
    """Validate an absolute ``http``/``https`` URL without spaces or control characters."""
    url = _as_str(value).strip()
    if not url or any(ch.isspace() or _is_dropped(ch) or ch in '"<>\\' for ch in url):
        raise InvalidInviteData(f"invalid URL: {url!r}")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidInviteData(f"invalid URL: {url!r}")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInviteData(f"URL must be absolute http(s): {url!r}")
    return url


def _clean_uid(value: str) -> str:
    uid = _as_str(value)
    if not uid or len(uid) > 255 or clean_line(uid) != uid or " " in uid:
        raise InvalidInviteData(f"invalid UID: {uid!r}")
    return uid


def _utc(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInviteData(f"{field} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInviteData(f"{field} must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0)


def _sequence(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInviteData(f"SEQUENCE must be a non-negative int, got {value!r}")
    return value


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------

_REQUEST = "REQUEST"
_CANCEL = "CANCEL"
_PUBLISH = "PUBLISH"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{clean_email(email)}")
    cn = clean_name(name)
    if cn:
        address.params["CN"] = cn
    for key, val in params.items():
        address.params[key.upper().replace("_", "-")] = val
    return address


def _description(event: InviteEvent, manage_url: str | None, video_url: str | None) -> str:
    parts = [clean_text(event.description)]
    if manage_url:
        parts.append(f"Manage your booking: {manage_url}")
    if video_url:
        parts.append(f"Video call: {video_url}")
    return "\n\n".join(part for part in parts if part)


def _vevent(
    event: InviteEvent,
    now: datetime,
    *,
    method: str,
    status: str,
    reminder: timedelta | None,
    include_attendee: bool = True,
) -> Event:
    start = _utc(event.start, "start")
    end = _utc(event.end, "end")
    if end <= start:
        raise InvalidInviteData("end must be after start")
    manage_url = clean_url(event.manage_url) if event.manage_url else None
    video_url = clean_url(event.video_url) if event.video_url else None
    summary = clean_line(event.summary)

    vevent = Event()
    vevent.add("uid", _clean_uid(event.uid))
    vevent.add("sequence", _sequence(event.sequence))
    vevent.add("dtstamp", now)
    if event.created is not None:
        vevent.add("created", _utc(event.created, "created"))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", summary)
    description = _description(event, manage_url, video_url)
    if description:
        vevent.add("description", description)
    location = clean_line(event.location) or (video_url or "")
    if location:
        vevent.add("location", location)
    if manage_url:
        vevent.add("url", vUri(manage_url), parameters={"VALUE": "URI"})
    if video_url:
        vevent.add(
            "conference",
            vUri(video_url),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Video call"},
        )
    vevent.add("organizer", _address(event.organizer_email, event.organizer_name))
    if method in (_REQUEST, _CANCEL):
        vevent.add(
            "attendee",
            _address(
                event.attendee_email,
                event.attendee_name,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="TRUE",
            ),
        )
    elif include_attendee:
        vevent.add(
            "attendee",
            _address(event.attendee_email, event.attendee_name, role="REQ-PARTICIPANT"),
        )
    vevent.add("status", status)
    vevent.add("transp", "TRANSPARENT" if status == CANCELLED else "OPAQUE")
    if reminder is not None and status != CANCELLED:
        vevent.add_component(_alarm(summary, reminder))
    return vevent


def _alarm(summary: str, before: timedelta) -> Alarm:
    if not isinstance(before, timedelta) or before < timedelta(0):
        raise InvalidInviteData("reminder must be a non-negative timedelta")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Reminder: {summary}" if summary else "Reminder")
    alarm.add("trigger", -before, parameters={"RELATED": "START"})
    return alarm


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def build_request(
    event: InviteEvent, now: datetime, *, reminder: timedelta | None = DEFAULT_REMINDER
) -> bytes:
    """``METHOD:REQUEST`` for a new booking or a moved one (same UID, higher SEQUENCE).

    ``event.status`` must be CONFIRMED or TENTATIVE; use :func:`build_cancel`
    for a cancellation. ``reminder`` adds a DISPLAY alarm that long before
    the start (``None`` for none).
    """
    status = _as_str(event.status).upper()
    if status not in (CONFIRMED, TENTATIVE):
        raise InvalidInviteData(f"a REQUEST needs status CONFIRMED or TENTATIVE, not {status!r}")
    cal = _calendar(_REQUEST)
    cal.add_component(
        _vevent(event, _utc(now, "now"), method=_REQUEST, status=status, reminder=reminder)
    )
    return cal.to_ical()


def build_cancel(event: InviteEvent, now: datetime) -> bytes:
    """``METHOD:CANCEL`` with ``STATUS:CANCELLED`` (whatever ``event.status`` says).

    The caller passes the booking's SEQUENCE already raised for the cancel.
    """
    cal = _calendar(_CANCEL)
    cal.add_component(
        _vevent(event, _utc(now, "now"), method=_CANCEL, status=CANCELLED, reminder=None)
    )
    return cal.to_ical()


def build_publish(
    events: Iterable[InviteEvent],
    now: datetime,
    calendar_name: str = DEFAULT_CALENDAR_NAME,
    *,
    reminder: timedelta | None = DEFAULT_REMINDER,
    include_attendees: bool = True,
) -> bytes:
    """``METHOD:PUBLISH`` with one VEVENT per event (downloads, subscription feeds).

    Each event keeps its ORGANIZER; the visitor is listed as ATTENDEE
    without RSVP (``include_attendees=False`` leaves visitors out). Events
    whose status is CANCELLED stay in the feed with ``STATUS:CANCELLED`` so
    subscribed calendars drop them; they get no alarm.
    """
    stamp = _utc(now, "now")
    cal = _calendar(_PUBLISH)
    name = clean_line(calendar_name)
    if name:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    cal.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(FEED_REFRESH))
    for event in events:
        status = _as_str(event.status).upper()
        if status not in _STATUSES:
            raise InvalidInviteData(f"unknown status {event.status!r}")
        cal.add_component(
            _vevent(
                event,
                stamp,
                method=_PUBLISH,
                status=status,
                reminder=reminder,
                include_attendee=include_attendees,
            )
        )
    return cal.to_ical()


@dataclass(frozen=True)
class AllDayItem:
    """A dated item of a published plan (a roadmap milestone): one all-day, free event.

    ``url`` (absolute http(s)) becomes the event's URL; ``reminder`` adds a DISPLAY alarm that
    long before the day starts (all-day events start at midnight of their own day)."""

    uid: str
    day: date
    summary: str
    description: str = ""
    category: str = ""
    url: str = ""
    reminder: timedelta | None = None


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class WeeklyItem:
    """A weekly recurring block (study sessions): ``first_start`` in the person's zone (a
    ``zoneinfo`` time, written with TZID and a VTIMEZONE), repeating on ``weekdays`` (RFC 5545
    day codes) until ``until`` (aware; written in UTC as the RRULE requires)."""

    uid: str
    first_start: datetime
    duration: timedelta
    weekdays: tuple[str, ...]
    until: datetime
    summary: str
    description: str = ""
    category: str = ""
    url: str = ""


def _weekly_vevent(item: WeeklyItem, dtstamp: datetime) -> Event:
    start = item.first_start
    if not isinstance(start, datetime) or not hasattr(start.tzinfo, "key"):
        raise InvalidInviteData("a weekly item starts at a time in a named (zoneinfo) zone")
    if not isinstance(item.duration, timedelta) or not (
        timedelta(0) < item.duration <= timedelta(hours=24)
    ):
        raise InvalidInviteData("a weekly item lasts between a minute and a day")
    days = tuple(item.weekdays)
    if not days or any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
        raise InvalidInviteData(f"weekdays must be distinct RFC 5545 day codes: {days!r}")
    until = _utc(item.until, "until")
    if until < start:
        raise InvalidInviteData("until must not be before the first start")
    start = start.replace(microsecond=0)
    vevent = Event()
    vevent.add("uid", _clean_uid(item.uid))
    vevent.add("dtstamp", dtstamp)
    vevent.add("dtstart", start)
    vevent.add("dtend", start + item.duration)
    vevent.add("rrule", {"FREQ": "WEEKLY", "BYDAY": list(days), "UNTIL": until})
    summary = clean_line(item.summary)
    vevent.add("summary", summary)
    if description := clean_text(item.description):
        vevent.add("description", description)
    if item.url:
        vevent.add("url", vUri(clean_url(item.url)), parameters={"VALUE": "URI"})
    vevent.add("transp", "OPAQUE")
    if category := clean_line(item.category):
        vevent.add("categories", [category])
    return vevent


def build_all_day_publish(
    items: Iterable[AllDayItem],
    stamp: datetime,
    calendar_name: str,
    *,
    weekly: Iterable[WeeklyItem] = (),
) -> bytes:
    """``METHOD:PUBLISH`` of all-day, transparent events, through the same sanitisers as
    invites, plus any ``weekly`` recurring blocks (with the VTIMEZONE of their zone).
    ``stamp`` is every DTSTAMP: a fixed one makes a download byte-for-byte stable, so
    importing it again updates the same events instead of adding copies."""
    dtstamp = _utc(stamp, "stamp")
    cal = _calendar(_PUBLISH)
    name = clean_line(calendar_name)
    if name:
        cal.add("x-wr-calname", name)
    for item in items:
        if not isinstance(item.day, date) or isinstance(item.day, datetime):
            raise InvalidInviteData("an all-day item needs a date")
        vevent = Event()
        vevent.add("uid", _clean_uid(item.uid))
        vevent.add("dtstamp", dtstamp)
        vevent.add("dtstart", item.day)
        vevent.add("dtend", item.day + timedelta(days=1))
        vevent.add("summary", clean_line(item.summary))
        if description := clean_text(item.description):
            vevent.add("description", description)
        vevent.add("transp", "TRANSPARENT")
        if category := clean_line(item.category):
            vevent.add("categories", [category])
        if item.url:
            vevent.add("url", vUri(clean_url(item.url)), parameters={"VALUE": "URI"})
        if item.reminder is not None:
            vevent.add_component(_alarm(clean_line(item.summary), item.reminder))
        cal.add_component(vevent)
    recurring = [_weekly_vevent(item, dtstamp) for item in weekly]
    for vevent in recurring:
        cal.add_component(vevent)
    if recurring:
        cal.add_missing_timezones()
    return cal.to_ical()


# --------------------------------------------------------------------------
# Add-to-calendar links (Google Calendar, Outlook on the web)
# --------------------------------------------------------------------------


def _link_details(event: InviteEvent) -> str:
    parts = [clean_text(event.description)]
    if event.video_url:
        parts.append(f"Video call: {clean_url(event.video_url)}")
    if event.manage_url:
        parts.append(f"Reschedule or cancel: {clean_url(event.manage_url)}")
    return "\n".join(part for part in parts if part)


def google_calendar_url(event: InviteEvent) -> str:
    """A link that opens Google Calendar with this event filled in (times in UTC)."""
    start, end = _utc(event.start, "start"), _utc(event.end, "end")
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": clean_line(event.summary),
            "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
            "details": _link_details(event),
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_calendar_url(event: InviteEvent) -> str:
    """A link that opens Outlook on the web with this event filled in (times in UTC)."""
    start, end = _utc(event.start, "start"), _utc(event.end, "end")
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": clean_line(event.summary),
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "body": _link_details(event),
        }
    )
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{query}"
