"""The roadmap PDF off the request path: a new roadmap queues a render job that the worker
runs, so the visitor's download is served from the kept file; WeasyPrint runs once per
version however the download and the worker meet."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from advising.extensions import db
from advising.intake.models import Intake
from advising.outbox.delivery import deliver
from advising.outbox.models import PENDING, SENT, OutboxMessage
from advising.roadmap import prerender
from advising.roadmap.models import RoadmapPdf
from tests.intake.helpers import submit_intake, token_of
from tests.worker.conftest import WorkerThread
from tests.worker.test_worker import wait_for


def render_jobs() -> list[OutboxMessage]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == prerender.CHANNEL)
            .order_by(OutboxMessage.id)
        )
    )


def test_a_new_roadmap_queues_its_render_and_the_download_serves_the_kept_file(
    client, ctx, pdf_renders
):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    [job] = render_jobs()
    intake = db.session.scalar(select(Intake))
    assert (job.status, job.recipient, job.kind) == (PENDING, str(intake.id), "roadmap_pdf")
    assert job.message == token.encode()  # needed to print the roadmap's address

    report = deliver()  # what the worker does
    assert report.sent == 1 and pdf_renders == ["MainThread"]
    [job] = render_jobs()
    assert job.status == SENT
    assert job.message == b""  # the link key is forgotten once the job is done
    kept = db.session.scalar(select(RoadmapPdf.pdf))
    response = client.get(f"/roadmap/{token}.pdf")
    assert response.status_code == 200 and response.data == kept
    assert len(pdf_renders) == 1  # the download did not run WeasyPrint


def test_a_download_before_the_worker_runs_the_job_itself_once(client, ctx, pdf_renders):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    first = client.get(f"/roadmap/{token}.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    assert len(pdf_renders) == 1
    assert [(j.status, j.message) for j in render_jobs()] == [(SENT, b"")]
    assert deliver().sent == 0  # the worker finds nothing left to do
    assert client.get(f"/roadmap/{token}.pdf").data == first.data
    assert len(pdf_renders) == 1


@pytest.mark.parametrize("app_config", [{"ROADMAP_PDF_WAIT_SECONDS": 10}])
def test_a_download_while_the_worker_renders_waits_for_its_file(
    app, client, ctx, monkeypatch, app_config
):
    """The request neither renders a second copy nor fails: it waits for the worker's."""
    release = threading.Event()
    threads: list[str] = []
    real = prerender.render_pdf

    def slow(html, **kwargs):
        threads.append(threading.current_thread().name)
        release.wait(10)
        return real(html, **kwargs)

    monkeypatch.setattr(prerender, "render_pdf", slow)
    worker = WorkerThread(app).start()
    try:
        token = token_of(submit_intake(client, name="Dana Reyes"))
        assert wait_for(lambda: threads != [], timeout=5), "the worker did not take the job"
        threading.Timer(0.5, release.set).start()
        started = time.monotonic()
        response = client.get(f"/roadmap/{token}.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
        assert time.monotonic() - started >= 0.4  # it waited for the worker
        assert threads == [threads[0]] and threads[0] != threading.current_thread().name
        assert response.data == db.session.scalar(select(RoadmapPdf.pdf))
    finally:
        release.set()
        worker.stop()


@pytest.mark.parametrize("app_config", [{"ROADMAP_PDF_WAIT_SECONDS": 0.5}])
def test_a_download_renders_itself_when_the_worker_holding_the_job_is_gone(
    client, ctx, pdf_renders, app_config
):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    db.session.execute(  # a worker claimed the job, then hung or died
        update(OutboxMessage)
        .where(OutboxMessage.channel == prerender.CHANNEL)
        .values(claimed_until=db.func.now() + db.text("interval '1 hour'"))
        if db.engine.dialect.name == "postgresql"
        else update(OutboxMessage)
        .where(OutboxMessage.channel == prerender.CHANNEL)
        .values(claimed_until=db.func.datetime("now", "+1 hour"))
    )
    db.session.commit()
    response = client.get(f"/roadmap/{token}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert len(pdf_renders) == 1


def test_keeping_a_what_if_queues_the_new_version(client, ctx, pdf_renders):
    from tests.conftest import post_form

    token = token_of(submit_intake(client, name="Dana Reyes", hours_per_week="10"))
    assert deliver().sent == 1
    start = (date.today() + timedelta(days=45)).isoformat()
    form = {"hours": "20", "budget": "2000", "start": start}
    page = f"/roadmap/{token}?hours=20&budget=2000&start={start}"
    saved = post_form(client, f"/roadmap/{token}/what-if", form, page=page)
    assert saved.status_code == 302
    jobs = render_jobs()
    assert [j.status for j in jobs] == [SENT, PENDING]
    assert deliver().sent == 1 and len(pdf_renders) == 2
    response = client.get(f"/roadmap/{token}.pdf")
    assert response.data == db.session.scalar(select(RoadmapPdf.pdf))
    assert len(pdf_renders) == 2


def test_a_job_for_a_deleted_roadmap_renders_nothing(client, ctx, pdf_renders):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    from tests.conftest import post_form

    page = f"/roadmap/{token}"
    assert post_form(client, f"/roadmap/{token}/delete", {}, page=page).status_code == 302
    assert deliver().sent == 1
    assert pdf_renders == [] and [j.message for j in render_jobs()] == [b""]


@pytest.mark.parametrize("app_config", [{"ROADMAP_PDF_PRERENDER": False}])
def test_prerendering_can_be_turned_off(client, ctx, app_config):
    submit_intake(client, name="Dana Reyes")
    assert render_jobs() == []


def test_flask_worker_yields_the_cpu_to_web_requests(app, monkeypatch):
    from advising.worker import cli

    niced: list[int] = []
    monkeypatch.setattr(cli.os, "nice", niced.append)
    monkeypatch.setattr(cli, "settle", lambda app: None)
    monkeypatch.setattr(cli.Worker, "run", lambda self: None)
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert niced == [10]


def test_flask_worker_settles_its_heap_before_it_starts_working(app, monkeypatch):
    from advising.worker import cli

    steps: list[str] = []
    monkeypatch.setattr(cli.os, "nice", lambda _n: None)
    monkeypatch.setattr(cli, "settle", lambda settled: steps.append(f"settle {settled.name}"))
    monkeypatch.setattr(cli.Worker, "run", lambda self: steps.append("run"))
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert steps == [f"settle {app.name}", "run"]


@pytest.mark.parametrize("app_config", [{"ROADMAP_PDF_WAIT_SECONDS": 0.6}])
def test_with_no_worker_the_download_runs_the_job_after_the_wait(
    client, ctx, pdf_renders, app_config
):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    started = time.monotonic()
    response = client.get(f"/roadmap/{token}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert time.monotonic() - started >= 0.6  # it gave a worker the chance first
    assert len(pdf_renders) == 1 and [j.status for j in render_jobs()] == [SENT]


def test_a_queue_of_renders_never_holds_up_mail(app, client, ctx, monkeypatch):
    """Renders run in the worker's slow-channel thread; mail goes out beside them."""
    from tests.worker.test_worker import _queue

    rendering = threading.Event()
    release = threading.Event()
    real = prerender.render_pdf

    def slow(html, **kwargs):
        rendering.set()
        release.wait(15)
        return real(html, **kwargs)

    monkeypatch.setattr(prerender, "render_pdf", slow)
    for n in range(3):
        submit_intake(client, name=f"Visitor {n}", email=f"v{n}@example.com")
    worker = WorkerThread(app).start()
    try:
        assert rendering.wait(5), "the worker did not start rendering"
        _queue(1)
        mail = OutboxMessage.channel == "mail"

        def mail_sent() -> bool:
            db.session.rollback()
            return db.session.scalar(select(OutboxMessage.status).where(mail)) == SENT

        assert wait_for(mail_sent, timeout=3), "the mail waited behind the renders"
        assert [j.status for j in render_jobs()].count(PENDING) == 3  # one held, two queued
    finally:
        release.set()
        assert wait_for(lambda: {j.status for j in render_jobs()} == {SENT}, timeout=30)
        worker.stop()


def test_a_delivery_run_takes_only_the_channels_asked(client, ctx):
    from advising.outbox.delivery import ChannelFilter
    from tests.worker.test_worker import _queue

    submit_intake(client, name="Dana Reyes")
    _queue(1)
    assert deliver(channels=ChannelFilter(skip=frozenset({prerender.CHANNEL}))).sent == 1
    assert [j.status for j in render_jobs()] == [PENDING]
    assert deliver(channels=ChannelFilter(only=frozenset({prerender.CHANNEL}))).sent == 1
    assert [j.status for j in render_jobs()] == [SENT]


def test_a_waiting_download_looks_less_and_less_often():
    """Under load many visitors wait at once: their looks must leave the CPU to the renders,
    yet the first look comes soon (most renders take about half a second)."""
    pauses = list(prerender.poll_pauses(30))
    assert pauses[0] == prerender.FIRST_POLL_SECONDS < 0.5
    assert pauses[:4] == [0.2, 0.4, 0.8, 1.0]
    assert max(pauses) == prerender.MOST_POLL_SECONDS
    assert sum(pauses) == pytest.approx(30)  # the whole wait, then the request renders it
    assert len(pauses) == 32  # then a look a second (4 a second before: 120 in 30 s)
    assert list(prerender.poll_pauses(0)) == []
    assert sum(prerender.poll_pauses(0.5)) == pytest.approx(0.5)


def test_a_look_at_the_render_sees_the_job_and_the_kept_file_together(client, ctx):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    intake = db.session.scalar(select(Intake))
    db.session.rollback()
    assert prerender._render_state(intake.id) == (None, True)
    deliver()
    kept = db.session.scalar(select(RoadmapPdf.html_sha256))
    db.session.rollback()
    assert prerender._render_state(intake.id) == (kept, False)
    assert client.get(f"/roadmap/{token}.pdf").status_code == 200
