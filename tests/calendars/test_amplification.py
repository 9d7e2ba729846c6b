"""Work amplification: short repeating events are merged before storing, a calendar may only
need so many blocks, and the import's time budget covers expanding, merging and storing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from advising.calendars import services
from advising.calendars.ics import Clock, IcsError, Interval, merge_intervals
from advising.calendars.models import CalendarSource
from advising.extensions import db
from tests.calendars.test_services import blocks_of, calendar, soon, vevent
from tests.factories import make_advisor


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=UTC)


def test_overlapping_and_touching_intervals_merge_per_kind():
    pieces = [
        Interval(at(9), at(10), "busy", "a"),
        Interval(at(9, 30), at(9, 45), "busy", "inside"),
        Interval(at(10), at(11), "busy", "touching"),
        Interval(at(11, 0, 1), at(12), "busy", "gap"),
        Interval(at(9), at(13), "available", "office"),
        Interval(at(13), at(14), "available", "more"),
    ]
    assert merge_intervals(reversed(pieces)) == [
        Interval(at(9), at(11), "busy", "a"),
        Interval(at(9), at(14), "available", "office"),
        Interval(at(11, 0, 1), at(12), "busy", "gap"),
    ]
    assert merge_intervals([]) == []


def test_merging_keeps_to_the_clock():
    pieces = [Interval(at(9), at(10), "busy", str(n)) for n in range(10)]
    clock = Clock(0.0)
    time.sleep(0.01)
    with pytest.raises(IcsError, match="took longer than 0 seconds"):
        merge_intervals(pieces, clock)


def ticks(count: int, first: datetime, seconds: int = 2, rule: str = "FREQ=DAILY") -> bytes:
    """``count`` daily events of ``seconds`` each, one right after the other."""
    events = []
    for n in range(count):
        start = first + timedelta(seconds=seconds * n)
        events.append(
            vevent(f"t{n}", start, start + timedelta(seconds=seconds), "Tick", f"RRULE:{rule}\r\n")
        )
    return calendar(*events)


def test_thousands_of_adjacent_short_events_are_stored_as_a_block_a_day(ctx):
    advisor = make_advisor(timezone="UTC")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    data = ticks(300, datetime(2026, 3, 1, 9, tzinfo=UTC))
    source = services.import_upload(advisor, data, "Ticks", [], [], now=now)
    horizon = ctx.config["CALENDAR_HORIZON_DAYS"]
    assert source.block_count == horizon  # not 300 times as many
    first = blocks_of(source.id)[0]
    assert first[:3] == (
        datetime(2026, 3, 1, 9, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 10, tzinfo=UTC),
        "busy",
    )


def test_a_calendar_needing_too_many_blocks_is_refused_and_the_last_good_kept(ctx):
    ctx.config["CALENDAR_MAX_BLOCKS"] = 10
    advisor = make_advisor()
    good = calendar(vevent("a", soon(1), soon(1, 16)))
    source = services.import_upload(advisor, good, "Work", [], [])
    kept = blocks_of(source.id)
    apart = calendar(*(vevent(f"e{n}", soon(n + 1), soon(n + 1, 16)) for n in range(11)))
    with pytest.raises(services.CalendarError) as caught:
        services.import_upload(advisor, apart, "Work", [], [])
    assert str(caught.value).startswith(
        "This calendar has more than 10 separate busy and available times in the next 180 days"
    )
    db.session.expire_all()
    saved = db.session.get(CalendarSource, source.id)
    assert saved.last_error == str(caught.value) and blocks_of(source.id) == kept
    touching = calendar(
        *(
            vevent(f"e{n}", soon(1) + timedelta(hours=n), soon(1) + timedelta(hours=n + 1))
            for n in range(11)
        )
    )
    assert services.import_upload(advisor, touching, "Work", [], []).block_count == 1


@pytest.mark.parametrize("slow_step", ["merge_intervals", "block_rows"])
def test_the_import_budget_covers_merging_and_storing(ctx, monkeypatch, slow_step):
    ctx.config["CALENDAR_IMPORT_SECONDS"] = 0.3
    advisor = make_advisor()
    source = services.import_upload(advisor, calendar(vevent("a", soon(1), soon(1, 16))), "W")
    kept = blocks_of(source.id)
    real = getattr(services, slow_step)

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, slow_step, slow)
    with pytest.raises(services.CalendarError, match=r"took longer than 0\.3 seconds"):
        services.import_upload(advisor, calendar(vevent("b", soon(2), soon(2, 16))), "W")
    db.session.expire_all()
    assert "took longer than 0.3 seconds" in db.session.get(CalendarSource, source.id).last_error
    assert blocks_of(source.id) == kept


# --- runs of touching daily series, read once ------------------------------------------------

WINDOW = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC))


def _series(uid: str, start: datetime, seconds: int, extra: str = "") -> str:
    end = start + timedelta(seconds=seconds)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
        f"RRULE:FREQ=DAILY\r\n{extra}SUMMARY:Busy {uid}\r\nEND:VEVENT\r\n"
    )


def _read(events: str, *, shortcut: bool, monkeypatch) -> list[tuple[datetime, datetime]]:
    from advising.calendars.ics import parse_calendar
    from advising.calendars.ics.reader import Reader

    if not shortcut:
        monkeypatch.setattr(Reader, "_touching_daily_runs", lambda self, groups: [])
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{events}END:VCALENDAR\r\n"
    intervals = parse_calendar(data.encode(), *WINDOW, "UTC")
    monkeypatch.undo()
    return [(i.start, i.end) for i in merge_intervals(intervals)]


def test_touching_daily_series_are_read_once_and_cover_the_same_time(monkeypatch):
    """2,000 two-second events one after the other, daily, are one block a day either way:
    the run is read as one series (what made the 0.3 MB calendar take 26 s)."""
    first = datetime(2026, 2, 20, 10, tzinfo=UTC)
    events = "".join(_series(f"t{n}", first + timedelta(seconds=2 * n), 2) for n in range(40))
    from advising.calendars.ics.reader import Reader

    runs: list[int] = []
    real = Reader._touching_daily_runs

    def spy(self, groups):
        found = real(self, groups)
        runs.extend(len(uids) for _event, _info, uids in found)
        return found

    monkeypatch.setattr(Reader, "_touching_daily_runs", spy)
    fast = _read(events, shortcut=True, monkeypatch=monkeypatch)
    assert runs == [40]  # one series read for the forty
    assert fast == _read(events, shortcut=False, monkeypatch=monkeypatch)
    assert len(fast) == 14 and fast[0] == (
        WINDOW[0] + timedelta(hours=10),
        WINDOW[0] + timedelta(hours=10, seconds=80),
    )


def test_series_with_exceptions_gaps_or_other_days_are_not_merged(monkeypatch):
    """An excluded date keeps its gap; a gap splits the run; a series that starts a day later
    is not stretched back onto the first day."""
    first = datetime(2026, 2, 20, 10, tzinfo=UTC)
    events = (
        _series("a", first, 60)
        + _series("b", first + timedelta(seconds=60), 60, "EXDATE:20260305T100100Z\r\n")
        + _series("c", first + timedelta(seconds=120), 60)
        + _series("d", first + timedelta(minutes=30), 60)
        + _series("e", first + timedelta(minutes=31), 60)
        + _series("later", first + timedelta(days=20, seconds=180), 60)
    )
    fast = _read(events, shortcut=True, monkeypatch=monkeypatch)
    assert fast == _read(events, shortcut=False, monkeypatch=monkeypatch)
    march_5 = [span for span in fast if span[0].date() == datetime(2026, 3, 5).date()]
    assert (
        datetime(2026, 3, 5, 10, tzinfo=UTC),
        datetime(2026, 3, 5, 10, 1, tzinfo=UTC),
    ) in march_5
