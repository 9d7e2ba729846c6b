"""CPU of one roadmap PDF render (WeasyPrint, the shipped print stylesheets), in a process as
the app's long-running processes are after start-up (``advising.process.settle``: warm-ups,
then the start-up heap frozen) against the same process unsettled (the collector walks the
whole heap on each full collection, as it did before); and, settled, a render collecting the
young generation as seldom as renders do (``advising.roadmap.pdf.fewer_collections``)
against one at the interpreter's usual threshold.

One process, rounds alternating the sides (``gc.unfreeze`` / ``settle``), so noise on the
shared machine falls on all of them; CPU time (``time.process_time``) per render, median of
each side's pooled renders. The visitor flow's throughput is bound by these renders (about
three quarters of a visitor's CPU), so these ratios are most of what each change buys there.

Targets (issue "Performance: the whole visitor flow fast under load"): the settled render
costs less than the unsettled one (ratio < 1; about 0.8 when written); fewer collections cost
less than the usual threshold (ratio < 1; 0.92-0.94 when written).
"""

from __future__ import annotations

import gc
import os
import statistics
import time

from benchmarks.common import font_subsetter, scratch_app, verdict

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
    from advising.roadmap import pdf

    app = scratch_app(WTF_CSRF_ENABLED=False, ROADMAP_PDF_PRERENDER=False)
    html = print_document(app)
    render_seconds(app, html, 1)  # fonts and stylesheets loaded on every side
    fewer = pdf.RENDER_GC_THRESHOLD
    sides: dict[str, list[float]] = {"unsettled": [], "settled": [], "usual threshold": []}
    for _ in range(ROUNDS):
        gc.unfreeze()
        gc.collect()
        sides["unsettled"] += render_seconds(app, html, RENDERS_PER_ROUND)
        settle(app)
        sides["settled"] += render_seconds(app, html, RENDERS_PER_ROUND)
        pdf.RENDER_GC_THRESHOLD = 0  # never above the interpreter's own
        try:
            sides["usual threshold"] += render_seconds(app, html, RENDERS_PER_ROUND)
        finally:
            pdf.RENDER_GC_THRESHOLD = fewer
    medians = {name: statistics.median(seconds) for name, seconds in sides.items()}
    print(f"  {font_subsetter()}")
    print(
        f"  roadmap PDF render, CPU per render (median of {len(sides['settled'])} each side): "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in medians.items())
    )
    ratio = medians["settled"] / medians["unsettled"]
    print(f"settled / unsettled CPU per render: {ratio:.2f}x (target < 1) {verdict(ratio < 1)}")
    ratio = medians["settled"] / medians["usual threshold"]
    print(
        f"collections every {fewer} allocations / the usual threshold, settled: {ratio:.2f}x"
        f" (target < 1) {verdict(ratio < 1)}"
    )


if __name__ == "__main__":
    main()
