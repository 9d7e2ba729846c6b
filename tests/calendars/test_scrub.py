"""Scrubbing a calendar before it is stored (pure: the ics package, no app, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from advising.calendars.ics import AvailabilityMarkers, IcsError, parse_calendar, scrub
from advising.calendars.ics.markers import MarkerMatcher, keyword_pattern
from tests.calendars.test_services import (
    CATEGORIES,
    FIXTURES,
    GOOGLE,
    KEYWORDS,
    PRIVATE_WORDS,
    calendar,
    soon,
    vevent,
)

# --- scrubbing --------------------------------------------------------------------------


def test_scrub_removes_busy_titles_and_details_but_keeps_what_scheduling_needs():
    scrubbed = scrub(GOOGLE.read_bytes(), KEYWORDS).decode()
    for word in PRIVATE_WORDS:
        assert word not in scrubbed
    for name in ("DESCRIPTION", "LOCATION", "ATTENDEE", "ORGANIZER", "COMMENT", "CONTACT"):
        assert f"\n{name}" not in scrubbed
    assert "URL:" not in scrubbed and "ATTACH" not in scrubbed and "X-ALT-DESC" not in scrubbed
    assert "VALARM" not in scrubbed
    assert "SUMMARY:Office hours" in scrubbed  # matches a keyword: kept
    assert scrubbed.count("SUMMARY:Busy") == 3
    assert "CATEGORIES:Open slot,Work" in scrubbed
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" in scrubbed
    assert "X-WR-TIMEZONE:America/New_York" in scrubbed  # outside events: untouched


def test_scrubbed_calendar_parses_to_the_same_intervals():
    raw = GOOGLE.read_bytes()
    start = datetime(2026, 3, 2, tzinfo=UTC)
    markers = AvailabilityMarkers(tuple(KEYWORDS), tuple(CATEGORIES))
    before = parse_calendar(raw, start, start + timedelta(days=60), "America/Chicago", markers)
    after = parse_calendar(
        scrub(raw, KEYWORDS), start, start + timedelta(days=60), "America/Chicago", markers
    )
    assert before == after
    assert {i.kind for i in before} == {"busy", "available"}


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.ics")), ids=lambda path: path.name)
def test_scrubbing_never_changes_the_intervals_of_any_fixture(path: Path):
    """Every calendar in the fixtures (also the parser's own) reads the same once scrubbed."""
    raw = path.read_bytes()
    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    marker_sets = [
        AvailabilityMarkers(),
        AvailabilityMarkers(("busy", "meeting", "office hours"), ("Work", "Open slot")),
        AvailabilityMarkers((), ()),
    ]
    for markers in marker_sets:
        try:
            before = parse_calendar(raw, start, end, "Europe/Berlin", markers)
        except IcsError:
            return  # a fixture of a broken file: nothing is stored from it
        after = parse_calendar(scrub(raw, markers.keywords), start, end, "Europe/Berlin", markers)
        assert after == before


def test_scrub_never_turns_a_busy_title_into_a_keyword():
    raw = calendar(vevent("a", soon(1), soon(1, 16), "Dentist"))
    scrubbed = scrub(raw, ["Busy"]).decode()
    assert "Dentist" not in scrubbed and "SUMMARY:\r\n" in scrubbed


def test_scrub_reads_folded_and_quoted_titles_like_the_parser():
    folded = 'SUMMARY;LANGUAGE=en;X-NOTE="a:b":Weekly offi\r\n ce hours\r\n'
    raw = calendar(vevent("a", soon(1), soon(1, 16), "x").replace("SUMMARY:x\r\n", folded))
    scrubbed = scrub(raw, ["office hours"]).decode()
    assert "SUMMARY:Busy" not in scrubbed and "Weekly office hours" in scrubbed
    assert "SUMMARY:Busy" in scrub(raw, ["dentist"]).decode()


def test_scrub_refuses_what_the_parser_cannot_read():
    with pytest.raises(IcsError, match="UTF-16"):
        scrub("BEGIN:VCALENDAR".encode("utf-16"), KEYWORDS)


@pytest.mark.parametrize(
    ("keywords", "title", "matches"),
    [
        (["office hours"], "Office  hours (Tue)", True),
        (["office hours"], "Office\thours", True),
        (["available"], "Unavailable", False),
        (["c++ help"], "C++ help desk", True),
        ([" ", ""], "anything", False),
    ],
)
def test_one_keyword_matcher_serves_parser_and_scrubber(keywords, title, matches):
    """The scrubber keeps a title exactly when the parser reads it as available."""
    pattern = keyword_pattern(keywords)
    assert (pattern is not None and pattern.search(title) is not None) == matches
    assert MarkerMatcher(AvailabilityMarkers(tuple(keywords))).matches(title, ()) == matches
    raw = calendar(vevent("a", soon(1), soon(1, 16), title))
    start = soon(0, 0)
    markers = AvailabilityMarkers(tuple(keywords), ())
    kinds = [i.kind for i in parse_calendar(raw, start, start + timedelta(days=3), "UTC", markers)]
    assert kinds == ["available" if matches else "busy"]
    assert (f"SUMMARY:{title}" in scrub(raw, keywords).decode()) == matches
