"""Time zone choices offered to people (IANA names only)."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name a person may pick, sorted, without legacy aliases."""
    legacy_prefixes = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    names = {
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(legacy_prefixes) and not name.startswith("posix")
    }
    names.add("UTC")
    return tuple(sorted(names))


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    """True for any IANA zone name zoneinfo knows (the list is read once per process)."""
    return name in _known_zones()
