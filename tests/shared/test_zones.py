"""Zone choices: canonical names only, each with its current offset (no app needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from advising.shared.zones import is_zone, utc_offset, zone_choice_label, zone_names


def test_only_canonical_names_are_offered_but_aliases_stay_valid():
    names = zone_names()
    assert "Asia/Kolkata" in names and "Asia/Calcutta" not in names
    assert "Europe/Kyiv" in names and "Europe/Kiev" not in names
    assert "America/Chicago" in names and "US/Central" not in names and "UTC" in names
    assert len(names) == len(set(names)) and list(names) == sorted(names)
    assert all(is_zone(name) for name in names)
    assert is_zone("Asia/Calcutta")  # stored data naming an alias still reads


def test_labels_carry_the_offset_in_force():
    winter, summer = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)
    assert utc_offset("America/Chicago", winter) == "UTC-06:00"
    assert utc_offset("America/Chicago", summer) == "UTC-05:00"
    assert utc_offset("Asia/Kolkata", winter) == "UTC+05:30"
    assert zone_choice_label("America/New_York", winter) == "America/New York (UTC-05:00)"


def test_every_zone_picker_lists_canonical_zones_with_offsets(client):
    """The intake form's and the advisor page's zone pickers: offsets named, no aliases."""
    import re

    page = client.get("/intake").get_data(as_text=True)
    assert re.search(r">America/Chicago \(UTC-0[56]:00\)<", page)
    assert "Asia/Calcutta" not in page and "Asia/Kolkata (UTC+05:30)" in page
