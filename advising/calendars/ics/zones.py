"""Time zones: the advisor's zone, TZIDs by IANA, Windows or vendor name, and VTIMEZONE blocks."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from dateutil import rrule as dateutil_rrule
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vDDDTypes, vRecur, vUTCOffset
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from advising.calendars.ics.lines import split
from advising.calendars.ics.scanner import Block
from advising.calendars.ics.types import Clock, refuse
from advising.shared.text import excerpt
from advising.shared.zones import is_zone

_MAX_OFFSET = timedelta(hours=18)
_ZONE_RULE_PARTS = frozenset(
    {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYMONTH", "BYDAY", "BYMONTHDAY", "WKST"}
)


def _iana(name: str) -> tzinfo | None:
    """The IANA zone with exactly this name, without touching the disk for unknown names."""
    return zoneinfo.ZoneInfo(name) if is_zone(name) else None


def advisor_zone(zone: str) -> tzinfo:
    """The advisor's zone; a bad name is the caller's mistake, not the file's."""
    found = _iana(zone)
    if found is None:
        raise ValueError(f"unknown IANA time zone: {zone!r}")
    return found


@lru_cache(maxsize=512)
def known_zone(tzid: str) -> tzinfo | None:
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


class ZoneBook:
    """Resolves the TZIDs of one file.

    Well-known names come from zoneinfo (see :func:`known_zone`). Anything else is built from
    the file's own VTIMEZONE with icalendar's ``Timezone.to_tz``. We deliberately do not go
    through icalendar's global zone cache: it keeps the *first* VTIMEZONE it ever saw for a
    TZID, so one advisor's "Customized Time Zone" would silently apply to everyone else's.
    """

    def __init__(self, blocks: list[Block], clock: Clock) -> None:
        self.clock = clock
        self.blocks: dict[str, Block] = {}
        for block in blocks:
            for name, text, line in block.props:
                if name == "TZID":
                    tzid = split(text, line, "TZID")[1].strip()
                    self.blocks.setdefault(tzid, block)
        self.found: dict[str, tzinfo | None] = {}

    def lookup(self, tzid: str, line: int) -> tzinfo | None:
        """The zone for a TZID, or None to treat the time as floating."""
        if tzid in self.found:
            return self.found[tzid]
        zone = known_zone(tzid)
        if zone is None:
            block = self.blocks.get(tzid.strip())
            if block is not None:
                self.clock.check()
                zone = _build(tzid.strip(), block)
        self.found[tzid] = zone
        return zone


def _build(tzid: str, block: Block) -> tzinfo:
    """Build a zone from a VTIMEZONE block after vetting its rules."""
    where = f'the time zone "{excerpt(tzid, 40)}"'
    if not block.children:
        refuse(f"{where} has no STANDARD or DAYLIGHT part.", block.line)
    component = Timezone()
    component.add("TZID", tzid)
    for child in block.children:
        component.add_component(_observance(child, where))
    try:
        return component.to_tz(tzp, lookup_tzid=False)
    except Exception as exc:
        refuse(f"{where} could not be understood ({excerpt(str(exc))}).", block.line)


def _observance(child: Block, where: str) -> TimezoneStandard | TimezoneDaylight:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE, vetted."""
    part = TimezoneStandard() if child.name == "STANDARD" else TimezoneDaylight()
    seen: set[str] = set()
    start: datetime | None = None
    rule: vRecur | None = None
    for name, text, line in child.props:
        value = split(text, line, name)[1].strip()
        if name in seen and name != "RDATE" and name != "TZNAME":
            continue  # keep the first of a repeated single-valued property
        seen.add(name)
        if name == "DTSTART":
            start = _zone_moment(value, line, where)
        elif name in ("TZOFFSETFROM", "TZOFFSETTO"):
            try:
                offset = vUTCOffset.from_ical(value)
            except (ValueError, TypeError):
                refuse(f'{where} has an invalid {name} "{excerpt(value)}".', line)
            if abs(offset) > _MAX_OFFSET:
                refuse(f"{where} is more than 18 hours away from UTC.", line)
            part.add(name, offset)
        elif name == "TZNAME":
            part.add("TZNAME", value)
        elif name == "RRULE":
            rule = _zone_rule(value, line, where)
        elif name == "RDATE":
            values = [v for v in value.split(",") if v.strip()]
            if len(values) > 1000:
                refuse(f"{where} lists more than 1,000 change dates.", line)
            part.add("RDATE", [_zone_moment(v, line, where) for v in values])
    if start is None or not {"TZOFFSETFROM", "TZOFFSETTO"} <= seen:
        refuse(f"{where} lacks DTSTART, TZOFFSETFROM or TZOFFSETTO.", child.line)
    if rule is not None:
        if start.year < 1970 and not rule.get("COUNT"):
            # Earlier changes do not matter for booking, and dateutil walks every one
            # of them on each lookup. Outlook starts its rules in 1601.
            start = start.replace(year=1972 if (start.month, start.day) == (2, 29) else 1970)
        try:
            applies = _zone_rule_applies(rule, start)
        except (ValueError, TypeError, OverflowError):
            refuse(f"{where} has a clock-change rule that could not be used.", child.line)
        if not applies:
            refuse(f"{where} has a clock-change rule that never applies.", child.line)
        part.add("RRULE", rule)
    part.add("DTSTART", start)
    return part


def _zone_moment(value: str, line: int, where: str) -> datetime:
    """A local date-time inside a VTIMEZONE."""
    try:
        moment = vDDDTypes.from_ical(value.strip())
    except (ValueError, TypeError, OverflowError):
        refuse(f'{where} has an invalid date "{excerpt(value.strip())}".', line)
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day)
    refuse(f'{where} has an invalid date "{excerpt(value.strip())}".', line)


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
        refuse(f'{where} has a rule that could not be read: "{excerpt(value)}".', line)
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    unknown = {key.upper() for key in rule} - _ZONE_RULE_PARTS
    interval = rule.get("INTERVAL")
    if freq != "YEARLY" or unknown or (interval is not None and int(interval[0]) != 1):
        refuse(f'{where} changes its clocks with an unusual rule ("{excerpt(value)}").', line)
    return rule
