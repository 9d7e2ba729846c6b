"""Time zones offered to people: canonical IANA names only, each with its current offset."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones


@cache
def _zone_countries() -> dict[str, str]:
    """Each place's canonical zone with its country code, from tzdata's zone.tab."""
    try:
        table = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):  # no tzdata package: the system's files
        table = ""
    rows = (line.split("\t") for line in table.splitlines() if line and line[0] != "#")
    return {row[2].strip(): row[0] for row in rows if len(row) >= 3}


@cache
def _country_names() -> dict[str, str]:
    """{country code: name} from tzdata's iso3166.tab ('PH': 'Philippines')."""
    try:
        table = (resources.files("tzdata") / "zoneinfo" / "iso3166.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        table = ""
    rows = (line.split("\t") for line in table.splitlines() if line and line[0] != "#")
    return {row[0]: row[1].strip() for row in rows if len(row) >= 2}


#: Letters people search for that tzdata does not use (it writes Manila's as 'PST').
_SEARCHED_LETTERS = {"Asia/Manila": "PHT"}


def zone_search_words(name: str, year: int) -> str:
    """What else a person may type to find a zone: its country ('Philippines', 'India') and
    the letters its clocks go by in winter and summer ('IST')."""
    words = [_country_names().get(_zone_countries().get(name, ""), "")]
    for month in (1, 7):
        letters = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(ZoneInfo(name)).tzname()
        if letters and not letters.startswith(("+", "-")) and letters not in words:
            words.append(letters)
    words.append(_SEARCHED_LETTERS.get(name, ""))
    return " ".join(word for word in words if word)


#: The United States and its territories, as zone.tab codes them.
US_COUNTRY_CODES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})


def zone_outside_us(name: str) -> bool:
    """True for a zone only places outside the United States keep (Europe/London); False for
    US zones and for zones of no country (UTC). An old name counts as its current one."""
    name = zone_aliases().get(name, name)
    country = _zone_countries().get(name)
    return country is not None and country not in US_COUNTRY_CODES


@cache
def zone_names() -> tuple[str, ...]:
    """The zones a person may pick, sorted: tzdata's canonical zone of each place (zone.tab),
    so a legacy alias (Asia/Calcutta, Europe/Kiev) is never offered beside its current name.
    Old data naming an alias stays valid (:func:`is_zone`)."""
    names = set(_zone_countries())
    known = _known_zones()
    names = {name for name in names if name in known}
    if not names:
        legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix")
        names = {n for n in known if "/" in n and not n.startswith(legacy)}
    names.add("UTC")
    return tuple(sorted(names))


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    """True for any IANA zone name zoneinfo knows (the list is read once per process)."""
    return name in _known_zones()


# Zones that are UTC under another name; the pickers offer "UTC" for them all.
_UTC_ZONES = frozenset({"Etc/UTC", "Etc/GMT"})


@cache
def zone_aliases() -> dict[str, str]:
    """Each other name of an offered zone, with the offered name (Asia/Calcutta: Asia/Kolkata),
    from the links of tzdata's ``tzdata.zi``: browsers still report some old names."""
    try:
        text = (resources.files("tzdata") / "zoneinfo" / "tzdata.zi").read_text()
    except (ModuleNotFoundError, FileNotFoundError):  # no tzdata package: no aliases known
        text = ""
    links = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    offered = frozenset(zone_names())
    aliases = {name: "UTC" for name in _UTC_ZONES if "UTC" in offered}
    for alias, target in links.items():
        seen = {alias}
        while target not in offered and target in links and target not in seen:
            seen.add(target)
            target = links[target]
        target = "UTC" if target in _UTC_ZONES else target
        if alias not in offered and target in offered:
            aliases[alias] = target
    return aliases


def offered_zone(name: str) -> str | None:
    """The name a picker offers for a zone: the name itself, or the current name of an old one
    (Europe/Kiev: Europe/Kyiv); a zone with no offered name (Etc/GMT+5) stays as it is, and a
    name zoneinfo does not know gives None."""
    if not is_zone(name):
        return None
    return zone_aliases().get(name, name)


def utc_offset(name: str, at: datetime, *, short: bool = False) -> str:
    """'UTC-06:00' (short: 'UTC-6', 'UTC+5:30'): the zone's offset at ``at``."""
    offset = at.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    if short:
        return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"UTC{sign}{hours:02d}:{rest:02d}"


#: The zones most of our visitors live in, listed first in every picker under the names
#: people use for them.
US_ZONES: dict[str, str] = {
    "America/New_York": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Phoenix": "Mountain Time - Arizona",
    "America/Los_Angeles": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Puerto_Rico": "Atlantic Time - Puerto Rico",
    # zones browsers report in states whose clocks match the ones above
    "America/Detroit": "Eastern Time - Detroit",
    "America/Indiana/Indianapolis": "Eastern Time - Indianapolis",
    "America/Kentucky/Louisville": "Eastern Time - Louisville",
    "America/Boise": "Mountain Time - Boise",
}


def zone_abbreviation(name: str, at: datetime) -> str | None:
    """The letters a zone's clock goes by at ``at`` ('CST', 'GMT'), or None where they would
    mislead: numbers only ('+08'), or letters other zones use for another offset. US zones
    keep theirs, as our visitors read them: Asia/Manila's 'PST' and Asia/Shanghai's 'CST'
    are None, and so is 'IST', India's, Israel's and Ireland's."""
    letters = at.astimezone(ZoneInfo(name)).tzname()
    if not letters or letters.startswith(("+", "-")):
        return None
    if zone_aliases().get(name, name) in _us_zones():
        return letters
    return letters if len(_offsets_by_letters(at.year).get(letters, ())) == 1 else None


@cache
def _us_zones() -> frozenset[str]:
    return frozenset(
        zone for zone, country in _zone_countries().items() if country in US_COUNTRY_CODES
    ) | frozenset(US_ZONES)


@cache
def _offsets_by_letters(year: int) -> dict[str, frozenset[int]]:
    """{letters: the UTC offsets (seconds) they stand for} across the offered zones, in
    winter and summer of ``year``."""
    found: dict[str, set[int]] = {}
    for when in (datetime(year, 1, 15, 12, tzinfo=UTC), datetime(year, 7, 15, 12, tzinfo=UTC)):
        for zone in zone_names():
            local = when.astimezone(ZoneInfo(zone))
            letters, offset = local.tzname(), local.utcoffset()
            if letters and offset is not None and not letters.startswith(("+", "-")):
                found.setdefault(letters, set()).add(int(offset.total_seconds()))
    return {letters: frozenset(offsets) for letters, offsets in found.items()}


def zone_name(name: str) -> str:
    """'Central Time' for a US zone, 'Europe/London' for any other: a zone as people read
    it."""
    return US_ZONES.get(name, name.replace("_", " "))


def zone_choice_label(name: str, at: datetime) -> str:
    """How a zone is listed in a picker: 'Europe/London (UTC+00:00)', and a US zone short
    enough for a phone, with the abbreviation people search for: 'Central Time (CST, UTC-6)'."""
    if name not in US_ZONES:
        return f"{zone_name(name)} ({utc_offset(name, at)})"
    abbreviation = at.astimezone(ZoneInfo(name)).tzname()
    return f"{zone_name(name)} ({abbreviation}, {utc_offset(name, at, short=True)})"


def zone_choices(at: datetime) -> tuple[tuple[str, str], ...]:
    """(name, label) of every offered zone, the US ones first, labelled with its offset at
    ``at`` (a date's labels are worked out once per process)."""
    return _zone_choices_on(at.date())


@cache
def _zone_choices_on(day: date) -> tuple[tuple[str, str], ...]:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    offered = zone_names()
    first = [name for name in US_ZONES if name in offered]
    rest = [name for name in offered if name not in US_ZONES]
    return tuple((name, zone_choice_label(name, at)) for name in (*first, *rest))
