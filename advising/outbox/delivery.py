"""Outbox delivery: queue messages in the caller's transaction, deliver them with retries.

Delivery claims one row at a time with a conditional UPDATE that sets a lease
(``claimed_until``) and a random ``claim_token``: on PostgreSQL the candidate row is picked
with ``FOR UPDATE SKIP LOCKED``, on SQLite inside a write-locked transaction, so any number of
deliverers (workers on several hosts, ``flask mail deliver``) never send one message twice. A row
is marked sent only after the server accepted it, and only by the holder of its claim. A
failure schedules another attempt with exponential backoff; after ``MAIL_MAX_ATTEMPTS`` (or a
permanent refusal) the message is marked failed: failed mail shows on the staff mail outbox
page, a failed webhook delivery on its endpoint's page.

Each row goes out through the :class:`Channel` registered for its ``channel``. Web requests
never deliver: queueing a message (or making one due again) wakes the worker
(:mod:`advising.outbox.wakeup`: ``NOTIFY`` on PostgreSQL, polling on SQLite), which sends it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import defer

from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.outbox.errors import DeliveryError, PermanentFailure, TemporaryFailure
from advising.outbox.models import FAILED, MAIL, PENDING, SENT, OutboxMessage
from advising.outbox.wakeup import notify_workers

log = logging.getLogger("advising.outbox")


class Sender(Protocol):
    """An open connection of one channel: sends one stored message, raising DeliveryError."""

    def send(self, recipient: str, message: bytes, name: str) -> None: ...

    def close(self) -> None: ...


class Channel(Protocol):
    """A kind of delivery: opens a :class:`Sender` for one delivery run."""

    def __call__(self) -> Sender: ...

LEASE = timedelta(minutes=10)  # far longer than one SMTP exchange (30 s timeouts)
DEFAULT_MAX_ATTEMPTS = 8  # 1, 2, 4, ... 64 minutes apart: about two hours of retries
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
    data: bytes,
    *,
    kind: str,
    recipient: str,
    subject: str,
    channel: str = MAIL,
    booking_id: int | None = None,
    intake_id: int | None = None,
    status: str = PENDING,
    last_error: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (the caller commits); a
    pending one wakes the workers when that transaction commits."""
    row = OutboxMessage(
        channel=channel,
        booking_id=booking_id,
        intake_id=intake_id,
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
    db.session.flush()
    if status == PENDING:
        notify_workers(db.session)
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
    channel: str
    recipient: str
    message: bytes
    attempts: int


def _claimable(now: datetime) -> Any:
    return (
        OutboxMessage.status == PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


@dataclass(frozen=True)
class ChannelFilter:
    """Which channels a delivery run takes: ``only`` these (all when None), never ``skip``."""

    only: frozenset[str] | None = None
    skip: frozenset[str] = frozenset()

    @classmethod
    def of(cls, channel: str | None) -> ChannelFilter:
        """One channel's rows (every channel's when None)."""
        return EVERY_CHANNEL if channel is None else cls(only=frozenset({channel}))

    def where(self) -> list[Any]:
        conditions = []
        if self.only is not None:
            conditions.append(OutboxMessage.channel.in_(sorted(self.only)))
        if self.skip:
            conditions.append(OutboxMessage.channel.not_in(sorted(self.skip)))
        return conditions


EVERY_CHANNEL = ChannelFilter()


def _claim_next(
    now: datetime, token: str, ids: list[int] | None, channels: ChannelFilter = EVERY_CHANNEL
) -> _Claimed | None:
    """Claim the next due message, or None when there is none. Commits before returning."""
    begin_write_locked(db.session)
    query = select(OutboxMessage.id).where(*_claimable(now), *channels.where())
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
                    OutboxMessage.channel,
                    OutboxMessage.recipient,
                    OutboxMessage.message,
                    OutboxMessage.attempts,
                ).where(OutboxMessage.id == message_id)
            ).one()
            db.session.commit()
            return _Claimed(
                message_id, row.channel, row.recipient, bytes(row.message), row.attempts
            )
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
    if status != PENDING and item.channel in _forgetful_channels():
        values["message"] = b""
    begin_write_locked(db.session)
    recorded = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == item.id, OutboxMessage.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if recorded.rowcount != 1:  # our lease ran out mid-send and another deliverer took it
        log.warning("outbox message_id=%s: claim lost before the outcome was recorded", item.id)
    return status


def _forgetful_channels() -> set[str]:
    from advising.outbox import FORGETFUL_KEY

    return current_app.extensions.get(FORGETFUL_KEY, set())


def _release(item: _Claimed, token: str) -> None:
    """Give up our claim without counting an attempt (the message is due again at once)."""
    try:
        db.session.rollback()
        begin_write_locked(db.session)
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.claim_token == token)
            .values(claimed_until=None, claim_token=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:  # the lease still runs out on its own
        log.exception("outbox message_id=%s: could not release the claim", item.id)
        db.session.rollback()
    else:
        log.warning("outbox message_id=%s: claim released unsent", item.id)


class _Senders:
    """The senders opened in one run, one per channel, and the channels found unreachable."""

    def __init__(self, channels: Mapping[str, Channel], opened: Mapping[str, Sender]):
        self.channels = channels
        self.open: dict[str, Sender] = dict(opened)
        self.unreachable: dict[str, TemporaryFailure] = {}

    def send(self, item: _Claimed) -> DeliveryError | None:
        if (failure := self.unreachable.get(item.channel)) is not None:
            return failure
        try:
            if item.channel not in self.open:
                if item.channel not in self.channels:
                    raise PermanentFailure(f"no channel {item.channel!r} to deliver it")
                self.open[item.channel] = self.channels[item.channel]()
            self.open[item.channel].send(item.recipient, item.message, f"message-{item.id}")
        except DeliveryError as error:
            if isinstance(error, TemporaryFailure) and error.connection:
                self.unreachable[item.channel] = error
            return error
        return None

    def close(self) -> None:
        for sender in self.open.values():
            sender.close()


def deliver(
    *,
    now: datetime | None = None,
    ids: Iterable[int] | None = None,
    limit: int = MAX_PER_RUN,
    senders: Mapping[str, Sender] | None = None,
    stop: Callable[[], bool] | None = None,
    channels: ChannelFilter = EVERY_CHANNEL,
) -> DeliveryReport:
    """Send due messages (only ``ids`` when given, only ``channels``' rows). ``now`` fixes the
    clock (tests, replays);
    ``senders`` replaces the registered channels' (tests). ``stop`` is asked before each
    claim: once it answers True the run ends after the message in hand (a worker shutting
    down). Should sending raise anything else than a DeliveryError (even KeyboardInterrupt),
    the claim is released unchanged, so another deliverer takes the message.

    When a channel cannot reach its other side, the remaining due messages of that channel
    are not tried again in this run: each records the same failure and waits its backoff.
    """
    from advising.outbox import CHANNELS_KEY

    wanted = sorted(set(ids)) if ids is not None else None
    report = DeliveryReport()
    if wanted == []:
        return report
    run = _Senders(current_app.extensions.get(CHANNELS_KEY, {}), senders or {})
    token = secrets.token_hex(16)
    try:
        for _ in range(limit):
            if stop is not None and stop():
                break
            item = _claim_next(now or utcnow(), token, wanted, channels)
            if item is None:
                break
            try:
                error = run.send(item)
            except BaseException:  # a bug, a bad configuration, a forced stop: hand it back
                _release(item, token)
                raise
            status = _finish(item, token, now or utcnow(), error)
            if status == SENT:
                report.sent += 1
            else:
                log.warning("outbox message_id=%s not delivered: %s", item.id, error)
                report.errors.append(f"message {item.id}: {error}")
                if status == FAILED:
                    report.failed += 1
                else:
                    report.retrying += 1
    finally:
        run.close()
    if report.sent or report.failed or report.retrying:
        log.info("outbox delivery: %s", report)
    return report


def retry_now(
    message_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    *,
    channel: str | None = None,
) -> list[int]:
    """Make failed or waiting messages due now (all failed ones when ``message_ids`` is None);
    failed ones start a fresh round of attempts. ``channel`` limits it to that channel's rows
    (every channel when None). Returns the ids made due."""
    now = now or utcnow()
    begin_write_locked(db.session)
    query = select(OutboxMessage.id).where(
        func.length(OutboxMessage.message) > 0,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        *ChannelFilter.of(channel).where(),
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
        notify_workers(db.session)
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


def next_due(
    now: datetime | None = None, channels: ChannelFilter = EVERY_CHANNEL
) -> datetime | None:
    """When a pending message (of ``channels``) can next be claimed (possibly in the past), or
    None: the earliest retry time of the free ones and the earliest lease end of the claimed
    ones. Only reads; ends the transaction."""
    now = now or utcnow()
    pending = OutboxMessage.status == PENDING
    free = db.session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            pending,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            *channels.where(),
        )
    )
    held = db.session.scalar(
        select(func.min(OutboxMessage.claimed_until)).where(
            pending, OutboxMessage.claimed_until >= now, *channels.where()
        )
    )
    db.session.rollback()
    times = [t for t in (free, held) if t is not None]
    return min(times) if times else None


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


def status_counts(channel: str | None = None) -> dict[str, int]:
    """How many messages (of ``channel``; of every channel when None) are in each status."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(*ChannelFilter.of(channel).where())
        .group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys((PENDING, SENT, FAILED), 0)
    counts.update({status: count for status, count in rows})
    return counts


def messages(
    statuses: Iterable[str], *, limit: int = 200, channel: str | None = None
) -> list[tuple[OutboxMessage, bool]]:
    """(message, sendable) in ``statuses`` (of ``channel``; of every channel when None) without
    loading their bytes: oldest first for pending/failed, newest first for sent. ``sendable``
    is False for a message that could not be built."""
    chosen = list(statuses)
    order = (
        (OutboxMessage.sent_at.desc(),)
        if chosen == [SENT]
        else (OutboxMessage.created_at, OutboxMessage.id)
    )
    rows = db.session.execute(
        select(OutboxMessage, func.length(OutboxMessage.message) > 0)
        .options(defer(OutboxMessage.message))
        .where(OutboxMessage.status.in_(chosen), *ChannelFilter.of(channel).where())
        .order_by(*order)
        .limit(limit)
    )
    return [(message, bool(sendable)) for message, sendable in rows]
