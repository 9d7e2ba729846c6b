"""Benchmark a full calendar import against a bare icalendar parse of the same bytes.

Run ``python benchmarks/bench_calendar_import.py``. It builds the large calendar of
``bench_calendar_parse.make_large_calendar``, then times ``icalendar.Calendar.from_ical`` of
the bytes (the baseline) and ``calendars.services.import_upload`` into a fresh SQLite database
made by the app factory (parse for the 180-day horizon, scrub, store the content, replace the
blocks in one transaction), several times each, and compares the medians.

Targets: the import at most 1.5x the baseline, and a peak of under 300 MB of traced memory.
The script prints PASS or MISS and always exits 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import icalendar

from benchmarks.bench_calendar_parse import make_large_calendar
from benchmarks.common import median_seconds, peak_mb

TARGET_RATIO = 1.5
TARGET_PEAK_MB = 300.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=3500, help="one-off events")
    parser.add_argument("--series", type=int, default=250, help="weekly series")
    parser.add_argument("--years", type=int, default=5, help="years of history")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each")
    args = parser.parse_args(argv)

    from advising import create_app
    from advising.accounts.models import Role, User
    from advising.advisors.models import AdvisorProfile
    from advising.calendars import services
    from advising.extensions import db

    data = make_large_calendar(args.single, args.series, args.years)
    events = data.count(b"BEGIN:VEVENT")
    print(f"calendar: {len(data) / (1024 * 1024):.1f} MB, {events} VEVENTs, {args.years} years")

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "benchmark-" + "x" * 32,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "INSTANCE_PATH": folder,
                "CALENDAR_MAX_BYTES": max(len(data), 5 * 1024 * 1024),
            }
        )
        with app.app_context():
            db.create_all()
            user = User(email="bench@example.org", name="Bench", role=str(Role.ADVISOR))
            user.password_hash = "!"  # noqa: S105 - no password: this account cannot sign in
            advisor = AdvisorProfile(
                user=user, display_name="Bench", slug="bench", timezone="America/New_York"
            )
            db.session.add(advisor)
            db.session.commit()

            def baseline() -> object:
                return icalendar.Calendar.from_ical(data)

            def ours() -> object:
                source = services.import_upload(advisor, data, "Large export")
                db.session.expire_all()
                return source

            source = ours()  # the first import creates the source; the timed ones replace it
            blocks = source.block_count
            baseline()
            base = median_seconds(baseline, repeat=args.repeat, warmup=0)
            mine = median_seconds(ours, repeat=args.repeat, warmup=0)
            peak = peak_mb(ours)
            db.session.remove()
            db.engine.dispose()

    ratio = mine / base
    print(f"blocks stored per import: {blocks}")
    print(f"icalendar.Calendar.from_ical median: {base * 1000:8.1f} ms  (n={args.repeat})")
    print(f"import_upload (SQLite) median:       {mine * 1000:8.1f} ms  (n={args.repeat})")
    print(f"ratio: {ratio:.2f}  (target <= {TARGET_RATIO})")
    print(f"import_upload peak traced memory: {peak:.1f} MB  (target < {TARGET_PEAK_MB:g} MB)")
    print("PASS" if ratio <= TARGET_RATIO and peak < TARGET_PEAK_MB else "MISS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
