"""The lean slot paths agree with the plain ones: slot starts and the first slot with
compute_slots, slots by day with group_by_day, the zone's offsets with astimezone, the API
body with isoformat, and the any-advisor first free slots with each advisor's slots."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given

from advising.api.routes import slots_json
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.slots import (
    compute_slots,
    first_slot,
    group_by_day,
    slot_starts,
    slots_by_day,
    slots_valid_until,
    utc_offsets,
)
from tests.factories import make_advisor
from tests.scheduling.test_slots import scenarios


@given(scenarios())
def test_property_starts_and_first_slot_agree_with_compute_slots(scenario):
    av, start, end, now = scenario
    slots = compute_slots(av, start, end, now)
    starts = slot_starts(av, start, end, now)
    assert starts == [slot.start for slot in slots]
    assert all(slot.end - slot.start == av.rules.duration for slot in slots)
    assert first_slot(av, start, end, now) == (slots[0] if slots else None)
    assert slots_valid_until(av, start, end, now, starts) == slots_valid_until(
        av, start, end, now, slots
    )


@given(scenarios())
def test_property_slots_by_day_groups_as_group_by_day_does(scenario):
    av, start, end, now = scenario
    slots = compute_slots(av, start, end, now)
    starts = [slot.start for slot in slots]
    for zone in (av.zone, "UTC", "Pacific/Kiritimati", "America/St_Johns"):
        grouped = slots_by_day(starts, av.rules.duration, zone)
        expected = group_by_day(slots, zone)
        assert grouped.counts() == {day: len(day_slots) for day, day_slots in expected}
        assert [day for day, _, _ in grouped.days] == [day for day, _ in expected]
        for day, day_slots in expected:
            assert grouped.slots_on(day) == day_slots
        assert grouped.slots_on(start.date() - timedelta(days=400)) == []


def test_slots_by_day_splits_at_local_midnight_on_a_clock_change():
    duration = timedelta(minutes=30)
    # New York springs forward on March 8, 2026: that local day ends at 04:00 UTC, not 05:00
    starts = [
        datetime(2026, 3, 8, 4, 30, tzinfo=UTC),  # 11:30 PM EST on the 7th
        datetime(2026, 3, 9, 3, 59, tzinfo=UTC),  # 11:59 PM EDT on the 8th
        datetime(2026, 3, 9, 4, 0, tzinfo=UTC),  # midnight EDT: the 9th
    ]
    grouped = slots_by_day(starts, duration, "America/New_York")
    assert grouped.counts() == {date(2026, 3, 7): 1, date(2026, 3, 8): 1, date(2026, 3, 9): 1}
    assert [slot.start for slot in grouped.slots_on(date(2026, 3, 9))] == starts[2:]
    assert grouped.slots_on(date(2026, 3, 9))[0].end == starts[2] + duration


def test_utc_offsets_follow_astimezone_across_changes():
    rng = random.Random(7)
    for zone in ("America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Sao_Paulo"):
        tz = ZoneInfo(zone)
        lo = datetime(2018, 1, 1, tzinfo=UTC)
        hi = lo + timedelta(days=800)
        runs = utc_offsets(zone, lo, hi)
        assert runs[0][0] == lo
        for _ in range(500):
            instant = lo + timedelta(minutes=rng.randrange(800 * 24 * 60))
            offset = [o for at, o in runs if at <= instant][-1]
            assert instant.astimezone(tz).utcoffset() == offset


def test_api_body_writes_every_instant_as_isoformat_does():
    rng = random.Random(3)
    zones = sorted(available_timezones())
    for _ in range(150):
        zone = rng.choice(zones)
        base = datetime(
            rng.choice([1890, 1970, 2024, 2026, 2037]), rng.randint(1, 12), 1, tzinfo=UTC
        )
        base += timedelta(minutes=rng.randrange(60_000))
        step = timedelta(minutes=rng.choice([5, 15, 60]), seconds=rng.choice([0, 0, 7]))
        starts = sorted(
            {
                base + step * k + timedelta(days=d)
                for d in range(rng.randint(0, 40))
                for k in range(6)
            }
        )
        duration = timedelta(minutes=rng.choice([30, 45, 90]))
        body = json.loads(slots_json("a", zone, base, base + timedelta(days=2), starts, duration))
        tz = ZoneInfo(zone)
        assert body["slots"] == [
            {
                "start": s.isoformat(),
                "end": (s + duration).isoformat(),
                "local_start": s.astimezone(tz).isoformat(),
                "local_end": (s + duration).astimezone(tz).isoformat(),
                "timezone": zone,
            }
            for s in starts
        ]
        assert (body["advisor"], body["timezone"]) == ("a", zone)


def test_first_free_slots_are_the_first_of_each_advisors_slots(ctx):
    """Read together (computed, then cached), each advisor's first free slot is the first of
    their next two weeks' slots, also when nothing is free in the first days."""
    free = make_advisor(slug="free")
    later = make_advisor(slug="later")
    services.settings_for(later.id).min_notice_hours = 24 * 4  # nothing in the first days
    db.session.commit()
    now = datetime.now(UTC)
    for _ in range(2):
        firsts = services.first_free([free, later], now)
        for advisor in (free, later):
            expected = services.next_available_slots(advisor, now, days=14)
            assert expected and firsts[advisor.id].slot == expected[0]
