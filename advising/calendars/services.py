"""Calendar imports and feed syncs: parse, scrub, store blocks atomically, keep the last good.

Every import (an upload, a feed fetch, or re-expanding stored content for the rolling horizon)
replaces a source's blocks in one transaction: delete and bulk insert, then commit. When
anything fails, the source keeps its last good content and blocks, and ``last_error`` says in
plain words what went wrong.

Busy events' titles are private: before a calendar is stored, :func:`scrub` drops the event
details and turns every title that is not an availability keyword into "Busy". So changing the
keywords later applies fully only after the next upload (or a feed fetch that brings changed
content); until then, titles already scrubbed to "Busy" can no longer match a new keyword.

Several ``calendars sync`` processes may run at once: each claims a source with a conditional
UPDATE of its lease (committed before fetching) and skips sources another process holds.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import defer

from advising.advisors.models import AdvisorProfile
from advising.calendars import feeds
from advising.calendars.ics import AvailabilityMarkers, IcsError, Interval, Limits, parse_calendar
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

LEASE = timedelta(minutes=5)
MAX_MARKERS = 20
MAX_MARKER_LENGTH = 100
UID_LENGTH = 255

UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"
SKIPPED = "skipped"


class CalendarError(FieldError):
    """A calendar action was refused; the message is for the advisor, ``field`` names the input."""


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
    return list(AvailabilityMarkers().categories)


def describe_ics_error(error: IcsError) -> str:
    """The parser's message for the advisor, starting with the line number when known."""
    message = str(error.message or error)
    if error.line is not None and not message.startswith(f"Line {error.line}"):
        message = f"Line {error.line}: {message}"
    return message


def horizon_window(zone: str, now: datetime, horizon_days: int) -> tuple[datetime, datetime]:
    """From the start of today in ``zone`` to ``horizon_days`` later (both UTC)."""
    local_today = now.astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(local_today, time(0), ZoneInfo(zone)).astimezone(UTC)
    return start, start + timedelta(days=horizon_days)


def expand(
    data: bytes,
    zone: str,
    now: datetime,
    keywords: Sequence[str],
    categories: Sequence[str],
) -> list[Interval]:
    """Busy and available intervals of ``data`` over the rolling horizon; CalendarError if bad."""
    config = current_app.config
    start, end = horizon_window(zone, now, config["CALENDAR_HORIZON_DAYS"])
    try:
        return parse_calendar(
            data,
            start,
            end,
            zone,
            AvailabilityMarkers(tuple(keywords), tuple(categories)),
            Limits(max_bytes=config["CALENDAR_MAX_BYTES"]),
        )
    except IcsError as error:
        raise CalendarError(describe_ics_error(error), field="file")


# Event properties that say more than scheduling needs: dropped from stored calendars.
PRIVATE_PROPERTIES = frozenset(
    {
        b"DESCRIPTION",
        b"LOCATION",
        b"ATTENDEE",
        b"ORGANIZER",
        b"COMMENT",
        b"CONTACT",
        b"URL",
        b"ATTACH",
        b"RESOURCES",
        b"X-ALT-DESC",
        # links to video meetings
        b"X-GOOGLE-CONFERENCE",
        b"X-MICROSOFT-SKYPETEAMSMEETINGURL",
        b"X-MICROSOFT-ONLINEMEETINGCONFLINK",
    }
)
# The calendar's own name and description (Google puts the owner's email there).
PRIVATE_CALENDAR_PROPERTIES = frozenset({b"X-WR-CALNAME", b"X-WR-CALDESC"})
_NAME_END = re.compile(rb"[;:]")
_ESCAPED = re.compile(r"\\([\\;,nN])")
BUSY_TITLE = "Busy"


def keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, any case and spacing: how the parser matches keywords."""
    words = [r"\s+".join(map(re.escape, k.split())) for k in keywords if k.strip()]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


def _unfolded_lines(data: bytes) -> Iterable[bytes]:
    """Content lines with folding undone (RFC 5545 3.1), without line endings."""
    parts: list[bytes] = []
    for raw in data.split(b"\n"):
        line = raw[:-1] if raw.endswith(b"\r") else raw
        if line[:1] in (b" ", b"\t") and parts:
            parts.append(line[1:])
            continue
        if parts:
            yield b"".join(parts)
        parts = [line]
    if parts and parts != [b""]:
        yield b"".join(parts)


def _summary_text(line: bytes) -> str:
    """The unescaped value of a SUMMARY line (parameters may hold quoted colons)."""
    text = line.decode("utf-8", "replace")
    in_quotes = False
    for index, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], text[index + 1 :])
    return ""


def scrub(data: bytes, keywords: Sequence[str]) -> bytes:
    """The calendar without what scheduling does not need (one linear pass over lines).

    Inside events, drops the description, location, people, links and attachments and any
    alarms, and replaces each title with "Busy" unless it contains an availability keyword.
    Categories, times and recurrence rules are kept, and so is everything outside events but
    the calendar's name and description.
    """
    pattern = keyword_pattern(keywords)
    busy_title = "" if pattern and pattern.search(BUSY_TITLE) else BUSY_TITLE
    busy_line = b"SUMMARY:" + busy_title.encode()
    out: list[bytes] = []
    in_event = in_alarm = False
    for line in _unfolded_lines(data):
        match = _NAME_END.search(line)
        name = (line[: match.start()] if match else line).strip().upper()
        if name in (b"BEGIN", b"END"):
            value = line[match.end() :].strip().upper() if match else b""
            if value == b"VALARM" and in_event:
                in_alarm = name == b"BEGIN"
                continue
            if value == b"VEVENT":
                in_event = name == b"BEGIN"
        elif in_alarm:
            continue
        elif in_event:
            if name in PRIVATE_PROPERTIES:
                continue
            if name == b"SUMMARY" and not (pattern and pattern.search(_summary_text(line))):
                line = busy_line
        elif name in PRIVATE_CALENDAR_PROPERTIES:
            continue
        out.append(line)
    out.append(b"")
    return b"\r\n".join(out)


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


def _replace_blocks(source: CalendarSource, intervals: Sequence[Interval]) -> int:
    """Swap the source's blocks for ``intervals`` inside the open transaction (no commit)."""
    db.session.execute(
        delete(CalendarBlock)
        .where(CalendarBlock.advisor_id == source.advisor_id, CalendarBlock.source_id == source.id)
        .execution_options(synchronize_session=False)
    )
    rows = block_rows(intervals, source.id, source.advisor_id)
    if rows:
        db.session.execute(insert(CalendarBlock), rows)
    source.block_count = len(rows)
    return len(rows)


def _store_content(source: CalendarSource, data: bytes) -> None:
    source.content = scrub(data, source.keywords or [])
    source.content_sha256 = hashlib.sha256(data).hexdigest()


def _end_read() -> None:
    """End the session's read transaction before fetching or parsing: on SQLite a reader's lock
    keeps every writer (bookings too) waiting until it ends."""
    db.session.commit()


def _version(source: CalendarSource) -> tuple[object, ...]:
    """What the blocks are made from: when it changes under a sync, the sync's work is stale."""
    return (source.content_sha256, list(source.keywords or []), list(source.categories or []))


def _record_failure(source_id: int, message: str, now: datetime) -> None:
    """Keep the last good data; say what went wrong and end the lease, in one commit."""
    db.session.rollback()
    begin_write_locked(db.session)
    source = db.session.get(CalendarSource, source_id)
    if source is not None:
        source.last_error = message
        source.last_attempt_at = now
        source.sync_lease_until = None
    db.session.commit()


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
    source_id, advisor_id, zone = (source.id if source else None), advisor.id, advisor.timezone
    _end_read()
    try:
        intervals = expand(data, zone, now, keywords, categories)
    except CalendarError as error:
        if source_id is not None:
            _record_failure(source_id, str(error), now)
        raise

    begin_write_locked(db.session)
    if source_id is None:
        source = CalendarSource(advisor_id=advisor_id, kind=SOURCE_UPLOAD, label=label)
        db.session.add(source)
        db.session.flush()
    else:
        source = db.session.get(CalendarSource, source_id)
    assert source is not None
    source.keywords, source.categories = keywords, categories
    _store_content(source, data)
    count = _replace_blocks(source, intervals)
    source.last_attempt_at = source.last_synced_at = now
    source.last_error = None
    source_id = source.id
    db.session.commit()
    log.info("calendar imported source_id=%s advisor_id=%s blocks=%s", source_id, advisor_id, count)
    return source


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
    _end_read()
    response = _fetch(address, None, None)
    try:
        intervals = expand(response.content or b"", zone, now, keywords, categories)
    except CalendarError as error:
        raise CalendarError(_unreadable_feed(error), field="url")

    begin_write_locked(db.session)
    source = CalendarSource(
        advisor_id=advisor_id,
        kind=SOURCE_FEED,
        label=(label or "").strip()[:200] or _label_from_url(address),
        feed_url=address,
        keywords=keywords,
        categories=categories,
        etag=response.etag,
        last_modified=response.last_modified,
    )
    db.session.add(source)
    db.session.flush()
    _store_content(source, response.content or b"")
    _replace_blocks(source, intervals)
    source.last_attempt_at = source.last_synced_at = now
    source_id = source.id
    db.session.commit()
    log.info("feed added source_id=%s advisor_id=%s", source_id, advisor_id)
    return source


def _unreadable_feed(error: CalendarError) -> str:
    return f"The feed is not a calendar we can read. {error}"


def _label_from_url(url: str) -> str:
    return f"Feed from {urlsplit(url).hostname}"


def _fetch(url: str, etag: str | None, last_modified: str | None) -> feeds.FeedResponse:
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
        delete(CalendarSource).where(
            CalendarSource.advisor_id == advisor_id, CalendarSource.id == source_id
        )
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
    now = now or utcnow()
    keywords, categories = clean_markers(keywords), clean_markers(categories)
    source_id, content, zone = source.id, source.content, source.advisor.timezone
    _end_read()
    intervals: Sequence[Interval] | None = None
    if content is not None:
        try:
            intervals = expand(content, zone, now, keywords, categories)
        except CalendarError as error:
            _record_failure(source_id, str(error), now)
            raise
    begin_write_locked(db.session)
    source = db.session.get(CalendarSource, source_id)  # type: ignore[assignment]
    source.keywords, source.categories = keywords, categories
    if intervals is not None:
        _replace_blocks(source, intervals)
    db.session.commit()
    return source


def refresh_horizon(source: CalendarSource, *, now: datetime | None = None) -> CalendarSource:
    """Re-expand the stored calendar over the rolling horizon (from today), atomically."""
    now = now or utcnow()
    source_id, content, version = source.id, source.content, _version(source)
    if content is None:
        return source
    zone, keywords, categories = source.advisor.timezone, source.keywords, source.categories
    _end_read()
    try:
        intervals = expand(content, zone, now, keywords, categories)
    except CalendarError as error:
        _record_failure(source_id, str(error), now)
        raise
    begin_write_locked(db.session)
    source = db.session.get(CalendarSource, source_id)  # type: ignore[assignment]
    if _version(source) == version:  # else a newer import or new keywords won meanwhile
        _replace_blocks(source, intervals)
    db.session.commit()
    return source


# --- syncing -----------------------------------------------------------------------------------


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
        _record_failure(source_id, message, now)
        return SyncResult(source_id, label, advisor, FAILED, message=message)


def _sync_claimed(source_id: int, now: datetime, label: str, advisor: str) -> SyncResult:
    source = db.session.get(CalendarSource, source_id)
    assert source is not None
    kind, url, content, version = source.kind, source.feed_url, source.content, _version(source)
    etag, last_modified = source.etag, source.last_modified
    keywords, categories, zone = source.keywords, source.categories, source.advisor.timezone
    _end_read()

    fresh: feeds.FeedResponse | None = None
    intervals: list[Interval] | None = None
    try:
        if kind == SOURCE_FEED and url:
            # Validators only go with content to fall back on: a 304 re-expands that.
            if content is None:
                etag = last_modified = None
            fresh = _fetch(url, etag, last_modified)
            if fresh.not_modified:
                fresh = None
        if fresh is not None:
            try:
                intervals = expand(fresh.content or b"", zone, now, keywords, categories)
            except CalendarError as error:
                raise CalendarError(_unreadable_feed(error))
        elif content is not None:
            intervals = expand(content, zone, now, keywords, categories)
    except CalendarError as error:
        _record_failure(source_id, str(error), now)
        log.info("calendar sync failed source_id=%s: %s", source_id, error)
        return SyncResult(source_id, label, advisor, FAILED, message=str(error))

    begin_write_locked(db.session)
    source = db.session.get(CalendarSource, source_id)
    if source is None:  # removed meanwhile
        db.session.commit()
        return SyncResult(source_id, label, advisor, SKIPPED)
    if _version(source) != version:
        # The advisor uploaded a new file or changed keywords meanwhile: theirs is newer.
        source.sync_lease_until = None
        db.session.commit()
        return SyncResult(source_id, label, advisor, SKIPPED, message="changed meanwhile")
    if fresh is not None:
        _store_content(source, fresh.content or b"")
        source.etag, source.last_modified = fresh.etag, fresh.last_modified
    if intervals is not None:
        _replace_blocks(source, intervals)
    source.last_synced_at = now
    source.last_error = None
    source.sync_lease_until = None
    count = source.block_count
    db.session.commit()
    status = UPDATED if fresh is not None else UNCHANGED
    return SyncResult(source_id, label, advisor, status, blocks=count)


def sync_all(
    now: datetime | None = None,
    progress: Callable[[int, int, SyncResult], None] | None = None,
) -> SyncSummary:
    """Sync every source once (feeds fetched, uploads re-expanded); sources another process is
    syncing are skipped. ``progress(done, total, result)`` is called after each source."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(CalendarSource.id).order_by(CalendarSource.id)))
    db.session.commit()
    summary = SyncSummary()
    for done, source_id in enumerate(ids, start=1):
        try:
            result = sync_source(source_id, now)
        except CalendarError:  # removed meanwhile
            continue
        summary.results.append(result)
        if progress:
            progress(done, len(ids), result)
    return summary


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


@dataclass(frozen=True)
class ShownBlock:
    """A block as shown on one local day: local start and end, and whether it runs over."""

    start: datetime
    end: datetime
    kind: str
    continues_before: bool = False
    continues_after: bool = False


@dataclass(frozen=True)
class WeekDay:
    day: date
    blocks: tuple[ShownBlock, ...]


@dataclass(frozen=True)
class Week:
    start: date
    zone: str
    days: tuple[WeekDay, ...]

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=7)


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_blocks(advisor: AdvisorProfile, week_start: date) -> Week:
    """The advisor's busy and available blocks for the week from the Monday of ``week_start``,
    day by day in the advisor's zone (pieces of long events joined back up)."""
    zone = ZoneInfo(advisor.timezone)
    first = week_start_of(week_start)
    bounds = [
        datetime.combine(first + timedelta(days=i), time(0), zone).astimezone(UTC) for i in range(8)
    ]
    rows = db.session.execute(
        select(CalendarBlock.start_at, CalendarBlock.end_at, CalendarBlock.kind, CalendarBlock.uid)
        .where(
            CalendarBlock.advisor_id == advisor.id,
            CalendarBlock.start_at >= bounds[0] - timedelta(days=MAX_BLOCK_DAYS),
            CalendarBlock.start_at < bounds[-1],
            CalendarBlock.end_at > bounds[0],
        )
        .order_by(CalendarBlock.start_at, CalendarBlock.end_at)
    ).all()
    merged: list[list] = []
    open_ends: dict[tuple[str, str, datetime], int] = {}
    for start, end, kind, uid in rows:
        index = open_ends.pop((kind, uid, start), None)
        if index is not None and uid:
            merged[index][1] = end
        else:
            index = len(merged)
            merged.append([start, end, kind])
        open_ends[(kind, uid, end)] = index
    days = []
    for i in range(7):
        day_start, day_end = bounds[i], bounds[i + 1]
        shown = tuple(
            ShownBlock(
                max(start, day_start).astimezone(zone),
                min(end, day_end).astimezone(zone),
                kind,
                continues_before=start < day_start,
                continues_after=end > day_end,
            )
            for start, end, kind in merged
            if start < day_end and end > day_start
        )
        days.append(WeekDay(first + timedelta(days=i), shown))
    return Week(first, advisor.timezone, tuple(days))
