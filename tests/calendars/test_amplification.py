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

