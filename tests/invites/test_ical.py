"""iCalendar invites: RFC 5546 shape, booking lifecycle, UTC, injection resistance."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from advising.invites.ical import (
    PRODID,
    InvalidInviteData,
    InviteEvent,
    build_cancel,
    build_publish,
    build_request,
    clean_email,
    clean_line,
    clean_name,
    clean_text,
    clean_url,
)

NOW = datetime(2025, 2, 1, 9, 30, 15, tzinfo=UTC)
START = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
END = START + timedelta(minutes=45)
MANAGE = "https://advising.example/bookings/42/manage?token=abc123"
VIDEO = "https://meet.example/ann-advisor"


def make_event(**changes) -> InviteEvent:
    event = InviteEvent(
        uid="booking-42@advising.example",
        sequence=0,
        start=START,
        end=END,
        summary="Career consultation with Ann Advisor",
        description="Bring your resume.\nWe will talk about CPC exam prep.",
        location="Room 3, Main St. 1",
        organizer_name="Ann Advisor",
        organizer_email="ann@advising.example",
        attendee_name="Bob Visitor",
        attendee_email="bob@example.com",
        status="CONFIRMED",
        manage_url=MANAGE,
        video_url=VIDEO,
    )
    return dataclasses.replace(event, **changes)


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def only_event(ics: bytes):
    events = parse(ics).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def content_lines(ics: bytes) -> list[str]:
    """Unfolded content lines (RFC 5545 3.1)."""
    text = ics.decode("utf-8")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def property_names(ics: bytes) -> list[str]:
    """Names of every content line, in order, e.g. ["BEGIN", "VERSION", ...]."""
    names = []
    for line in content_lines(ics):
        end = min((i for i in (line.find(";"), line.find(":")) if i >= 0), default=len(line))
        names.append(line[:end])
    return names


def vevent_property_names(ics: bytes) -> list[str]:
    names = property_names(ics)
    start = names.index("BEGIN")  # VCALENDAR
    start = names.index("BEGIN", start + 1)  # VEVENT
    return names[start + 1 : names.index("END", start)]


# Every property name that may appear between BEGIN:VEVENT and END:VEVENT
# (BEGIN/END/ACTION/TRIGGER/DESCRIPTION come from the VALARM).
VEVENT_PROPERTIES = {
    "UID",
    "SEQUENCE",
    "DTSTAMP",
    "CREATED",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "CONFERENCE",
    "ORGANIZER",
    "ATTENDEE",
    "STATUS",
    "TRANSP",
    "BEGIN",
    "END",
    "ACTION",
    "TRIGGER",
}


def assert_wire_format(ics: bytes) -> None:
    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    assert b"\r" not in ics.replace(b"\r\n", b"")
    for raw_line in ics.split(b"\r\n"):
        assert len(raw_line) <= 75


# --------------------------------------------------------------------------
# REQUEST
# --------------------------------------------------------------------------


def test_request_has_rfc5546_required_properties():
    ics = build_request(make_event(), NOW)
    assert_wire_format(ics)
    cal = parse(ics)
    assert cal["METHOD"] == "REQUEST"
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == PRODID
    assert cal["CALSCALE"] == "GREGORIAN"
    assert not cal.walk("VTIMEZONE")

    event = only_event(ics)
    for name in ("ORGANIZER", "ATTENDEE", "DTSTAMP", "DTSTART", "SEQUENCE", "SUMMARY", "UID"):
        assert name in event, name
    assert event["UID"] == "booking-42@advising.example"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == END
    assert event["SUMMARY"] == "Career consultation with Ann Advisor"
    assert event["LOCATION"] == "Room 3, Main St. 1"
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == MANAGE


def test_request_organizer_and_attendee():
    event = only_event(build_request(make_event(), NOW))
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:ann@advising.example"
    assert organizer.params["CN"] == "Ann Advisor"

    attendees = as_list(event.get("ATTENDEE"))
    assert len(attendees) == 1
    attendee = attendees[0]
    assert str(attendee) == "mailto:bob@example.com"
    assert dict(attendee.params) == {
        "CN": "Bob Visitor",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }


def test_request_description_has_manage_and_video_links():
    description = str(only_event(build_request(make_event(), NOW))["DESCRIPTION"])
    assert description.startswith("Bring your resume.\nWe will talk about CPC exam prep.")
    assert MANAGE in description
    assert VIDEO in description


def test_request_without_links_or_location():
    ics = build_request(make_event(manage_url=None, video_url=None, location=""), NOW)
    event = only_event(ics)
    assert str(event["DESCRIPTION"]) == "Bring your resume.\nWe will talk about CPC exam prep."
    assert "URL" not in event
    assert "LOCATION" not in event
    assert "CONFERENCE" not in event


def test_video_link_is_the_location_when_there_is_none():
    event = only_event(build_request(make_event(location="  "), NOW))
    assert event["LOCATION"] == VIDEO
    assert str(event["CONFERENCE"]) == VIDEO


def test_request_has_display_alarm():
    event = only_event(build_request(make_event(), NOW))
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    alarm = alarms[0]
    assert alarm["ACTION"] == "DISPLAY"
    assert "Career consultation" in str(alarm["DESCRIPTION"])
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=30)


def test_request_reminder_is_configurable():
    event = only_event(build_request(make_event(), NOW, reminder=timedelta(hours=1)))
    assert event.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(hours=1)
    assert not only_event(build_request(make_event(), NOW, reminder=None)).walk("VALARM")


def test_request_keeps_created_when_given():
    created = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    event = only_event(build_request(make_event(created=created), NOW))
    assert event.decoded("CREATED") == created


def test_request_refuses_cancelled_status():
    with pytest.raises(InvalidInviteData):
        build_request(make_event(status="CANCELLED"), NOW)


def test_tentative_request_is_allowed():
    assert only_event(build_request(make_event(status="TENTATIVE"), NOW))["STATUS"] == "TENTATIVE"


# --------------------------------------------------------------------------
# CANCEL
# --------------------------------------------------------------------------


def test_cancel_has_rfc5546_required_properties():
    ics = build_cancel(make_event(sequence=1), NOW)
    assert_wire_format(ics)
    cal = parse(ics)
    assert cal["METHOD"] == "CANCEL"
    event = only_event(ics)
    for name in ("ORGANIZER", "ATTENDEE", "DTSTAMP", "SEQUENCE", "UID", "STATUS"):
        assert name in event, name
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTAMP") == NOW
    assert len(as_list(event["ATTENDEE"])) == 1
    assert as_list(event["ATTENDEE"])[0].params["RSVP"] == "TRUE"
    assert not event.walk("VALARM")


def test_cancel_overrides_confirmed_status():
    assert only_event(build_cancel(make_event(status="CONFIRMED"), NOW))["STATUS"] == "CANCELLED"


def test_booking_reschedule_cancel_share_uid_with_rising_sequence():
    booked = make_event(sequence=0)
    moved = dataclasses.replace(
        booked, sequence=1, start=START + timedelta(days=1), end=END + timedelta(days=1)
    )
    cancelled = dataclasses.replace(moved, sequence=2, status="CANCELLED")
    documents = [
        (build_request(booked, NOW), "REQUEST", booked),
        (build_request(moved, NOW + timedelta(hours=1)), "REQUEST", moved),
        (build_cancel(cancelled, NOW + timedelta(hours=2)), "CANCEL", cancelled),
    ]
    uids, sequences = set(), []
    for ics, method, source in documents:
        assert parse(ics)["METHOD"] == method
        event = only_event(ics)
        uids.add(str(event["UID"]))
        sequences.append(int(event["SEQUENCE"]))
        assert event.decoded("DTSTART") == source.start
        assert event.decoded("DTEND") == source.end
    assert uids == {"booking-42@advising.example"}
    assert sequences == sorted(set(sequences))
    assert sequences == [0, 1, 2]


# --------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------


def test_times_are_written_in_utc_and_equal_the_input():
    chicago = ZoneInfo("America/Chicago")
    start = datetime(2025, 3, 9, 1, 30, tzinfo=chicago)  # the night DST starts
    end = datetime(2025, 3, 9, 3, 30, tzinfo=chicago)  # one real hour later
    now = datetime(2025, 2, 1, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    ics = build_request(make_event(start=start, end=end), now)
    event = only_event(ics)
    for key, expected in (("DTSTART", start), ("DTEND", end), ("DTSTAMP", now)):
        value = event.decoded(key)
        assert value == expected
        assert value.utcoffset() == timedelta(0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)
    assert b"DTSTART:20250309T073000Z\r\n" in ics
    assert b"TZID" not in ics
    assert b"VTIMEZONE" not in ics


def test_microseconds_are_dropped():
    event = only_event(build_request(make_event(start=START.replace(microsecond=999)), NOW))
    assert event.decoded("DTSTART") == START


@pytest.mark.parametrize(
    "changes",
    [
        {"start": START.replace(tzinfo=None)},
        {"end": END.replace(tzinfo=None)},
        {"end": START},
        {"end": START - timedelta(minutes=1)},
        {"created": datetime(2025, 1, 1)},
        {"sequence": -1},
        {"sequence": True},
        {"sequence": "1"},
        {"uid": ""},
        {"uid": "booking 42"},
        {"uid": "booking-42\r\nATTENDEE:mailto:x@evil.example"},
        {"status": "BOGUS"},
    ],
)
def test_invalid_events_are_refused(changes):
    with pytest.raises(InvalidInviteData):
        build_request(make_event(**changes), NOW)


def test_naive_now_is_refused():
    with pytest.raises(InvalidInviteData):
        build_cancel(make_event(), datetime(2025, 1, 1))


# --------------------------------------------------------------------------
# Injection
# --------------------------------------------------------------------------

HOSTILE_NAMES = [
    "Bob\r\nATTENDEE:mailto:x@evil.example",
    'Eve";ROLE=CHAIR;X="',
    "Eve\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil",
    "Mallory:mailto:x@evil.example;RSVP=FALSE",
    'Trudy"\r\n ;PARTSTAT=ACCEPTED:mailto:x@evil.example',
    "Line\u2028Sep\u2029Para\x85Next\x0bVT\x0cFF",
    "Nul\x00Bell\x07Esc\x1b[31mDel\x7f",
    "Caret ^n ^' ^^ back\\slash \\N \\n",
    "=?utf-8?q?Bob=0D=0AATTENDEE:mailto:x@evil.example?=",
    "Right\u202eto\u2066left",
]

BUILDERS = {
    "request": lambda event: build_request(event, NOW),
    "cancel": lambda event: build_cancel(event, NOW),
    "publish": lambda event: build_publish([event], NOW),
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_attendee_name_cannot_add_lines_or_parameters(kind, name):
    ics = BUILDERS[kind](make_event(attendee_name=name))
    assert_wire_format(ics)
    event = only_event(ics)
    attendees = as_list(event.get("ATTENDEE"))
    assert len(attendees) == 1
    attendee = attendees[0]
    assert str(attendee) == "mailto:bob@example.com"
    assert attendee.params["CN"] == clean_name(name)
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    expected_params = {"CN", "ROLE"} | ({"PARTSTAT", "RSVP"} if kind != "publish" else set())
    assert set(attendee.params) == expected_params

    names = property_names(ics)
    assert names.count("ATTENDEE") == 1
    assert names.count("ORGANIZER") == 1
    assert names.count("UID") == 1
    assert set(vevent_property_names(ics)) <= VEVENT_PROPERTIES
    lines = content_lines(ics)
    assert lines.count("BEGIN:VEVENT") == 1
    assert lines.count("END:VEVENT") == 1
    # The only line mentioning the hostile address is the real ATTENDEE (inside CN).
    assert all(line.startswith("ATTENDEE;CN=") for line in lines if "evil.example" in line)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_organizer_name_stays_in_cn(name):
    ics = build_request(make_event(organizer_name=name), NOW)
    event = only_event(ics)
    assert event["ORGANIZER"].params["CN"] == clean_name(name)
    assert set(event["ORGANIZER"].params) == {"CN"}
    assert property_names(ics).count("ORGANIZER") == 1
    assert property_names(ics).count("ATTENDEE") == 1


@pytest.mark.parametrize("text", HOSTILE_NAMES)
def test_hostile_texts_stay_inside_their_property(text):
    ics = build_request(make_event(summary=text, description=text, location=text), NOW)
    event = only_event(ics)
    assert event["SUMMARY"] == clean_line(text)
    assert str(event["DESCRIPTION"]).startswith(clean_text(text))
    if clean_line(text):
        assert event["LOCATION"] == clean_line(text)
    assert vevent_property_names(ics).count("ATTENDEE") == 1
    assert len(parse(ics).walk("VEVENT")) == 1


def test_no_double_quote_reaches_a_parameter_value():
    ics = build_request(make_event(attendee_name='Eve";ROLE=CHAIR;X="'), NOW)
    assert b"^'" not in ics
    assert b"CN=\"Eve';ROLE=CHAIR;X='\"" in ics


@pytest.mark.parametrize(
    "field", ["attendee_email", "organizer_email"], ids=["attendee", "organizer"]
)
@pytest.mark.parametrize(
    "email",
    [
        "x@example.com\r\nATTENDEE:mailto:y@evil.example",
        "x@example.com\nX:y",
        "x;RSVP=FALSE@example.com",
        "x@example.com;RSVP=FALSE",
        "mailto:x@example.com",
        "x@example.com:evil",
        "Bob <x@example.com>",
        '"x"@example.com',
        "x,y@example.com",
        "x?cc=y@example.com",
        "x@example",
        "x@-example.com",
        "x@1.2.3.4",
        "x@[127.0.0.1]",
        "x y@example.com",
        "@example.com",
        "x@",
        "",
    ],
)
def test_bad_emails_are_refused(field, email):
    with pytest.raises(InvalidInviteData):
        build_request(make_event(**{field: email}), NOW)


def test_emails_are_cleaned():
    assert clean_email("  Bob.O'Neil+x@Example.COM \t") == "Bob.O'Neil+x@example.com"
    assert clean_email("x@bücher.example") == "x@xn--bcher-kva.example"
    event = only_event(build_request(make_event(attendee_email=" Bob@Example.com "), NOW))
    assert str(as_list(event["ATTENDEE"])[0]) == "mailto:Bob@example.com"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.com/x",
        "/bookings/42",
        "https://",
        "https://example.com/a b",
        "https://example.com/\r\nATTENDEE:mailto:x@evil.example",
        'https://example.com/"',
    ],
)
@pytest.mark.parametrize("field", ["manage_url", "video_url"])
def test_bad_urls_are_refused(field, url):
    with pytest.raises(InvalidInviteData):
        build_request(make_event(**{field: url}), NOW)
    with pytest.raises(InvalidInviteData):
        clean_url(url)


def test_clean_line_and_text():
    assert clean_line("  a\r\n\tb\x00c\u2028d  ") == "a bc d"
    assert clean_line(None) == ""
    assert clean_line("C:\\New") == "C:\\new"
    assert clean_line("x\u202ey") == "xy"
    assert clean_name('say "hi"') == "say 'hi'"
    assert clean_text("a\r\nb\rc\u2028d\x00\te  \n\n") == "a\nb\nc\nd\te"


# --------------------------------------------------------------------------
# PUBLISH
# --------------------------------------------------------------------------


def test_publish_many_events():
    confirmed = make_event()
    other = make_event(
        uid="booking-43@advising.example",
        sequence=3,
        start=START + timedelta(days=2),
        end=END + timedelta(days=2),
        attendee_name="Carol",
        attendee_email="carol@example.com",
    )
    cancelled = make_event(uid="booking-44@advising.example", sequence=1, status="CANCELLED")
    ics = build_publish([confirmed, other, cancelled], NOW, calendar_name="Ann's consultations")
    assert_wire_format(ics)
    cal = parse(ics)
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "Ann's consultations"
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        "booking-42@advising.example",
        "booking-43@advising.example",
        "booking-44@advising.example",
    ]
    assert [int(e["SEQUENCE"]) for e in events] == [0, 3, 1]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    for event in events:
        assert str(event["ORGANIZER"]) == "mailto:ann@advising.example"
        assert event.decoded("DTSTAMP") == NOW
        attendee = as_list(event["ATTENDEE"])
        assert len(attendee) == 1
        assert "RSVP" not in attendee[0].params
    assert [len(e.walk("VALARM")) for e in events] == [1, 1, 0]
    assert events[1].decoded("DTSTART") == START + timedelta(days=2)


def test_publish_without_attendees_and_empty():
    ics = build_publish([make_event()], NOW, include_attendees=False)
    event = only_event(ics)
    assert "ATTENDEE" not in event
    assert "ORGANIZER" in event
    empty = parse(build_publish([], NOW))
    assert empty["METHOD"] == "PUBLISH"
    assert not empty.walk("VEVENT")


def test_publish_calendar_name_is_one_line():
    ics = build_publish([make_event()], NOW, calendar_name="Ann\r\nMETHOD:REQUEST")
    assert parse(ics)["X-WR-CALNAME"] == "Ann METHOD:REQUEST"
    assert property_names(ics).count("METHOD") == 1


# --------------------------------------------------------------------------
# Property: arbitrary user text
# --------------------------------------------------------------------------

any_text = st.text(st.characters(exclude_categories=()), max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(BUILDERS)),
    attendee_name=any_text,
    organizer_name=any_text,
    summary=any_text,
    description=any_text,
    location=any_text,
)
def test_arbitrary_text_never_changes_structure(
    kind, attendee_name, organizer_name, summary, description, location
):
    event = make_event(
        attendee_name=attendee_name,
        organizer_name=organizer_name,
        summary=summary,
        description=description,
        location=location,
        video_url=None,
        manage_url=None,
    )
    ics = BUILDERS[kind](event)
    assert_wire_format(ics)
    cal = parse(ics)
    assert len(cal.walk("VEVENT")) == 1
    vevent = cal.walk("VEVENT")[0]
    attendees = as_list(vevent.get("ATTENDEE"))
    organizers = as_list(vevent.get("ORGANIZER"))
    assert len(attendees) == 1
    assert len(organizers) == 1
    assert str(attendees[0]) == "mailto:bob@example.com"
    assert str(organizers[0]) == "mailto:ann@advising.example"
    assert attendees[0].params.get("CN", "") == clean_name(attendee_name)
    assert organizers[0].params.get("CN", "") == clean_name(organizer_name)
    assert str(vevent["SUMMARY"]) == clean_line(summary)
    assert str(vevent.get("DESCRIPTION", "")) == clean_text(description)
    assert str(vevent.get("LOCATION", "")) == clean_line(location)

    names = vevent_property_names(ics)
    assert names.count("ATTENDEE") == 1
    assert names.count("ORGANIZER") == 1
    assert names.count("UID") == 1
    assert set(names) <= VEVENT_PROPERTIES


def test_all_day_items_go_through_the_same_sanitisers_as_invites():
    """Roadmap milestones are built by the invite builder: a hostile title cannot add a line
    (here, a second event or an attendee) to the file."""
    from datetime import date

    from advising.invites.ical import AllDayItem, build_all_day_publish

    hostile = "Exam\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTENDEE:mailto:x@evil.example"
    body = build_all_day_publish(
        [AllDayItem("m-1@advising.example", date(2027, 3, 1), hostile, "a\nb", "Career roadmap")],
        datetime(2026, 12, 1, tzinfo=UTC),
        "Medical coding roadmap",
    )
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and "ATTENDEE" not in events[0]
    assert b"\r\nATTENDEE" not in body and events[0].decoded("DTSTART") == date(2027, 3, 1)
    assert str(events[0]["DESCRIPTION"]) == "a\nb"


def test_add_to_calendar_links_carry_the_event_in_utc_without_injected_text():
    from urllib.parse import parse_qs, urlsplit

    from advising.invites.ical import google_calendar_url, outlook_calendar_url

    event = dataclasses.replace(
        make_event(),
        summary="Consultation\r\nwith Maria",
        manage_url="https://advising.example/b/secret",
    )
    google = urlsplit(google_calendar_url(event))
    assert google.netloc == "calendar.google.com"
    query = parse_qs(google.query)
    start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    assert query["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
    assert query["text"] == ["Consultation with Maria"]
    assert "https://advising.example/b/secret" in query["details"][0]
    outlook = parse_qs(urlsplit(outlook_calendar_url(event)).query)
    assert outlook["startdt"] == [f"{start:%Y-%m-%dT%H:%M:%SZ}"]
    assert outlook["subject"] == ["Consultation with Maria"]


def test_all_day_items_carry_a_reminder_and_a_link():
    from advising.invites.ical import AllDayItem, build_all_day_publish

    body = build_all_day_publish(
        [
            AllDayItem(
                "m-1@advising.example",
                date(2027, 3, 1),
                "Sit the exam",
                "Good luck.",
                url="https://advising.example/roadmap/abc",
                reminder=timedelta(hours=15),
            ),
            AllDayItem("m-2@advising.example", date(2027, 4, 1), "Plain"),
        ],
        datetime(2026, 12, 1, tzinfo=UTC),
        "Plan",
    )
    events = Calendar.from_ical(body).walk("VEVENT")
    assert str(events[0]["URL"]) == "https://advising.example/roadmap/abc"
    (alarm,) = events[0].walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm["TRIGGER"].dt == -timedelta(hours=15)
    assert str(alarm["DESCRIPTION"]) == "Reminder: Sit the exam"
    assert "URL" not in events[1] and events[1].walk("VALARM") == []
    with pytest.raises(InvalidInviteData):
        build_all_day_publish(
            [AllDayItem("m@x.example", date(2027, 3, 1), "x", url="javascript:alert(1)")],
            datetime(2026, 12, 1, tzinfo=UTC),
            "Plan",
        )


def test_a_weekly_item_is_one_recurring_event_in_its_zone_with_a_vtimezone():
    from zoneinfo import ZoneInfo

    from advising.invites.ical import WeeklyItem, build_all_day_publish

    chicago = ZoneInfo("America/Chicago")
    hostile = "Study\r\nATTENDEE:mailto:evil@example.com\nBEGIN:VALARM"
    body = build_all_day_publish(
        [],
        datetime(2026, 12, 1, tzinfo=UTC),
        "Plan",
        weekly=[
            WeeklyItem(
                uid="s-1@advising.example",
                first_start=datetime(2027, 1, 5, 19, 0, tzinfo=chicago),
                duration=timedelta(hours=2, minutes=30),
                weekdays=("TU", "SA"),
                until=datetime(2027, 6, 1, tzinfo=chicago),
                summary=hostile,
                description="Two sessions\r\nEND:VEVENT",
                url="https://advising.example/roadmap/abc",
            )
        ],
    )
    text = body.decode()
    assert "\nATTENDEE" not in text and "\nEND:VEVENT\r\nEND:VEVENT" not in text
    assert "DTSTART;TZID=America/Chicago:20270105T190000" in text
    cal = Calendar.from_ical(body)
    (event,) = cal.walk("VEVENT")
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["TU", "SA"]
    assert rule["UNTIL"] == [datetime(2027, 6, 1, 5, 0, tzinfo=UTC)]
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=2, minutes=30)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Chicago"
    for bad in (
        {"weekdays": ("TU", "XX")},
        {"first_start": datetime(2027, 1, 5, 19, 0, tzinfo=UTC) - timedelta(0)},
        {"until": datetime(2026, 1, 1, tzinfo=chicago)},
        {"duration": timedelta(0)},
    ):
        values = {
            "uid": "s@x.example",
            "first_start": datetime(2027, 1, 5, 19, 0, tzinfo=chicago),
            "duration": timedelta(hours=1),
            "weekdays": ("TU",),
            "until": datetime(2027, 6, 1, tzinfo=chicago),
            "summary": "Study",
            **bad,
        }
        with pytest.raises(InvalidInviteData):
            build_all_day_publish(
                [], datetime(2026, 12, 1, tzinfo=UTC), "Plan", weekly=[WeeklyItem(**values)]
            )
