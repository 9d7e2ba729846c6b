"""Run by the two-process race test: N threads in this process try to book one slot.

Usage: python -m tests.scheduling.race_worker DATABASE_URL ADVISOR_ID START_ISO THREADS TAG
Prints "booked=<n> taken=<n> errors=<n>".
"""

from __future__ import annotations

import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path


def attempt_bookings(
    app, advisor_id: int, start: datetime, threads: int, tag: str
) -> dict[str, int]:
    """Book ``start`` from ``threads`` threads at once; count the outcomes."""
    from advising.advisors.models import AdvisorProfile
    from advising.extensions import db
    from advising.scheduling import services

    barrier = threading.Barrier(threads)
    outcome = {"booked": 0, "taken": 0, "errors": 0}
    lock = threading.Lock()

    def one(n: int) -> None:
        with app.app_context():
            advisor = db.session.get(AdvisorProfile, advisor_id)
            visitor = services.VisitorDetails(
                f"Racer {tag}{n}", f"racer{tag}{n}@example.org", None, "", "UTC"
            )
            db.session.commit()  # hand the connection back: the pool is smaller than the crowd
            barrier.wait(timeout=60)
            try:
                services.book(advisor, start, visitor)
                key = "booked"
            except services.SlotTaken:
                key = "taken"
            except Exception as error:
                print(f"error: {error!r}", file=sys.stderr)
                key = "errors"
            finally:
                db.session.remove()
            with lock:
                outcome[key] += 1

    workers = [threading.Thread(target=one, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcome


def main() -> None:
    url, advisor_id, start_iso, threads, tag = sys.argv[1:6]
    from tests.conftest import make_test_app

    app = make_test_app(url, Path(tempfile.mkdtemp()))
    outcome = attempt_bookings(
        app, int(advisor_id), datetime.fromisoformat(start_iso), int(threads), tag
    )
    print(" ".join(f"{k}={v}" for k, v in outcome.items()))


if __name__ == "__main__":
    main()
