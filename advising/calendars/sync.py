"""Feed syncs: claim a source's lease, fetch it conditionally (or re-expand an upload), keep
the last good.

Several ``calendars sync`` processes may run at once: each claims a source with a conditional
UPDATE of its lease (committed before fetching) and skips sources another process holds. Within
one run, ``CALENDAR_SYNC_WORKERS`` threads sync sources side by side (each with its own app
context and session), so one slow feed holds up no other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from advising.calendars import feeds
from advising.calendars.models import SOURCE_FEED, CalendarSource
from advising.calendars.services import (
    CalendarError,
    apply_calendar,
    content_version,
    end_read,
    fetch_feed,
    record_failure,
)
from advising.database import begin_write_locked, utcnow
from advising.extensions import db

log = logging.getLogger("advising.calendars")

LEASE = timedelta(minutes=5)

UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class SyncResult:
    """What one sync did to one source."""

    source_id: int
    label: str
    advisor: str
    status: str  # UPDATED, UNCHANGED, FAILED or SKIPPED
    blocks: int = 0
    message: str | None = None


@dataclass
class SyncSummary:
    """The results of one run over every source."""

    results: list[SyncResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    def __str__(self) -> str:
        return (
            f"{len(self.results)} calendar(s): {self.count(UPDATED)} updated, "
            f"{self.count(UNCHANGED)} unchanged, {self.failed} failed, "
            f"{self.count(SKIPPED)} skipped"
        )


def claim_source(source_id: int, now: datetime) -> bool:
    """Take the source's sync lease unless another process holds it or already synced it at or
    after ``now``; the claim is committed before any fetching."""
    begin_write_locked(db.session)
    result = db.session.execute(
        update(CalendarSource)
        .where(
            CalendarSource.id == source_id,
            or_(CalendarSource.sync_lease_until.is_(None), CalendarSource.sync_lease_until < now),
            or_(CalendarSource.last_attempt_at.is_(None), CalendarSource.last_attempt_at < now),
        )
        .values(sync_lease_until=now + LEASE, last_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def sync_source(source_id: int, now: datetime | None = None) -> SyncResult:
    """Sync one source: fetch a feed (conditionally) or re-expand an upload; keep the last good."""
    now = now or utcnow()
    source = db.session.get(CalendarSource, source_id)
    if source is None:
        raise CalendarError("That calendar no longer exists.")
    label, advisor = source.label, source.advisor.display_name
    if not claim_source(source_id, now):
        return SyncResult(source_id, label, advisor, SKIPPED)
    try:
        return _sync_claimed(source_id, now, label, advisor)
    except Exception:
        log.exception("calendar sync crashed source_id=%s", source_id)
        message = "The sync stopped on an unexpected error; it will be tried again."
        record_failure(source_id, message, now)
        return SyncResult(source_id, label, advisor, FAILED, message=message)


def _sync_claimed(source_id: int, now: datetime, label: str, advisor: str) -> SyncResult:
    source = db.session.get(CalendarSource, source_id)
    assert source is not None
    kind, url, content = source.kind, source.feed_url, source.content
    version = content_version(source)
    etag, last_modified = source.etag, source.last_modified
    keywords, categories, zone = source.keywords, source.categories, source.advisor.timezone
    end_read()

    fresh: feeds.FeedResponse | None = None
    if kind == SOURCE_FEED and url:
        # Validators only go with content to fall back on: a 304 re-expands that.
        if content is None:
            etag = last_modified = None
        try:
            fresh = fetch_feed(url, etag, last_modified)
        except CalendarError as error:
            record_failure(source_id, str(error), now)
            return _failed(source_id, label, advisor, error)
        if fresh.not_modified:
            fresh = None
    try:
        applied = apply_calendar(
            source_id,
            (fresh.content or b"") if fresh is not None else content,
            zone=zone,
            now=now,
            keywords=keywords,
            categories=categories,
            changes=({"etag": fresh.etag, "last_modified": fresh.last_modified} if fresh else None),
            store=fresh is not None,
            from_feed=fresh is not None,
            version=version,
            synced=True,
            claimed=True,
        )
    except CalendarError as error:  # already recorded on the source
        return _failed(source_id, label, advisor, error)
    if applied.source is None:  # removed meanwhile
        return SyncResult(source_id, label, advisor, SKIPPED)
    if applied.stale:
        # The advisor uploaded a new file or changed keywords meanwhile: theirs is newer.
        return SyncResult(source_id, label, advisor, SKIPPED, message="changed meanwhile")
    status = UPDATED if fresh is not None else UNCHANGED
    return SyncResult(source_id, label, advisor, status, blocks=applied.blocks)


def _failed(source_id: int, label: str, advisor: str, error: CalendarError) -> SyncResult:
    log.info("calendar sync failed source_id=%s: %s", source_id, error)
    return SyncResult(source_id, label, advisor, FAILED, message=str(error))


def sync_all(
    now: datetime | None = None,
    progress: Callable[[int, int, SyncResult], None] | None = None,
) -> SyncSummary:
    """Sync every source once (feeds fetched, uploads re-expanded); sources another process is
    syncing are skipped. Up to ``CALENDAR_SYNC_WORKERS`` sources are synced at once.
    ``progress(number, total, result)`` is called (in this thread) as each source is done,
    ``number`` being the source's place in the run (1 for the first source), so the numbers
    are the same whichever feed answers first; the summary lists the results in that order."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(CalendarSource.id).order_by(CalendarSource.id)))
    db.session.commit()
    workers = max(1, min(int(current_app.config["CALENDAR_SYNC_WORKERS"]), len(ids)))
    found: dict[int, SyncResult] = {}
    numbers = {source_id: number for number, source_id in enumerate(ids, start=1)}

    def done(result: SyncResult | None) -> None:
        if result is None:  # removed meanwhile
            return
        found[result.source_id] = result
        if progress:
            progress(numbers[result.source_id], len(ids), result)

    if workers == 1:
        for source_id in ids:
            done(_sync_or_none(source_id, now))
    else:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with ThreadPoolExecutor(workers, thread_name_prefix="calendar-sync") as pool:
            futures = [pool.submit(_sync_in_context, app, source_id, now) for source_id in ids]
            for future in as_completed(futures):
                done(future.result())
    return SyncSummary([found[source_id] for source_id in ids if source_id in found])


def _sync_or_none(source_id: int, now: datetime) -> SyncResult | None:
    try:
        return sync_source(source_id, now)
    except CalendarError:  # removed meanwhile
        return None


def _sync_in_context(app: Flask, source_id: int, now: datetime) -> SyncResult | None:
    """One source in a worker thread: its own app context, so its own session."""
    with app.app_context():
        try:
            return _sync_or_none(source_id, now)
        finally:
            db.session.remove()
