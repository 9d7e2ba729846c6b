"""How times are shown to people: always in a named zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from advising.shared.zones import zone_abbreviation, zone_name


def in_zone(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def zone_label(zone: str, at: datetime | None = None) -> str:
    """'Europe/London (GMT)', 'Central Time (CST)': the zone as a person reads it
    and the abbreviation in force."""
    local = in_zone(at, zone) if at else None
    abbreviation = zone_abbreviation(zone, at) if at else None
    pretty = zone_name(zone)
    if abbreviation and abbreviation != zone:  # not 'UTC (UTC)'
        return f"{pretty} ({abbreviation})"
    if local is not None:
        offset = local.strftime("%z")
        return f"{pretty} (UTC{offset[:3]}:{offset[3:]})"
    return pretty


def clock(moment: datetime | time) -> str:
    """'9:30 AM': US 12-hour time of day (noon is 12:00 PM, midnight 12:00 AM)."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def format_time(instant: datetime, zone: str) -> str:
    """'9:30 AM GMT': a time of day with its zone abbreviation, or its UTC offset where there
    is none or it would mislead ('9:30 AM UTC+08:00' in Manila, whose 'PST' is not Pacific)."""
    local = in_zone(instant, zone)
    name = zone_abbreviation(zone, instant)
    if name is None:
        offset = local.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}"
    return f"{clock(local)} {name}"


def format_time_range(start: datetime, end: datetime, zone: str) -> tuple[str, str]:
    """('11:15 AM', '12:00 PM PST'): the zone named once, at the end, or at both ends when a
    clock change falls between them ('1:30 AM EDT', '2:15 AM EST')."""
    first, last = format_time(start, zone), format_time(end, zone)
    if first.rsplit(" ", 1)[-1] == last.rsplit(" ", 1)[-1]:
        return clock(in_zone(start, zone)), last
    return first, last


#: Local hours most people sleep through: a time offered then is marked (a visitor abroad
#: sees an advisor's working day at night).
NIGHT_STARTS, NIGHT_ENDS = 22, 6


def at_night(instant: datetime, zone: str) -> bool:
    """True for a time between 10 PM and 6 AM in ``zone``."""
    hour = in_zone(instant, zone).hour
    return hour >= NIGHT_STARTS or hour < NIGHT_ENDS


def runs_into_night(start: datetime, end: datetime, zone: str) -> bool:
    """True for a span that starts or ends between 10 PM and 6 AM in ``zone`` (one that ends
    at 10 PM sharp does not)."""
    return at_night(start, zone) or at_night(end - timedelta(minutes=1), zone)


def format_datetime(instant: datetime, zone: str) -> str:
    """'Monday, November 30, 2026, 9:30 AM GMT (Europe/London)': US order, zone named
    ('... 9:30 AM CST (Central Time)')."""
    local = in_zone(instant, zone)
    when = f"{local:%A}, {local:%B} {local.day}, {local.year}, {format_time(instant, zone)}"
    return f"{when} ({zone_name(zone)})"


#: Dates people type: what a date field sends (ISO), and the US way (01/04/2027).
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


def us_date(day: date) -> str:
    """'01/04/2027': a date as a US date field shows it (hints and errors name it so)."""
    return day.strftime(DATE_FORMATS[1])


def parse_date(text: str) -> date:
    """A date typed as a field sends it (2027-01-04) or as people in the US write it
    (01/04/2027, 1/4/2027); ValueError otherwise."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")


def format_day(day: date) -> str:
    """'Monday, November 30'."""
    return f"{day:%A}, {day:%B} {day.day}"
