"""Helpers shared by the benchmarks: timing, a throwaway app, reporting."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


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


def font_subsetter() -> str:
    """Which subsetter WeasyPrint's PDFs get here: renders cost about 1.8x with fontTools, so
    render-bound figures only compare between machines that have the same one."""
    from advising.roadmap.pdf import fonts_subset_by_harfbuzz

    if fonts_subset_by_harfbuzz():
        return "PDF fonts subset by HarfBuzz"
    return "PDF fonts subset by fontTools (no libharfbuzz-subset0: renders cost about 1.8x)"


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def postgres_url(
    default: str, *, env: str = "BENCH_DATABASE_URL", create: bool = True
) -> str | None:
    """The benchmark's PostgreSQL database (``env`` or ``default``), when reachable; created
    when missing if ``create``, else only connected to."""
    import sqlalchemy as sa

    url = os.environ.get(env) or default
    try:
        if create:
            ensure_database(url)
        else:
            engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
    except Exception as error:  # any failure means "not here"
        print(f"  (PostgreSQL not measured: {type(error).__name__})")
        return None
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    target: str, env: dict[str, str], workers: int = 2, *, shipped_config: bool = False
) -> tuple[subprocess.Popen, int]:
    """``target`` under gunicorn on a free loopback port; returns (process, port). With
    ``shipped_config`` it runs as production does (``gunicorn.conf.py``: threads, access log
    with redaction), still with ``workers`` processes."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
    config = ["--config", str(ROOT / "gunicorn.conf.py")] if shipped_config else []
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *config,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=log,  # a file, not a pipe: a full pipe would stall a chatty server
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    log.seek(0)
    raise RuntimeError(f"gunicorn did not start: {log.read().decode()[-2000:]}")


def load(
    port: int,
    path: str,
    seconds: float,
    concurrency: int,
    latencies: list[float] | None = None,
    *,
    follow: bool = False,
) -> tuple[float, int]:
    """Requests per second over ``seconds`` with ``concurrency`` client threads; counts
    non-200s. Each 200's latency is appended to ``latencies`` when given. With ``follow``,
    a redirect is followed (once) and the pair counts as one request."""
    stop = time.monotonic() + seconds
    counts = [0] * concurrency
    failures = [0] * concurrency
    lock = threading.Lock()

    def client(n: int) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            location = response.getheader("Location")
            if follow and response.status in (301, 302, 303, 307) and location:
                target = urlsplit(location)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", target.path + (f"?{target.query}" if target.query else ""))
                response = conn.getresponse()
                response.read()
                conn.close()
            if response.status == 200:
                counts[n] += 1
                if latencies is not None:
                    with lock:
                        latencies.append(time.perf_counter() - started)
            else:
                failures[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(failures)


def process_cpu_seconds(pids: list[int]) -> float | None:
    """User and system CPU seconds used so far by the processes ``pids`` and every process
    below them (gunicorn's workers, say), read from Linux's /proc; None where there is none.
    A process that has exited counts no more, so compare readings of living processes."""
    if not Path("/proc/self/stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total, seen, todo = 0.0, set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            # Fields after the command's closing parenthesis: utime and stime are 12th and 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):  # exited meanwhile
            continue
    return total


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile of ``values``, nearest-rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]
