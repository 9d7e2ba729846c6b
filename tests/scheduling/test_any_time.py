"""'Any advisor, any time': every advisor's free times on one calendar, each time offered by
the best-fit advisor free then, and booked with that advisor."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from advising.database import utcnow
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.matching import Wants
from advising.scheduling.pooled import pool
from advising.scheduling.slots import slots_by_day
from advising.shared.federal_holidays import federal_holidays
from tests.factories import make_advisor
from tests.scheduling.test_slot_cache import count_queries

NY = ZoneInfo("America/New_York")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), NY).astimezone(UTC)


def test_a_time_two_advisors_offer_goes_to_the_first_and_is_counted_once():
    day = date(2030, 1, 8)
    first = slots_by_day([_at(day, 9), _at(day, 10)], timedelta(minutes=45), "America/New_York")
    second = slots_by_day([_at(day, 10), _at(day, 14)], timedelta(minutes=30), "America/New_York")
    pooled = pool([first, second])
    assert pooled.counts() == {day: 3}
    offered = [(p.slot.start, p.slot.end - p.slot.start, p.advisor) for p in pooled.slots_on(day)]
    assert offered == [
        (_at(day, 9), timedelta(minutes=45), 0),
        (_at(day, 10), timedelta(minutes=45), 0),  # both free: the first advisor's, its length
        (_at(day, 14), timedelta(minutes=30), 1),
    ]
    assert pool([second, first]).slots_on(day)[1].advisor == 0  # now the other one's
    assert pooled.slots_on(day + timedelta(days=1)) == []


def test_advisors_are_pooled_best_fit_first_then_by_name(ctx):
    alice = make_advisor(name="Alice Ames", specialties=["CPC"])
    bob = make_advisor(name="Bob Bell", specialties=["CCS", "inpatient"])
    assert services.by_fit([bob, alice]) == [alice, bob]
    wants = Wants(credentials=("CCS",), setting="hospital")
    assert services.by_fit([alice, bob], wants) == [bob, alice]
    # of equal fit, fewer consultations to come first: shared times do not all go to Alice
    slot = services.next_available_slots(alice, days=30)[0]
    visitor = services.VisitorDetails("Dana Diaz", "dana@example.org", None, "", "UTC")
    services.book(alice, slot.start, visitor)
    assert services.upcoming_counts([alice.id, bob.id], utcnow()) == {alice.id: 1}
    assert services.by_fit([alice, bob]) == [bob, alice]
    assert services.by_fit([alice, bob], Wants(credentials=("CPC",))) == [alice, bob]


def _working_day(after: date) -> date:
    day = after
    while day.weekday() >= 5 or day in federal_holidays(day, day):
        day += timedelta(days=1)
    return day


def test_the_page_shows_every_advisors_times_each_booking_its_advisor(client, ctx):
    alice = make_advisor(name="Alice Ames", slug="alice", timezone="America/New_York")
    bob = make_advisor(name="Bob Bell", slug="bob", timezone="America/Chicago")
    weekdays = range(5)
    services.update_rules(alice.id, {d: [(time(9), time(11))] for d in weekdays})
    services.update_rules(bob.id, {d: [(time(9), time(12))] for d in weekdays})  # 10-1 in NY
    day = _working_day(utcnow().astimezone(NY).date() + timedelta(days=3))
    html = client.get(
        f"/book/any/times?day={day.isoformat()}&tz=America/New_York"
    ).get_data(as_text=True)
    assert "Any advisor, any time" in html
    assert "Times are shown in Eastern Time" in html
    times = re.findall(
        r'href="/advisors/(\w+)/book\?start=([^&]+)&amp;tz=America/New_York">'
        r"([0-9:]+ [AP]M)<span class=\"slot-end\">.*?with ([\w ]+)</span>",
        html,
    )
    by_time = {shown: (slug, who) for slug, _, shown, who in times}
    assert by_time["9:00 AM"] == ("alice", "Alice Ames")
    assert by_time["10:00 AM"] == ("alice", "Alice Ames")  # both free: the first by name
    assert by_time["11:15 AM"] == ("bob", "Bob Bell")  # Alice's day is over
    assert by_time["12:15 PM"] == ("bob", "Bob Bell")
    assert len(by_time) == len(times)  # each time once
    # the link books that advisor at that time
    slug, start, _, _ = next(t for t in times if t[2] == "11:15 AM")
    booking = client.get(f"/advisors/{slug}/book?start={start}&tz=America/New_York")
    assert booking.status_code == 200
    assert "Bob Bell" in booking.get_data(as_text=True)


def test_without_advisors_the_page_says_so(client, ctx):
    response = client.get("/book/any/times")
    assert response.status_code == 302 and response.headers["Location"] == "/advisors"


def test_every_advisors_month_is_read_in_one_query_when_none_is_kept(app, client, ctx):
    """With nothing in the slot cache (the first visit after changes, or no cache), the
    advisors' months are read together, not one query per advisor."""
    for n in range(3):
        make_advisor(name=f"Advisor {n}", timezone="America/New_York")
    day = _working_day(utcnow().astimezone(NY).date() + timedelta(days=3))
    caches = [app.extensions[services.SLOT_CACHE_KEY], ctx.extensions[services.SLOT_CACHE_KEY]]
    capacities = [cache.capacity for cache in caches]
    for cache in caches:
        cache.capacity = 0
    with app.app_context():
        served_by = db.engine
    statements, record = count_queries()
    event.listen(served_by, "before_cursor_execute", record)
    try:
        response = client.get(f"/book/any/times?day={day.isoformat()}&tz=America/New_York")
    finally:
        event.remove(served_by, "before_cursor_execute", record)
        for cache, capacity in zip(caches, capacities, strict=True):
            cache.capacity = capacity
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("with Advisor ") > 3
    reads = [s for s in statements if "union all" in s.lower() and "weekly_hours" in s.lower()]
    assert len(reads) == 1, statements
