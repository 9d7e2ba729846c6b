"""How times are shown to people: always in a named zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def in_zone(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def zone_label(zone: str, at: datetime | None = None) -> str:
    """'Europe/London (GMT)': the IANA name a person recognises and the abbreviation in force."""
    local = in_zone(at, zone) if at else None
    abbreviation = local.tzname() if local else None
    pretty = zone.replace("_", " ")
    if abbreviation and not abbreviation.startswith(("+", "-")) and abbreviation != zone:
        return f"{pretty} ({abbreviation})"
    if local is not None:
        offset = local.strftime("%z")
        return f"{pretty} (UTC{offset[:3]}:{offset[3:]})"
    return pretty


def format_time(instant: datetime, zone: str) -> str:
    """'09:30 GMT': a time of day with its zone abbreviation (or UTC offset)."""
    local = in_zone(instant, zone)
    name = local.tzname() or ""
    if name.startswith(("+", "-")):
        offset = local.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}"
    return f"{local:%H:%M} {name}".strip()


def format_datetime(instant: datetime, zone: str) -> str:
    """'Monday 30 November 2026, 09:30 GMT (Europe/London)'."""
    local = in_zone(instant, zone)
    when = f"{local:%A} {local.day} {local:%B %Y}, {format_time(instant, zone)}"
    return f"{when} ({zone.replace('_', ' ')})"


def format_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"
