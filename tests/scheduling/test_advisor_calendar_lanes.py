"""The advisor's calendar puts overlapping items side by side (advisor_calendar._place)."""

from __future__ import annotations

from datetime import UTC, datetime

from advising.scheduling.advisor_calendar import AVAILABLE, BOOKED, BUSY, HOURS, Item, _place

NOON = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _item(kind: str, label: str, row: int, span: int) -> Item:
    return Item(kind, label, NOON, NOON, "", row, span)


def _columns(items: list[Item]) -> tuple[dict[str, tuple[int, int]], int]:
    placed, columns = _place(items)
    assert [i.label for i in placed] == [i.label for i in items]  # the order is kept
    return {i.label: (i.column, i.columns) for i in placed}, columns


def test_one_thing_at_a_time_keeps_two_lanes():
    where, columns = _columns(
        [
            _item(HOURS, "hours", 37, 32),
            _item(AVAILABLE, "free", 37, 12),
            _item(BUSY, "busy", 53, 4),
        ]
    )
    assert columns == 2
    assert where == {"hours": (1, 2), "free": (1, 1), "busy": (2, 1)}


def test_a_side_with_nothing_takes_no_room():
    where, columns = _columns([_item(HOURS, "hours", 37, 32), _item(BOOKED, "Booked: Jo", 37, 4)])
    assert columns == 1 and where == {"hours": (1, 1), "Booked: Jo": (1, 1)}
    assert _columns([_item(HOURS, "hours", 37, 32)]) == ({"hours": (1, 1)}, 1)


def test_overlapping_busy_time_and_a_booking_sit_side_by_side():
    where, columns = _columns(
        [
            _item(HOURS, "hours", 37, 32),
            _item(AVAILABLE, "free", 37, 12),
            _item(BOOKED, "Booked: Jo", 37, 4),
            _item(BUSY, "Standup", 38, 6),  # overlaps the booking
            _item(BUSY, "Dentist", 53, 4),
            _item(BUSY, "Call", 53, 8),  # starts with the dentist
            _item(BUSY, "Later", 80, 4),  # alone in its hour
        ]
    )
    assert columns == 3  # one lane of available time, two of taken time
    assert where["hours"] == (1, 3)
    assert {where["Booked: Jo"][0], where["Standup"][0]} == {2, 3}
    # the longer of two that start together comes first; alone, an item fills its side
    assert where["Call"] == (2, 1) and where["Dentist"] == (3, 1)
    assert where["Later"] == (2, 2)


def test_a_crowded_hour_shares_the_last_lane_instead_of_growing_without_end():
    items = [_item(BUSY, f"event {n}", 37, 4) for n in range(5)]
    where, columns = _columns(items)
    assert columns == 3
    assert sorted(c for c, _ in where.values()) == [1, 1, 2, 2, 3]


def test_a_later_free_lane_is_reused_and_the_last_lane_takes_the_spare_width():
    where, columns = _columns(
        [
            _item(AVAILABLE, "a", 1, 40),
            _item(AVAILABLE, "b", 1, 8),
            _item(AVAILABLE, "c", 1, 8),
            _item(AVAILABLE, "d", 20, 4),  # lane of b is free again
            _item(AVAILABLE, "e", 50, 4),  # a new group of one
        ]
    )
    assert columns == 3
    assert where["a"] == (1, 1) and where["b"] == (2, 1) and where["c"] == (3, 1)
    assert where["d"] == (2, 1)  # b's lane, free again
    assert where["e"] == (1, 3)
