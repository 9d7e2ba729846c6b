"""Calendar files: the visitor's 'Add to calendar', one booking and a date range for staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from advising.accounts.models import Role
from advising.extensions import db
from advising.invites.downloads import booking_ics
from advising.scheduling import services
from advising.scheduling.models import Booking
from tests.factories import make_advisor, make_user
from tests.invites.test_outbox import book_next, visitor


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://advising.example"}


def _calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def test_visitor_adds_the_consultation_to_their_calendar(client, ctx):
    advisor = make_advisor(name="Maria Lopez", video_url="https://meet.example.org/maria")
    booking, token = book_next(advisor)
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert f'href="/b/{token}/invite.ics"' in page

    response = client.get(f"/b/{token}/invite.ics")
    assert response.headers["Content-Disposition"] == 'attachment; filename="consultation.ics"'
    assert response.headers["Cache-Control"] == "no-store"
    cal = _calendar(response)
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "PUBLISH" and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == f"booking-{booking.id}@advising.example"
    assert event.decoded("DTSTART") == booking.start_at
    assert f"https://advising.example/b/{token}" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Career consultation with Maria Lopez"

    services.cancel(booking, reason="", by="visitor")
    cal = _calendar(client.get(f"/b/{token}/invite.ics"))
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert client.get("/b/" + "x" * 43 + "/invite.ics").status_code == 404


def test_booking_ics_for_the_api_includes_the_manage_link_it_is_given(ctx):
    booking, token = book_next(make_advisor())
    cal = Calendar.from_ical(booking_ics(booking, token))
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "PUBLISH"
    assert f"https://advising.example/b/{token}" in str(event["DESCRIPTION"])
    # Without the token (which we only keep hashed) there is no link, never a wrong one.
    booking_id = booking.id
    db.session.expunge_all()  # a fresh load, as in another request: the token is not known
    assert "/b/" not in booking_ics(db.session.get(Booking, booking_id)).decode()


def test_staff_download_one_booking_and_a_date_range(client, auth, ctx):
    maria = make_advisor(name="Maria Lopez", slug="maria")
    james = make_advisor(name="James Okafor", slug="james")
    m1, _ = book_next(maria, visitor(name="Ann", email="ann@example.org", topic="CPC"))
    m2, _ = book_next(maria, visitor(name="Ben", email="ben@example.org"), index=8)
    j1, _ = book_next(james, visitor(name="Cat", email="cat@example.org"))
    services.cancel(m2, reason="", by="visitor")
    staff = make_user(Role.STAFF)
    auth.login(staff.email)

    response = client.get(f"/staff/bookings/{m1.id}/invite.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="booking-{m1.id}.ics"'
    cal = _calendar(response)
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "PUBLISH"
    assert "Ann" in str(event["SUMMARY"]) and "Maria Lopez" in str(event["SUMMARY"])
    assert "ann@example.org" in str(event["DESCRIPTION"]) and "/b/" not in str(event["DESCRIPTION"])
    cal = _calendar(client.get(f"/staff/bookings/{m2.id}/invite.ics"))
    assert str(cal["METHOD"]) == "CANCEL"
    assert client.get("/staff/bookings/99999/invite.ics").status_code == 404

    db.session.rollback()
    bookings = [db.session.get(Booking, b.id) for b in (m1, m2, j1)]
    first = min(b.start_at for b in bookings).date()
    last = max(b.start_at for b in bookings).date()
    url = f"/staff/bookings.ics?start={first}&end={last}"
    response = client.get(url)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bookings-{first}-to-{last}.ics"'
    )
    cal = _calendar(response)
    assert str(cal["METHOD"]) == "PUBLISH"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"booking-{b.id}@advising.example" for b in bookings}
    for b in bookings:
        event = events[f"booking-{b.id}@advising.example"]
        assert event.decoded("DTSTART") == b.start_at and event.decoded("DTEND") == b.end_at
        assert int(event["SEQUENCE"]) == b.sequence
        assert str(event["STATUS"]) == ("CANCELLED" if b.id == m2.id else "CONFIRMED")

    cal = _calendar(client.get(f"{url}&advisor={james.id}"))
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"booking-{j1.id}@advising.example"]
    cal = _calendar(client.get(f"{url}&advisor={maria.id}&status=confirmed"))
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"booking-{m1.id}@advising.example"]
    # A day with nothing: a valid, empty calendar.
    empty = datetime(2020, 1, 1, tzinfo=UTC).date()
    cal = _calendar(client.get(f"/staff/bookings.ics?start={empty}&end={empty}"))
    assert cal.walk("VEVENT") == []


def test_range_download_needs_a_sensible_range(client, auth, ctx):
    auth.login(make_user(Role.STAFF).email)
    response = client.get("/staff/bookings.ics?start=2030-01-10&end=2030-01-01")
    assert response.status_code == 400
    assert 'id="end-error"' in response.get_data(as_text=True)
    response = client.get("/staff/bookings.ics")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="start-error"' in html and 'id="end-error"' in html
    far = (datetime(2030, 1, 1) + timedelta(days=400)).date()
    assert client.get(f"/staff/bookings.ics?start=2030-01-01&end={far}").status_code == 400


def test_a_range_download_missing_a_date_keeps_the_list_and_names_local_days(client, auth, ctx):
    """The refusal sits beside "To" on the page staff were working from: the list stays,
    and the dates are the list's days in the staff member's zone, not "UTC dates"."""
    maria = make_advisor(name="Maria Lopez", timezone="America/Chicago")
    book_next(maria, visitor(name="Listed Visitor"))
    auth.login(make_user(Role.STAFF).email)
    response = client.get("/staff/bookings.ics?start=&end=")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="end-error"' in html
    assert "Listed Visitor" in html
    assert "UTC date" not in html


def test_the_manage_page_adds_the_consultation_to_google_or_outlook(client, ctx):
    """The links open the calendar service with the consultation filled in, the manage link
    in its details; an unknown token is 404."""
    from urllib.parse import parse_qs, urlsplit

    from advising.scheduling import services
    from tests.factories import make_advisor

    advisor = make_advisor(slug="maria")
    slot = services.next_available_slots(advisor, days=14)[0]
    visitor = services.VisitorDetails("Ann", "ann@example.org", None, "", "UTC")
    _booking, token = services.book(advisor, slot.start, visitor)
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert f"/b/{token}/calendar/google" in page and f"/b/{token}/calendar/outlook" in page
    google = client.get(f"/b/{token}/calendar/google")
    assert google.status_code == 302
    target = urlsplit(google.headers["Location"])
    assert target.netloc == "calendar.google.com"
    assert f"/b/{token}" in parse_qs(target.query)["details"][0]
    outlook = client.get(f"/b/{token}/calendar/outlook").headers["Location"]
    assert outlook.startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert client.get("/b/" + "x" * 43 + "/calendar/google").status_code == 404


def test_the_visitors_mail_has_both_parts_the_zone_and_add_to_calendar_links(ctx):
    import email

    from sqlalchemy import select

    from advising.outbox.models import OutboxMessage
    from advising.scheduling import services
    from tests.factories import make_advisor

    advisor = make_advisor(slug="maria")
    slot = services.next_available_slots(advisor, days=14)[0]
    visitor = services.VisitorDetails("Ann", "ann@example.org", None, "", "Asia/Kolkata")
    services.book(advisor, slot.start, visitor)
    row = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "ann@example.org")
    )
    message = email.message_from_bytes(row.message)
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }
    for kind in ("text/plain", "text/html"):
        assert "calendar.google.com" in parts[kind] and "outlook.live.com" in parts[kind]
        assert "UTC+05:30" in parts[kind] and "(Asia/Kolkata)" in parts[kind]
