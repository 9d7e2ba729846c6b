"""Start-up of a long-running process (``flask worker``, a gunicorn worker).

Once the app is loaded, the features' warm-ups run (the PDF renderer parses its stylesheets and
loads its fonts; gunicorn workers skip them, see ``gunicorn.conf.py``) and everything then alive
is frozen out of the garbage collector's sight. Without that, each full collection walks the
app's ~170,000 start-up objects again, which costs a roadmap PDF render 12-17% of its CPU
(measured: ``benchmarks/bench_pdf_render.py``).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from flask import Flask

log = logging.getLogger("advising.process")

WARM_UPS = "advising.warm_ups"


def on_warm_up(app: Flask, warm_up: Callable[[Flask], None]) -> None:
    """Run ``warm_up(app)`` when a long-running process starts, before its heap is frozen:
    for what the process would otherwise build on its first request and keep."""
    app.extensions.setdefault(WARM_UPS, []).append(warm_up)


def settle(app: Flask, *, warm_ups: bool = True) -> None:
    """Run the app's warm-ups (unless ``warm_ups`` is false), then freeze the heap
    (``gc.freeze``): the objects alive now live as long as the process, so the collector need
    not walk them again. A warm-up that fails is logged and skipped; the process still serves
    (the work is then done when first needed)."""
    started = time.monotonic()
    for warm_up in app.extensions.get(WARM_UPS, []) if warm_ups else []:
        try:
            warm_up(app)
        except Exception:
            log.exception("warm-up %s failed; skipped", getattr(warm_up, "__name__", warm_up))
    gc.collect()
    gc.freeze()
    log.info(
        "process settled in %.2f s: %d objects frozen",
        time.monotonic() - started,
        gc.get_freeze_count(),
    )
