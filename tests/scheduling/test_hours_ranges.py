"""Special hours typed the way people write them: 12-hour with AM/PM, or 24-hour."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from advising.scheduling.forms import parse_ranges
from advising.shared.timefmt import clock


@pytest.mark.parametrize(
    ("typed", "ranges"),
    [
        ("10:00-14:00", [(time(10), time(14))]),
        ("9:00 AM-1:00 PM", [(time(9), time(13))]),
        ("9am-12pm, 1pm-5:30pm", [(time(9), time(12)), (time(13), time(17, 30))]),
        ("9 a.m. to 5 p.m.", [(time(9), time(17))]),
        ("9:30am \u2013 1:15PM", [(time(9, 30), time(13, 15))]),
        ("9-11 AM", [(time(9), time(11))]),  # one AM serves both
        ("11-1 PM", [(time(11), time(13))]),  # 11 PM would end before it starts
        ("8-5pm", [(time(8), time(17))]),
        ("9am-5", [(time(9), time(17))]),
        ("12pm-1pm", [(time(12), time(13))]),
        ("12am-3am", [(time(0), time(3))]),
        ("10pm-12am", [(time(22), time(0))]),  # to midnight: the end of the day
        ("22:00-24:00", [(time(22), time(0))]),
        ("9-5", [(time(9), time(17))]),  # office hours, not 9 AM back to 5 AM
        ("8:30-4:30", [(time(8, 30), time(16, 30))]),
        ("9-12, 1-5", [(time(9), time(12)), (time(13), time(17))]),  # a lunch break
        ("5-9", [(time(17), time(21))]),  # an evening, not 5 AM
        ("05:00-09:00", [(time(5), time(9))]),  # a leading zero: 24-hour, as typed
        ("7-11", [(time(7), time(11))]),
    ],
)
def test_ranges_read_as_written(typed, ranges):
    assert parse_ranges(typed) == ranges


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("13pm-2pm", "impossible time"),
        ("25:00-26:00", "impossible time"),
        ("9:75-10", "impossible time"),
        ("5pm-9am", "ends before it starts"),
        ("13:00-9:00", "ends before it starts"),
        ("afternoon", "not a range like 9:00 AM-5:00 PM"),
        ("10:00 AM-2:00 PM, 1pm-3pm", "“10:00 AM-2:00 PM” and “1pm-3pm” overlap"),
        ("1pm-3pm, 9-5", "“9-5” and “1pm-3pm” overlap"),
        ("10pm-12am, 11pm-11:30pm", "overlap"),
    ],
)
def test_a_range_that_is_no_range_says_why(typed, says):
    with pytest.raises(ValueError, match=says):
        parse_ranges(typed)


times = st.integers(0, 24 * 60 - 1).map(lambda minutes: time(minutes // 60, minutes % 60))


@given(times, times)
def test_a_range_as_the_pages_show_it_reads_back(a, b):
    """What the pages show (12-hour, '9:30 AM to 1:00 PM'), typed back, is the same range."""
    start, end = min(a, b), max(a, b)
    assume(start != end)
    assert parse_ranges(f"{clock(start)} to {clock(end)}") == [(start, end)]
    assert parse_ranges(f"{start:%H:%M}-{end:%H:%M}") == [(start, end)]
