"""The slot cache: every change to an advisor's availability is seen at once, by every app
process (here: ``client``'s app reads, the twin app of ``ctx`` writes), and unchanged slots
are answered without touching the database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlalchemy import delete, event, insert, or_, select, update

from advising.advisors import services as advisors
from advising.advisors.availability import CHANGED_KEY, UnnamedAvailabilityWrite
from advising.advisors.models import AdvisorProfile
from advising.api.schemas import SlotsSchema
from advising.calendars import services as calendars
from advising.calendars.models import BLOCK_BUSY, CalendarBlock, CalendarSource
from advising.database import utcnow
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling import slots as engine
from advising.scheduling.models import WeeklyHoursRange
from advising.shared.federal_holidays import federal_holidays
from tests.conftest import client_after_commit
from tests.factories import make_advisor

VISITOR = services.VisitorDetails(
    name="Jo Visitor", email="jo@example.org", phone=None, topic="Credentials", timezone="UTC"
)


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app)


@pytest.fixture
def advisor(ctx) -> AdvisorProfile:
    return make_advisor(slug="cache-advisor", timezone="America/New_York")


def window() -> tuple[datetime, datetime]:
    """A fortnight starting two days out: past the notice, inside the horizon, so the clock
    moving during a test never changes the answer."""
    start = datetime.combine(utcnow().date() + timedelta(days=2), time(0), UTC)
    return start, start + timedelta(days=14)


def api_starts(client, advisor: AdvisorProfile) -> list[datetime]:
    start, end = window()
    response = client.get(
        f"/api/v1/advisors/{advisor.slug}/slots",
        query_string={"start": start.isoformat(), "end": end.isoformat(), "tz": "UTC"},
    )
    assert response.status_code == 200, response.get_json()
    return [datetime.fromisoformat(s["start"]) for s in response.get_json()["slots"]]


def fresh_starts(advisor: AdvisorProfile) -> list[datetime]:
    """The slots computed now from the database, around every cache."""
    db.session.expire_all()
    start, end = window()
    slots = engine.compute_slots(services.availability(advisor, start, end), start, end, utcnow())
    return [slot.start for slot in slots]


def busy_calendar(start: datetime, hours: int) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//advising tests//EN")
    calendar.add("version", "2.0")
    busy = Event()
    busy.add("uid", "busy-1@tests")
    busy.add("summary", "Dentist")
    busy.add("dtstart", start)
    busy.add("dtend", start + timedelta(hours=hours))
    busy.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    calendar.add_component(busy)
    return calendar.to_ical()


def test_every_kind_of_change_reaches_cached_slots_in_another_process(client, ctx, advisor):
    shown = api_starts(client, advisor)
    assert shown == fresh_starts(advisor) and shown

    def changed(step: str) -> None:
        nonlocal shown
        before = shown
        shown = api_starts(client, advisor)
        assert shown == fresh_starts(advisor), step
        assert shown != before, f"{step} should have changed the slots"

    booking, _ = services.book(advisor, shown[0], VISITOR)
    changed("booking")
    services.reschedule(booking, shown[-1], by="visitor")
    changed("moving the booking")
    services.cancel(booking, reason="", by="visitor")
    changed("cancelling it")

    services.update_rules(
        advisor.id, {day: [(time(10), time(12))] for day in range(7)}, duration_minutes=30
    )
    changed("new rules and weekly hours")
    first_day = shown[0].astimezone(ZoneInfo(advisor.timezone)).date()
    services.set_override(advisor.id, first_day, [])
    changed("a day off")
    services.remove_override_day(advisor.id, first_day)
    changed("the day off removed")

    source = calendars.import_upload(advisor, busy_calendar(shown[0], hours=3), "Personal")
    changed("an uploaded calendar")
    calendars.remove_source(db.session.get(CalendarSource, source.id))
    changed("the calendar removed")

    advisors.update_profile(db.session.get(AdvisorProfile, advisor.id), timezone="Asia/Kolkata")
    changed("the advisor's zone")

    source = CalendarSource(advisor_id=advisor.id, kind="upload", label="Rows")
    db.session.add(source)
    db.session.flush()
    db.session.add(
        CalendarBlock(
            source_id=source.id,
            advisor_id=advisor.id,
            start_at=shown[0],
            end_at=shown[0] + timedelta(hours=1),
            kind=BLOCK_BUSY,
            uid="row",
        )
    )
    db.session.commit()
    changed("a block added as a row")
    db.session.execute(
        insert(CalendarBlock).execution_options(availability_of={advisor.id}),
        [
            {
                "source_id": source.id,
                "advisor_id": advisor.id,
                "start_at": shown[-1] - timedelta(hours=1),
                "end_at": shown[-1] + timedelta(hours=1),
                "kind": BLOCK_BUSY,
                "uid": "bulk",
            }
        ],
    )
    db.session.commit()
    changed("blocks inserted in bulk")
    db.session.execute(
        delete(CalendarBlock)
        .where(CalendarBlock.source_id == source.id)
        .execution_options(availability_of={advisor.id})
    )
    db.session.commit()
    changed("blocks deleted by a statement that names its advisor")


def count_queries():
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    return statements, record


def test_unchanged_slots_are_answered_without_a_query(ctx, advisor):
    start, end = window()
    now = utcnow()
    first = services.available_slots(advisor, start, end, now)
    statements, record = count_queries()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = services.available_slots(advisor, start, end, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert again == first and first
    assert statements == []


def test_cached_slots_still_follow_the_clock(ctx, advisor):
    """The notice passes the first slot: it goes, although nothing was written."""
    start, end = window()
    notice = services.rules_from(services.settings_for(advisor.id)).min_notice
    early = start - notice - timedelta(hours=1)
    slots = services.available_slots(advisor, start, end, early)
    first = slots[0].start
    assert services.available_slots(advisor, start, end, first - notice) == slots
    later = services.available_slots(advisor, start, end, first - notice + timedelta(seconds=1))
    assert later == slots[1:]


def test_uncommitted_changes_neither_fill_nor_read_the_cache(ctx, advisor):
    start, end = window()
    now = utcnow()
    cache = ctx.extensions[services.SLOT_CACHE_KEY]
    cache.clear()
    saved = services.available_slots(advisor, start, end, now)
    services.update_rules(advisor.id, services.weekly_ranges(advisor.id))  # stores the defaults
    saved = services.available_slots(advisor, start, end, now)
    cached_entries = len(cache)
    db.session.execute(
        delete(WeeklyHoursRange)
        .where(WeeklyHoursRange.advisor_id == advisor.id)
        .execution_options(availability_of={advisor.id})
    )
    assert db.session.info[CHANGED_KEY] == {advisor.id}
    assert services.available_slots(advisor, start, end, now) == []  # this transaction's view
    assert len(cache) == cached_entries
    db.session.rollback()
    assert CHANGED_KEY not in db.session.info
    assert services.available_slots(advisor, start, end, now) == saved


def all_versions() -> dict[int, int]:
    rows = db.session.execute(select(AdvisorProfile.id, AdvisorProfile.availability_version))
    return {advisor_id: version for advisor_id, version in rows}


def test_a_change_moves_only_its_advisors_version_and_a_rollback_none(ctx, advisor):
    other = make_advisor(slug="other-advisor")
    before = all_versions()
    services.set_override(advisor.id, window()[0].date(), [])
    after = all_versions()
    assert after[advisor.id] == before[advisor.id] + 1
    assert after[other.id] == before[other.id]
    db.session.add(
        WeeklyHoursRange(advisor_id=other.id, weekday=6, start_time=time(9), end_time=time(10))
    )
    db.session.flush()
    db.session.rollback()
    assert all_versions() == after


def test_a_bulk_statement_over_two_advisors_moves_both_versions_and_no_other(ctx, advisor):
    """Advisors are named by the writer, never guessed from the WHERE clause: an ``or_`` over
    two advisors moves both."""
    other, third = make_advisor(slug="other-advisor"), make_advisor(slug="third-advisor")
    before = all_versions()
    db.session.execute(
        delete(WeeklyHoursRange)
        .where(
            or_(WeeklyHoursRange.advisor_id == advisor.id, WeeklyHoursRange.advisor_id == other.id)
        )
        .execution_options(availability_of={advisor.id, other.id})
    )
    db.session.commit()
    after = all_versions()
    assert after[advisor.id] == before[advisor.id] + 1
    assert after[other.id] == before[other.id] + 1
    assert after[third.id] == before[third.id]


def test_a_bulk_statement_that_names_no_advisor_is_refused(ctx, advisor):
    """``update(AdvisorProfile)`` (the zone moves every slot) and a block delete must name
    their advisors; refused otherwise, so a writer cannot forget and leave a stale cache."""
    before = all_versions()
    with pytest.raises(UnnamedAvailabilityWrite):
        db.session.execute(
            update(AdvisorProfile)
            .where(AdvisorProfile.id == advisor.id)
            .values(timezone="Europe/London")
        )
    db.session.rollback()
    with pytest.raises(UnnamedAvailabilityWrite):
        db.session.execute(delete(CalendarBlock).where(CalendarBlock.advisor_id == advisor.id))
    db.session.rollback()
    db.session.execute(
        update(AdvisorProfile)
        .where(AdvisorProfile.id == advisor.id)
        .values(timezone="Europe/London")
        .execution_options(availability_of={advisor.id})
    )
    db.session.commit()
    assert all_versions()[advisor.id] == before[advisor.id] + 1


def test_api_body_is_what_the_documented_schema_dumps(client, advisor):
    start, end = window()
    response = client.get(
        f"/api/v1/advisors/{advisor.slug}/slots",
        query_string={
            "start": start.date().isoformat(),
            "end": end.date().isoformat(),
            "tz": "Asia/Kolkata",
        },
    )
    body = response.get_json()
    assert response.status_code == 200 and response.mimetype == "application/json"
    zone = ZoneInfo("Asia/Kolkata")
    slots = [
        engine.Slot(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
        for s in body["slots"]
    ]
    assert slots
    expected = SlotsSchema().dump(
        {
            "advisor": advisor.slug,
            "timezone": "Asia/Kolkata",
            "start": datetime.fromisoformat(body["start"]),
            "end": datetime.fromisoformat(body["end"]),
            "slots": [
                {
                    "start": slot.start.astimezone(UTC),
                    "end": slot.end.astimezone(UTC),
                    "local_start": slot.start.astimezone(zone),
                    "local_end": slot.end.astimezone(zone),
                    "timezone": "Asia/Kolkata",
                }
                for slot in slots
            ],
        }
    )
    assert body == expected


def test_booking_rules_are_kept_per_version_and_a_rules_change_is_seen(ctx, advisor):
    """The advisor page reads the rules first: after a slot read they cost no query, and a
    saved change to them moves the version, so the next read has the new ones."""
    start, end = window()
    services.available_slots(advisor, start, end, utcnow())
    statements, record = count_queries()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        kept = services.rules_of(advisor)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []
    assert kept == services.rules_from(services.settings_for(advisor.id))
    weekly = services.weekly_ranges(advisor.id)
    longer = int(kept.duration.total_seconds()) // 60 + 15
    services.update_rules(advisor.id, weekly, duration_minutes=longer)
    db.session.refresh(advisor)
    changed = services.rules_of(advisor)
    assert changed.duration == kept.duration + timedelta(minutes=15)


def test_any_advisor_reads_the_rules_once_even_with_the_cache_off(app, client, ctx, advisor):
    """"Any advisor" reads every advisor's rules to find the first free times; the page it
    answers with reuses the chosen advisor's rules rather than reading them again (the first
    request after a change, or a process without a cache)."""
    assert services.rank_advisors([advisor])[0].rules is not None  # read, and kept
    assert services.rank_advisors([advisor])[0].rules is None  # kept: nothing read
    caches = [app.extensions[services.SLOT_CACHE_KEY], ctx.extensions[services.SLOT_CACHE_KEY]]
    capacities = [cache.capacity for cache in caches]
    for cache in caches:
        cache.capacity = 0
    try:
        ranked = services.rank_advisors([advisor])
        assert ranked[0].rules == services.rules_from(services.settings_for(advisor.id))
        with app.app_context():
            served_by = db.engine  # the client's app's engine
        statements, record = count_queries()
        event.listen(served_by, "before_cursor_execute", record)
        try:
            response = client.get("/book/any?tz=America/New_York")
        finally:
            event.remove(served_by, "before_cursor_execute", record)
    finally:
        for cache, capacity in zip(caches, capacities, strict=True):
            cache.capacity = capacity
    assert response.status_code == 200
    assert f"/advisors/{advisor.slug}/book?" in response.get_data(as_text=True)
    settings_reads = [s for s in statements if "booking_settings" in s.lower()]
    # the first free times (a second stage when the first days have none: a Friday before a
    # weekend, say), then the month
    opened = utcnow().replace(second=0, microsecond=0)
    stages = 1 if ranked[0].first.start < opened + services.FIRST_FREE_REACH else 2
    assert len(settings_reads) == stages + 1, statements


def test_first_free_times_over_a_weekend_take_one_read(app, ctx):
    """On a Friday evening, Monday to Friday hours are free on Monday: "any advisor" finds
    that in its first, short read, not in a second read of all fourteen days."""
    everyone = [make_advisor(timezone="America/New_York") for _ in range(3)]
    today = utcnow().astimezone(ZoneInfo("America/New_York"))
    friday = today + timedelta(days=(4 - today.weekday()) % 7 + 7)
    friday_evening = friday.replace(hour=19, minute=0, second=0, microsecond=0)
    cache = app.extensions[services.SLOT_CACHE_KEY]
    capacity, cache.capacity = cache.capacity, 0
    statements, record = count_queries()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = services.first_free(everyone, friday_evening.astimezone(UTC))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        cache.capacity = capacity
    monday = (friday + timedelta(days=3)).date()
    holiday_monday = monday in federal_holidays(monday, monday)
    for advisor in everyone:
        first = found[advisor.id].slot.start.astimezone(ZoneInfo("America/New_York"))
        assert first.date() == monday + timedelta(days=holiday_monday)
    assert len([s for s in statements if "booking_settings" in s.lower()]) == 1, statements
