"""64 concurrent booking attempts at 8 slots on PostgreSQL: 8 bookings, no errors, latency.

Uses BENCH_DATABASE_URL (default: database ``advising_bench`` on the local PostgreSQL, created
when missing, so a test run on the ``test`` database is never disturbed). Its tables are
dropped and recreated.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

from benchmarks.common import ensure_database, scratch_app, verdict

ATTEMPTS = 64
SLOTS = 8
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/advising_bench"


def main() -> int:
    from advising.advisors.models import AdvisorProfile
    from advising.extensions import db
    from advising.scheduling import services
    from tests.factories import make_advisor

    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    ensure_database(url)
    app = scratch_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 16, "max_overflow": 48})
    with app.app_context():
        advisor = make_advisor(slug="bench-race")
        starts = [slot.start for slot in services.next_available_slots(advisor)[: SLOTS * 8 : 8]]
        advisor_id = advisor.id
    assert len(starts) == SLOTS, "the advisor needs 8 separate free slots"

    barrier = threading.Barrier(ATTEMPTS)
    latencies: list[float] = []
    outcomes = {"booked": 0, "taken": 0, "error": 0}
    lock = threading.Lock()

    def attempt(n: int) -> None:
        with app.app_context():
            profile = db.session.get(AdvisorProfile, advisor_id)
            visitor = services.VisitorDetails(f"V{n}", f"v{n}@example.org", None, "", "UTC")
            db.session.commit()
            barrier.wait(timeout=60)
            started = time.perf_counter()
            try:
                services.book(profile, starts[n % SLOTS], visitor)
                outcome = "booked"
            except services.SlotTaken:
                outcome = "taken"
            except Exception as error:
                print("  error:", repr(error))
                outcome = "error"
            elapsed = time.perf_counter() - started
            db.session.remove()
            with lock:
                outcomes[outcome] += 1
                latencies.append(elapsed)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    ok = outcomes == {"booked": SLOTS, "taken": ATTEMPTS - SLOTS, "error": 0}
    print(f"  outcomes: {outcomes}")
    print(
        f"booking race, {ATTEMPTS} attempts at {SLOTS} slots on PostgreSQL: p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms, {SLOTS} booked and no errors expected {verdict(ok)}"
    )
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
