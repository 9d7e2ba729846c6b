"""Delivery through a real SMTP server (aiosmtpd on loopback): outages, retries, many
deliverers at once, and every message arriving exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.invites import outbox
from advising.invites.message import build_text_message
from advising.invites.models import PENDING, SENT, OutboxMessage
from tests.conftest import free_port
from tests.factories import make_advisor
from tests.invites.test_outbox import book_next, visitor


class Mailbox:
    """An SMTP handler that keeps what it accepts, or answers 451 while ``refusing``."""

    def __init__(self, delay: float = 0.0):
        self.refusing = False
        self.delay = delay
        self.received: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # slow server: deliverers overlap
        if self.refusing:
            return "451 4.3.0 Try again later"
        with self.lock:
            self.received.append(envelope.original_content or envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 OK"

    def message_ids(self) -> Counter:
        return Counter(
            message_from_bytes(raw, policy=default)["Message-ID"] for raw in self.received
        )


class Server:
    """An aiosmtpd Controller on a fixed loopback port that can be stopped and started."""

    def __init__(self, handler: Mailbox, **kwargs):
        self.handler = handler
        self.port = free_port()
        self.kwargs = kwargs
        self.controller: Controller | None = None

    def start(self) -> Server:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **self.kwargs
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mailbox():
    return Mailbox()


@pytest.fixture
def smtp_server(mailbox):
    server = Server(mailbox)
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "MAIL_TIMEOUT_SECONDS": 5,
    }


def _outbox_ids() -> Counter:
    db.session.rollback()
    return Counter(
        message_from_bytes(row, policy=default)["Message-ID"]
        for row in db.session.scalars(select(OutboxMessage.message))
    )


def _statuses() -> Counter:
    db.session.rollback()
    return Counter(db.session.scalars(select(OutboxMessage.status)))


def test_an_outage_loses_nothing_and_sends_nothing_twice(ctx, smtp_server, mailbox):
    advisor = make_advisor(email="maria@example.org")
    for n in range(3):
        book_next(advisor, visitor(name=f"V{n}", email=f"v{n}@example.org"), index=n * 8)
    assert _statuses() == {PENDING: 6}
    now = utcnow()

    # 1. The server is up but answers "451 try later": nothing is marked sent.
    smtp_server.start()
    mailbox.refusing = True
    report = outbox.deliver(now=now)
    assert (report.sent, report.retrying) == (0, 6)
    assert mailbox.received == [] and _statuses() == {PENDING: 6}

    # 2. The server is gone: one connection attempt, every message waits longer.
    smtp_server.stop()
    report = outbox.deliver(now=now + timedelta(minutes=1))
    assert (report.sent, report.retrying) == (0, 6)
    db.session.rollback()
    rows = list(db.session.scalars(select(OutboxMessage)))
    assert {r.attempts for r in rows} == {2}
    assert all("cannot reach" in r.last_error for r in rows)
    assert {r.next_attempt_at for r in rows} == {now + timedelta(minutes=3)}

    # 3. Back and accepting, but the backoff has not passed: nothing is tried yet.
    mailbox.refusing = False
    smtp_server.start()
    assert outbox.deliver(now=now + timedelta(minutes=2)).sent == 0
    assert mailbox.received == []

    # 4. After the backoff everything goes, exactly once; later runs send nothing more.
    assert outbox.deliver(now=now + timedelta(minutes=3)).sent == 6
    assert outbox.deliver(now=now + timedelta(hours=1)).sent == 0
    assert _statuses() == {SENT: 6}
    assert mailbox.message_ids() == _outbox_ids()
    assert set(mailbox.message_ids().values()) == {1}
    recipients = sorted(rcpt for _, (rcpt,) in mailbox.envelopes)
    assert recipients == sorted(
        ["maria@example.org"] * 3 + ["v0@example.org", "v1@example.org", "v2@example.org"]
    )
    assert {sender for sender, _ in mailbox.envelopes} == {"bookings@advising.example"}


def test_several_deliverers_at_once_send_each_message_exactly_once(app, ctx, smtp_server, mailbox):
    mailbox.delay = 0.005  # a slow server, so the deliverers overlap
    for n in range(40):
        message = build_text_message(
            sender="bookings@advising.example",
            sender_name="Advising",
            to_email=f"person{n}@example.org",
            to_name=f"Person {n}",
            subject=f"Message {n}",
            text_body="Hello",
        )
        outbox.enqueue(message, kind="test", recipient=f"person{n}@example.org", subject="x")
    db.session.commit()
    smtp_server.start()

    barrier = threading.Barrier(6)
    reports, errors = [], []

    def deliverer() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                reports.append(outbox.deliver())
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=deliverer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in reports) == 40
    assert sum(1 for r in reports if r.sent) >= 2  # the work really was shared
    assert _statuses() == {SENT: 40}
    assert mailbox.message_ids() == _outbox_ids()
    assert set(mailbox.message_ids().values()) == {1}


class Authenticator:
    def __init__(self):
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret")


# aiosmtpd warns that AUTH without TLS is unsafe: true, and why this loopback-only test server
# is the one place it is allowed (the transport refuses it towards any other host).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_login_with_the_credentials_in_mail_url(ctx, mailbox):
    authenticator = Authenticator()
    server = Server(
        mailbox, authenticator=authenticator, auth_require_tls=False, auth_required=True
    ).start()
    try:
        ctx.config["MAIL_URL"] = f"smtp://ann%40x.org:s3cret@127.0.0.1:{server.port}"
        outbox.enqueue(
            b"Subject: hi\r\n\r\nHello\r\n", kind="test", recipient="b@example.org", subject="hi"
        )
        db.session.commit()
        assert outbox.deliver().sent == 1
        assert authenticator.logins == [("ann@x.org", "s3cret")]

    finally:
        server.stop()
