"""The worker delivers what requests queue, with no request running; requests never talk to
the mail server; several workers and a SIGTERM lose and duplicate nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from advising.extensions import db
from advising.invites import outbox
from advising.invites.models import PENDING, SENT, OutboxMessage
from advising.outbox.delivery import deliver as deliver_any
from advising.outbox.wakeup import PostgresListener, open_wakeup
from tests.conftest import client_after_commit, free_port
from tests.factories import make_advisor
from tests.intake.helpers import make_intake
from tests.invites.test_outbox import book_next, rows
from tests.invites.test_smtp import Mailbox, Server
from tests.scheduling.test_booking_web import _book, _slot_links
from tests.worker.conftest import process_env, start_flask

POSTGRES_ONLY = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def wait_for(condition, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def book_through_the_web(client) -> None:
    make_advisor(name="Maria Lopez", slug="maria", email="maria@example.org")
    response, _ = _book(client, _slot_links(client, "maria", "Europe/London")[0])
    assert response.status_code == 302


@pytest.fixture
def app_config() -> dict[str, object]:
    # Without a notification a worker on PostgreSQL would look again only after 30 s.
    return {"WORKER_LISTEN_TIMEOUT_SECONDS": 30}


def test_a_running_worker_sends_a_booking_mail_within_two_seconds(
    client, ctx, tmp_path, worker_thread
):
    """On PostgreSQL NOTIFY wakes the worker; on SQLite it polls every half second. No
    request runs while the mail goes out."""
    assert worker_thread.worker.listen_timeout == 30
    book_through_the_web(client)
    booked = time.monotonic()
    assert wait_for(lambda: {r.status for r in rows()} == {SENT}, timeout=2.0), [
        (r.kind, r.status, r.last_error) for r in rows()
    ]
    assert time.monotonic() - booked < 2.0
    sent = rows()
    assert len(sent) == 2 and {r.attempts for r in sent} == {1}
    files = sorted(p.name for p in (tmp_path / "instance" / "outbox").glob("*.eml"))
    assert files == sorted(f"message-{r.id}.eml" for r in sent)


def test_staff_retry_is_sent_by_the_worker(app, ctx, worker_thread):
    """A row made due again (staff "Retry now") wakes the worker too."""
    book_next(make_advisor())
    assert wait_for(lambda: {r.status for r in rows()} == {SENT}, timeout=2.0)
    db.session.execute(
        OutboxMessage.__table__.update().values(status="failed", attempts=8, last_error="550")
    )
    db.session.commit()
    assert len(outbox.retry_now(None)) == 2
    assert wait_for(lambda: {(r.status, r.attempts) for r in rows()} == {(SENT, 1)}, 2.0)


@POSTGRES_ONLY
def test_postgres_notify_reaches_the_listener_only_when_the_transaction_commits(app, ctx):
    stopping = threading.Event()
    listener = open_wakeup(db.engine, stopping, poll_seconds=0.5)
    assert isinstance(listener, PostgresListener)
    try:
        assert listener.wait(0.2) is False  # nothing yet
        outbox.enqueue(
            _message("a@example.org"), kind="test", recipient="a@example.org", subject="Hi"
        )
        assert listener.wait(0.5) is False  # queued, not committed
        db.session.rollback()
        assert listener.wait(0.5) is False  # rolled back: never announced
        for n in range(3):
            outbox.enqueue(
                _message("b@example.org"), kind="test", recipient="b@example.org", subject=f"Hi {n}"
            )
        started = time.monotonic()
        db.session.commit()
        assert listener.wait(5) is True
        assert time.monotonic() - started < 1
        assert listener.wait(0.3) is False  # one transaction, one wake-up
        stopping.set()
        started = time.monotonic()
        assert listener.wait(30) is False  # a stopping worker stops waiting
        assert time.monotonic() - started < 1
    finally:
        listener.close()


def test_a_claim_is_handed_back_when_sending_is_interrupted(ctx):
    """A forced stop (or a bug) in the middle of a send leaves the message due for another
    worker, with no attempt counted; a graceful stop finishes the message in hand."""
    for n in range(3):
        outbox.enqueue(
            _message(f"v{n}@example.org"), kind="test", recipient=f"v{n}@example.org", subject="Hi"
        )
    db.session.commit()

    class Interrupted:
        def send(self, recipient, message, name):
            raise KeyboardInterrupt

        def close(self):
            pass

    with pytest.raises(KeyboardInterrupt):
        deliver_any(senders={"mail": Interrupted()})
    assert {(r.status, r.attempts, r.claim_token, r.claimed_until) for r in rows()} == {
        (PENDING, 0, None, None)
    }

    sent: list[str] = []
    stop = threading.Event()

    class StopsAfterOne:
        def send(self, recipient, message, name):
            sent.append(recipient)
            stop.set()  # the signal arrives while this message is being sent

        def close(self):
            pass

    report = deliver_any(senders={"mail": StopsAfterOne()}, stop=stop.is_set)
    assert report.sent == 1 and sent == ["v0@example.org"]
    assert [r.status for r in rows()] == [SENT, PENDING, PENDING]
    assert {r.claim_token for r in rows()} == {None}


def test_a_hanging_smtp_server_does_not_slow_a_booking(app, ctx, hanging_smtp_port):
    """Requests never talk to the mail server: a server that accepts and never answers (with
    a 30 s timeout) leaves bookings and /healthz fast, and the mail waits for the worker."""
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{hanging_smtp_port}", MAIL_TIMEOUT_SECONDS=30)
    # buffered: whatever a response runs when it is closed runs inside the measured request
    client = client_after_commit(app, buffered=True)
    make_advisor(name="Maria Lopez", slug="maria", email="maria@example.org")
    link = _slot_links(client, "maria", "Europe/London")[0]
    started = time.monotonic()
    response, _ = _book(client, link)
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    assert time.monotonic() - started < 5
    started = time.monotonic()
    assert client.get("/healthz").status_code == 200
    assert time.monotonic() - started < 5
    assert {(r.status, r.attempts) for r in rows()} == {(PENDING, 0)}


def _message(to: str, subject: str = "Hello") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "bookings@advising.example"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{time.monotonic_ns()}.{to}@advising.example>"
    message.set_content("Hello.")
    return message


def _queue(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        outbox.enqueue(
            _message(f"v{n}@example.org"),
            kind="test",
            recipient=f"v{n}@example.org",
            subject=f"Message {n}",
        )
    db.session.commit()


@pytest.mark.slow
def test_two_workers_and_a_sigterm_lose_and_duplicate_nothing(
    database_url, app, ctx, tmp_path: Path
):
    """Two `flask worker` processes share one database and a slow SMTP server; one gets
    SIGTERM mid-run and exits 0 after its message in hand; every message arrives once."""
    mailbox = Mailbox(delay=0.1)
    server = Server(mailbox).start()
    env = process_env(
        database_url,
        MAIL_URL=f"smtp://127.0.0.1:{server.port}",
        WORKER_POLL_SECONDS=0.2,
        WORKER_REMINDERS_SECONDS=0,
        WORKER_SYNC_MINUTES=0,
    )
    total = 30
    _queue(total // 2)
    workers = [start_flask(["worker"], env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    try:
        assert wait_for(lambda: len(mailbox.received) >= 3, timeout=20), _logs(tmp_path)
        _queue(total // 2, start=total // 2)  # more while they run
        assert wait_for(lambda: len(mailbox.received) >= 8, timeout=20), _logs(tmp_path)
        workers[0].send_signal(signal.SIGTERM)
        assert _exit_code(workers[0], 15, tmp_path) == 0, _logs(tmp_path)
        assert wait_for(lambda: _statuses() == {SENT: total}, timeout=30), _logs(tmp_path)
        workers[1].send_signal(signal.SIGTERM)
        assert _exit_code(workers[1], 15, tmp_path) == 0, _logs(tmp_path)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        server.stop()
    assert "SIGTERM received, stopping" in (tmp_path / "worker-1.log").read_text()
    assert len(mailbox.received) == total
    assert set(mailbox.message_ids().values()) == {1}
    recipients = sorted(rcpt for _, (rcpt,) in mailbox.envelopes)
    assert recipients == sorted(f"v{n}@example.org" for n in range(total))
    assert {(r.status, r.attempts, r.claim_token) for r in rows()} == {(SENT, 1, None)}


def _statuses() -> Counter:
    db.session.rollback()
    return Counter(db.session.scalars(select(OutboxMessage.status)))


def _exit_code(process: subprocess.Popen, timeout: float, tmp_path: Path) -> int:
    """The process's exit code once it ends; if it hangs, fail with every thread's stack
    (faulthandler prints them on SIGABRT) and the logs."""
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        process.wait(10)
        pytest.fail(f"still running {timeout:g} s after SIGTERM\n{_logs(tmp_path)}")


def _logs(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(tmp_path.glob("*.log"))
    )


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # one launcher for all
def test_flask_dev_runs_web_and_worker_and_ctrl_c_stops_both(database_url, app, ctx, tmp_path):
    """`make run` runs `flask dev`: the site answers, a booking's mail goes out through the
    worker, and Ctrl+C (SIGINT to the launcher) stops both processes."""
    port = free_port()
    env = process_env(database_url, MAIL_URL=f"file://{tmp_path / 'mail'}")
    launcher = start_flask(["dev", "--port", str(port)], env, tmp_path / "dev.log")
    try:

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert wait_for(answers, timeout=20, step=0.1), _logs(tmp_path)
        book_next(make_advisor())
        db.session.commit()
        assert wait_for(lambda: _statuses() == {SENT: 2}, timeout=5), _logs(tmp_path)
        # links the server writes name the server itself (its port, not the default 5000)
        _intake, token = make_intake()
        db.session.commit()
        url = f"http://127.0.0.1:{port}/roadmap/{token}/milestones.ics"
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode().replace("\r\n ", "")  # unfolded
            assert f"URL;VALUE=URI:http://127.0.0.1:{port}/roadmap/{token}" in body
        launcher.send_signal(signal.SIGINT)
        assert _exit_code(launcher, 20, tmp_path) == 0, _logs(tmp_path)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
    output = (tmp_path / "dev.log").read_text()
    pids = [int(line.split("pid ")[1]) for line in output.splitlines() if ": pid " in line]
    assert len(pids) == 2, output
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped by the launcher: no such child of ours
        assert not Path(f"/proc/{pid}").exists(), output
    assert "worker stopped" in output
    assert not answers()
