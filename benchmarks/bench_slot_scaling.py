"""Slot computation for 4 weeks as an advisor's stored calendar blocks grow from 100 to 10,000.

The density of blocks inside the 4-week window stays the same (a real calendar's does); the
extra blocks are years of history and future. Indexed range queries should keep the cost flat.
Target: the 10,000-block time within 20% of the 100-block time. The slot cache is off: this
is the cost of every first request after a change.
"""

from __future__ import annotations

import random
from datetime import timedelta

from benchmarks.common import median_seconds, scratch_app, verdict

BLOCKS_PER_DAY = 3
COUNTS = (100, 1_000, 10_000)


def _seed(app, count: int, now) -> object:
    from advising.calendars.models import CalendarBlock, CalendarSource
    from advising.extensions import db
    from tests.factories import make_advisor

    with app.app_context():
        advisor = make_advisor(slug=f"bench-{count}")
        source = CalendarSource(
            advisor_id=advisor.id, kind="upload", label="bench", keywords=[], categories=[]
        )
        db.session.add(source)
        db.session.flush()
        days = count // BLOCKS_PER_DAY + 1
        first_day = now - timedelta(days=days - 14)  # the window sits inside the blocks' span
        rng = random.Random(count)
        rows = []
        for n in range(count):
            day = first_day + timedelta(days=n // BLOCKS_PER_DAY)
            start = day.replace(hour=13, minute=0, second=0, microsecond=0) + timedelta(
                hours=2 * (n % BLOCKS_PER_DAY), minutes=rng.choice((0, 15, 30))
            )
            rows.append(
                {
                    "source_id": source.id,
                    "advisor_id": advisor.id,
                    "start_at": start,
                    "end_at": start + timedelta(minutes=45),
                    "kind": "busy",
                    "uid": f"u{n}",
                }
            )
        db.session.execute(
            db.insert(CalendarBlock).execution_options(availability_of={advisor.id}), rows
        )
        db.session.commit()
        return advisor.id


def main() -> int:
    from advising.advisors.models import AdvisorProfile
    from advising.database import utcnow
    from advising.extensions import db
    from advising.scheduling import services

    app = scratch_app(SLOT_CACHE_SIZE=0)  # measure the computation, not the slot cache
    now = utcnow().replace(second=0, microsecond=0)
    advisor_ids = {count: _seed(app, count, now) for count in COUNTS}
    results = {}
    with app.app_context():
        for count, advisor_id in advisor_ids.items():
            advisor = db.session.get(AdvisorProfile, advisor_id)

            def compute(advisor=advisor):
                return services.available_slots(advisor, now, now + timedelta(days=28), now)

            slots = compute()
            results[count] = median_seconds(compute, repeat=15, warmup=2)
            ms = results[count] * 1000
            print(f"  {count:>6} blocks: {ms:7.2f} ms for 4 weeks ({len(slots)} slots)")
    ratio = results[COUNTS[-1]] / results[COUNTS[0]]
    ok = verdict(ratio <= 1.2)
    print(f"slot computation, 10,000 vs 100 blocks: {ratio:.2f}x (target <= 1.20) {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
