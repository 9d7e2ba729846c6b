"""Calendar imports: atomic replacement, last good data kept, splitting, horizon."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from advising.calendars import services, sync
from advising.calendars.models import MAX_BLOCK_DAYS, CalendarBlock, CalendarSource
from advising.calendars.week import week_blocks
from advising.extensions import db
from tests.factories import make_advisor

FIXTURES = Path(__file__).parent / "fixtures"
GOOGLE = FIXTURES / "web_google_private.ics"
MALFORMED = FIXTURES / "truncated.ics"  # refused as a whole
DAMAGED_EVENT = FIXTURES / "web_malformed.ics"  # one damaged event: skipped and reported
KEYWORDS = ["Office hours"]
CATEGORIES = ["Open slot"]
PRIVATE_WORDS = [
    "Patel",
    "divorce",
    "Riverside",
    "counseling.example",
    "maria@example.org",
    "Chemo",
    "oncology",
    "dosage",
    "555-0100",
    "lab-results",
    "Study group",
]


def stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent(uid: str, start: datetime, end: datetime, summary: str = "Meeting", extra: str = ""):
    """One VEVENT in UTC, as text lines."""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{stamp(start)}\r\n"
        f"DTEND:{stamp(end)}\r\nSUMMARY:{summary}\r\n{extra}END:VEVENT\r\n"
    )


def calendar(*events: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    ).encode()


def soon(days: float, hour: int = 15) -> datetime:
    """An instant ``days`` from today at ``hour``:00 UTC."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days, hours=hour)


def blocks_of(source_id: int) -> list[tuple[datetime, datetime, str, str]]:
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                CalendarBlock.start_at, CalendarBlock.end_at, CalendarBlock.kind, CalendarBlock.uid
            )
            .where(CalendarBlock.source_id == source_id)
            .order_by(CalendarBlock.start_at, CalendarBlock.uid)
        )
    ]


# --- markers ------------------------------------------------------------------------------------


def test_markers_are_cleaned():
    assert services.split_markers(" Office  hours, ,available,AVAILABLE ") == [
        "Office hours",
        "available",
    ]


# --- imports -----------------------------------------------------------------------------------


def test_import_stores_blocks_and_only_scrubbed_content(ctx):
    advisor = make_advisor(timezone="America/Chicago")
    source = services.import_upload(advisor, GOOGLE.read_bytes(), "Google", KEYWORDS, CATEGORIES)
    blocks = blocks_of(source.id)
    assert source.block_count == len(blocks) > 50  # ~26 weeks of four weekly series
    assert {kind for *_, kind, _ in blocks} == {"busy", "available"}
    available_uids = {uid for _, _, kind, uid in blocks if kind == "available"}
    assert available_uids == {"office-hours@google.com", "drop-in@google.com"}
    stored = source.content.decode()
    assert not [word for word in PRIVATE_WORDS if word in stored]
    assert source.last_synced_at is not None and source.last_error is None
    start, _ = services.horizon_window("America/Chicago", datetime.now(UTC), 180)
    assert min(b[0] for b in blocks) >= start


def test_reimport_replaces_blocks_of_the_same_calendar(ctx):
    advisor = make_advisor()
    first = calendar(vevent("a", soon(1), soon(1, 16)), vevent("b", soon(2), soon(2, 16)))
    second = calendar(vevent("c", soon(3), soon(3, 17)))
    source = services.import_upload(advisor, first, "Work", [], [])
    assert [b[3] for b in blocks_of(source.id)] == ["a", "b"]
    again = services.import_upload(advisor, second, "Work", [], [])
    assert again.id == source.id
    assert blocks_of(source.id) == [(soon(3), soon(3, 17), "busy", "c")]
    assert db.session.scalar(select(func.count(CalendarSource.id))) == 1
    other = services.import_upload(advisor, first, "Personal", [], [])
    assert other.id != source.id


def test_import_is_atomic_when_storing_fails_midway(ctx, monkeypatch):
    advisor = make_advisor()
    source = services.import_upload(
        advisor, calendar(vevent("a", soon(1), soon(1, 16))), "Work", [], []
    )
    good = blocks_of(source.id)
    real_rows = services.block_rows

    def rows_with_a_bad_one(*args, **kwargs):
        rows = real_rows(*args, **kwargs)
        rows[-1]["kind"] = None  # NOT NULL: the insert fails after the delete ran
        return rows

    monkeypatch.setattr(services, "block_rows", rows_with_a_bad_one)
    new = calendar(vevent("x", soon(4), soon(4, 16)), vevent("y", soon(5), soon(5, 16)))
    with pytest.raises(Exception, match=r"(?i)null"):
        services.import_upload(advisor, new, "Work", [], [])
    db.session.rollback()
    db.session.expire_all()
    assert blocks_of(source.id) == good
    assert db.session.get(CalendarSource, source.id).block_count == 1


def test_failed_import_keeps_last_good_blocks_and_records_the_error(ctx):
    advisor = make_advisor()
    good = calendar(vevent("a", soon(1), soon(1, 16)))
    source = services.import_upload(advisor, good, "Work", [], [])
    blocks, content = blocks_of(source.id), source.content
    with pytest.raises(services.CalendarError) as caught:
        services.import_upload(advisor, MALFORMED.read_bytes(), "Work", [], [])
    assert caught.value.field == "file"
    assert str(caught.value).startswith("Line ")
    db.session.expire_all()
    source = db.session.get(CalendarSource, source.id)
    assert source.last_error == str(caught.value)
    assert blocks_of(source.id) == blocks and source.content == content
    services.import_upload(advisor, good, "Work", [], [])
    assert db.session.get(CalendarSource, source.id).last_error is None


def test_a_failed_first_import_saves_nothing(ctx):
    advisor = make_advisor()
    with pytest.raises(services.CalendarError):
        services.import_upload(advisor, b"hello", "Work", [], [])
    assert db.session.scalar(select(func.count(CalendarSource.id))) == 0


def test_oversize_calendar_is_refused_before_parsing(ctx):
    ctx.config["CALENDAR_MAX_BYTES"] = 100
    with pytest.raises(services.CalendarError, match="more than the 100 bytes we accept"):
        services.import_upload(make_advisor(), calendar(vevent("a", soon(1), soon(1, 16))), "W")


def test_long_events_are_stored_in_pieces_of_at_most_seven_days(ctx):
    advisor = make_advisor(timezone="UTC")
    start, end = soon(2, 0), soon(19, 12)  # 17.5 days
    source = services.import_upload(
        advisor, calendar(vevent("trip", start, end, "Travel")), "Trips", [], []
    )
    pieces = blocks_of(source.id)
    assert [(s, e) for s, e, *_ in pieces] == [
        (start, start + timedelta(days=7)),
        (start + timedelta(days=7), start + timedelta(days=14)),
        (start + timedelta(days=14), end),
    ]
    assert all(e - s <= timedelta(days=MAX_BLOCK_DAYS) for s, e, *_ in pieces)
    # The week view joins the pieces back: a day inside the trip shows one whole-day block.
    week = week_blocks(advisor, (start + timedelta(days=7)).date())
    days = [d for d in week.days if d.day == (start + timedelta(days=7)).date()]
    (block,) = days[0].blocks
    assert block.continues_before and block.continues_after


def test_a_long_event_split_at_the_weeks_edges_still_runs_over_them(ctx):
    """Stored in 7-day pieces from a Monday midnight, a trip's middle week begins and ends on
    piece boundaries: its Monday and its Sunday still show it running on."""
    now = datetime(2030, 1, 5, 7, 55, tzinfo=UTC)  # a Saturday
    advisor = make_advisor(timezone="UTC")
    start = datetime(2030, 1, 7, tzinfo=UTC)  # Monday midnight
    end = start + timedelta(days=17, hours=12)
    services.import_upload(
        advisor, calendar(vevent("trip", start, end, "Travel")), "Trips", [], [], now=now
    )
    week = week_blocks(advisor, date(2030, 1, 14))
    (monday,) = week.days[0].blocks
    (sunday,) = week.days[6].blocks
    assert monday.continues_before and monday.continues_after
    assert sunday.continues_before and sunday.continues_after


def test_update_markers_reexpands_the_stored_calendar(ctx):
    advisor = make_advisor()
    source = services.import_upload(advisor, GOOGLE.read_bytes(), "Google", KEYWORDS, [])

    def kinds() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for _, _, kind, uid in blocks_of(source.id):
            found.setdefault(uid, set()).add(kind)
        return found

    assert kinds()["office-hours@google.com"] == {"available"}
    assert kinds()["drop-in@google.com"] == {"busy"}
    services.update_markers(source, [], ["Open slot"])
    assert kinds()["office-hours@google.com"] == {"busy"}
    assert kinds()["drop-in@google.com"] == {"available"}  # categories are kept: applies fully
    services.update_markers(source, ["Office hours"], [])
    assert kinds()["office-hours@google.com"] == {"available"}
    saved = db.session.get(CalendarSource, source.id)
    assert saved.keywords == ["Office hours"] and saved.categories == []


def test_refresh_horizon_rolls_the_window_forward(ctx):
    advisor = make_advisor(timezone="UTC")
    now = datetime.now(UTC)
    weekly = vevent("weekly", soon(-30, 9), soon(-30, 10), extra="RRULE:FREQ=WEEKLY\r\n")
    source = services.import_upload(advisor, calendar(weekly), "Weekly", [], [], now=now)
    before = blocks_of(source.id)
    later = now + timedelta(days=30)
    services.refresh_horizon(source, now=later)
    after = blocks_of(source.id)
    assert min(b[0] for b in after) >= later - timedelta(days=1)
    assert max(b[0] for b in after) > max(b[0] for b in before) + timedelta(days=25)
    assert len(after) in {len(before) - 1, len(before), len(before) + 1}


def test_sync_all_reexpands_uploads(ctx):
    advisor = make_advisor(timezone="UTC")
    weekly = vevent("weekly", soon(-3, 9), soon(-3, 10), extra="RRULE:FREQ=DAILY\r\n")
    now = datetime.now(UTC)
    source = services.import_upload(advisor, calendar(weekly), "Daily", [], [], now=now)
    summary = sync.sync_all(now + timedelta(days=10))
    assert [r.status for r in summary.results] == [sync.UNCHANGED]
    first = blocks_of(source.id)[0][0]
    assert first >= now + timedelta(days=9)
    assert db.session.get(CalendarSource, source.id).sync_lease_until is None


def test_week_blocks_are_in_the_advisors_zone(ctx):
    advisor = make_advisor(timezone="Asia/Tokyo")
    start = soon(3, 23)  # 23:00 UTC is 08:00 the next day in Tokyo
    services.import_upload(
        advisor, calendar(vevent("m", start, start + timedelta(hours=1))), "Work", [], []
    )
    local_day = (start + timedelta(hours=9)).date()
    week = week_blocks(advisor, local_day)
    assert week.start.weekday() == 0 and week.zone == "Asia/Tokyo"
    (day,) = [d for d in week.days if d.day == local_day]
    (block,) = day.blocks
    assert (block.start.hour, block.end.hour, block.kind) == (8, 9, "busy")
    assert str(block.start.tzinfo) == "Asia/Tokyo"


def test_remove_source_removes_its_blocks(ctx):
    advisor = make_advisor()
    source = services.import_upload(
        advisor, calendar(vevent("a", soon(1), soon(1, 16))), "Work", [], []
    )
    source_id = source.id
    services.remove_source(source)
    assert db.session.get(CalendarSource, source_id) is None
    assert blocks_of(source_id) == []


# --- damaged events: skipped, reported, kept as the source's warnings ---------------------------


def test_a_damaged_event_is_skipped_and_its_warning_kept_on_the_source(ctx):
    advisor = make_advisor(timezone="UTC")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    source = services.import_upload(advisor, DAMAGED_EVENT.read_bytes(), "Work", [], [], now=now)
    assert [b[3] for b in blocks_of(source.id)] == ["ok-1"]
    warning = 'line 12: DTSTART "not-a-date" is not a valid date or date and time.'
    assert source.import_warnings == [warning] and source.last_error is None
    assert services.skipped_summary(source.import_warnings) == f"1 event was skipped: {warning}"

    services.refresh_horizon(source, now=now)  # the stored (scrubbed) copy: warnings stay
    db.session.expire_all()
    assert db.session.get(CalendarSource, source.id).import_warnings == [warning]

    clean = calendar(vevent("a", soon(1), soon(1, 16)))
    source = services.import_upload(advisor, clean, "Work", [], [])
    assert source.import_warnings is None
