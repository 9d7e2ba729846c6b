"""Slots API throughput under gunicorn (2 workers) as a ratio to a minimal Flask "hello"
endpoint served the same way, in the same run, with the same loopback load generator.
Target: at least 0.5 of hello's requests per second.

The servers run side by side and are loaded in alternating rounds; the ratio is the median
of the rounds' ratios, so a burst of noise on the shared machine hits both sides alike. The
same app with its slot cache turned off is measured too, for the record: that is the cost of
the first request after a change.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

from benchmarks.bench_booking_concurrency import DEFAULT_URL
from benchmarks.common import load, postgres_url, serve, verdict

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
ROUND_SECONDS = float(os.environ.get("BENCH_ROUND_SECONDS", "1.5"))
CONCURRENCY = 8


def seed(database_url: str) -> tuple[str, str]:
    """An advisor with a realistic calendar; returns the slots path to request."""
    from advising.calendars.models import CalendarBlock, CalendarSource
    from advising.database import utcnow
    from advising.extensions import db
    from benchmarks.common import scratch_app
    from tests.factories import make_advisor

    app = scratch_app(database_url)
    with app.app_context():
        advisor = make_advisor(slug="bench-advisor")
        source = CalendarSource(
            advisor_id=advisor.id, kind="upload", label="bench", keywords=[], categories=[]
        )
        db.session.add(source)
        db.session.flush()
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        db.session.execute(
            db.insert(CalendarBlock).execution_options(availability_of={advisor.id}),
            [
                {
                    "source_id": source.id,
                    "advisor_id": advisor.id,
                    "start_at": now + timedelta(hours=5 * n),
                    "end_at": now + timedelta(hours=5 * n, minutes=50),
                    "kind": "busy",
                    "uid": f"b{n}",
                }
                for n in range(2000)
            ],
        )
        db.session.commit()
        start = (now + timedelta(days=1)).date().isoformat()
        end = (now + timedelta(days=15)).date().isoformat()
    return (
        f"/api/v1/advisors/bench-advisor/slots?start={start}&end={end}&tz=Europe/London",
        database_url,
    )


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="advising-bench-api-"))
    env = {
        "SECRET_KEY": "bench-" + "s" * 40,
        "RATELIMIT_ENABLED": "0",  # one address sends everything
        "ADVISING_ENV": "development",
    }
    sqlite_url = f"sqlite:///{folder / 'api.db'}"
    path, _ = seed(sqlite_url)
    targets = {
        "hello": ("benchmarks.hello_app:app", {}, "/hello"),
        "slots": ("wsgi:app", {**env, "DATABASE_URL": sqlite_url}, path),
        "slots, cache off": (
            "wsgi:app",
            {**env, "DATABASE_URL": sqlite_url, "SLOT_CACHE_SIZE": "0"},
            path,
        ),
    }
    if pg_url := postgres_url(DEFAULT_URL):
        pg_path, _ = seed(pg_url)
        targets["slots, PostgreSQL"] = ("wsgi:app", {**env, "DATABASE_URL": pg_url}, pg_path)
    servers = {}
    try:
        for name, (target, target_env, _) in targets.items():
            servers[name] = serve(target, target_env)
        for name, (_, _, url) in targets.items():
            load(servers[name][1], url, 1.0, CONCURRENCY)  # warm up both workers
        rates: dict[str, list[float]] = {name: [] for name in targets}
        failures = 0
        for round_number in range(ROUNDS):
            names = list(targets) if round_number % 2 == 0 else list(reversed(targets))
            for name in names:
                rate, failed = load(
                    servers[name][1], targets[name][2], ROUND_SECONDS, CONCURRENCY
                )
                rates[name].append(rate)
                failures += failed if name != "hello" else 0
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=10)

    def ratio_to_hello(name: str) -> float:
        return statistics.median(s / h for s, h in zip(rates[name], rates["hello"], strict=True))

    for name in targets:
        print(f"  {name:>16}: {statistics.median(rates[name]):8.1f} req/s (median of {ROUNDS})")
    print(f"  slots responses other than 200: {failures}")
    cold = ratio_to_hello("slots, cache off")
    print(f"  with the slot cache off (every request computes): {cold:.2f} of hello")
    if "slots, PostgreSQL" in rates:
        on_postgres = ratio_to_hello("slots, PostgreSQL")
        ok = verdict(on_postgres >= 0.5 and not failures)
        print(f"slots API on PostgreSQL vs hello: {on_postgres:.2f} (target >= 0.50) {ok}")
    ratio = ratio_to_hello("slots")
    ok = verdict(ratio >= 0.5 and not failures)
    print(f"slots API on SQLite vs hello: {ratio:.2f} (target >= 0.50) {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
