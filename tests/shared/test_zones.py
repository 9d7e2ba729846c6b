"""Zone choices: canonical names only, each with its current offset (no app needed)."""

from __future__ import annotations

import re
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
    assert zone_choice_label("America/New_York", winter) == "Eastern Time (EST, UTC-5)"
    assert zone_choice_label("America/New_York", summer) == "Eastern Time (EDT, UTC-4)"
    assert zone_choice_label("Pacific/Honolulu", summer) == "Hawaii Time (HST, UTC-10)"
    assert zone_choice_label("America/Argentina/Buenos_Aires", winter) == (
        "America/Argentina/Buenos Aires (UTC-03:00)"
    )


def test_every_zone_picker_lists_canonical_zones_with_offsets(client):
    """The intake form's and the advisor page's zone pickers: offsets named, no aliases."""
    import re

    page = client.get("/intake").get_data(as_text=True)
    assert re.search(r">Central Time \(C[SD]T, UTC-[56]\)<", page)
    assert "Asia/Calcutta" not in page and "Asia/Kolkata (UTC+05:30)" in page


def test_old_zone_names_map_to_the_names_the_pickers_offer():
    from advising.shared.zones import offered_zone, zone_aliases

    offered = set(zone_names())
    aliases = zone_aliases()
    assert aliases["Asia/Calcutta"] == "Asia/Kolkata"
    assert aliases["Europe/Kiev"] == "Europe/Kyiv"
    assert aliases["America/Buenos_Aires"] == "America/Argentina/Buenos_Aires"
    assert aliases["US/Central"] == "America/Chicago"
    assert aliases["Etc/UTC"] == aliases["Zulu"] == aliases["GMT"] == "UTC"
    assert set(aliases.values()) <= offered and not set(aliases) & offered
    assert offered_zone("Asia/Calcutta") == "Asia/Kolkata"
    assert offered_zone("America/Chicago") == "America/Chicago"
    assert offered_zone("Etc/GMT+5") == "Etc/GMT+5"  # valid, though no picker offers it
    assert offered_zone("Mars/Olympus_Mons") is None and offered_zone("") is None


def test_the_pages_fetch_the_aliases_as_cacheable_json(client):
    page = client.get("/intake").get_data(as_text=True)
    assert 'data-zone-aliases="/zones/aliases.json"' in page
    response = client.get("/zones/aliases.json")
    assert response.status_code == 200 and response.is_json
    assert response.json["Asia/Calcutta"] == "Asia/Kolkata"
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=86400" in response.headers["Cache-Control"]


def test_times_asked_for_in_an_old_zone_name_show_in_its_current_name(client, ctx):
    from tests.factories import make_advisor

    make_advisor(name="Maria Lopez", slug="maria-lopez", timezone="America/New_York")
    response = client.get("/advisors/maria-lopez?tz=Asia/Calcutta", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Times are shown in Asia/Kolkata" in page
    assert re.search(r'<option[^>]* selected value="Asia/Kolkata">', page)
    assert "tz=Asia/Kolkata" in page and "Calcutta" not in page


def test_every_zone_picker_lists_the_us_zones_first_by_their_everyday_names(client, ctx):
    """Visitors pick 'Central Time (CST, UTC-6)' from a short US group at the top, on the slot
    pages as on the intake; advisors and staff get the same picker."""
    import re

    from tests.factories import make_advisor

    make_advisor(slug="maria")

    def groups(page: str) -> list[tuple[str, list[str]]]:
        select = re.search(r'<select[^>]*name="(?:tz|timezone)".*?</select>', page, re.S).group(0)
        return [
            (label, re.findall(r'value="([^"]+)"', body))
            for label, body in re.findall(
                r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S
            )
        ]

    for url in ("/advisors/maria", "/intake"):
        found = groups(client.get(url).get_data(as_text=True))
        assert [label for label, _ in found] == ["United States", "All time zones"], url
        us, others = found[0][1], found[1][1]
        assert us[:2] == ["America/New_York", "America/Chicago"] and len(us) == 12
        assert not set(us) & set(others) and "Europe/London" in others
    page = client.get("/advisors/maria").get_data(as_text=True)
    assert re.search(r">Pacific Time \(P[SD]T, UTC-[78]\)<", page)
    assert ">Eastern Time - Detroit (E" in page  # the zone a Michigan browser reports
