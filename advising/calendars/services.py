"""Calendar imports and feeds: parse, scrub, store blocks atomically, keep the last good.

Every import (an upload, a feed fetch, or re-expanding stored content for the rolling horizon)
goes through :func:`apply_calendar`: it replaces a source's blocks in one transaction (delete
and bulk insert, then commit). When anything fails, the source keeps its last good content and
blocks, and ``last_error`` says in plain words what went wrong.

Busy events' titles are private: before a calendar is stored, :func:`~advising.calendars.ics.scrub`
drops the event details and turns every title that is not an availability keyword into "Busy".
So changing the keywords later applies fully only after the next upload (or a feed fetch that
brings changed content); until then, titles already scrubbed to "Busy" can no longer match a
new keyword. Syncing (leases, conditional fetches) is in :mod:`advising.calendars.sync`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import defer

from advising.advisors.models import AdvisorProfile
from advising.calendars import feeds
from advising.calendars.ics import (
    AvailabilityMarkers,
    Clock,
    IcsError,
    Interval,
    Limits,
    ParseResult,
    merge_intervals,
    read_calendar,
    scrub,
)
from advising.calendars.models import (
    MAX_BLOCK_DAYS,
    SOURCE_FEED,
    SOURCE_UPLOAD,
    CalendarBlock,
    CalendarSource,
)
from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.shared.errors import FieldError

log = logging.getLogger("advising.calendars")

MAX_MARKERS = 20
MAX_MARKER_LENGTH = 100
UID_LENGTH = 255
INSERT_CHUNK = 1000  # block rows per INSERT; the import's time budget is checked between


class CalendarError(FieldError):
    """A calendar action was refused; the message is for the advisor, ``field`` names the input."""


class TooManyBlocks(CalendarError):
    """The calendar reads, but needs more stored blocks than ``CALENDAR_MAX_BLOCKS``."""


# --- pure helpers ------------------------------------------------------------------------------


def clean_markers(values: Iterable[str] | None) -> list[str]:
    """Keywords or categories as stored: trimmed, non-empty, without duplicates, in order."""
    seen: dict[str, str] = {}
    for value in values or ():
        text = " ".join(str(value).split())[:MAX_MARKER_LENGTH]
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())[:MAX_MARKERS]


def split_markers(text: str | None) -> list[str]:
    """Comma-separated keywords as typed into a form (or the CLI)."""
    return clean_markers((text or "").split(","))


def default_keywords() -> list[str]:
    """Keywords a new calendar starts with: the parser's own defaults."""
    return list(AvailabilityMarkers().keywords)


def default_categories() -> list[str]:
    """Categories a new calendar starts with: the parser's own defaults."""
    return list(AvailabilityMarkers().categories)


def describe_ics_error(error: IcsError) -> str:
    """The parser's message for the advisor, starting with the line number when known."""
    message = str(error.message or error)
    if error.line is not None and not message.startswith(f"Line {error.line}"):
        message = f"Line {error.line}: {message}"
    return message


def skipped_summary(warnings: Sequence[str] | None) -> str | None:
    """The skipped events in one sentence for the advisor ("2 events were skipped: line 14:
    ...; line 20: ..."), or None when nothing was skipped."""
    if not warnings:
        return None
    return f"{skipped_heading(len(warnings))}: " + "; ".join(warnings)


def skipped_heading(count: int) -> str:
    """"1 event was skipped", "2 events were skipped"."""
    return f"{count} {'event was' if count == 1 else 'events were'} skipped"


def horizon_window(zone: str, now: datetime, horizon_days: int) -> tuple[datetime, datetime]:
    """From the start of today in ``zone`` to ``horizon_days`` later (both UTC)."""
    local_today = now.astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(local_today, time(0), ZoneInfo(zone)).astimezone(UTC)
    return start, start + timedelta(days=horizon_days)


def import_clock() -> Clock:
    """The time budget of one whole import: reading, expanding, merging and storing."""
    return Clock(float(current_app.config["CALENDAR_IMPORT_SECONDS"]))


def expand(
    data: bytes,
    zone: str,
    now: datetime,
    keywords: Sequence[str],
    categories: Sequence[str],
    clock: Clock | None = None,
) -> ParseResult:
    """Busy and available intervals of ``data`` over the rolling horizon, overlapping and
    touching ones merged, and the damaged events that were skipped. CalendarError if the
    calendar cannot be read at all, needs more than ``CALENDAR_MAX_BLOCKS`` blocks, or takes
    longer than the import's budget (``clock``, default a new one)."""
    config = current_app.config
    clock = clock or import_clock()
    start, end = horizon_window(zone, now, config["CALENDAR_HORIZON_DAYS"])
    try:
        parsed = read_calendar(
            data,
            start,
            end,
            zone,
            AvailabilityMarkers(tuple(keywords), tuple(categories)),
            Limits(max_bytes=config["CALENDAR_MAX_BYTES"], time_budget_seconds=clock.budget),
            clock=clock,
        )
        intervals = merge_intervals(parsed.intervals, clock)
    except IcsError as error:
        raise CalendarError(describe_ics_error(error), field="file")
    ceiling = config["CALENDAR_MAX_BLOCKS"]
    if count_blocks(intervals) > ceiling:
        raise TooManyBlocks(
            f"This calendar has more than {ceiling:,} separate busy and available times in the "
            f"next {config['CALENDAR_HORIZON_DAYS']} days, even with overlapping ones "
            "combined; that is more than we can store. Export a shorter date range or remove "
            "very frequent repeating events.",
            field="file",
        )
    return ParseResult(intervals, parsed.skipped)


def count_blocks(intervals: Iterable[Interval]) -> int:
    """How many stored blocks the intervals make (long ones are stored in pieces)."""
    step = timedelta(days=MAX_BLOCK_DAYS)
    return sum(-((i.start - i.end) // step) for i in intervals)


def block_rows(
    intervals: Iterable[Interval], source_id: int, advisor_id: int
) -> list[dict[str, object]]:
    """Rows for CalendarBlock: intervals longer than MAX_BLOCK_DAYS are stored in pieces."""
    step = timedelta(days=MAX_BLOCK_DAYS)
    rows: list[dict[str, object]] = []
    for interval in intervals:
        start, end = interval.start, interval.end
        uid = (interval.uid or "")[:UID_LENGTH]
        while start < end:
            piece_end = min(end, start + step)
            rows.append(
                {
                    "source_id": source_id,
                    "advisor_id": advisor_id,
                    "start_at": start,
                    "end_at": piece_end,
                    "kind": interval.kind,
                    "uid": uid,
                }
            )
            start = piece_end
    return rows


# --- writes ------------------------------------------------------------------------------------


def _replace_blocks(
    source: CalendarSource, intervals: Sequence[Interval], clock: Clock | None = None
) -> int:
    """Swap the source's blocks for ``intervals`` inside the open transaction (no commit);
    IcsError from ``clock`` when the import's time budget runs out between inserts."""
    db.session.execute(
        delete(CalendarBlock)
        .where(CalendarBlock.advisor_id == source.advisor_id, CalendarBlock.source_id == source.id)
        .execution_options(synchronize_session=False, availability_of={source.advisor_id})
    )
    rows = block_rows(intervals, source.id, source.advisor_id)
    for first in range(0, len(rows), INSERT_CHUNK):
        if clock is not None:
            clock.check()
        db.session.execute(
            insert(CalendarBlock).execution_options(availability_of={source.advisor_id}),
            rows[first : first + INSERT_CHUNK],
        )
    source.block_count = len(rows)
    return len(rows)


def end_read() -> None:
    """End the session's read transaction before fetching or parsing: on SQLite a reader's lock
    keeps every writer (bookings too) waiting until it ends."""
    db.session.commit()


def content_version(source: CalendarSource) -> tuple[object, ...]:
    """What the blocks are made from: when it changes under a sync, the sync's work is stale."""
    return (source.content_sha256, list(source.keywords or []), list(source.categories or []))


def record_failure(source_id: int, message: str, now: datetime) -> None:
    """Keep the last good data; say what went wrong and end the lease, in one commit."""
    db.session.rollback()
    begin_write_locked(db.session)
    source = db.session.get(CalendarSource, source_id)
    if source is not None:
        source.last_error = message
        source.last_attempt_at = now
        source.sync_lease_until = None
    db.session.commit()


@dataclass(frozen=True)
class Applied:
    """What :func:`apply_calendar` did to a source."""

    source: CalendarSource | None  # None: the source was removed meanwhile
    stale: bool = False  # it changed meanwhile, so nothing of this calendar was applied
    blocks: int = 0


def apply_calendar(
    source_id: int | None,
    data: bytes | None,
    *,
    zone: str,
    now: datetime,
    keywords: Sequence[str],
    categories: Sequence[str],
    new: dict[str, object] | None = None,
    changes: dict[str, object] | None = None,
    store: bool = False,
    from_feed: bool = False,
    version: tuple[object, ...] | None = None,
    synced: bool = False,
    claimed: bool = False,
) -> Applied:
    """The one write path of imports, feeds, keyword changes and syncs.

    Expands ``data`` (None: nothing to expand) outside any transaction; a calendar that cannot
    be read raises CalendarError, recorded on the source when there is one (it keeps its last
    good data). Then, under the write lock and in one commit: creates the source from ``new``
    (when ``source_id`` is None), sets ``changes``, keeps ``data`` as its scrubbed content when
    ``store``, replaces its blocks, and stamps a successful sync when ``synced``. With
    ``version``, a source changed meanwhile is left alone (``stale``). ``claimed``: the caller
    holds the sync lease, which is released whatever happens.
    """
    end_read()
    clock = import_clock()
    parsed: ParseResult | None = None
    if data is not None:
        try:
            parsed = expand(data, zone, now, keywords, categories, clock)
        except CalendarError as error:
            if from_feed and not isinstance(error, TooManyBlocks):
                error = CalendarError(_unreadable_feed(error), field="url")
            elif from_feed:
                error = TooManyBlocks(str(error), field="url")
            if source_id is not None:
                record_failure(source_id, str(error), now)
            raise error
    begin_write_locked(db.session)
    if source_id is None:
        source = CalendarSource(**(new or {}), **(changes or {}))
        db.session.add(source)
        db.session.flush()
    else:
        found = db.session.get(CalendarSource, source_id)
        if found is None:  # removed meanwhile
            db.session.commit()
            return Applied(None)
        source = found
        if version is not None and content_version(source) != version:
            if claimed:
                source.sync_lease_until = None
            db.session.commit()
            return Applied(source, stale=True)
        for name, value in (changes or {}).items():
            setattr(source, name, value)
    if store and parsed is not None:
        # Line numbers are the advisor's own file's: re-expanding the (scrubbed) stored
        # content later keeps them.
        source.import_warnings = [str(skipped) for skipped in parsed.skipped] or None
    if store and data is not None:
        source.content = scrub(data, source.keywords or [])
        source.content_sha256 = hashlib.sha256(data).hexdigest()
    if parsed is not None:
        try:
            _replace_blocks(source, parsed.intervals, clock)
        except IcsError as error:  # the time budget ran out while storing
            failed = CalendarError(describe_ics_error(error), field="url" if from_feed else "file")
            if source_id is not None:
                record_failure(source_id, str(failed), now)
            else:
                db.session.rollback()
            raise failed
    if synced:
        source.last_attempt_at = source.last_synced_at = now
        source.last_error = None
    if claimed:
        source.sync_lease_until = None
    blocks = source.block_count
    db.session.commit()
    return Applied(source, blocks=blocks)


def _upload_label(label: str | None) -> str:
    return (label or "").strip()[:200] or "Uploaded calendar"


def import_upload(
    advisor: AdvisorProfile,
    data: bytes,
    label: str | None,
    keywords: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    *,
    source: CalendarSource | None = None,
    now: datetime | None = None,
) -> CalendarSource:
    """Import an .ics export: replaces ``source`` (or the advisor's upload of the same label).

    ``keywords``/``categories`` of None keep the source's current ones (defaults when new).
    Raises CalendarError (field "file") and records it on an existing source when the file
    cannot be read; that source keeps its last good blocks.
    """
    now = now or utcnow()
    label = _upload_label(label)
    if source is None:
        source = db.session.scalar(
            select(CalendarSource).where(
                CalendarSource.advisor_id == advisor.id,
                CalendarSource.kind == SOURCE_UPLOAD,
                CalendarSource.label == label,
            )
        )
    keywords = clean_markers(
        keywords if keywords is not None else (source.keywords if source else default_keywords())
    )
    categories = clean_markers(
        categories
        if categories is not None
        else (source.categories if source else default_categories())
    )
    advisor_id = advisor.id
    applied = apply_calendar(
        source.id if source else None,
        data,
        zone=advisor.timezone,
        now=now,
        keywords=keywords,
        categories=categories,
        new={"advisor_id": advisor_id, "kind": SOURCE_UPLOAD, "label": label},
        changes={"keywords": keywords, "categories": categories},
        store=True,
        synced=True,
    )
    assert applied.source is not None
    log.info(
        "calendar imported source_id=%s advisor_id=%s blocks=%s",
        applied.source.id,
        advisor_id,
        applied.blocks,
    )
    return applied.source


def add_feed(
    advisor: AdvisorProfile,
    url: str,
    label: str | None,
    keywords: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
) -> CalendarSource:
    """Subscribe to a feed: fetch and parse it first; nothing is saved unless it reads cleanly.

    Raises CalendarError (field "url") in plain words.
    """
    now = now or utcnow()
    try:
        address = feeds.normalize_url(url)
    except feeds.FeedError as error:
        raise CalendarError(str(error), field="url")
    taken = db.session.scalar(
        select(CalendarSource.id).where(
            CalendarSource.advisor_id == advisor.id, CalendarSource.feed_url == address
        )
    )
    if taken:
        raise CalendarError("You already added this feed.", field="url")
    keywords = clean_markers(default_keywords() if keywords is None else keywords)
    categories = clean_markers(default_categories() if categories is None else categories)
    advisor_id, zone = advisor.id, advisor.timezone
    end_read()
    response = fetch_feed(address, None, None)
    applied = apply_calendar(
        None,
        response.content or b"",
        zone=zone,
        now=now,
        keywords=keywords,
        categories=categories,
        new={
            "advisor_id": advisor_id,
            "kind": SOURCE_FEED,
            "label": (label or "").strip()[:200] or _label_from_url(address),
            "feed_url": address,
        },
        changes={
            "keywords": keywords,
            "categories": categories,
            "etag": response.etag,
            "last_modified": response.last_modified,
        },
        store=True,
        from_feed=True,
        synced=True,
    )
    assert applied.source is not None
    log.info("feed added source_id=%s advisor_id=%s", applied.source.id, advisor_id)
    return applied.source


def _unreadable_feed(error: CalendarError) -> str:
    return f"The feed is not a calendar we can read. {error}"


def _label_from_url(url: str) -> str:
    return f"Feed from {urlsplit(url).hostname}"


def fetch_feed(url: str, etag: str | None, last_modified: str | None) -> feeds.FeedResponse:
    """Fetch a feed with the app's limits; CalendarError (field "url") in plain words."""
    config = current_app.config
    try:
        return feeds.fetch(
            url,
            etag=etag,
            last_modified=last_modified,
            timeout=config["FEED_TIMEOUT_SECONDS"],
            max_bytes=config["CALENDAR_MAX_BYTES"],
            allow_private=config["FEED_ALLOW_PRIVATE_ADDRESSES"],
        )
    except feeds.FeedError as error:
        raise CalendarError(str(error), field="url")


def remove_source(source: CalendarSource) -> None:
    """Delete a source and (by cascade in the database) its blocks."""
    source_id, advisor_id = source.id, source.advisor_id
    begin_write_locked(db.session)
    db.session.execute(
        delete(CalendarSource)
        .where(CalendarSource.advisor_id == advisor_id, CalendarSource.id == source_id)
        .execution_options(availability_of={advisor_id})
    )
    db.session.commit()
    log.info("calendar source removed source_id=%s", source_id)


def update_markers(
    source: CalendarSource,
    keywords: Sequence[str],
    categories: Sequence[str],
    *,
    now: datetime | None = None,
) -> CalendarSource:
    """Save the availability keywords and categories and re-expand the stored calendar with them.

    Titles scrubbed to "Busy" before cannot match a keyword added now: that applies fully after
    the next upload, or the next feed fetch that brings changed content.
    """
    keywords, categories = clean_markers(keywords), clean_markers(categories)
    applied = apply_calendar(
        source.id,
        source.content,
        zone=source.advisor.timezone,
        now=now or utcnow(),
        keywords=keywords,
        categories=categories,
        changes={"keywords": keywords, "categories": categories},
    )
    return applied.source  # type: ignore[return-value]


def refresh_horizon(source: CalendarSource, *, now: datetime | None = None) -> CalendarSource:
    """Re-expand the stored calendar over the rolling horizon (from today), atomically.

    A newer import or new keywords saved meanwhile win: the source is then left as it is.
    """
    if source.content is None:
        return source
    applied = apply_calendar(
        source.id,
        source.content,
        zone=source.advisor.timezone,
        now=now or utcnow(),
        keywords=source.keywords,
        categories=source.categories,
        version=content_version(source),
    )
    return applied.source  # type: ignore[return-value]


# --- reads -------------------------------------------------------------------------------------


def sources_for(advisor: AdvisorProfile) -> list[CalendarSource]:
    """The advisor's calendars, oldest first (their stored content is loaded only when used)."""
    return list(
        db.session.scalars(
            select(CalendarSource)
            .options(defer(CalendarSource.content))
            .where(CalendarSource.advisor_id == advisor.id)
            .order_by(CalendarSource.created_at, CalendarSource.id)
        )
    )


def has_sources(advisor: AdvisorProfile) -> bool:
    query = select(CalendarSource.id).where(CalendarSource.advisor_id == advisor.id).limit(1)
    return db.session.scalar(query) is not None


def source_of(advisor: AdvisorProfile, source_id: int) -> CalendarSource | None:
    """The advisor's own source ``source_id``; None for anyone else's."""
    return db.session.scalar(
        select(CalendarSource)
        .options(defer(CalendarSource.content))
        .where(CalendarSource.id == source_id, CalendarSource.advisor_id == advisor.id)
    )
