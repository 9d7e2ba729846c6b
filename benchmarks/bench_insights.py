"""Staff insights over 100,000 bookings (10 advisors) and 20,000 intakes on PostgreSQL.

Times the insights computation (the service) and the whole page (through the test client,
signed in as staff) for the default period (the last 90 days) and for two years, against a
plain ``SELECT count(*)`` of the same bookings measured in the same run. Target: the page
for the default period under 200 ms.

Uses BENCH_INSIGHTS_DATABASE_URL (default: database ``bench_ins`` on the local PostgreSQL);
its tables are dropped and recreated. Skipped, with a message, when it cannot be reached.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import timedelta

from benchmarks.common import median_seconds, scratch_app, verdict

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_ins"
ADVISORS = 10
BOOKINGS = 100_000
INTAKES = 20_000
SPACING = timedelta(minutes=90)  # one advisor's bookings never overlap (45 min + 15 buffer)
TARGET_MS = 200


def reachable(url: str) -> str | None:
    """None when PostgreSQL answers at ``url``, else why not."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as error:
        return str(error.orig).splitlines()[0] if error.orig else type(error).__name__
    finally:
        engine.dispose()


def seed(app, now) -> tuple[int, str]:
    """Advisors (default weekly hours, a day off each), intakes and bookings (by COPY); the
    staff member who signs in."""
    from sqlalchemy import insert, text

    from advising.accounts.models import Role
    from advising.advisors import availability
    from advising.extensions import db
    from advising.scheduling.models import (
        CANCELLED,
        COMPLETED,
        CONFIRMED,
        NO_SHOW,
        DateOverride,
    )
    from tests.factories import make_advisor, make_user

    def copy_rows(table: str, rows: list[tuple[object, ...]]) -> None:
        """COPY into ``table`` on the session's own connection (in its transaction)."""
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    rng = random.Random(2030)
    with app.app_context():
        advisors = [
            make_advisor(name=f"Advisor {n}", slug=f"bench-{n}", timezone=zone)
            for n, zone in enumerate(["America/New_York", "America/Chicago", "Europe/London"] * 4)
        ][:ADVISORS]
        ids = {a.id for a in advisors}
        db.session.execute(
            insert(DateOverride).execution_options(availability_of=ids),
            [{"advisor_id": a.id, "day": (now - timedelta(days=30)).date()} for a in advisors],
        )
        staff = make_user(Role.STAFF, email="staff@bench.example")
        # The bookings run from 595 days ago to 30 days ahead, each made 1 hour to 30 days
        # before its start (never after now): about 14,000 are made in any 90 days.
        first = now - SPACING * (BOOKINGS // ADVISORS) + timedelta(days=30)
        intakes = []
        span = int((now - first).total_seconds() // 60)
        for n in range(INTAKES):
            made = first + timedelta(minutes=rng.randrange(span))
            intakes.append((f"i{n:063x}", json.dumps({"name": f"V{n}"}), "{}", "bench", made, made))
        copy_rows(
            "intakes (token_hash, answers, roadmap, content_version, consent_at, created_at)",
            intakes,
        )
        intake_ids = list(db.session.scalars(text("SELECT id FROM intakes")))
        bookings = []
        for n in range(BOOKINGS):
            advisor = advisors[n % ADVISORS]
            start = first + SPACING * (n // ADVISORS) + timedelta(minutes=7 * (n % ADVISORS))
            made = min(start - timedelta(minutes=rng.randrange(60, 30 * 24 * 60)), now)
            roll = rng.random()
            if start < now:
                status = COMPLETED if roll < 0.7 else NO_SHOW if roll < 0.8 else CANCELLED
            else:
                status = CONFIRMED if roll < 0.85 else CANCELLED
            intake_id = rng.choice(intake_ids) if rng.random() < 0.4 else None
            bookings.append(
                (advisor.id, str(status), start, start + timedelta(minutes=45), start,
                 start + timedelta(minutes=60), f"Visitor {n}", f"v{n}@bench.example", "UTC",
                 "", made, f"b{n:063x}", 0, made, made, intake_id)
            )  # fmt: skip
        copy_rows(
            "bookings (advisor_id, status, start_at, end_at, blocked_start, blocked_end, "
            "visitor_name, visitor_email, visitor_timezone, topic, consent_at, "
            "manage_token_hash, sequence, created_at, updated_at, intake_id)",
            bookings,
        )
        availability.record(db.session, ids)  # COPY is raw SQL: name the advisors it touched
        db.session.commit()
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        return staff.id, staff.email


def signed_in_client(app, email: str):
    from tests.conftest import csrf_token_from
    from tests.factories import DEFAULT_PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answer = client.post(
        "/login",
        data={"csrf_token": csrf_token_from(page), "email": email, "password": DEFAULT_PASSWORD},
    )
    assert answer.status_code == 302, "staff sign-in failed"
    return client


def main() -> int:
    from sqlalchemy import text

    from advising.database import utcnow
    from advising.extensions import db
    from advising.staff import insights

    url = os.environ.get("BENCH_INSIGHTS_DATABASE_URL") or DEFAULT_URL
    if (why := reachable(url)) is not None:
        print(f"  skipped: PostgreSQL is not reachable at {url} ({why})")
        return 0
    app = scratch_app(url, RATELIMIT_ENABLED=False)
    now = utcnow().replace(microsecond=0)
    started = time.perf_counter()
    _, email = seed(app, now)
    print(
        f"  seeded {BOOKINGS:,} bookings, {ADVISORS} advisors, {INTAKES:,} intakes "
        f"in {time.perf_counter() - started:.1f} s"
    )
    client = signed_in_client(app, email)
    today = now.date()
    periods = {
        "last 90 days": insights.default_period("UTC", now),
        "two years": (today - timedelta(days=730), today),
    }
    with app.app_context():
        in_table = db.session.scalar(text("SELECT count(*) FROM bookings"))
        assert in_table == BOOKINGS

        def count() -> object:
            db.session.rollback()
            return db.session.scalar(text("SELECT count(*) FROM bookings"))

        baseline = median_seconds(count, repeat=15, warmup=2)
    print(f"  baseline SELECT count(*) of {BOOKINGS:,} bookings: {baseline * 1000:7.2f} ms")
    page_ms = {}
    for label, (first, last) in periods.items():
        period = insights.Period(first, last, "UTC")
        with app.app_context():

            def compute(period=period) -> object:
                db.session.rollback()
                return insights.compute(period)

            found = compute()
            service = median_seconds(compute, repeat=9, warmup=2)
        path = f"/staff/insights?from={first.isoformat()}&to={last.isoformat()}"

        def page(path=path) -> object:
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response

        view = median_seconds(page, repeat=9, warmup=2)
        page_ms[label] = view * 1000
        print(
            f"  {label:>12} ({found.funnel.bookings:,} made, "
            f"{sum(found.by_weekday):,} held): service {service * 1000:7.2f} ms "
            f"({service / baseline:5.1f}x count), page {view * 1000:7.2f} ms "
            f"({view / baseline:5.1f}x count)"
        )
    ok = verdict(page_ms["last 90 days"] < TARGET_MS)
    print(
        f"insights page, last 90 days of {BOOKINGS:,} bookings: "
        f"{page_ms['last 90 days']:.1f} ms (target < {TARGET_MS} ms) {ok}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
