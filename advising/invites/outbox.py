"""The mail outbox: queue messages in the caller's transaction, deliver them with retries.

Delivery claims one row at a time with a conditional UPDATE that sets a lease
(``claimed_until``) and a random ``claim_token``: on PostgreSQL the candidate row is picked
with ``FOR UPDATE SKIP LOCKED``, on SQLite inside a write-locked transaction, so any number of
deliverers (cron, the after-request hook, several hosts) never send one message twice. A row
is marked sent only after the server accepted it, and only by the holder of its claim. A
failure schedules another attempt with exponential backoff; after ``MAIL_MAX_ATTEMPTS`` (or a
permanent refusal) the message is marked failed and shows on the staff outbox page.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import defer

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.invites.mail import (
    DeliveryError,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_from_url,
)
from advising.invites.models import FAILED, PENDING, SENT, OutboxMessage

log = logging.getLogger("advising.mail")

LEASE = timedelta(minutes=10)  # far longer than one SMTP exchange (30 s timeouts)
DEFAULT_MAX_ATTEMPTS = 8  # 1, 2, 4, ... 64 minutes apart: about two hours of retries
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
KEEP_SENT = timedelta(days=30)
MAX_PER_RUN = 1000


def max_attempts() -> int:
    return int(current_app.config.get("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 ... minutes, at most 6 h."""
    base = timedelta(seconds=float(current_app.config.get("MAIL_RETRY_BASE_SECONDS", 60)))
    return min(base * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def enqueue(
    message: EmailMessage | bytes,
    *,
    kind: str,
    recipient: str,
    subject: str,
    booking_id: int | None = None,
    status: str = PENDING,
    last_error: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (the caller commits)."""
    data = message if isinstance(message, bytes) else message.as_bytes()
    row = OutboxMessage(
        booking_id=booking_id,
        kind=kind,
        recipient=recipient[:254],
        subject=subject[:200],
        message=data,
        status=status,
        attempts=0,
        next_attempt_at=now or utcnow(),
        last_error=last_error,
    )
    db.session.add(row)
    return row


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    message: bytes
    attempts: int


def _claimable(now: datetime) -> Any:
    return (
        OutboxMessage.status == PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _claim_next(now: datetime, token: str, ids: list[int] | None) -> _Claimed | None:
    """Claim the next due message, or None when there is none. Commits before returning."""
    begin_write_locked(db.session)
    query = select(OutboxMessage.id).where(*_claimable(now))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    while (message_id := db.session.scalar(query)) is not None:
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *_claimable(now))
            .values(claimed_until=now + LEASE, claim_token=token)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # taken meanwhile (cannot happen under the lock; be sure)
            query = query.where(OutboxMessage.id != message_id)
        else:
            row = db.session.execute(
                select(
                    OutboxMessage.recipient, OutboxMessage.message, OutboxMessage.attempts
                ).where(OutboxMessage.id == message_id)
            ).one()
            db.session.commit()
            return _Claimed(message_id, row.recipient, bytes(row.message), row.attempts)
    db.session.commit()
    return None


def _finish(item: _Claimed, token: str, now: datetime, error: DeliveryError | None) -> str:
    """Record the outcome of one attempt (only while we hold the claim); returns the status."""
    attempts = item.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "claimed_until": None, "claim_token": None}
    if error is None:
        status = SENT
        values.update(status=SENT, sent_at=now, last_error=None)
    else:
        final = isinstance(error, PermanentFailure) or attempts >= max_attempts()
        status = FAILED if final else PENDING
        values.update(status=status, last_error=str(error)[:2000])
        if not final:
            values["next_attempt_at"] = now + backoff(attempts)
    begin_write_locked(db.session)
    recorded = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == item.id, OutboxMessage.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if recorded.rowcount != 1:  # our lease ran out mid-send and another deliverer took it
        log.warning("mail message_id=%s: claim lost before the outcome was recorded", item.id)
    return status


def deliver(
    *,
    now: datetime | None = None,
    ids: Iterable[int] | None = None,
    limit: int = MAX_PER_RUN,
    transport: Transport | None = None,
) -> DeliveryReport:
    """Send due messages (only ``ids`` when given). ``now`` fixes the clock (tests, replays).

    When the server cannot be reached, the remaining due messages are not tried against it
    again in this run: each records the same failure and waits its backoff.
    """
    wanted = sorted(set(ids)) if ids is not None else None
    report = DeliveryReport()
    if wanted == []:
        return report
    transport = transport or transport_from_url(
        current_app.config["MAIL_URL"],
        timeout=float(current_app.config.get("MAIL_TIMEOUT_SECONDS", 30)),
    )
    sender = current_app.config["MAIL_FROM"]
    token = secrets.token_hex(16)
    unreachable: TemporaryFailure | None = None
    try:
        for _ in range(limit):
            clock = now or utcnow()
            item = _claim_next(clock, token, wanted)
            if item is None:
                break
            error: DeliveryError | None = unreachable
            if error is None:
                try:
                    transport.send(sender, item.recipient, item.message, f"message-{item.id}")
                except DeliveryError as failure:
                    error = failure
                    if isinstance(failure, TemporaryFailure) and failure.connection:
                        unreachable = failure
            status = _finish(item, token, now or utcnow(), error)
            if status == SENT:
                report.sent += 1
            else:
                log.warning("mail message_id=%s not delivered: %s", item.id, error)
                report.errors.append(f"message {item.id}: {error}")
                if status == FAILED:
                    report.failed += 1
                else:
                    report.retrying += 1
    finally:
        transport.close()
    if report.sent or report.failed or report.retrying:
        log.info("mail delivery: %s", report)
    return report


def retry_now(message_ids: Iterable[int] | None = None, now: datetime | None = None) -> list[int]:
    """Make failed or waiting messages due now (all failed ones when ``message_ids`` is None);
    failed ones start a fresh round of attempts. Returns the ids made due."""
    now = now or utcnow()
    begin_write_locked(db.session)
    query = select(OutboxMessage.id).where(
        func.length(OutboxMessage.message) > 0,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )
    if message_ids is None:
        query = query.where(OutboxMessage.status == FAILED)
    else:
        query = query.where(
            OutboxMessage.id.in_(list(message_ids)),
            OutboxMessage.status.in_((PENDING, FAILED)),
        )
    chosen = list(db.session.scalars(query))
    if chosen:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen), OutboxMessage.status == FAILED)
            .values(attempts=0)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen))
            .values(status=PENDING, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return chosen


def purge_sent(now: datetime | None = None, keep: timedelta = KEEP_SENT) -> int:
    """Delete sent messages older than ``keep``: the outbox is no mail archive."""
    now = now or utcnow()
    result = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == SENT, OutboxMessage.sent_at < now - keep
        )
    )
    db.session.commit()
    return result.rowcount or 0


def status_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys((PENDING, SENT, FAILED), 0)
    counts.update({status: count for status, count in rows})
    return counts


def messages(statuses: Iterable[str], *, limit: int = 200) -> list[tuple[OutboxMessage, bool]]:
    """(message, sendable) in ``statuses`` without loading their bytes: oldest first for
    pending/failed, newest first for sent. ``sendable`` is False for a message that could not
    be built."""
    chosen = list(statuses)
    order = (
        (OutboxMessage.sent_at.desc(),)
        if chosen == [SENT]
        else (OutboxMessage.created_at, OutboxMessage.id)
    )
    rows = db.session.execute(
        select(OutboxMessage, func.length(OutboxMessage.message) > 0)
        .options(defer(OutboxMessage.message))
        .where(OutboxMessage.status.in_(chosen))
        .order_by(*order)
        .limit(limit)
    )
    return [(message, bool(sendable)) for message, sendable in rows]
