"""Work amplification: a small calendar of 2,000 two-second daily events, one right after the
other (0.3 MB), expands to 360,000 occurrences over the 180-day horizon. It once became 358,000
stored blocks in a 26 s request.

Imported with ``calendars.services.import_upload`` into a fresh SQLite database: the import
(reading, expanding, merging, storing) should take under 2 s and store a block a day. Then the
slots for 4 weeks are computed for that advisor and for an advisor with an empty calendar
(measured in the same run, the slot cache off): target within 2x of the empty one.
The script prints PASS or MISS and always exits 0.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from benchmarks.common import median_seconds, scratch_app, verdict

EVENTS = 2_000
SECONDS = 2
TARGET_IMPORT_SECONDS = 2.0
TARGET_SLOT_RATIO = 2.0


def make_ticks(first: datetime, count: int = EVENTS, seconds: int = SECONDS) -> bytes:
    """``count`` daily events of ``seconds`` each, one right after the other from ``first``."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//advising bench//ticks//EN"]
    for n in range(count):
        start = first + timedelta(seconds=seconds * n)
        end = start + timedelta(seconds=seconds)
        lines += [
            "BEGIN:VEVENT",
            f"UID:tick-{n}@bench.example",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{end:%Y%m%dT%H%M%SZ}",
            "RRULE:FREQ=DAILY",
            f"SUMMARY:Tick {n}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> int:
    from advising.advisors.models import AdvisorProfile
    from advising.calendars import services as calendars
    from advising.database import utcnow
    from advising.extensions import db
    from advising.scheduling import services as scheduling
    from tests.factories import make_advisor

    app = scratch_app(SLOT_CACHE_SIZE=0)
    now = utcnow().replace(second=0, microsecond=0)
    first = (now - timedelta(days=30)).replace(hour=10, minute=0, tzinfo=UTC)
    data = make_ticks(first)
    print(f"calendar: {len(data) / (1024 * 1024):.2f} MB, {EVENTS} daily events of {SECONDS} s")
    with app.app_context():
        busy = make_advisor(slug="bench-ticks", timezone="UTC")
        empty = make_advisor(slug="bench-empty", timezone="UTC")
        busy_id, empty_id = busy.id, empty.id
        started = time.perf_counter()
        try:
            source = calendars.import_upload(busy, data, "Ticks", now=now)
        except calendars.CalendarError as error:  # refused: the advisor keeps no blocks
            imported = time.perf_counter() - started
            outcome = f"refused ({error})"
        else:
            imported = time.perf_counter() - started
            outcome = f"{source.block_count} blocks stored"
        db.session.remove()

        timings = {}
        counts = {}
        for name, advisor_id in (("empty", empty_id), ("ticks", busy_id)):
            advisor = db.session.get(AdvisorProfile, advisor_id)

            def compute(advisor=advisor):
                return scheduling.available_slots(advisor, now, now + timedelta(days=28), now)

            counts[name] = len(compute())
            timings[name] = median_seconds(compute, repeat=11, warmup=2)
    ratio = timings["ticks"] / timings["empty"]
    print(f"  import: {imported:.2f} s, {outcome} (target < {TARGET_IMPORT_SECONDS:g} s)")
    print(
        f"  slots for 4 weeks: empty calendar {timings['empty'] * 1000:.2f} ms "
        f"({counts['empty']} slots), ticks {timings['ticks'] * 1000:.2f} ms "
        f"({counts['ticks']} slots)"
    )
    stored = not outcome.startswith("refused")
    ok = stored and imported < TARGET_IMPORT_SECONDS and ratio <= TARGET_SLOT_RATIO
    print(
        f"import {imported:.2f} s, slots {ratio:.2f}x the empty calendar "
        f"(targets < {TARGET_IMPORT_SECONDS:g} s, <= {TARGET_SLOT_RATIO:g}x) {verdict(ok)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
