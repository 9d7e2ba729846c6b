"""Tests for the pure slot engine (advising.scheduling.slots): no app, no database."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advising.scheduling.slots import (
    SLOTS_LOOKAHEAD,
    Availability,
    BookingRules,
    DateOverride,
    Slot,
    Span,
    TimeRange,
    WeeklyHours,
    compute_slots,
    group_by_day,
    is_bookable,
    local_day_bounds,
    local_to_utc,
    nearest_slots,
    occupied_span,
    slots_valid_until,
)

NY = "America/New_York"
LONDON = "Europe/London"
KOLKATA = "Asia/Kolkata"
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
EARLY = datetime(2025, 12, 1, tzinfo=UTC)  # a "now" well before every test date


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold)


def hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(0) if text == "24:00" else time(int(hours), int(minutes))


def tr(start: str, end: str) -> TimeRange:
    return TimeRange(hm(start), hm(end))


def every_day(*ranges: TimeRange) -> WeeklyHours:
    return WeeklyHours({day: ranges for day in range(7)})


def rules(**changes) -> BookingRules:
    """Rules without notice, buffers or a near horizon, so each test adds only what it checks."""
    base = {
        "min_notice": timedelta(0),
        "horizon": timedelta(days=400),
        "buffer_after": timedelta(0),
    }
    return BookingRules(**{**base, **changes})


def advisor(zone: str = "UTC", weekly: WeeklyHours | None = None, **fields) -> Availability:
    fields.setdefault("rules", rules())
    return Availability(zone=zone, weekly=weekly or every_day(tr("09:00", "17:00")), **fields)


def starts(slots: list[Slot]) -> list[datetime]:
    return [s.start for s in slots]


def walls(slots: list[Slot], zone: str) -> list[str]:
    tz = ZoneInfo(zone)
    return [s.start.astimezone(tz).strftime("%H:%M") for s in slots]


def day_slots(av: Availability, day: date, now: datetime = EARLY) -> list[Slot]:
    """The slots on the advisor's local ``day``."""
    return compute_slots(av, *local_day_bounds(day, av.zone), now)


def quarter_hours(first: str, last: str) -> list[str]:
    t = datetime.combine(date(2026, 1, 1), hm(first))
    end = datetime.combine(date(2026, 1, 1), hm(last))
    out = []
    while t <= end:
        out.append(t.strftime("%H:%M"))
        t += timedelta(minutes=15)
    return out


# --------------------------------------------------------------------------- basic rules


def test_weekly_hours_give_grid_slots_that_fit_inside():
    av = advisor(weekly=WeeklyHours({0: (tr("09:00", "17:00"),)}))  # Mondays only
    monday = day_slots(av, date(2026, 1, 5))
    assert walls(monday, "UTC") == quarter_hours("09:00", "16:15")
    assert all(s.end - s.start == timedelta(minutes=45) for s in monday)
    assert monday[-1].end == utc(2026, 1, 5, 17)
    assert day_slots(av, date(2026, 1, 6)) == []


def test_query_range_selects_slots_by_start_half_open():
    av = advisor()
    got = compute_slots(av, utc(2026, 1, 5, 10), utc(2026, 1, 5, 11), EARLY)
    assert walls(got, "UTC") == ["10:00", "10:15", "10:30", "10:45"]
    assert compute_slots(av, utc(2026, 1, 5, 11), utc(2026, 1, 5, 10), EARLY) == []


def test_override_replaces_weekly_hours_and_empty_override_is_day_off():
    av = advisor(
        overrides=(
            DateOverride(date(2026, 1, 5), (tr("13:00", "14:00"),)),
            DateOverride(date(2026, 1, 6)),
            DateOverride(date(2026, 1, 7), (tr("08:00", "09:00"),)),
            DateOverride(date(2026, 1, 7), (tr("16:00", "18:00"),)),  # same date: unioned
        )
    )
    assert walls(day_slots(av, date(2026, 1, 5)), "UTC") == ["13:00", "13:15"]
    assert day_slots(av, date(2026, 1, 6)) == []
    assert walls(day_slots(av, date(2026, 1, 7)), "UTC") == [
        "08:00",
        "08:15",
        *quarter_hours("16:00", "17:15"),
    ]
    assert len(day_slots(av, date(2026, 1, 8))) == 30  # weekly hours again


def test_override_opens_a_day_without_weekly_hours():
    av = advisor(
        weekly=WeeklyHours({0: (tr("09:00", "17:00"),)}),
        overrides=(DateOverride(date(2026, 1, 10), (tr("10:00", "11:00"),)),),  # a Saturday
    )
    assert walls(day_slots(av, date(2026, 1, 10)), "UTC") == ["10:00", "10:15"]


def test_calendar_available_windows_add_to_weekly_hours_and_merge():
    av = advisor(
        weekly=every_day(tr("09:00", "12:00")),
        overrides=(DateOverride(date(2026, 1, 6)),),
        available_windows=(
            Span(utc(2026, 1, 5, 12), utc(2026, 1, 5, 14)),  # touches weekly hours
            Span(utc(2026, 1, 6, 15), utc(2026, 1, 6, 16)),  # on a day off: closed
        ),
    )
    assert walls(day_slots(av, date(2026, 1, 5)), "UTC") == quarter_hours("09:00", "13:15")
    assert day_slots(av, date(2026, 1, 6)) == []


def test_override_is_final_for_its_date_over_calendar_windows():
    """An override replaces calendar-declared availability on its local date too; a window
    running over midnight still opens the neighbouring, non-overridden date; busy time still
    blocks inside the override's ranges."""
    day = date(2026, 3, 9)  # the Monday after New York's spring-forward
    av = advisor(
        NY,
        weekly=WeeklyHours({}),
        overrides=(DateOverride(day, (tr("10:00", "11:00"),)),),
        available_windows=(
            Span(local(NY, 2026, 3, 8, 20), local(NY, 2026, 3, 9, 18)),  # Sun 20:00 - Mon 18:00
        ),
        busy=(Span(local(NY, 2026, 3, 9, 10), local(NY, 2026, 3, 9, 10, 15)),),
    )
    assert walls(day_slots(av, day), NY) == ["10:15"]
    assert walls(day_slots(av, date(2026, 3, 8)), NY) == quarter_hours("20:00", "23:15")
    day_off = advisor(
        NY,
        overrides=(DateOverride(day),),
        available_windows=(Span(local(NY, 2026, 3, 9, 12), local(NY, 2026, 3, 9, 14)),),
    )
    assert day_slots(day_off, day) == []


def test_ranges_ending_at_midnight_merge_with_the_next_day():
    av = advisor(
        weekly=WeeklyHours({0: (tr("22:00", "24:00"),), 1: (tr("00:00", "02:00"),)}),
        rules=rules(duration=HOUR, interval=timedelta(minutes=30)),
    )
    got = compute_slots(av, utc(2026, 1, 5), utc(2026, 1, 7), EARLY)
    assert walls(got, "UTC") == ["22:00", "22:30", "23:00", "23:30", "00:00", "00:30", "01:00"]


def test_whole_day_range_and_grid_restarting_at_midnight():
    av = advisor(
        weekly=every_day(TimeRange(time(0), time(0))),
        rules=rules(duration=timedelta(minutes=30), interval=timedelta(minutes=50)),
    )
    monday = day_slots(av, date(2026, 1, 5))
    assert len(monday) == 29  # 00:00, 00:50, ... 23:20
    assert walls(monday, "UTC")[-2:] == ["22:30", "23:20"]
    assert walls(day_slots(av, date(2026, 1, 6)), "UTC")[:2] == ["00:00", "00:50"]


def test_busy_time_blocks_overlapping_slots_but_touching_is_fine():
    av = advisor(busy=(Span(utc(2026, 1, 5, 12), utc(2026, 1, 5, 13)),))
    got = walls(day_slots(av, date(2026, 1, 5)), "UTC")
    assert "11:15" in got  # ends at 12:00
    assert not {"11:30", "11:45", "12:00", "12:45"} & set(got)
    assert "13:00" in got  # starts when busy ends


def test_buffers_apply_to_the_new_slot_and_to_existing_bookings():
    buffered = rules(buffer_before=timedelta(minutes=10), buffer_after=timedelta(minutes=15))
    busy = advisor(rules=buffered, busy=(Span(utc(2026, 1, 5, 12), utc(2026, 1, 5, 13)),))
    got = walls(day_slots(busy, date(2026, 1, 5)), "UTC")
    # new slot's occupied [s - 10, s + 60) must miss busy [12:00, 13:00)
    assert "11:00" in got and "11:15" not in got
    assert "13:00" not in got and "13:15" in got

    booked = advisor(rules=buffered, bookings=(Span(utc(2026, 1, 5, 12), utc(2026, 1, 5, 12, 45)),))
    got = walls(day_slots(booked, date(2026, 1, 5)), "UTC")
    # the booking occupies [11:50, 13:00); the new slot's occupied span must not overlap it
    assert "10:45" in got and "11:00" not in got
    assert "13:00" not in got and "13:15" in got


def test_a_booking_blocks_its_stored_span_after_its_buffer_was_loosened():
    """A booking made with a 15-minute buffer after holds [14:00, 15:00) in the database's
    exclusion constraint; with the buffer now 0 the engine must not offer 14:45, which the
    constraint would refuse (the visitor would loop on "taken")."""
    booking = Span(utc(2026, 1, 5, 14), utc(2026, 1, 5, 14, 45))
    stored = Span(utc(2026, 1, 5, 14), utc(2026, 1, 5, 15))
    av = advisor(
        rules=rules(buffer_after=timedelta(0)), bookings=(booking,), booking_holds=(stored,)
    )
    got = walls(day_slots(av, date(2026, 1, 5)), "UTC")
    assert "14:45" not in got and "15:00" in got
    assert not is_bookable(av, utc(2026, 1, 5, 14, 45), EARLY)
    # without the stored span, the loosened rule alone would offer it
    assert "14:45" in walls(
        day_slots(advisor(rules=rules(), bookings=(booking,)), date(2026, 1, 5)), "UTC"
    )


def test_a_booking_blocks_its_span_under_rules_tightened_since():
    """A buffer raised after booking also applies to the existing booking (the union)."""
    booking = Span(utc(2026, 1, 5, 14), utc(2026, 1, 5, 14, 45))
    av = advisor(
        rules=rules(buffer_after=timedelta(minutes=30)),
        bookings=(booking,),
        booking_holds=(booking,),
    )
    got = walls(day_slots(av, date(2026, 1, 5)), "UTC")
    assert "15:00" not in got and "15:15" in got


def test_a_start_fitting_exactly_before_a_busy_block_is_offered():
    """A free span that ends exactly where a busy block starts still holds a slot that ends
    there (half-open spans: touching is not overlapping)."""
    av = advisor(busy=(Span(utc(2026, 1, 5, 9, 45), utc(2026, 1, 5, 17)),))
    assert walls(day_slots(av, date(2026, 1, 5)), "UTC") == ["09:00"]


def test_a_gap_exactly_one_consultation_long_between_busy_blocks_is_offered():
    """Two busy blocks 45 minutes apart leave exactly one 45-minute start between them."""
    av = advisor(
        busy=(
            Span(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10)),
            Span(utc(2026, 1, 5, 10, 45), utc(2026, 1, 5, 17)),
        )
    )
    assert walls(day_slots(av, date(2026, 1, 5)), "UTC") == ["10:00"]


def test_occupied_span_adds_buffers():
    r = rules(buffer_before=timedelta(minutes=5), buffer_after=timedelta(minutes=10))
    span = occupied_span(local(NY, 2026, 1, 5, 9), local(NY, 2026, 1, 5, 9, 45), r)
    assert span == Span(utc(2026, 1, 5, 13, 55), utc(2026, 1, 5, 14, 55))
    assert span.start.tzinfo is UTC


def test_min_notice_and_horizon_are_inclusive():
    now = utc(2026, 1, 5, 8)
    av = advisor(rules=rules(min_notice=2 * HOUR, horizon=7 * HOUR))
    got = walls(compute_slots(av, utc(2026, 1, 5), utc(2026, 1, 6), now), "UTC")
    assert got[0] == "10:00" and got[-1] == "15:00"
    later = advisor(rules=rules(min_notice=2 * HOUR + MIN, horizon=7 * HOUR - MIN))
    got = walls(compute_slots(later, utc(2026, 1, 5), utc(2026, 1, 6), now), "UTC")
    assert got[0] == "10:15" and got[-1] == "14:45"


def test_default_rules_and_disabled_booking():
    av = advisor(rules=BookingRules())
    now = utc(2026, 1, 5, 8)
    got = compute_slots(av, now, now + 90 * DAY, now)
    assert got[0].start == utc(2026, 1, 6, 9)  # 12 h notice
    assert got[-1].start <= now + 60 * DAY
    off = advisor(rules=BookingRules(booking_enabled=False))
    assert compute_slots(off, now, now + 90 * DAY, now) == []
    assert not is_bookable(off, got[0].start, now)
    assert nearest_slots(off, got[0].start, now) == []


def test_max_per_day_counts_bookings_in_the_advisor_local_day():
    # 02:00 UTC on Tuesday is 21:00 on Monday in New York
    av = advisor(
        NY,
        rules=rules(max_per_day=1),
        weekly=every_day(tr("09:00", "17:00"), tr("20:00", "23:00")),
        bookings=(Span(utc(2026, 1, 6, 2), utc(2026, 1, 6, 2, 45)),),
    )
    assert day_slots(av, date(2026, 1, 5)) == []
    assert len(day_slots(av, date(2026, 1, 6))) > 0

    two = advisor(
        rules=rules(max_per_day=2),
        bookings=(Span(utc(2026, 1, 5, 9), utc(2026, 1, 5, 9, 45)),),
    )
    assert len(day_slots(two, date(2026, 1, 5))) > 0
    full = advisor(
        rules=rules(max_per_day=2),
        bookings=(
            Span(utc(2026, 1, 5, 9), utc(2026, 1, 5, 9, 45)),
            Span(utc(2026, 1, 5, 15), utc(2026, 1, 5, 15, 45)),
        ),
    )
    assert day_slots(full, date(2026, 1, 5)) == []
    assert len(day_slots(full, date(2026, 1, 6))) == 30
    closed = advisor(rules=rules(max_per_day=0))
    assert compute_slots(closed, EARLY, EARLY + 30 * DAY, EARLY) == []


def test_grid_counts_from_advisor_local_midnight():
    kolkata = advisor(KOLKATA, rules=rules(interval=timedelta(minutes=20)))
    got = day_slots(kolkata, date(2026, 1, 5))
    assert walls(got, KOLKATA)[:4] == ["09:00", "09:20", "09:40", "10:00"]
    assert walls(got, "UTC")[:4] == ["03:30", "03:50", "04:10", "04:30"]

    kathmandu = advisor("Asia/Kathmandu", weekly=every_day(tr("09:07", "12:00")))
    got = day_slots(kathmandu, date(2026, 1, 5))
    assert walls(got, "Asia/Kathmandu")[0] == "09:15"
    assert walls(got, "UTC")[0] == "03:30"


def test_unsorted_overlapping_inputs_give_sorted_unique_output():
    busy = [Span(utc(2026, 1, 5, h), utc(2026, 1, 5, h + 2)) for h in (14, 10, 11, 14, 15)]
    messy = advisor(
        busy=tuple(busy),
        available_windows=(
            Span(utc(2026, 1, 5, 16), utc(2026, 1, 5, 19)),
            Span(utc(2026, 1, 5, 8), utc(2026, 1, 5, 10)),
            Span(utc(2026, 1, 5, 17), utc(2026, 1, 5, 20)),
            Span(utc(2026, 1, 5, 7), utc(2026, 1, 5, 7)),  # empty: ignored
        ),
        overrides=(DateOverride(date(2026, 1, 5), (tr("12:00", "17:00"), tr("09:00", "13:00"))),),
    )
    clean = advisor(
        busy=(
            Span(utc(2026, 1, 5, 10), utc(2026, 1, 5, 13)),
            Span(utc(2026, 1, 5, 14), utc(2026, 1, 5, 17)),
        ),
        available_windows=(Span(utc(2026, 1, 5, 8), utc(2026, 1, 5, 20)),),
        overrides=(DateOverride(date(2026, 1, 5), (tr("09:00", "17:00"),)),),
    )
    got = day_slots(messy, date(2026, 1, 5))
    assert got == day_slots(clean, date(2026, 1, 5))
    assert starts(got) == sorted(set(starts(got)))
    # the override is final for its date: the calendar windows add nothing on it
    assert walls(got, "UTC")[0] == "09:00" and "13:00" in walls(got, "UTC")


def test_aware_inputs_in_any_zone_are_normalised_to_utc():
    av = advisor(busy=(Span(local(NY, 2026, 1, 5, 7), local(NY, 2026, 1, 5, 8)),))  # 12-13 UTC
    got = compute_slots(av, local(KOLKATA, 2026, 1, 5, 14, 30), local(KOLKATA, 2026, 1, 6), EARLY)
    assert got[0].start == utc(2026, 1, 5, 9) and got[0].start.tzinfo is UTC
    assert utc(2026, 1, 5, 12) not in starts(got)


def test_invalid_values_are_rejected():
    naive = datetime(2026, 1, 5, 9)
    with pytest.raises(ValueError):
        compute_slots(advisor(), naive, utc(2026, 1, 6), EARLY)
    with pytest.raises(ValueError):
        is_bookable(advisor(), utc(2026, 1, 5, 9), naive)
    with pytest.raises(ValueError):
        Span(naive, utc(2026, 1, 5))
    with pytest.raises(ValueError):
        Span(utc(2026, 1, 5, 10), utc(2026, 1, 5, 9))
    with pytest.raises(ValueError):
        Slot(utc(2026, 1, 5, 10), utc(2026, 1, 5, 10))
    with pytest.raises(ValueError):
        tr("17:00", "09:00")
    with pytest.raises(ValueError):
        WeeklyHours({7: (tr("09:00", "10:00"),)})
    with pytest.raises(TypeError):
        DateOverride(datetime(2026, 1, 5), ())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BookingRules(duration=timedelta(0))
    with pytest.raises(ValueError):
        BookingRules(interval=-MIN)
    with pytest.raises(ValueError):
        BookingRules(buffer_after=-MIN)
    with pytest.raises(ValueError):
        BookingRules(max_per_day=-1)
    with pytest.raises(ZoneInfoNotFoundError):
        Availability(zone="Mars/Olympus_Mons")
    with pytest.raises(ValueError):
        local_to_utc(utc(2026, 1, 5), NY)


def test_values_are_frozen_and_hashable():
    av = advisor(NY, weekly=WeeklyHours({0: [tr("09:00", "10:00")]}))  # lists become tuples
    assert av.weekly.ranges[0] == (tr("09:00", "10:00"),)
    assert hash(av) == hash(advisor(NY, weekly=WeeklyHours({0: (tr("09:00", "10:00"),)})))
    with pytest.raises(AttributeError):
        av.zone = UTC  # type: ignore[misc]


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (date(2026, 3, 6), utc(2026, 3, 6, 14)),
        (date(2026, 3, 7), utc(2026, 3, 7, 14)),
        (date(2026, 3, 8), utc(2026, 3, 8, 13)),  # spring forward at 02:00
        (date(2026, 3, 9), utc(2026, 3, 9, 13)),
        (date(2026, 10, 31), utc(2026, 10, 31, 13)),
        (date(2026, 11, 1), utc(2026, 11, 1, 14)),  # fall back at 02:00
        (date(2026, 11, 2), utc(2026, 11, 2, 14)),
    ],
)
def test_new_york_hours_stay_on_the_wall_clock_across_dst(day, first_utc):
    got = day_slots(advisor(NY), day)
    assert walls(got, NY) == quarter_hours("09:00", "16:15")
    assert got[0].start == first_utc
    assert got[-1].end == first_utc + 8 * HOUR


def _ny_week(first: date, days: int) -> list[Slot]:
    start, _ = local_day_bounds(first, NY)
    _, end = local_day_bounds(first + timedelta(days=days - 1), NY)
    return compute_slots(advisor(NY), start, end, EARLY)


def test_london_visitor_sees_four_hour_gap_between_us_and_uk_changes_in_march():
    by_day = dict(group_by_day(_ny_week(date(2026, 3, 2), 35), LONDON))
    # before the US change: 5 h; between 2026-03-08 and 2026-03-29: 4 h; after: 5 h again
    assert walls(by_day[date(2026, 3, 6)], LONDON)[0] == "14:00"
    for day in (date(2026, 3, 9), date(2026, 3, 13), date(2026, 3, 20), date(2026, 3, 27)):
        assert walls(by_day[day], LONDON)[0] == "13:00", day
        assert walls(by_day[day], LONDON)[-1] == "20:15"
    assert walls(by_day[date(2026, 3, 30)], LONDON)[0] == "14:00"
    assert by_day[date(2026, 3, 30)][0].start == utc(2026, 3, 30, 13)


def test_london_visitor_sees_four_hour_gap_between_uk_and_us_changes_in_november():
    by_day = dict(group_by_day(_ny_week(date(2026, 10, 19), 21), LONDON))
    assert walls(by_day[date(2026, 10, 23)], LONDON)[0] == "14:00"  # BST vs EDT
    for day in (date(2026, 10, 26), date(2026, 10, 30), date(2026, 10, 31)):
        assert walls(by_day[day], LONDON)[0] == "13:00", day  # GMT vs EDT
    assert walls(by_day[date(2026, 11, 2)], LONDON)[0] == "14:00"  # GMT vs EST


def test_kolkata_visitor_sees_new_york_days_split_over_two_local_days():
    grouped = group_by_day(_ny_week(date(2026, 3, 6), 4), KOLKATA)
    by_day = dict(grouped)
    assert [d for d, _ in grouped] == [date(2026, 3, d) for d in range(6, 11)]
    # Friday 09:00 EST is 19:30 IST; its 16:15 EST start is 02:45 IST on Saturday
    assert walls(by_day[date(2026, 3, 6)], KOLKATA) == quarter_hours("19:30", "23:45")
    assert walls(by_day[date(2026, 3, 7)], KOLKATA)[:12] == quarter_hours("00:00", "02:45")
    # from Sunday on New York is on EDT: 09:00 is 18:30 IST
    sunday = walls(by_day[date(2026, 3, 8)], KOLKATA)
    assert sunday == quarter_hours("00:00", "02:45") + quarter_hours("18:30", "23:45")
    monday = walls(by_day[date(2026, 3, 9)], KOLKATA)
    assert monday == quarter_hours("00:00", "01:45") + quarter_hours("18:30", "23:45")
    assert sum(len(s) for _, s in grouped) == 4 * 30


def test_spring_forward_gap_starts_ranges_at_first_valid_instant():
    day = date(2026, 3, 8)
    r30 = rules(duration=timedelta(minutes=30), interval=timedelta(minutes=30))
    after = advisor(NY, rules=r30, overrides=(DateOverride(day, (tr("02:30", "04:00"),)),))
    assert starts(day_slots(after, day)) == [utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 30)]
    assert walls(day_slots(after, day), NY) == ["03:00", "03:30"]
    before = advisor(NY, rules=r30, overrides=(DateOverride(day, (tr("01:00", "02:30"),)),))
    assert walls(day_slots(before, day), NY) == ["01:00", "01:30"]
    assert day_slots(before, day)[-1].end == utc(2026, 3, 8, 7)
    inside = advisor(NY, rules=r30, overrides=(DateOverride(day, (tr("02:10", "02:50"),)),))
    assert day_slots(inside, day) == []


def test_grid_on_dst_days_follows_the_wall_clock():
    whole = every_day(TimeRange(time(0), time(0)))
    hourly = rules(duration=HOUR, interval=HOUR)
    spring = day_slots(advisor(NY, weekly=whole, rules=hourly), date(2026, 3, 8))
    assert walls(spring, NY) == [f"{h:02d}:00" for h in range(24) if h != 2]
    autumn = day_slots(advisor(NY, weekly=whole, rules=hourly), date(2026, 11, 1))
    assert walls(autumn, NY) == ["00:00", "01:00", "01:00"] + [f"{h:02d}:00" for h in range(2, 24)]
    assert starts(autumn)[:4] == [utc(2026, 11, 1, h) for h in (4, 5, 6, 7)]


def test_fall_back_range_ends_resolve_to_first_occurrence():
    day = date(2026, 11, 1)
    r30 = rules(duration=timedelta(minutes=30), interval=timedelta(minutes=30))
    av = advisor(NY, rules=r30, overrides=(DateOverride(day, (tr("00:00", "01:30"),)),))
    assert starts(day_slots(av, day)) == [
        utc(2026, 11, 1, 4),
        utc(2026, 11, 1, 4, 30),
        utc(2026, 11, 1, 5),
    ]
    both = advisor(NY, rules=r30, overrides=(DateOverride(day, (tr("00:30", "03:00"),)),))
    assert walls(day_slots(both, day), NY) == [
        "00:30",
        "01:00",
        "01:30",
        "01:00",
        "01:30",
        "02:00",
        "02:30",
    ]


def test_local_conversions():
    assert local_to_utc(datetime(2026, 3, 8, 2, 30), NY) == utc(2026, 3, 8, 7)  # gap
    assert local_to_utc(datetime(2026, 11, 1, 1, 30), NY) == utc(2026, 11, 1, 5, 30)  # fold=0
    assert local_to_utc(datetime(2026, 7, 1, 9), NY) == utc(2026, 7, 1, 13)
    start, end = local_day_bounds(date(2026, 3, 8), NY)
    assert (start, end - start) == (utc(2026, 3, 8, 5), 23 * HOUR)
    start, end = local_day_bounds(date(2026, 11, 1), NY)
    assert (start, end - start) == (utc(2026, 11, 1, 4), 25 * HOUR)
    # Santiago springs forward at midnight: the day starts at 01:00 local
    start, end = local_day_bounds(date(2026, 9, 6), "America/Santiago")
    assert start == utc(2026, 9, 6, 4) and end - start == 23 * HOUR


# --------------------------------------------------------------------------- re-check, nearest


def test_is_bookable_rechecks_one_slot():
    now = utc(2026, 1, 5, 6)
    av = advisor(rules=rules(min_notice=3 * HOUR, buffer_after=timedelta(minutes=15)))
    assert is_bookable(av, utc(2026, 1, 5, 9), now)
    assert is_bookable(av, local(KOLKATA, 2026, 1, 5, 14, 45), now)  # 09:15 UTC
    assert not is_bookable(av, utc(2026, 1, 5, 9, 5), now)  # off the grid
    assert not is_bookable(av, utc(2026, 1, 5, 8, 45), now)  # before hours and notice
    assert not is_bookable(av, utc(2026, 1, 5, 16, 30), now)  # would end after 17:00
    taken = Availability(
        zone="UTC",
        rules=av.rules,
        weekly=av.weekly,
        bookings=(Span(utc(2026, 1, 5, 9), utc(2026, 1, 5, 9, 45)),),
    )
    assert not is_bookable(taken, utc(2026, 1, 5, 9), now)
    assert not is_bookable(taken, utc(2026, 1, 5, 9, 45), now)  # the booking's buffer
    assert is_bookable(taken, utc(2026, 1, 5, 10), now)


def test_nearest_slots_offers_closest_free_times_in_time_order():
    taken = Span(utc(2026, 1, 5, 12), utc(2026, 1, 5, 12, 45))
    av = advisor(bookings=(taken,))
    got = nearest_slots(av, taken.start, EARLY)
    # 11:15 and 12:45 are both 45 min away; the tie goes to the earlier one, then 13:00
    assert walls(got, "UTC") == ["11:00", "11:15", "12:45"]
    assert walls(nearest_slots(av, taken.start, EARLY, count=1), "UTC") == ["11:15"]
    assert nearest_slots(av, taken.start, EARLY, count=0) == []
    assert starts(nearest_slots(av, utc(2026, 1, 5, 9), EARLY, count=1)) == [utc(2026, 1, 5, 9)]


def test_nearest_slots_searches_far_and_respects_the_window():
    av = advisor(weekly=WeeklyHours({0: (tr("09:00", "10:00"),)}), rules=rules(horizon=30 * DAY))
    now = utc(2026, 1, 6, 12)  # Tuesday; next open Monday is 6 days away
    got = nearest_slots(av, utc(2026, 1, 7, 9), now, count=5)
    assert starts(got) == [utc(2026, 1, 12, 9, m) for m in (0, 15)] + [
        utc(2026, 1, 19, 9, m) for m in (0, 15)
    ] + [utc(2026, 1, 26, 9)]
    assert nearest_slots(av, utc(2026, 1, 7, 9), now, count=100)[-1].start == utc(2026, 2, 2, 9, 15)
    assert len(nearest_slots(av, utc(2026, 1, 7, 9), now, count=100)) == 8
    assert nearest_slots(advisor(weekly=WeeklyHours()), now, now) == []


def test_group_by_day_orders_days_and_slots():
    slots = [
        Slot(utc(2026, 1, 6, 1), utc(2026, 1, 6, 2)),
        Slot(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10)),
    ]
    slots.append(Slot(utc(2026, 1, 5, 23), utc(2026, 1, 6, 0)))
    assert group_by_day(slots, "UTC") == [
        (date(2026, 1, 5), [slots[1], slots[2]]),
        (date(2026, 1, 6), [slots[0]]),
    ]
    assert group_by_day(slots, NY) == [(date(2026, 1, 5), [slots[1], slots[2], slots[0]])]
    assert group_by_day([], NY) == []


def test_ten_thousand_busy_spans_leave_only_free_times():
    """Two years of a busy calendar at once: every slot is clear of every span, and nothing
    free is lost. (How fast: benchmarks/bench_engine_spans.py, not a timed test.)"""
    rng = random.Random(2026)
    base = utc(2025, 1, 1)
    busy = []
    for _ in range(10_000):
        start = base + timedelta(minutes=5 * rng.randrange(0, 12 * 24 * 730))
        busy.append(Span(start, start + timedelta(minutes=rng.choice((15, 30, 60)))))
    av = advisor(
        NY,
        busy=tuple(busy),
        rules=rules(interval=timedelta(minutes=5)),
        bookings=tuple(busy[:2000]),
    )
    window = (utc(2026, 3, 1), utc(2026, 3, 29))
    got = compute_slots(av, *window, EARLY)
    assert got, "some slots survive"
    near = [s for s in busy if s.end > window[0] - timedelta(days=1) and s.start < window[1]]
    for slot in got:
        assert not any(s.start < slot.end and slot.start < s.end for s in near), slot
    # the same hours and rules with only the spans near the window give the same slots
    nearby = advisor(
        NY,
        busy=tuple(near),
        rules=rules(interval=timedelta(minutes=5)),
        bookings=tuple(s for s in busy[:2000] if s in near),
    )
    assert got == compute_slots(nearby, *window, EARLY)
    for slot in got[:50]:
        assert is_bookable(av, slot.start, EARLY)
    around = utc(2026, 3, 15, 15)
    nearest = nearest_slots(av, around, EARLY)
    assert len(nearest) == 3 and all(is_bookable(av, s.start, EARLY) for s in nearest)


# --------------------------------------------------------------------------- properties

ZONES = [
    "UTC",
    NY,
    LONDON,
    KOLKATA,
    "Asia/Kathmandu",
    "America/St_Johns",
    "America/Santiago",  # DST changes at midnight
    "Australia/Lord_Howe",  # half-hour DST
]
BASES = [
    datetime(2026, 3, 6),
    datetime(2026, 3, 27),
    datetime(2026, 4, 3),
    datetime(2026, 6, 15),
    datetime(2026, 9, 4),
    datetime(2026, 10, 2),
    datetime(2026, 10, 23),
    datetime(2026, 10, 30),
]


def minutes(lo: int, hi: int) -> st.SearchStrategy[timedelta]:
    return st.integers(lo, hi).map(lambda m: timedelta(minutes=m))


TYPICAL_RANGES = [
    tr("09:00", "17:00"),
    tr("00:00", "24:00"),
    tr("08:00", "12:30"),
    tr("13:00", "18:00"),
    tr("00:30", "03:30"),  # DST changes happen here
    tr("20:00", "24:00"),
]


@st.composite
def odd_time_ranges(draw) -> TimeRange:
    step = draw(st.sampled_from([15, 30, 1]))
    start = draw(st.integers(0, 24 * 60 // step - 1)) * step
    end = draw(st.integers(start // step + 1, 24 * 60 // step)) * step
    as_time = lambda m: time((m // 60) % 24, m % 60)  # noqa: E731
    return TimeRange(as_time(start), as_time(end))


time_ranges = st.sampled_from(TYPICAL_RANGES) | odd_time_ranges()


@st.composite
def scenarios(draw):
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(BASES)).replace(tzinfo=UTC) + draw(minutes(0, 24 * 60))
    start = base + draw(minutes(-6 * 60, 6 * 60))
    lengths = st.sampled_from([DAY, 2 * DAY, 3 * DAY, 4 * DAY])
    end = start + draw(lengths | lengths | minutes(1, 5 * 24 * 60))
    now = start - draw(st.sampled_from([timedelta(0), 12 * HOUR, DAY]) | minutes(-12 * 60, 48 * 60))
    booking_rules = BookingRules(
        duration=draw(
            st.sampled_from([15, 30, 45, 60, 90]).map(lambda m: m * MIN) | minutes(5, 180)
        ),
        interval=draw(st.sampled_from([15, 30, 60]).map(lambda m: m * MIN) | minutes(10, 90)),
        buffer_before=draw(st.just(timedelta(0)) | minutes(0, 30)),
        buffer_after=draw(st.just(timedelta(0)) | minutes(0, 30)),
        min_notice=draw(st.sampled_from([timedelta(0), HOUR, 12 * HOUR]) | minutes(0, 24 * 60)),
        horizon=draw(st.sampled_from([10 * DAY, 60 * DAY]) | minutes(0, 10 * 24 * 60)),
        max_per_day=draw(st.sampled_from([None, None, None, None, 1, 2, 3, 0])),
        booking_enabled=draw(st.sampled_from([True] * 9 + [False])),
    )
    day_ranges = st.lists(time_ranges, min_size=1, max_size=3).map(tuple)
    weekly = WeeklyHours(
        draw(
            day_ranges.map(lambda ranges: dict.fromkeys(range(7), ranges))
            | st.dictionaries(st.integers(0, 6), day_ranges | st.just(()), min_size=1, max_size=7)
        )
    )
    first_day = (start - 2 * DAY).date()
    days = st.integers(0, 9).map(lambda n: first_day + timedelta(days=n))
    overrides = tuple(
        draw(
            st.lists(
                st.builds(DateOverride, days, st.lists(time_ranges, max_size=2).map(tuple)),
                max_size=3,
            )
        )
    )

    def spans(max_size: int, lengths: st.SearchStrategy[timedelta]):
        def build(offset: timedelta, length: timedelta) -> Span:
            return Span(start + offset, start + offset + length)

        return st.lists(
            st.builds(build, minutes(-2 * 24 * 60, 7 * 24 * 60), lengths), max_size=max_size
        )

    return (
        Availability(
            zone=zone,
            rules=booking_rules,
            weekly=weekly,
            overrides=overrides,
            available_windows=tuple(draw(spans(3, minutes(0, 10 * 60)))),
            busy=tuple(draw(spans(10, minutes(0, 4 * 60)))),
            bookings=tuple(draw(spans(8, minutes(15, 120)))),
        ),
        start,
        end,
        now,
    )


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _naive_to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """Reference: the first instant whose local clock reads ``wall`` or later."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(first, tz) == wall:
        return first
    t = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)  # before the gap; walk minute by minute
    while _wall(t, tz) < wall:
        t += MIN
    return t


def _reference_availability(
    av: Availability, first: date, last: date
) -> list[tuple[datetime, datetime]]:
    tz = ZoneInfo(av.zone)
    overrides: dict[date, list[TimeRange]] = {}
    for o in av.overrides:
        overrides.setdefault(o.day, []).extend(o.ranges)
    spans = []
    for w in av.available_windows:  # cut at local midnights; overridden dates add nothing
        day = _wall(w.start, tz).date()
        while day <= _wall(w.end, tz).date():
            a = max(w.start, _naive_to_utc(datetime.combine(day, time(0)), tz))
            b = min(w.end, _naive_to_utc(datetime.combine(day + DAY, time(0)), tz))
            if day not in overrides:
                spans.append((a, b))
            day += DAY
    day = first
    while day <= last:
        for r in overrides.get(day, av.weekly.ranges.get(day.weekday(), ())):
            end_day = day + DAY if r.end == time(0) else day
            spans.append(
                (
                    _naive_to_utc(datetime.combine(day, r.start), tz),
                    _naive_to_utc(datetime.combine(end_day, r.end), tz),
                )
            )
        day += DAY
    merged: list[list[datetime]] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _inside(spans: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    i = bisect_right([a for a, _ in spans], start) - 1
    return i >= 0 and spans[i][1] >= end


def _overlaps(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> bool:
    return a0 < a1 and b0 < b1 and a0 < b1 and b0 < a1


def _on_grid(instant: datetime, tz: ZoneInfo, interval: timedelta) -> bool:
    wall = _wall(instant, tz)
    return (wall - datetime.combine(wall.date(), time(0))) % interval == timedelta(0)


def _grid_candidates(av: Availability, start: datetime, end: datetime) -> list[datetime]:
    """Every instant whose local wall-clock reading is on the grid, around [start, end)."""
    tz, interval = ZoneInfo(av.zone), av.rules.interval
    found = set()
    day = _wall(start, tz).date() - DAY
    while day <= _wall(end, tz).date() + DAY:
        midnight = datetime.combine(day, time(0))
        wall = midnight
        while wall.date() == day:
            for fold in (0, 1):
                instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
                if _wall(instant, tz) == wall:
                    found.add(instant)
            wall += interval
        day += DAY
    return sorted(found)


def _reference_slots(
    av: Availability, start: datetime, end: datetime, now: datetime
) -> list[datetime]:
    """Brute force over every grid instant, checking each rule directly."""
    tz, r = ZoneInfo(av.zone), av.rules
    if not r.booking_enabled:
        return []
    spans = _reference_availability(
        av, _wall(start, tz).date() - 2 * DAY, _wall(end, tz).date() + 2 * DAY
    )
    blocked = [(b.start, b.end) for b in av.busy]
    blocked += [(b.start - r.buffer_before, b.end + r.buffer_after) for b in av.bookings]
    per_day: dict[date, int] = {}
    for b in av.bookings:
        per_day[_wall(b.start, tz).date()] = per_day.get(_wall(b.start, tz).date(), 0) + 1
    out = []
    for s in _grid_candidates(av, start, end):
        e = s + r.duration
        if not (start <= s < end and now + r.min_notice <= s <= now + r.horizon):
            continue
        if not _inside(spans, s, e):
            continue
        if any(_overlaps(s - r.buffer_before, e + r.buffer_after, b0, b1) for b0, b1 in blocked):
            continue
        if r.max_per_day is not None and per_day.get(_wall(s, tz).date(), 0) >= r.max_per_day:
            continue
        out.append(s)
    return out


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios())
def test_property_every_slot_obeys_every_rule(scenario):
    av, start, end, now = scenario
    tz, r = ZoneInfo(av.zone), av.rules
    slots = compute_slots(av, start, end, now)
    assert starts(slots) == sorted(set(starts(slots)))
    if not r.booking_enabled:
        assert slots == []
    spans = _reference_availability(
        av, _wall(start, tz).date() - 2 * DAY, _wall(end, tz).date() + 2 * DAY
    )
    per_day: dict[date, int] = {}
    for b in av.bookings:
        per_day[_wall(b.start, tz).date()] = per_day.get(_wall(b.start, tz).date(), 0) + 1
    for slot in slots:
        assert slot.start.tzinfo is UTC and slot.end - slot.start == r.duration
        assert start <= slot.start < end
        assert now + r.min_notice <= slot.start <= now + r.horizon
        assert _on_grid(slot.start, tz, r.interval)
        assert _inside(spans, slot.start, slot.end)
        occupied = occupied_span(slot.start, slot.end, r)
        for busy in av.busy:
            assert not _overlaps(occupied.start, occupied.end, busy.start, busy.end)
        for booking in av.bookings:
            theirs = occupied_span(booking.start, booking.end, r)
            assert not _overlaps(occupied.start, occupied.end, theirs.start, theirs.end)
        day = _wall(slot.start, tz).date()
        if r.max_per_day is not None:
            assert per_day.get(day, 0) + 1 <= r.max_per_day
        assert is_bookable(av, slot.start, now)


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_property_matches_brute_force_and_is_bookable_agrees(scenario, rng):
    av, start, end, now = scenario
    slots = compute_slots(av, start, end, now)
    assert starts(slots) == _reference_slots(av, start, end, now)
    offered = set(starts(slots))
    candidates = [c for c in _grid_candidates(av, start, end) if start <= c < end]
    sample = rng.sample(candidates, min(len(candidates), 40))
    tick = timedelta(microseconds=1)
    sample += [start + tick * rng.randrange((end - start) // tick) for _ in range(10)]  # off-grid
    for candidate in sample:
        assert is_bookable(av, candidate, now) == (candidate in offered), candidate


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(1, 4))
def test_property_nearest_slots_are_the_closest_bookable_ones(scenario, count):
    av, start, _, now = scenario
    r = av.rules
    got = nearest_slots(av, start, now, count)
    everything = compute_slots(av, now + r.min_notice, now + r.horizon + MIN, now)
    expected = sorted(everything, key=lambda s: (abs(s.start - start), s.start))[:count]
    assert got == sorted(expected, key=lambda s: s.start)
    assert all(is_bookable(av, s.start, now) for s in got)


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_property_slots_hold_until_valid_until_and_change_there(scenario, rng):
    av, start, end, now = scenario
    slots = compute_slots(av, start, end, now)
    until = slots_valid_until(av, start, end, now, slots)
    assert until >= now
    tick = timedelta(microseconds=1)
    reachable = min(until, now + 70 * DAY)
    if reachable > now:
        later = [now + tick * rng.randrange((reachable - now) // tick) for _ in range(8)]
        for moment in [*later, reachable - tick]:
            assert compute_slots(av, start, end, moment) == slots, moment
    if until != datetime.max.replace(tzinfo=UTC) and until != now + SLOTS_LOOKAHEAD:
        assert compute_slots(av, start, end, until) != slots  # exact: the answer moves there
