"""Booking changes queue invitations in the same transaction; every stored message parses back."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from urllib.parse import quote

import pytest
from icalendar import Calendar
from sqlalchemy import select

from advising import create_app
from advising.extensions import db, events
from advising.invites import outbox
from advising.invites.booking_mail import on_booking_change
from advising.invites.models import FAILED, PENDING, SENT, OutboxMessage
from advising.scheduling import services
from advising.scheduling.events import BookingChanged
from advising.scheduling.models import Booking
from tests.conftest import csrf_token_from, post_form
from tests.factories import make_advisor

VIDEO = "https://meet.example.org/maria"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://advising.example"}


# --- helpers shared by the invites tests -------------------------------------------------------


def visitor(name: str = "Bob Visitor", email: str = "bob@example.org", **kw) -> object:
    return services.VisitorDetails(
        name, email, kw.get("phone"), kw.get("topic", "Which credential?"), kw.get("tz", "UTC")
    )


def book_next(advisor, who=None, index: int = 0) -> tuple[Booking, str]:
    start = services.next_available_slots(advisor)[index].start
    return services.book(advisor, start, who or visitor())


def rows(booking_id: int | None = None) -> list[OutboxMessage]:
    db.session.rollback()  # a fresh snapshot: rows may come from requests or threads
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if booking_id is not None:
        query = query.where(OutboxMessage.booking_id == booking_id)
    return list(db.session.scalars(query))


def parsed(row: OutboxMessage) -> EmailMessage:
    return message_from_bytes(row.message, policy=default)  # type: ignore[return-value]


def calendar_of(message: EmailMessage) -> Calendar:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def only_event(cal: Calendar):
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def to_address(row: OutboxMessage) -> str:
    return parsed(row)["To"].addresses[0].addr_spec


# --- tests -------------------------------------------------------------------------------------


def test_booking_queues_a_request_for_visitor_and_advisor(ctx):
    advisor = make_advisor(name="Maria Lopez", email="maria@example.org", video_url=VIDEO)
    booking, token = book_next(advisor)
    queued = rows(booking.id)
    assert [r.status for r in queued] == [PENDING, PENDING]
    assert sorted(r.recipient for r in queued) == ["bob@example.org", "maria@example.org"]
    for row in queued:
        message = parsed(row)
        assert message.get_content_type() == "multipart/mixed"
        alternative, attachment = message.get_payload()
        assert alternative.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in alternative.get_payload()] == [
            "text/plain",
            "text/html",
            "text/calendar",
        ]
        calendar_part = alternative.get_payload()[2]
        assert calendar_part.get_param("method") == "REQUEST"
        assert calendar_part.get_param("charset") == "utf-8"
        assert attachment.get_content_type() == "application/ics"
        assert attachment.get_filename() == "invite.ics"
        assert attachment.get_payload(decode=True) == calendar_part.get_payload(decode=True)
        assert to_address(row) == row.recipient

        cal = calendar_of(message)
        event = only_event(cal)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == f"booking-{booking.id}@advising.example"
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == booking.start_at
        assert event.decoded("DTEND") == booking.end_at
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert "Z" in event["DTSTART"].to_ical().decode()
        assert len(event.walk("VALARM")) == 1
        assert VIDEO in str(event["DESCRIPTION"])
        assert str(event["ORGANIZER"]) == "mailto:maria@example.org"
        assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:bob@example.org"]

    advisor_copy = next(r for r in queued if r.recipient == "maria@example.org")
    assert "/b/" not in advisor_copy.message.decode("ascii", "replace")
    assert token not in str(only_event(calendar_of(parsed(advisor_copy)))["DESCRIPTION"])
    visitor_copy = next(r for r in queued if r.recipient == "bob@example.org")
    description = str(only_event(calendar_of(parsed(visitor_copy)))["DESCRIPTION"])
    assert f"https://advising.example/b/{token}" in description


def test_web_reschedule_and_cancel_send_higher_sequence_with_same_uid(client, ctx):
    advisor = make_advisor(name="Maria Lopez", email="maria@example.org")
    booking, token = book_next(advisor)
    created = rows(booking.id)
    old_start = booking.start_at

    page = client.get(f"/b/{token}/reschedule").get_data(as_text=True)
    new_start = re.findall(r'name="choose" value="([^"]+)"', page)[-1]
    response = client.post(
        f"/b/{token}/reschedule",
        data={"csrf_token": csrf_token_from(page), "start": ["", new_start]},
    )
    assert response.status_code == 302
    moved = rows(booking.id)[len(created) :]
    booking = db.session.get(Booking, booking.id)
    assert booking.sequence == 1 and len(moved) == 2
    for row in moved:
        cal = calendar_of(parsed(row))
        event = only_event(cal)
        assert str(cal["METHOD"]) == "REQUEST" and row.kind == "rescheduled"
        assert int(event["SEQUENCE"]) == 1
        assert str(event["UID"]) == f"booking-{booking.id}@advising.example"
        assert event.decoded("DTSTART") == booking.start_at
        assert event.decoded("DTEND") == booking.end_at
        assert parsed(row)["Subject"].strip().startswith("Moved:")
    visitor_copy = next(r for r in moved if r.recipient == "bob@example.org")
    # The visitor moved it from the manage link, so this copy carries that link.
    manage = f"https://advising.example/b/{token}"
    assert manage in str(only_event(calendar_of(parsed(visitor_copy)))["DESCRIPTION"])
    assert manage in parsed(visitor_copy).get_body(("plain",)).get_content()
    # a move names the time it moved from, in the reader's zone, in both parts
    from advising.shared.timefmt import format_datetime

    was = format_datetime(old_start, booking.visitor_timezone)
    assert f"Moved from: {was}" in parsed(visitor_copy).get_body(("plain",)).get_content()
    assert was in parsed(visitor_copy).get_body(("html",)).get_content()
    advisor_copy = next(r for r in moved if r.recipient == "maria@example.org")
    assert token not in advisor_copy.message.decode("ascii", "replace")

    response = post_form(client, f"/b/{token}/cancel", {"reason": "Found a job"})
    assert response.status_code == 302
    cancelled = rows(booking.id)[len(created) + len(moved) :]
    booking = db.session.get(Booking, booking.id)
    assert booking.sequence == 2 and len(cancelled) == 2
    for row in cancelled:
        message = parsed(row)
        cal = calendar_of(message)
        event = only_event(cal)
        assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 2
        assert str(event["UID"]) == f"booking-{booking.id}@advising.example"
        assert event.decoded("DTSTART") == booking.start_at
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        assert part.get_param("method") == "CANCEL"
        assert not event.walk("VALARM")
        assert "Found a job" in message.get_body(("plain",)).get_content()
    # the visitor's cancellation has a way back: a link to book another time
    visitor_cancel = parsed(next(r for r in cancelled if r.recipient == "bob@example.org"))
    book_again = f"Book another time: https://advising.example/advisors/{advisor.slug}"
    assert book_again in visitor_cancel.get_body(("plain",)).get_content()
    advisor_cancel = parsed(next(r for r in cancelled if r.recipient == "maria@example.org"))
    assert "Book another time" not in advisor_cancel.get_body(("plain",)).get_content()


HOSTILE = "Bob\r\nATTENDEE:mailto:x@evil.example"


def _assert_single_attendee_and_clean_headers(row: OutboxMessage, hostile_part: str) -> None:
    message = parsed(row)
    headers = [key.lower() for key in message]
    assert headers.count("to") == 1 and "attendee" not in headers and "bcc" not in headers
    assert len(message["To"].addresses) == 1
    raw_headers = row.message.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^ATTENDEE", raw_headers, re.MULTILINE | re.IGNORECASE)
    event = only_event(calendar_of(message))
    attendees = event.get("ATTENDEE")
    assert not isinstance(attendees, list), attendees
    assert str(attendees) == "mailto:bob@example.org"
    ics = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    lines = ics.get_payload(decode=True).decode().replace("\r\n ", "").split("\r\n")
    assert [line for line in lines if line.upper().startswith("ATTENDEE")] == [
        line for line in lines if line.startswith("ATTENDEE;") and "bob@example.org" in line
    ]
    assert len([line for line in lines if line.startswith("ATTENDEE")]) == 1
    assert hostile_part not in ics.get_payload(decode=True).decode()


def test_hostile_visitor_name_never_adds_an_attendee_or_a_header(client, ctx):
    advisor = make_advisor(slug="maria")
    slots = services.next_available_slots(advisor)

    def book_on_the_web(slot_index: int, name: str):
        start = slots[slot_index].start.isoformat()
        page = client.get(f"/advisors/maria/book?start={quote(start)}").get_data(as_text=True)
        form = {
            "csrf_token": csrf_token_from(page),
            "start": start,
            "tz": "UTC",
            "name": name,
            "email": "bob@example.org",
            "consent": "y",
        }
        return client.post("/advisors/maria/book", data=form)

    # Through the web form: CR LF is refused by the form or, if ever accepted, harmless.
    response = book_on_the_web(0, HOSTILE)
    if response.status_code == 302:
        booked = rows()
        assert len(booked) == 2
        for row in booked:
            _assert_single_attendee_and_clean_headers(row, HOSTILE)
    else:
        assert 'id="name-error"' in response.get_data(as_text=True)
        assert rows() == []
    # A Unicode line separator gets through the form, and must not break out of its line.
    sneaky = "Bob\u2028ATTENDEE:mailto:x@evil.example"
    before = len(rows())
    assert book_on_the_web(8, sneaky).status_code == 302
    booked = rows()[before:]
    assert len(booked) == 2
    for row in booked:
        _assert_single_attendee_and_clean_headers(row, sneaky)

    # And straight through the service, CR LF and all.
    booking, _ = book_next(advisor, visitor(name=HOSTILE), index=16)
    for row in rows(booking.id):
        _assert_single_attendee_and_clean_headers(row, HOSTILE)
        assert "\n" not in str(parsed(row)["To"]) and "\n" not in str(parsed(row)["Subject"])


def test_mail_rolls_back_with_a_booking_that_fails(ctx):
    advisor = make_advisor()

    def refuse(event):
        raise RuntimeError("the booking transaction fails after the invites were queued")

    events(ctx).subscribe(BookingChanged, refuse)
    try:
        with pytest.raises(RuntimeError):
            book_next(advisor)
    finally:
        events(ctx).unsubscribe(BookingChanged, refuse)
    db.session.rollback()
    assert rows() == [] and db.session.scalar(select(db.func.count(Booking.id))) == 0


def test_listener_is_registered_once_however_often_the_app_is_built(app):
    apps = [create_app(dict(app.config)) for _ in range(3)]
    for each in (app, *apps):
        assert events(each).handlers(BookingChanged).count(on_booking_change) == 1


def test_a_message_that_cannot_be_built_is_kept_as_failed_and_the_booking_stands(ctx):
    advisor = make_advisor(email="maria@example.org")
    # Valid for the booking form's validator, refused by the invite's stricter address rules.
    booking, _ = book_next(advisor, visitor(email="bob&co@example.org"))
    queued = {r.recipient: r for r in rows(booking.id)}
    assert queued["bob&co@example.org"].status == FAILED
    assert queued["bob&co@example.org"].message == b""
    assert "could not build" in queued["bob&co@example.org"].last_error
    advisor_copy = queued["maria@example.org"]
    assert advisor_copy.status == PENDING
    # The advisor still hears of it, in plain text, told the visitor could not be mailed.
    assert parsed(advisor_copy).get_content_type() == "multipart/alternative"
    assert "could not be e-mailed" in parsed(advisor_copy).get_body(("plain",)).get_content()
    assert db.session.get(Booking, booking.id).status == "confirmed"


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": "https://advising.example"}])
def test_requests_only_queue_mail_and_delivery_sends_it(client, ctx, app, tmp_path):
    advisor = make_advisor(slug="maria", email="maria@example.org")
    booking, token = book_next(advisor)
    assert {r.status for r in rows()} == {PENDING}
    # The visitor cancels: the request queues the messages and sends nothing itself...
    page = client.get(f"/b/{token}/cancel").get_data(as_text=True)
    response = client.post(
        f"/b/{token}/cancel", data={"csrf_token": csrf_token_from(page), "reason": ""}
    )
    assert response.status_code == 302
    response.close()
    assert {r.status for r in rows(booking.id)} == {PENDING}
    assert not (tmp_path / "instance" / "outbox").exists()
    # ... and a delivery run (the worker's) sends the ones it is asked for.
    cancelled = [r.id for r in rows(booking.id) if r.kind == "cancelled"]
    assert outbox.deliver(ids=cancelled).sent == 2
    statuses = [(r.kind, r.status) for r in rows(booking.id)]
    assert statuses == [
        ("created", PENDING),
        ("created", PENDING),
        ("cancelled", SENT),
        ("cancelled", SENT),
    ]
    outbox_dir = tmp_path / "instance" / "outbox"
    files = sorted(p.name for p in outbox_dir.glob("*.eml"))
    sent_ids = [r.id for r in rows(booking.id) if r.status == SENT]
    assert files == sorted(f"message-{i}.eml" for i in sent_ids)
    for row in rows(booking.id)[2:]:
        assert (outbox_dir / f"message-{row.id}.eml").read_bytes() == row.message
