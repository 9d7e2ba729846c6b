"""Times as people read them: the zone named once in a range, at both ends across a change."""

from __future__ import annotations

from datetime import UTC, datetime

from advising.shared.timefmt import format_time_range, runs_into_night


def test_a_range_names_its_zone_once():
    start = datetime(2026, 12, 7, 15, 15, tzinfo=UTC)
    end = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert format_time_range(start, end, "America/New_York") == ("10:15 AM", "11:00 AM EST")
    assert format_time_range(start, end, "Australia/Lord_Howe") == (
        "2:15 AM",
        "3:00 AM UTC+11:00",
    )


def test_a_range_across_a_clock_change_names_both_ends():
    start = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 1:30 AM EDT
    end = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # 1:15 AM EST, after the change
    assert format_time_range(start, end, "America/New_York") == ("1:30 AM EDT", "1:15 AM EST")


def test_dates_are_taken_as_a_picker_sends_them_or_as_typed_in_the_us():
    from datetime import date

    import pytest

    from advising.shared.timefmt import parse_date, us_date

    assert parse_date("2027-01-04") == parse_date("01/04/2027") == parse_date("1/4/2027")
    assert us_date(date(2027, 1, 4)) == "01/04/2027"
    for bad in ("04/31/2027", "next week", "2027-13-01", ""):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_a_span_runs_into_the_night_when_it_starts_or_ends_after_10_pm():
    def utc(hour: int, minute: int = 0) -> datetime:
        return datetime(2027, 1, 4, hour, minute, tzinfo=UTC)

    assert runs_into_night(utc(21, 30), utc(22, 15), "UTC")  # ends at night
    assert runs_into_night(utc(5, 30), utc(6, 15), "UTC")  # starts at night
    assert not runs_into_night(utc(21, 15), utc(22, 0), "UTC")  # ends at 10 PM sharp
    assert not runs_into_night(utc(6), utc(6, 45), "UTC")
    assert runs_into_night(utc(14), utc(14, 45), "Asia/Tokyo")  # 11 PM in Tokyo


def test_letters_other_zones_use_for_another_offset_give_way_to_the_offset():
    """Manila's clocks say 'PST' and Shanghai's 'CST': beside an advisor's Pacific or Central
    time they would read as the same zone. US zones keep their letters; letters only one
    offset uses (GMT, CET, JST) stay."""
    from advising.shared.timefmt import format_time, zone_label

    winter = datetime(2026, 12, 8, 14, tzinfo=UTC)
    assert format_time(winter, "Asia/Manila") == "10:00 PM UTC+08:00"
    assert format_time(winter, "Asia/Shanghai") == "10:00 PM UTC+08:00"
    assert format_time(winter, "America/Havana") == "9:00 AM UTC-05:00"
    assert format_time(winter, "America/Los_Angeles") == "6:00 AM PST"
    assert format_time(winter, "US/Pacific") == "6:00 AM PST"  # an old name of a US zone
    assert format_time(winter, "America/Chicago") == "8:00 AM CST"
    assert format_time(winter, "Europe/London") == "2:00 PM GMT"
    assert format_time(winter, "Asia/Tokyo") == "11:00 PM JST"
    assert format_time(winter, "UTC") == "2:00 PM UTC"
    assert zone_label("Asia/Manila", winter) == "Asia/Manila (UTC+08:00)"
    assert zone_label("America/Los_Angeles", winter) == "Pacific Time (PST)"
