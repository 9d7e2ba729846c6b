"""Slots API throughput under gunicorn (2 workers) as a ratio to a minimal Flask "hello"
endpoint served the same way, in the same run, with the same loopback load generator.

Targets (issue "Performance: slots"):
- cached slots API: at least 0.5 of hello's requests per second (14-day window, SQLite and
  PostgreSQL);
- uncached slots API (the slot cache off, ``SLOT_CACHE_SIZE=0``: the first request after a
  change) over a **28-day** window on PostgreSQL: at least 0.2 of hello (SQLite reported too);
- "any advisor" (``/book/any`` and the advisor page it redirects to, one request pair) within
  1.5x the time of one advisor's times page (``/advisors/<slug>``), on PostgreSQL, with the
  cache on (as served) and off (every advisor's slots read afresh).

Reported without a target: "any advisor, any time" (``/book/any/times``, the month of all
eight advisors' times on one calendar) against one advisor's page, cache on.

The servers run side by side and are loaded in alternating rounds; a ratio is the median of
the rounds' ratios, so a burst of noise on the shared machine hits both sides alike.
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
ADVISOR_PAGE = "/advisors/bench-advisor"
ANY_ADVISOR = "/book/any"  # answers with the chosen advisor's page (redirects followed, if any)
ANY_TIME = "/book/any/times"  # every advisor's times on one calendar


OTHER_ADVISORS = 7  # besides the measured one, for "any advisor"


def _busy_rows(source_id: int, advisor_id: int, start, count: int, every: int) -> list[dict]:
    return [
        {
            "source_id": source_id,
            "advisor_id": advisor_id,
            "start_at": start + timedelta(hours=every * n),
            "end_at": start + timedelta(hours=every * n, minutes=50),
            "kind": "busy",
            "uid": f"b{n}",
        }
        for n in range(count)
    ]


def seed(database_url: str) -> tuple[str, str]:
    """An advisor with a realistic calendar (and a few more advisors, for "any advisor");
    returns the 14-day and the 28-day slots paths to request."""
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
            _busy_rows(source.id, advisor.id, now, 2000, 5),
        )
        for n in range(OTHER_ADVISORS):
            other = make_advisor(slug=f"bench-other-{n}", name=f"Other Advisor {n}")
            other_source = CalendarSource(
                advisor_id=other.id, kind="upload", label="bench", keywords=[], categories=[]
            )
            db.session.add(other_source)
            db.session.flush()
            db.session.execute(
                db.insert(CalendarBlock).execution_options(availability_of={other.id}),
                _busy_rows(other_source.id, other.id, now + timedelta(hours=n), 600, 3),
            )
        db.session.commit()
        start = (now + timedelta(days=1)).date().isoformat()
        end = (now + timedelta(days=15)).date().isoformat()
        end28 = (now + timedelta(days=29)).date().isoformat()
    base = "/api/v1/advisors/bench-advisor/slots?tz=Europe/London"
    return f"{base}&start={start}&end={end}", f"{base}&start={start}&end={end28}"


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="advising-bench-api-"))
    env = {
        "SECRET_KEY": "bench-" + "s" * 40,
        "RATELIMIT_ENABLED": "0",  # one address sends everything
        "ADVISING_ENV": "development",
    }
    sqlite_url = f"sqlite:///{folder / 'api.db'}"
    path, path28 = seed(sqlite_url)
    off = {"SLOT_CACHE_SIZE": "0"}
    sqlite_env = {**env, "DATABASE_URL": sqlite_url}
    targets = {
        "hello": ("benchmarks.hello_app:app", {}, "/hello"),
        "slots": ("wsgi:app", sqlite_env, path),
        "slots, cache off": ("wsgi:app", {**sqlite_env, **off}, path),
        "28d, cache off": ("wsgi:app", {**sqlite_env, **off}, path28),
    }
    if pg_url := postgres_url(DEFAULT_URL):
        pg_path, pg_path28 = seed(pg_url)
        pg_env = {**env, "DATABASE_URL": pg_url}
        targets["slots, PostgreSQL"] = ("wsgi:app", pg_env, pg_path)
        targets["28d, off, PG"] = ("wsgi:app", {**pg_env, **off}, pg_path28)
        targets["advisor page, PG"] = ("wsgi:app", pg_env, ADVISOR_PAGE)
        targets["any advisor, PG"] = ("wsgi:app", pg_env, ANY_ADVISOR)
        targets["any time, PG"] = ("wsgi:app", pg_env, ANY_TIME)
        targets["advisor page, off"] = ("wsgi:app", {**pg_env, **off}, ADVISOR_PAGE)
        targets["any advisor, off"] = ("wsgi:app", {**pg_env, **off}, ANY_ADVISOR)
    servers = {}
    try:
        for name, (target, target_env, _) in targets.items():
            servers[name] = serve(target, target_env)
        for name, (_, _, url) in targets.items():
            load(servers[name][1], url, 1.0, CONCURRENCY, follow=True)  # warm up both workers
        rates: dict[str, list[float]] = {name: [] for name in targets}
        failures = 0
        for round_number in range(ROUNDS):
            names = list(targets) if round_number % 2 == 0 else list(reversed(targets))
            for name in names:
                rate, failed = load(
                    servers[name][1], targets[name][2], ROUND_SECONDS, CONCURRENCY, follow=True
                )
                rates[name].append(rate)
                failures += failed if name != "hello" else 0
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=10)

    def ratio_to_hello(name: str) -> float:
        return statistics.median(s / h for s, h in zip(rates[name], rates["hello"], strict=True))

    def time_ratio(slow: str, fast: str) -> float:
        """How many times longer a ``slow`` request takes than a ``fast`` one (by rates)."""
        return statistics.median(f / s for s, f in zip(rates[slow], rates[fast], strict=True))

    for name in targets:
        print(f"  {name:>18}: {statistics.median(rates[name]):8.1f} req/s (median of {ROUNDS})")
    print(f"  responses other than 200: {failures}")
    cold = ratio_to_hello("slots, cache off")
    print(f"  14-day slots, cache off, SQLite: {cold:.3f} of hello")
    cold28 = ratio_to_hello("28d, cache off")
    print(f"  28-day slots, cache off, SQLite: {cold28:.3f} of hello")
    if "slots, PostgreSQL" in rates:
        on_postgres = ratio_to_hello("slots, PostgreSQL")
        ok = verdict(on_postgres >= 0.5 and not failures)
        print(f"slots API on PostgreSQL vs hello: {on_postgres:.2f} (target >= 0.50) {ok}")
        cold_pg = ratio_to_hello("28d, off, PG")
        ok = verdict(cold_pg >= 0.2 and not failures)
        print(
            f"uncached 28-day slots API on PostgreSQL vs hello: {cold_pg:.3f}"
            f" (target >= 0.20) {ok}"
        )
        for suffix, label in (("PG", "cache on"), ("off", "cache off")):
            slower = time_ratio(f"any advisor, {suffix}", f"advisor page, {suffix}")
            ok = verdict(slower <= 1.5 and not failures)
            print(
                f"any advisor (/book/any) vs one advisor's page, PostgreSQL, {label}: "
                f"{slower:.2f}x the time (target <= 1.50) {ok}"
            )
        pooled = time_ratio("any time, PG", "advisor page, PG")
        print(
            f"any advisor, any time (/book/any/times, {OTHER_ADVISORS + 1} advisors) vs one"
            f" advisor's page, PostgreSQL, cache on: {pooled:.2f}x the time (no target)"
        )
    ratio = ratio_to_hello("slots")
    ok = verdict(ratio >= 0.5 and not failures)
    print(f"slots API on SQLite vs hello: {ratio:.2f} (target >= 0.50) {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
