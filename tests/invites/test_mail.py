"""Transports from MAIL_URL, and the outbox's retries, backoff, failure and claims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from advising.extensions import db
from advising.invites import outbox
from advising.invites.mail import (
    FileTransport,
    MailConfigError,
    PermanentFailure,
    SMTPTransport,
    TemporaryFailure,
    transport_from_url,
)
from advising.invites.message import build_text_message
from advising.invites.models import FAILED, PENDING, SENT, OutboxMessage

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def test_mail_url_chooses_the_transport(tmp_path: Path):
    smtp = transport_from_url("smtp://ann%40x.org:p%3Ass@mail.example.org:587")
    assert isinstance(smtp, SMTPTransport)
    assert (smtp.host, smtp.port, smtp.implicit_tls) == ("mail.example.org", 587, False)
    assert (smtp.username, smtp.password) == ("ann@x.org", "p:ss")
    smtps = transport_from_url("smtps://mail.example.org")
    assert isinstance(smtps, SMTPTransport) and smtps.implicit_tls and smtps.port == 465
    assert transport_from_url("smtp://relay.local").port == 25
    folder = transport_from_url(f"file://{tmp_path}/out")
    assert isinstance(folder, FileTransport) and folder.folder == tmp_path / "out"
    assert transport_from_url("file://instance/outbox").folder == Path("instance/outbox")
    for bad in ("", "http://x.org", "smtp://", "smtp://host:notaport", "file://"):
        with pytest.raises(MailConfigError):
            transport_from_url(bad)


def test_file_transport_writes_one_file_per_message_atomically(tmp_path: Path):
    transport = FileTransport(tmp_path / "out")
    transport.send("a@x.org", "b@x.org", b"one", "message-1")
    transport.send("a@x.org", "b@x.org", b"again", "message-1")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["message-1.eml"]
    assert (tmp_path / "out" / "message-1.eml").read_bytes() == b"again"


def test_credentials_are_never_sent_in_clear_to_a_remote_server(monkeypatch):
    class NoTLS:
        def __init__(self, *args, **kwargs):
            self.closed = False

        def ehlo(self):
            pass

        def has_extn(self, name):
            return False

        def login(self, *args):  # pragma: no cover - must not be reached
            raise AssertionError("login over plain text")

        def close(self):
            self.closed = True

    monkeypatch.setattr("smtplib.SMTP", NoTLS)
    transport = transport_from_url("smtp://ann:secret@mail.example.org:587")
    with pytest.raises(TemporaryFailure, match="STARTTLS") as failure:
        transport.send("a@x.org", "b@x.org", b"x", "m")
    assert failure.value.connection


class FakeTransport:
    """Accepts or refuses by recipient; records what it sent."""

    def __init__(self, outcomes: dict[str, list] | None = None):
        self.outcomes = outcomes or {}
        self.sent: list[tuple[str, bytes]] = []
        self.calls = 0

    def send(self, sender, recipient, message, name):
        self.calls += 1
        plan = self.outcomes.get(recipient, [])
        outcome = plan.pop(0) if plan else None
        if outcome is not None:
            raise outcome
        self.sent.append((recipient, message))

    def close(self):
        pass


def _queue(recipient: str = "bob@example.org", n: int = 1, at: datetime = T0) -> list[int]:
    ids = []
    for i in range(n):
        message = build_text_message(
            sender="bookings@advising.example",
            sender_name="Advising",
            to_email=recipient,
            to_name="Bob",
            subject=f"Hello {i}",
            text_body="Hi",
        )
        row = outbox.enqueue(message, kind="test", recipient=recipient, subject="Hello", now=at)
        db.session.flush()
        ids.append(row.id)
    db.session.commit()
    return ids


def _row(message_id: int) -> OutboxMessage:
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id)


def test_failures_back_off_exponentially_then_the_message_is_marked_failed(ctx):
    ctx.config["MAIL_MAX_ATTEMPTS"] = 4
    [message_id] = _queue()
    down = FakeTransport({"bob@example.org": [TemporaryFailure("451 later")] * 10})
    now, waits = T0, []
    for attempt in range(1, 5):
        report = outbox.deliver(now=now, transport=down)
        row = _row(message_id)
        assert row.attempts == attempt and row.last_error == "451 later"
        assert row.claimed_until is None and row.claim_token is None
        if attempt < 4:
            assert report.retrying == 1 and row.status == PENDING
            waits.append(row.next_attempt_at - now)
            # Not due before its time: nothing is tried.
            early = outbox.deliver(now=row.next_attempt_at - timedelta(seconds=1), transport=down)
            assert (early.sent, early.retrying, down.calls) == (0, 0, attempt)
            now = row.next_attempt_at
        else:
            assert report.failed == 1 and row.status == FAILED
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert outbox.deliver(now=now + timedelta(days=1), transport=down).sent == 0
    assert down.sent == []


def test_a_permanent_refusal_fails_at_once_and_staff_can_retry_it(ctx):
    [message_id] = _queue("gone@example.org")
    transport = FakeTransport({"gone@example.org": [PermanentFailure("550 no such user")]})
    assert outbox.deliver(now=T0, transport=transport).failed == 1
    row = _row(message_id)
    assert (row.status, row.attempts, row.last_error) == (FAILED, 1, "550 no such user")

    assert outbox.retry_now([message_id], now=T0 + timedelta(hours=1)) == [message_id]
    row = _row(message_id)
    assert (row.status, row.attempts) == (PENDING, 0)
    assert outbox.deliver(now=T0 + timedelta(hours=1), transport=transport).sent == 1
    row = _row(message_id)
    assert row.status == SENT and row.sent_at == T0 + timedelta(hours=1) and row.attempts == 1
    assert outbox.retry_now([message_id]) == []  # sent stays sent


def test_an_unreachable_server_is_tried_once_per_run(ctx):
    ids = _queue(n=5)
    down = FakeTransport({"bob@example.org": [TemporaryFailure("refused", connection=True)]})
    report = outbox.deliver(now=T0, transport=down)
    assert (report.retrying, down.calls) == (5, 1)
    assert {(_row(i).attempts, _row(i).status) for i in ids} == {(1, PENDING)}
    report = outbox.deliver(now=T0 + timedelta(minutes=1), transport=down)
    assert report.sent == 5 and len(down.sent) == 5


def test_deliver_with_ids_sends_only_those(ctx):
    first, second = _queue(n=2)
    transport = FakeTransport()
    assert outbox.deliver(now=T0, ids=[second], transport=transport).sent == 1
    assert (_row(first).status, _row(second).status) == (PENDING, SENT)
    assert outbox.deliver(now=T0, ids=[], transport=transport).sent == 0


def test_a_claimed_message_is_left_alone_until_its_lease_expires(ctx):
    [message_id] = _queue()
    db.session.execute(
        OutboxMessage.__table__.update()
        .where(OutboxMessage.id == message_id)
        .values(claimed_until=T0 + outbox.LEASE, claim_token="someone-else")
    )
    db.session.commit()
    transport = FakeTransport()
    assert outbox.deliver(now=T0, transport=transport).sent == 0
    # The other deliverer died: after the lease anyone may take it.
    later = T0 + outbox.LEASE + timedelta(seconds=1)
    assert outbox.deliver(now=later, transport=transport).sent == 1
    assert _row(message_id).status == SENT and _row(message_id).claim_token is None


def test_old_sent_messages_are_purged(ctx):
    old, new = _queue(n=2)
    transport = FakeTransport()
    outbox.deliver(now=T0, ids=[old], transport=transport)
    outbox.deliver(now=T0 + timedelta(days=20), ids=[new], transport=transport)
    assert outbox.purge_sent(T0 + timedelta(days=31)) == 1
    db.session.rollback()
    assert list(db.session.scalars(select(OutboxMessage.id))) == [new]


def test_mail_deliver_command(ctx, runner, tmp_path):
    _queue(n=3)
    result = runner.invoke(args=["mail", "deliver", "--now", "2030-03-04T09:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "3 sent, 0 to retry, 0 failed" in result.output
    assert len(list((tmp_path / "instance" / "outbox").glob("message-*.eml"))) == 3
    result = runner.invoke(args=["mail", "deliver", "--now", "yesterday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output
