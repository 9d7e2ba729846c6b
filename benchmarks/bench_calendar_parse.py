"""Benchmark advising.calendars.ics.parse_calendar against a bare icalendar parse.

Run ``python benchmarks/bench_calendar_parse.py``. It builds a large, real-shaped calendar in
memory (a Google-style export with years of history), then times
``icalendar.Calendar.from_ical`` of the bytes (the baseline) and ``parse_calendar`` for a
180-day window starting now, several times each, and compares the medians.

Targets: ``parse_calendar`` at most 1.5x the baseline, and a peak of under 300 MB of traced
memory. The script prints PASS or MISS and always exits 0.

:func:`make_large_calendar` is reusable by other benchmarks.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import icalendar

from advising.calendars.ics import Limits, parse_calendar
from benchmarks.common import median_seconds, peak_mb

TARGET_RATIO = 1.5
TARGET_PEAK_MB = 300.0
WINDOW_DAYS = 180
ADVISOR_ZONE = "America/New_York"
# The default limits fit the default sizes; these let larger --single/--series runs through.
LIMITS = Limits(max_bytes=256 * 1024 * 1024, max_components=10**7, time_budget_seconds=600)

# Zones as the exporters write them: IANA names with Google/Apple-style VTIMEZONE blocks, an
# Outlook Windows name with its own block, and plain UTC.
_ZONES = ("America/New_York", "Europe/London", "W. Europe Standard Time", "UTC")
_ZONE_INFO = {
    "America/New_York": ZoneInfo("America/New_York"),
    "Europe/London": ZoneInfo("Europe/London"),
    "W. Europe Standard Time": ZoneInfo("Europe/Berlin"),
    "UTC": UTC,
}
_VTIMEZONES = """BEGIN:VTIMEZONE
TZID:America/New_York
X-LIC-LOCATION:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:Europe/London
X-LIC-LOCATION:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""
_TOPICS = (
    "CPC exam prep",
    "Résumé review",
    "ICD-10-CM drills",
    "Mock interview",
    "Intake call",
    "Coding audit walkthrough",
    "Team sync",
    "Dentist",
    "Lunch with Priya",
    "Office hours",
)
_WORDS = (
    *("coding", "claims", "denial", "modifier", "audit", "chart", "review", "payer"),
    *("guideline", "CPT", "HCPCS", "E/M", "documentation", "compliance", "billing"),
    *("encounter", "reimbursement", "appeal"),
)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


def _fold(line: str) -> str:
    """Fold a content line at 73 characters, as exporters do."""
    if len(line) <= 73:
        return line + "\r\n"
    parts = [line[:73]]
    rest = line[73:]
    while rest:
        parts.append(" " + rest[:72])
        rest = rest[72:]
    return "\r\n".join(parts) + "\r\n"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, moment: datetime, zone: str) -> str:
    """A DTSTART/DTEND/RECURRENCE-ID line in the given zone."""
    if zone == "UTC":
        return f"{name}:{_stamp(moment)}"
    return f"{name};TZID={zone}:{moment.strftime('%Y%m%dT%H%M%S')}"


def _common(
    rng: random.Random, uid: str, summary: str, created: datetime, status: str = "CONFIRMED"
) -> list[str]:
    """The bulk every real export carries: stamps, description, people, alarm."""
    description = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(20, 90)))
    lines = [
        f"DTSTAMP:{_stamp(created + timedelta(days=3))}",
        f"UID:{uid}",
        f"CREATED:{_stamp(created)}",
        f"DESCRIPTION:{description}\\n\\nJoin: https://meet.example.com/{uid[:10]}",
        f"LAST-MODIFIED:{_stamp(created + timedelta(days=2))}",
        "LOCATION:Room 4\\, Building B",
        f"STATUS:{status}",
        f"SUMMARY:{summary}",
        "ORGANIZER;CN=Advisor:mailto:advisor@example.com",
    ]
    for guest in range(rng.randint(1, 4)):
        lines.append(
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
            f"CN=Guest {guest};X-NUM-GUESTS=0:mailto:guest{guest}@example.org"
        )
    if rng.random() < 0.4:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:This is an event reminder",
            "TRIGGER:-P0DT0H10M0S",
            "END:VALARM",
        ]
    return lines


def make_large_calendar(n_single: int, n_series: int, years: int) -> bytes:
    """A real-shaped Google-style export with years of history, as UTF-8 bytes.

    ``n_single`` one-off events spread from ``years`` ago to six months ahead (timed in
    several zones and UTC, some all-day, some free), and ``n_series`` weekly series that started
    during those years: some ended, some counted, some open-ended, with EXDATEs and moved or
    cancelled occurrences (RECURRENCE-ID overrides). Deterministic for given arguments and day.
    """
    rng = random.Random(f"{n_single}/{n_series}/{years}")
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    first = now - timedelta(days=365 * years)
    history_days = (now + timedelta(days=180) - first).days
    out = [
        "BEGIN:VCALENDAR\r\n",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n",
        "VERSION:2.0\r\n",
        "CALSCALE:GREGORIAN\r\n",
        "METHOD:PUBLISH\r\n",
        "X-WR-CALNAME:Advising\r\n",
        "X-WR-TIMEZONE:America/New_York\r\n",
        _VTIMEZONES.replace("\n", "\r\n"),
    ]
    for number in range(n_single):
        zone = rng.choice(_ZONES)
        day = first + timedelta(days=rng.randrange(history_days))
        local = day.astimezone(_ZONE_INFO[zone]).replace(
            hour=rng.randint(8, 17), minute=rng.choice((0, 15, 30, 45))
        )
        uid = f"{rng.getrandbits(64):016x}{number:06d}@google.com"
        summary = rng.choice(_TOPICS)
        lines = ["BEGIN:VEVENT"]
        if rng.random() < 0.08:
            lines += [
                f"DTSTART;VALUE=DATE:{local.strftime('%Y%m%d')}",
                f"DTEND;VALUE=DATE:{(local + timedelta(days=1)).strftime('%Y%m%d')}",
            ]
        else:
            lines += [
                _when("DTSTART", local, zone),
                _when("DTEND", local + timedelta(minutes=rng.choice((30, 45, 60, 90))), zone),
            ]
        lines += _common(rng, uid, summary, local - timedelta(days=20))
        lines += ["SEQUENCE:0", f"TRANSP:{'TRANSPARENT' if rng.random() < 0.1 else 'OPAQUE'}"]
        lines.append("END:VEVENT")
        out.extend(_fold(line) for line in lines)
    for number in range(n_series):
        zone = rng.choice(_ZONES[:3])
        start = (first + timedelta(days=rng.randrange(365 * years))).astimezone(_ZONE_INFO[zone])
        start = start.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 30)))
        while start.strftime("%a")[:2].upper() not in _WEEKDAYS:
            start += timedelta(days=1)
        days = sorted({start.strftime("%a")[:2].upper(), rng.choice(_WEEKDAYS)})
        rule = f"RRULE:FREQ=WEEKLY;BYDAY={','.join(days)}"
        shape = rng.random()
        if shape < 0.4:  # ended at some point, often long ago
            end = start + timedelta(days=rng.randint(30, 900))
            rule += f";UNTIL={_stamp(end)}"
        elif shape < 0.55:
            rule += f";COUNT={rng.randint(4, 40)}"
        if rng.random() < 0.3:
            rule += ";INTERVAL=2"
        uid = f"{rng.getrandbits(64):016x}s{number:05d}@google.com"
        summary = rng.choice(_TOPICS)
        length = timedelta(minutes=rng.choice((30, 60)))
        lines = [
            "BEGIN:VEVENT",
            _when("DTSTART", start, zone),
            _when("DTEND", start + length, zone),
        ]
        lines.append(rule)
        weeks = [start + timedelta(weeks=week) for week in range(1, 120)]
        skipped = rng.sample(weeks, rng.randint(0, 6))
        if skipped:
            values = ",".join(moment.strftime("%Y%m%dT%H%M%S") for moment in sorted(skipped))
            lines.append(
                f"EXDATE:{','.join(_stamp(m) for m in sorted(skipped))}"
                if zone == "UTC"
                else f"EXDATE;TZID={zone}:{values}"
            )
        lines += _common(rng, uid, summary, start - timedelta(days=10))
        lines += ["SEQUENCE:0", "TRANSP:OPAQUE", "END:VEVENT"]
        out.extend(_fold(line) for line in lines)
        for moved in rng.sample(weeks, rng.randint(0, 3)):
            override = ["BEGIN:VEVENT", _when("RECURRENCE-ID", moved, zone)]
            new_start = moved + timedelta(hours=rng.choice((-2, 1, 24)))
            override += [
                _when("DTSTART", new_start, zone),
                _when("DTEND", new_start + length, zone),
            ]
            status = "CANCELLED" if rng.random() < 0.3 else "CONFIRMED"
            created = start - timedelta(days=10)
            override += _common(rng, uid, summary + " (moved)", created, status)
            override += ["SEQUENCE:1", "TRANSP:OPAQUE", "END:VEVENT"]
            out.extend(_fold(line) for line in override)
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=3500, help="one-off events")
    parser.add_argument("--series", type=int, default=250, help="weekly series")
    parser.add_argument("--years", type=int, default=5, help="years of history")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each")
    args = parser.parse_args(argv)

    data = make_large_calendar(args.single, args.series, args.years)
    now = datetime.now(UTC)
    window_end = now + timedelta(days=WINDOW_DAYS)
    events = data.count(b"BEGIN:VEVENT")
    print(f"calendar: {len(data) / (1024 * 1024):.1f} MB, {events} VEVENTs, {args.years} years")

    def baseline() -> object:
        return icalendar.Calendar.from_ical(data)

    def ours() -> list:
        return parse_calendar(data, now, window_end, ADVISOR_ZONE, limits=LIMITS)

    intervals = ours()  # warm caches (zoneinfo, imports) for both sides
    baseline()
    base = median_seconds(baseline, repeat=args.repeat, warmup=0)
    mine = median_seconds(ours, repeat=args.repeat, warmup=0)
    peak = peak_mb(ours)
    ratio = mine / base
    busy = sum(1 for interval in intervals if interval.kind == "busy")
    print(f"intervals in {WINDOW_DAYS}-day window: {len(intervals)} ({busy} busy)")
    print(f"icalendar.Calendar.from_ical median: {base * 1000:8.1f} ms  (n={args.repeat})")
    print(f"parse_calendar median:               {mine * 1000:8.1f} ms  (n={args.repeat})")
    print(f"ratio: {ratio:.2f}  (target <= {TARGET_RATIO})")
    print(f"parse_calendar peak traced memory: {peak:.1f} MB  (target < {TARGET_PEAK_MB:g} MB)")
    verdict = "PASS" if ratio <= TARGET_RATIO and peak < TARGET_PEAK_MB else "MISS"
    print(verdict)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
