"""The whole visitor flow under load: 32 concurrent visitors, each looping intake form -> intake
submit -> roadmap -> roadmap PDF (first render, then the cached copy) -> "book a consultation"
(/book/any, which answers with the chosen advisor's page) -> one advisor's times page ->
booking form -> booking submit, against the app served as in production (gunicorn with the shipped
``gunicorn.conf.py``: threaded workers, access log; 2 worker processes) with its background
workers beside it (``flask worker``, one per core, BENCH_FLOW_WORKERS; they render each new
roadmap's PDF ahead of the download, at a lower CPU priority than the web), on a fresh SQLite
file seeded with the demo data and, when reachable, on PostgreSQL (database ``bench_flow``,
created when missing; its schema dropped and created fresh).

Everything is a ratio to a minimal Flask "hello" endpoint served the same way and loaded by
32 threads in the same run. Hello rounds alternate with the flow rounds (hello, SQLite, hello,
PostgreSQL, hello, ...), so a burst of noise on the shared machine falls on both sides; each
side's samples are pooled over its rounds. After each flow round the background workers finish
the PDFs its last visitors queued before the next round starts, so no round pays for another's
renders. The visitors arrive one by one over the first
seconds of a flow round (BENCH_FLOW_RAMP_SECONDS, not measured); the 20 s window after them
sees the 32 visitors spread over the flow. Measured: the requests started in the window
(to their end) and the flows completed in it (visitors per minute). At the deadline no new request
starts; a flow still under way is abandoned. Because one flow can take longer than the
window under this load, visitors per minute is also estimated from the steps completed (the
window's requests / requests per flow). Each visitor books a random time of the day the
advisor page shows (not always the first, which all 32 would race for); a lost race still
counts as a booking submit and is reported as an outcome.

Both figures depend on the window when a flow takes about as long as it: code whose flows
take longer completes few in 20 s and more in 60 s, so a ratio of visitors a minute between
two versions moves with the window. What bounds visitors a minute on a busy machine is the
CPU each visitor costs, so that is measured too, apart from the load: after the warm-up,
BENCH_FLOW_COST_ROUNDS rounds of 4 visitors each go through the flow once (nothing queues,
nothing times out) and the background workers render their PDFs; the server's processes and
the workers' CPU time (Linux /proc) divided by the flows completed is the CPU per visitor,
reported in seconds and as a number of hello requests (hello's CPU per request measured on
its server in the same run). Hello is served with the checkout's own ``gunicorn.conf.py``
(sync workers in older ones, threads now), so hello requests compare two runs of one
checkout; two checkouts compare by seconds, run one after the other on the same machine.

Targets (issue "Performance: the whole visitor flow fast under load"):
- every step's p95 under 10x hello's p95 (the PDF's first render per roadmap is excepted and
  reported on its own; later requests for the same PDF are served from the app's cache);
- "any advisor" (/book/any, which answers with the chosen advisor's page) within 1.5x of one
  advisor's page;
- visitors per minute 3x what they were before: judged when BENCH_FLOW_BEFORE_PER_MINUTE
  gives the figure measured before on the same machine (else printed, not judged); and, not
  tied to the window, a third of the CPU per visitor: judged when
  BENCH_FLOW_BEFORE_CPU_PER_VISITOR gives the seconds measured before on the same machine.

Exits 0 whatever the verdicts; non-zero only when the benchmark could not run.
"""

from __future__ import annotations

import html
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from benchmarks.common import (
    ROOT,
    font_subsetter,
    load,
    percentile,
    postgres_url,
    process_cpu_seconds,
    scratch_app,
    serve,
    verdict,
)

VISITORS = 32
FLOW_SECONDS = float(os.environ.get("BENCH_FLOW_SECONDS", "20"))  # per database
# The flow seconds may be split into more rounds; one by default, because under this load a
# flow takes longer than 10 s (every visitor's first PDF render queues on the two workers), so
# shorter rounds would abandon most flows.
ROUNDS = int(os.environ.get("BENCH_FLOW_ROUNDS", "1"))
# Visitors arrive one by one over the ramp (not measured), so that the measured window sees
# them spread over the whole flow rather than all at the same step.
RAMP_SECONDS = float(os.environ.get("BENCH_FLOW_RAMP_SECONDS", "10"))
HELLO_SECONDS = float(os.environ.get("BENCH_HELLO_SECONDS", "2"))
BEFORE_PER_MINUTE = float(os.environ.get("BENCH_FLOW_BEFORE_PER_MINUTE", "0"))
# Background workers per database (`flask worker`): one per core, so PDF renders can use both
# cores while the web server, at higher CPU priority, serves every other step.
BACKGROUND_WORKERS = int(os.environ.get("BENCH_FLOW_WORKERS", str(os.cpu_count() or 1)))
# CPU per visitor: rounds of a few visitors, each going through the flow once.
COST_VISITORS = 4
COST_ROUNDS = int(os.environ.get("BENCH_FLOW_COST_ROUNDS", "3"))
BEFORE_CPU_PER_VISITOR = float(os.environ.get("BENCH_FLOW_BEFORE_CPU_PER_VISITOR", "0"))
TIMEOUT = 30.0  # seconds, every request
ZONE = "America/Chicago"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_flow"

INTAKE_FORM = "intake form"
INTAKE_SUBMIT = "intake submit"
ROADMAP = "roadmap page"
PDF_FIRST = "PDF, first render"
PDF_CACHED = "PDF, cached"
ANY = "any advisor (/book/any)"
ADVISOR_PAGE = "one advisor's page"
BOOK_FORM = "booking form"
BOOK_SUBMIT = "booking submit"
STEPS = (
    INTAKE_FORM,
    INTAKE_SUBMIT,
    ROADMAP,
    PDF_FIRST,
    PDF_CACHED,
    ANY,
    ADVISOR_PAGE,
    BOOK_FORM,
    BOOK_SUBMIT,
)
REQUESTS_PER_FLOW = len(STEPS)

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]*)"')
INPUT = re.compile(r"<input\b[^>]*>")
ATTR = re.compile(r'\b(name|value|type)="([^"]*)"')
SLOT_LINK = re.compile(r'href="(/advisors/[^"/]+/book\?[^"]*start=[^"]*)"')
ROADMAP_PATH = re.compile(r"^/roadmap/([A-Za-z0-9_-]{43})$")
CANONICAL_ADVISOR = re.compile(r'rel="canonical" href="[^"]*/advisors/([^"/?]+)"')


class FlowBroken(Exception):
    """A step answered something the flow cannot continue from."""


class Stop(Exception):
    """The round's deadline passed."""


class Record:
    """Latencies per step, errors per step, outcomes, completed flows (thread-safe), of the
    requests started (flows completed) inside the measured window."""

    def __init__(self) -> None:
        self.window = (0.0, float("inf"))  # time.monotonic() bounds
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: dict[str, str] = {}
        self.outcomes: dict[str, int] = defaultdict(int)
        self.flows = 0
        self.seconds = 0.0

    def measured(self, at: float) -> bool:
        return self.window[0] <= at

    def time(self, step: str, seconds: float, at: float) -> None:
        if self.measured(at):
            with self.lock:
                self.times[step].append(seconds)

    def error(self, step: str, what: str, at: float) -> None:
        if self.measured(at):
            with self.lock:
                self.errors[step] += 1
                self.error_samples.setdefault(step, what)

    def outcome(self, name: str, at: float) -> None:
        if self.measured(at):
            with self.lock:
                self.outcomes[name] += 1

    def flow_done(self) -> None:
        now = time.monotonic()
        if self.window[0] <= now <= self.window[1]:
            with self.lock:
                self.flows += 1


def form_answers(email: str) -> dict[str, object]:
    """A complete, valid intake post (the tests' own), without the token."""
    from tests.intake.helpers import form_data

    return form_data(email=email, timezone=ZONE)


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in INPUT.findall(page):
        attrs = dict(ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            fields[attrs["name"]] = html.unescape(attrs.get("value", ""))
    return fields


def visit(base: str, record: Record, session: requests.Session, rng: random.Random,
          deadline: float) -> None:
    """One visitor's flow; records each step; raises Stop at the deadline."""

    def step(name: str, method: str, url: str, expect: tuple[int, ...], **kw) -> requests.Response:
        nonlocal at
        at = time.monotonic()
        if at >= deadline:
            raise Stop
        started = time.perf_counter()
        try:
            response = session.request(method, urljoin(base, url), timeout=TIMEOUT, **kw)
        except requests.RequestException as error:
            record.error(name, type(error).__name__, at)
            raise FlowBroken from error
        elapsed = time.perf_counter() - started
        if response.status_code not in expect:
            record.error(name, f"HTTP {response.status_code} {response.url}", at)
            raise FlowBroken
        record.time(name, elapsed, at)
        return response

    def parse(name: str, pattern: re.Pattern, text: str) -> re.Match:
        match = pattern.search(text)
        if match is None:
            record.error(name, f"not found: {pattern.pattern}", at)
            raise FlowBroken
        return match

    at = 0.0  # when the current step started (time.monotonic())
    page = step(INTAKE_FORM, "GET", "/intake", (200,)).text
    csrf = html.unescape(parse(INTAKE_FORM, CSRF, page).group(1))
    email = f"visitor-{uuid.uuid4().hex[:16]}@example.org"
    posted = step(
        INTAKE_SUBMIT,
        "POST",
        "/intake",
        (302, 303),
        data={**form_answers(email), "csrf_token": csrf},
        allow_redirects=False,
    )
    roadmap = urlsplit(urljoin(base, posted.headers.get("Location", ""))).path
    token = parse(INTAKE_SUBMIT, ROADMAP_PATH, roadmap).group(1)
    step(ROADMAP, "GET", roadmap, (200,))
    for name in (PDF_FIRST, PDF_CACHED):
        pdf = step(name, "GET", f"/roadmap/{token}.pdf", (200,))
        if not pdf.content.startswith(b"%PDF"):
            record.error(name, "not a PDF", at)
            raise FlowBroken
    matched = step(ANY, "GET", "/book/any", (200,), params={"intake": token, "tz": ZONE})
    slug = parse(ANY, CANONICAL_ADVISOR, matched.text).group(1)
    page = step(
        ADVISOR_PAGE, "GET", f"/advisors/{slug}", (200,), params={"tz": ZONE, "intake": token}
    ).text
    links = SLOT_LINK.findall(page)
    if not links:
        record.error(ADVISOR_PAGE, "no free time shown", at)
        raise FlowBroken
    # A random time of the day shown (not always the first): 32 visitors on one advisor
    # would otherwise all race for one slot; a lost race is still measured below.
    form = step(BOOK_FORM, "GET", html.unescape(rng.choice(links)), (200, 302))
    if form.history:  # the time went while we looked: back to the advisor page
        record.outcome("time gone before the form", at)
        return
    fields = hidden_fields(form.text)
    booked = step(
        BOOK_SUBMIT,
        "POST",
        form.url,
        (200, 302, 303),
        data={
            **fields,
            "name": "Dana Reyes",
            "email": email,
            "consent": "y",
            "website": "",
        },
        allow_redirects=False,
    )
    if booked.status_code in (302, 303) and "/b/" in booked.headers.get("Location", ""):
        record.outcome("booked", at)
    else:
        record.outcome("time taken meanwhile (form shown again)", at)
    record.flow_done()


def run_flow(
    port: int,
    seconds: float,
    visitors: int,
    record: Record,
    *,
    ramp: float = 0.0,
    once: bool = False,
) -> None:
    """``visitors`` threads looping the flow for ``ramp`` + ``seconds``, measuring the last
    ``seconds`` (or each visitor's flow exactly once, all measured)."""
    base = f"http://127.0.0.1:{port}"
    begin = time.monotonic()
    deadline = begin + (3600 if once else ramp + seconds)
    if not once:
        record.window = (begin + ramp, deadline)

    def visitor(n: int) -> None:
        rng = random.Random(n)
        time.sleep(0 if once else ramp * n / visitors)  # arrivals spread over the ramp
        while time.monotonic() < deadline:
            with requests.Session() as session:
                try:
                    visit(base, record, session, rng, deadline)
                except Stop:
                    return
                except FlowBroken:
                    pass
            if once:
                return

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record.seconds += seconds


def seed(database_url: str) -> None:
    """A fresh schema with the demo data (advisors with calendars, visitors)."""
    from advising.demo import seed_demo

    app = scratch_app(database_url)
    with app.app_context():
        seed_demo()


def wait_for_renders(database_url: str, timeout: float = 180.0) -> None:
    """Until the background workers have rendered every PDF queued so far: a round's last
    visitors leave renders behind, which would otherwise take CPU from the next round (hello
    or the other database's flow) at the workers' lower priority. A schema without the render
    queue (an older checkout) has nothing to wait for."""
    import sqlalchemy as sa

    try:
        from advising.outbox.models import PENDING
        from advising.roadmap.prerender import CHANNEL
    except ImportError:  # an older checkout: no render queue
        return

    engine = sa.create_engine(database_url)
    pending = sa.text(
        "SELECT count(*) FROM mail_outbox WHERE channel = :channel AND status = :status"
    ).bindparams(channel=CHANNEL, status=PENDING)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if not connection.execute(pending).scalar():
                    return
            time.sleep(0.5)
    except sa.exc.DBAPIError:  # no such column or table: renders happen in the request
        return
    finally:
        engine.dispose()


@dataclass(frozen=True)
class VisitorCost:
    """CPU seconds the app's web server and its background workers spent on ``flows``
    completed flows (see :func:`measure_visitor_cost`)."""

    web: float
    background: float
    flows: int

    @property
    def per_visitor(self) -> float:
        return (self.web + self.background) / self.flows


def measure_visitor_cost(
    port: int, server_pid: int, worker_pids: list[int], database_url: str
) -> VisitorCost | None:
    """The CPU of COST_ROUNDS rounds of COST_VISITORS visitors each going through the flow
    once, their PDFs rendered by the background workers; None where CPU time cannot be read
    or no flow completed."""
    web_before = process_cpu_seconds([server_pid])
    background_before = process_cpu_seconds(worker_pids)
    if web_before is None or background_before is None:
        return None
    flows = 0
    for _ in range(COST_ROUNDS):
        record = Record()
        run_flow(port, 0, COST_VISITORS, record, once=True)
        wait_for_renders(database_url)
        flows += record.flows
    web_after = process_cpu_seconds([server_pid]) or 0.0
    background_after = process_cpu_seconds(worker_pids) or 0.0
    if not flows:
        return None
    return VisitorCost(web_after - web_before, background_after - background_before, flows)


def app_env(database_url: str, folder: Path) -> dict[str, str]:
    unlimited = "1000000 per minute"
    return {
        "SECRET_KEY": "bench-" + "s" * 40,
        "ADVISING_ENV": "development",
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "0",  # one address sends everything
        "BOOKING_LIMIT_PER_ADDRESS": unlimited,  # and in case limits are turned back on
        "BOOKING_LIMIT_PER_EMAIL": unlimited,
        "API_LIMIT_PER_ADDRESS": unlimited,
        "ROADMAP_PDF_LIMIT": unlimited,
        "MAIL_URL": f"file://{folder / 'outbox'}",
        "WORKER_SYNC_MINUTES": "0",  # the demo's feeds are not on this machine
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    """``flask worker`` on the app's database, as ``make run`` starts it beside the server."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def report(
    label: str,
    record: Record,
    hello: list[float],
    hello_rate: float,
    cost: VisitorCost | None = None,
    hello_cpu: float = 0.0,
) -> list[str]:
    """Print the step table for one database; return its PASS/MISS lines. ``hello_cpu`` is
    hello's CPU seconds per request (0 when not measured)."""
    h50, h95 = percentile(hello, 0.5), percentile(hello, 0.95)
    print(
        f"\n  {label}: {record.flows} flows completed in the {record.seconds:g} s measured"
        f" (after {RAMP_SECONDS:g} s of ramp-up per round)"
    )
    print(
        f"  {'step':<22} {'n':>5} {'err':>4} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p50/hello':>10} {'p95/hello':>10}"
    )
    worst, worst_step, errors = 0.0, "", 0
    for name in STEPS:
        times = record.times.get(name, [])
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        errors += record.errors.get(name, 0)
        print(
            f"  {name:<22} {len(times):>5} {record.errors.get(name, 0):>4}"
            f" {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {p50 / h50:>10.1f} {p95 / h95:>10.1f}"
        )
        if name != PDF_FIRST and times and p95 / h95 > worst:
            worst, worst_step = p95 / h95, name
    for name, sample in record.error_samples.items():
        print(f"    first error at {name}: {sample}")
    for name, count in sorted(record.outcomes.items()):
        print(f"    booking outcome: {name}: {count}")
    missing = [name for name in STEPS if not record.times.get(name)]
    per_minute = record.flows * 60 / record.seconds
    step_equivalents = (
        sum(len(record.times.get(name, [])) for name in STEPS) / REQUESTS_PER_FLOW
    ) * 60 / record.seconds
    lines = []
    ok = verdict(worst < 10 and not errors and not missing)
    lines.append(
        f"{label}: every step's p95 under 10x hello's p95 (PDF first render excepted):"
        f" worst {worst:.1f}x ({worst_step}), {errors} errors"
        + (f", never reached: {', '.join(missing)}" if missing else "")
        + f" {ok}"
    )
    first = record.times.get(PDF_FIRST, [])
    if first:
        lines.append(
            f"{label}: PDF first render (reported separately): p50 "
            f"{percentile(first, 0.5) / h50:.1f}x, p95 {percentile(first, 0.95) / h95:.1f}x"
            f" hello; cached PDF p95 {percentile(record.times[PDF_CACHED], 0.95) / h95:.1f}x"
            " hello (info)"
        )
    any_times, one_times = record.times.get(ANY, []), record.times.get(ADVISOR_PAGE, [])
    if any_times and one_times:
        r50 = percentile(any_times, 0.5) / percentile(one_times, 0.5)
        r95 = percentile(any_times, 0.95) / percentile(one_times, 0.95)
        lines.append(
            f"{label}: any advisor (/book/any, the chosen advisor's page) vs one advisor's page:"
            f" p50 {r50:.2f}x, p95 {r95:.2f}x (target <= 1.5) {verdict(r50 <= 1.5 and r95 <= 1.5)}"
        )
    if BEFORE_PER_MINUTE:
        judged = (
            f"{per_minute / BEFORE_PER_MINUTE:.1f}x the {BEFORE_PER_MINUTE:g} measured before"
            f" (target >= 3x) {verdict(per_minute >= 3 * BEFORE_PER_MINUTE)}"
        )
    else:
        judged = "target 3x the figure before: not judged (set BENCH_FLOW_BEFORE_PER_MINUTE)"
    lines.append(
        f"{label}: visitors per minute: {per_minute:.1f} completed flows"
        f" ({step_equivalents:.1f} counting abandoned flows' steps);"
        f" {per_minute / (hello_rate * 60):.5f} of hello's requests per minute"
        f" ({hello_rate * 60:.0f}); {judged}"
    )
    if cost is not None:
        if BEFORE_CPU_PER_VISITOR:
            ratio = BEFORE_CPU_PER_VISITOR / cost.per_visitor
            judged = (
                f"{ratio:.2f}x less than the {BEFORE_CPU_PER_VISITOR:g} s measured before"
                f" (target >= 3x) {verdict(ratio >= 3)}"
            )
        else:
            judged = "3x less than before: not judged (set BENCH_FLOW_BEFORE_CPU_PER_VISITOR)"
        hellos = (
            f", {cost.per_visitor / hello_cpu:.0f} hello requests' CPU"
            f" ({hello_cpu * 1000:.2f} ms each)"
            if hello_cpu > 0
            else ""
        )
        lines.append(
            f"{label}: CPU per visitor: {cost.per_visitor:.3f} s (web server"
            f" {cost.web / cost.flows:.3f} s, background workers"
            f" {cost.background / cost.flows:.3f} s; {cost.flows} flows){hellos}; {judged}"
        )
    return lines


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="advising-bench-flow-"))
    sqlite_url = f"sqlite:///{folder / 'flow.db'}"
    seed(sqlite_url)
    databases = {"SQLite": sqlite_url}
    if pg_url := postgres_url(DEFAULT_PG_URL, env="BENCH_FLOW_DATABASE_URL"):
        seed(pg_url)
        databases["PostgreSQL"] = pg_url
    servers = {}
    workers: list[subprocess.Popen] = []
    workers_of: dict[str, list[subprocess.Popen]] = {}
    costs: dict[str, VisitorCost | None] = {}
    hello_cpu = [0.0, 0]  # CPU seconds of hello's server, requests it answered meanwhile
    hello: list[float] = []
    hello_rates: list[float] = []
    hello_failures = 0
    records = {label: Record() for label in databases}
    try:
        servers["hello"] = serve("benchmarks.hello_app:app", {}, shipped_config=True)
        for label, url in databases.items():
            servers[label] = serve("wsgi:app", app_env(url, folder), shipped_config=True)
            workers_of[label] = [
                start_worker(app_env(url, folder)) for _ in range(BACKGROUND_WORKERS)
            ]
            workers += workers_of[label]
        load(servers["hello"][1], "/hello", 1.0, VISITORS)  # warm up both workers
        for label in databases:  # imports, first renders; and the flow works at all
            warm = Record()
            run_flow(servers[label][1], 0, 4, warm, once=True)
            wait_for_renders(databases[label])
            if not warm.flows:
                print(f"  {label}: the visitor flow never completed, even alone:")
                for name, sample in warm.error_samples.items():
                    print(f"    {name}: {sample}")
                return 1
            server, port = servers[label]
            pids = [worker.pid for worker in workers_of[label]]
            costs[label] = measure_visitor_cost(port, server.pid, pids, databases[label])

        def hello_round() -> None:
            nonlocal hello_failures
            served, cpu_before = len(hello), process_cpu_seconds([servers["hello"][0].pid])
            rate, failed = load(servers["hello"][1], "/hello", HELLO_SECONDS, VISITORS, hello)
            hello_rates.append(rate)
            hello_failures += failed
            if cpu_before is not None:
                cpu_after = process_cpu_seconds([servers["hello"][0].pid]) or cpu_before
                hello_cpu[0] += cpu_after - cpu_before
                hello_cpu[1] += len(hello) - served

        for round_number in range(ROUNDS):
            labels = list(databases) if round_number % 2 == 0 else list(reversed(databases))
            for label in labels:
                hello_round()
                run_flow(
                    servers[label][1],
                    FLOW_SECONDS / ROUNDS,
                    VISITORS,
                    records[label],
                    ramp=RAMP_SECONDS,
                )
                wait_for_renders(databases[label])
        hello_round()
    finally:
        for process in [*(process for process, _ in servers.values()), *workers]:
            process.terminate()
        for process in [*(process for process, _ in servers.values()), *workers]:
            process.wait(timeout=60)

    hello_rate = statistics.median(hello_rates)
    print(f"  {font_subsetter()}")
    print(
        f"  hello, {VISITORS} threads: p50 {percentile(hello, 0.5) * 1000:.1f} ms,"
        f" p95 {percentile(hello, 0.95) * 1000:.1f} ms, {hello_rate:.0f} req/s"
        f" (median of {len(hello_rates)} rounds of {HELLO_SECONDS:g} s), {hello_failures}"
        " non-200s"
    )
    verdicts = []
    for label, record in records.items():
        verdicts += report(
            label,
            record,
            hello,
            hello_rate,
            costs.get(label),
            hello_cpu[0] / hello_cpu[1] if hello_cpu[1] else 0.0,
        )
    print()
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
