"""Helpers shared by the benchmarks: timing, a throwaway app, reporting."""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from flask import Flask


def median_seconds(action: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``action`` over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_mb(action: Callable[[], object]) -> float:
    """Peak traced memory of one run of ``action``, in MB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def scratch_app(database_url: str | None = None, **config: object) -> Flask:
    """An app on a fresh SQLite file (or ``database_url``) with the schema created."""
    from advising import create_app
    from advising.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="advising-bench-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-" + "k" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'bench.db'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        if database_url and database_url.startswith("postgresql"):
            db.drop_all()
        db.create_all()
    return app


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"
