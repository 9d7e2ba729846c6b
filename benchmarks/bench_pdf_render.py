"""CPU of one roadmap PDF render (WeasyPrint, the shipped print stylesheets), in a process as
the app's long-running processes are after start-up (``advising.process.settle``: warm-ups,
then the start-up heap frozen) against the same process unsettled (the collector walks the
whole heap on each full collection, as it did before).

One process, rounds alternating unsettled / settled (``gc.unfreeze`` / ``settle``), so noise
on the shared machine falls on both sides; CPU time (``time.process_time``) per render, median
of each side's pooled renders. The visitor flow's throughput is bound by these renders (about
nine tenths of a visitor's CPU), so this ratio is most of what settling buys there.

Target (issue "Performance: the whole visitor flow fast under load"): the settled render
costs less than the unsettled one (ratio < 1; it was about 0.8 when written).
"""

from __future__ import annotations

import gc
import os
import statistics
import time

from benchmarks.common import scratch_app, verdict

ROUNDS = int(os.environ.get("BENCH_PDF_ROUNDS", "4"))
RENDERS_PER_ROUND = int(os.environ.get("BENCH_PDF_RENDERS", "5"))


def print_document(app) -> str:
    """The print HTML of one roadmap made through the real intake form."""
    from sqlalchemy import select

    from advising.extensions import db
    from advising.intake.models import Intake
    from advising.roadmap.prerender import print_html
    from tests.intake.helpers import form_data

    client = app.test_client()
    response = client.post("/intake", data=form_data(email="bench@example.org"))
    token = response.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context(), app.test_request_context("/"):
        intake = db.session.scalar(select(Intake))
        return print_html(intake, token)


def render_seconds(app, html: str, count: int) -> list[float]:
    from advising.roadmap.prerender import render_here

    seconds = []
    with app.app_context(), app.test_request_context("/"):
        for _ in range(count):
            started = time.process_time()
            render_here(html)
            seconds.append(time.process_time() - started)
    return seconds


def main() -> None:
    from advising.process import settle

    app = scratch_app(WTF_CSRF_ENABLED=False, ROADMAP_PDF_PRERENDER=False)
    html = print_document(app)
    render_seconds(app, html, 1)  # fonts and stylesheets loaded on both sides
    unsettled: list[float] = []
    settled: list[float] = []
    for _ in range(ROUNDS):
        gc.unfreeze()
        gc.collect()
        unsettled += render_seconds(app, html, RENDERS_PER_ROUND)
        settle(app)
        settled += render_seconds(app, html, RENDERS_PER_ROUND)
    before = statistics.median(unsettled)
    after = statistics.median(settled)
    ratio = after / before
    print(
        f"  roadmap PDF render, CPU per render (median of {len(settled)} each side):"
        f" unsettled {before * 1000:.0f} ms, settled {after * 1000:.0f} ms"
    )
    print(f"settled / unsettled CPU per render: {ratio:.2f}x (target < 1) {verdict(ratio < 1)}")


if __name__ == "__main__":
    main()
