"""The roadmap PDF off the request path.

Each new roadmap, and each "what if" a visitor keeps, queues a render job on the outbox
(channel ``roadmap-pdf``, written in the intake's own transaction); the worker runs it at its
lower CPU priority, in a thread of its own (a slow channel), so "Download PDF" finds the file
ready. A visitor who asks first waits for the worker (ROADMAP_PDF_WAIT_SECONDS) rather than
rendering in the web process, where WeasyPrint would hold up the requests beside it. Only when
no worker comes in time does the request render it, running the job itself when no worker holds
it (claimed like any outbox row, so no worker renders it again); a roadmap without a job (an
older one, or one whose print changed since, such as a consultation booked from it) is rendered
in the request and kept. WeasyPrint runs once per version either way. The job's bytes are the
roadmap's link key, needed to print its address; they are erased once the job is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from flask import Flask, current_app, render_template, request
from sqlalchemy import ColumnElement, exists, select

from advising.database import read_rows, utcnow
from advising.extensions import db
from advising.intake.events import IntakeAnswersReplaced, IntakeCreated
from advising.intake.models import Intake
from advising.outbox.delivery import deliver, enqueue
from advising.outbox.errors import PermanentFailure, TemporaryFailure
from advising.outbox.models import PENDING, OutboxMessage
from advising.roadmap import services
from advising.roadmap.context import roadmap_context
from advising.roadmap.models import RoadmapPdf
from advising.roadmap.pdf import fonts_subset_by_harfbuzz, render_pdf, stylesheets_version

log = logging.getLogger("advising.roadmap")

CHANNEL = "roadmap-pdf"
KIND = "roadmap_pdf"
# A waiting download looks again after these pauses, each longer than the last up to the
# most: a render takes about half a second, and under load many visitors wait at once, so
# their looks must not take the CPU the renders need.
FIRST_POLL_SECONDS = 0.2
MOST_POLL_SECONDS = 1.0
PRINT_STYLESHEETS = ("css/app.css", "css/roadmap.css")  # print_base.html links none


def queue_render(event: IntakeCreated | IntakeAnswersReplaced) -> None:
    """Queue the PDF of a new or re-saved roadmap (in the caller's transaction)."""
    if not current_app.config["ROADMAP_PDF_PRERENDER"]:
        return
    enqueue(
        event.token.encode(),
        kind=KIND,
        recipient=str(event.intake.id),
        subject="Roadmap PDF",
        channel=CHANNEL,
    )


def print_html(intake: Intake, token: str) -> str:
    """The roadmap's print version, the HTML its PDF is made from (and versioned by: it names
    the print stylesheets' version, so a new stylesheet renders the PDFs again)."""
    styles = stylesheets_version(current_app.static_folder or "static", PRINT_STYLESHEETS)
    return render_template(
        "roadmap/roadmap.html",
        print_styles=styles,
        **roadmap_context(intake, token, print_=True),
    )


def render_here(html: str) -> bytes:
    """WeasyPrint on ``html``, reading stylesheets from the app's static folder only."""
    return render_pdf(
        html,
        base_url=request.host_url,
        static_url_path=current_app.static_url_path or "/static",
        static_folder=current_app.static_folder or "static",
        stylesheets=PRINT_STYLESHEETS,
    )


# A page with what a roadmap's print needs (its stylesheets, text, an SVG with text), so the
# fonts and the parsed stylesheets exist before the heap is frozen (advising.process).
_WARM_UP_HTML = (
    '<!doctype html><html lang="en"><body class="print-document"><h1>Roadmap</h1>'
    '<p>Warm-up</p><svg width="40" height="10"><text x="1" y="8">1</text></svg></body></html>'
)


SLOW_FONT_SUBSETTING = (
    "roadmap PDFs cut their fonts down with fontTools, not HarfBuzz: each render costs about"
    " 1.8x the CPU. Install HarfBuzz's subsetter (Debian and Ubuntu: apt-get install"
    " libharfbuzz-subset0) and restart"
)


def warm_up(app: Flask) -> None:
    """Render a small print document once, so a long-running process meets its first roadmap
    with fonts loaded and stylesheets parsed (kept for the process); say once, at start-up,
    when the renders will be slow for want of HarfBuzz's subsetter."""
    if not fonts_subset_by_harfbuzz():
        log.warning(SLOW_FONT_SUBSETTING)
    with app.test_request_context("/", base_url=app.config["PUBLIC_BASE_URL"]):
        render_here(_WARM_UP_HTML)


class _Renderer:
    """The ``roadmap-pdf`` channel's sender: renders and keeps one roadmap's PDF."""

    def send(self, recipient: str, message: bytes, name: str) -> None:
        if not recipient.isdigit() or not message:
            raise PermanentFailure("not a roadmap render job")
        intake = db.session.get(Intake, int(recipient))
        if intake is None:  # deleted by its visitor meanwhile: nothing to render
            return
        base_url = current_app.config["PUBLIC_BASE_URL"]
        try:
            with current_app.test_request_context("/", base_url=base_url):
                services.roadmap_pdf(intake, print_html(intake, message.decode()), render_here)
        except Exception as error:  # WeasyPrint or the database: try again after a pause
            db.session.rollback()
            log.exception("roadmap pdf render failed intake_id=%s", recipient)
            raise TemporaryFailure(f"{type(error).__name__}: {error}"[:500]) from error

    def close(self) -> None:
        pass


def open_renderer() -> _Renderer:
    return _Renderer()


def _jobs_to_run(intake_id: int) -> tuple[ColumnElement[bool], ...]:
    """What picks the intake's render jobs still to run from the outbox."""
    return (
        OutboxMessage.channel == CHANNEL,
        OutboxMessage.recipient == str(intake_id),
        OutboxMessage.status == PENDING,
    )


def _open_jobs(intake_id: int) -> list[tuple[int, bool]]:
    """(id, held by a deliverer now) of the intake's render jobs still to run."""
    now = utcnow()
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.claimed_until).where(*_jobs_to_run(intake_id))
    ).all()
    return [(row.id, row.claimed_until is not None and row.claimed_until > now) for row in rows]


def _render_state(intake_id: int) -> tuple[str | None, bool]:
    """(the hash of the HTML the kept PDF was made from, or None; whether a render job is still
    to run), read together in one statement, so one snapshot answers both (a job seen done has
    kept its PDF) and a look costs one round trip, outside any transaction."""
    kept = select(RoadmapPdf.html_sha256).where(RoadmapPdf.intake_id == intake_id)
    job_open = exists().where(*_jobs_to_run(intake_id))
    [(digest, still_open)] = read_rows(
        db.session, select(kept.scalar_subquery(), job_open), {}
    )
    return digest, bool(still_open)


def poll_pauses(wait_seconds: float) -> Iterator[float]:
    """The pauses before each look of a download waiting up to ``wait_seconds`` for its PDF:
    short at first (most renders take about half a second), then twice as long each time up
    to MOST_POLL_SECONDS, so that many visitors waiting at once under load do not take the CPU
    the renders need; together they last the whole wait."""
    pause, left = FIRST_POLL_SECONDS, wait_seconds
    while left > 0:
        step = min(pause, left)
        yield step
        left -= step
        pause = min(pause * 2, MOST_POLL_SECONDS)


def _await_render(intake_id: int, digest: str) -> bytes | None:
    """The PDF once a worker has kept it, or None when no job is left to wait for or the
    wait (ROADMAP_PDF_WAIT_SECONDS) runs out. The request holds no transaction (nor a
    database connection) while it waits."""
    db.session.rollback()
    for pause in poll_pauses(float(current_app.config["ROADMAP_PDF_WAIT_SECONDS"])):
        time.sleep(pause)
        kept, job_open = _render_state(intake_id)
        if kept == digest:
            body = services.stored_pdf(intake_id, digest)
            db.session.rollback()
            return body
        if not job_open:
            return None
    return None


def pdf_for_visitor(intake: Intake, token: str) -> bytes:
    """The roadmap's PDF for its visitor: the kept one, or the worker's once it has rendered
    it; only when no worker comes in time is it rendered here (running the job, when no
    worker holds it, so the worker does not render it again)."""
    intake_id = intake.id
    html = print_html(intake, token)
    digest = services.html_digest(html)
    if (body := services.stored_pdf(intake_id, digest)) is not None:
        return body
    if _open_jobs(intake_id):
        if (body := _await_render(intake_id, digest)) is not None:
            return body
        if unclaimed := [job_id for job_id, held in _open_jobs(intake_id) if not held]:
            deliver(ids=unclaimed)
            if (body := services.stored_pdf(intake_id, digest)) is not None:
                return body
    return services.roadmap_pdf(intake, html, render_here)
