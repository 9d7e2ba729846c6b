"""A booking request sent twice books once: the API's Idempotency-Key and the booking form's
one-time key. A retry after an ambiguous failure (the answer was lost after the commit) gets
the first outcome back, with the same manage link, and nothing is booked or mailed twice."""

from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import func, select

from advising.extensions import db
from advising.outbox.models import OutboxMessage
from advising.scheduling import services
from advising.scheduling.models import Booking
from tests.conftest import csrf_token_from
from tests.factories import make_advisor

BODY = {
    "name": "Ann Lee",
    "email": "ann@example.org",
    "phone": None,
    "topic": "CPC",
    "timezone": "America/Chicago",
    "consent": True,
}


def _counts() -> tuple[int, int]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count(Booking.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )


def _api_body(advisor, start) -> dict:
    return {**BODY, "advisor": advisor.slug, "start": start.isoformat()}


def test_an_api_retry_with_the_same_key_returns_the_first_booking(client, ctx):
    advisor = make_advisor(slug="maria")
    start = services.next_available_slots(advisor, days=14)[0].start
    headers = {"Idempotency-Key": "7f9c2d0e-retry-once"}
    first = client.post("/api/v1/bookings", json=_api_body(advisor, start), headers=headers)
    again = client.post("/api/v1/bookings", json=_api_body(advisor, start), headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert again.get_json() == first.get_json()  # same booking, same manage_token
    assert _counts() == (1, 2)  # one booking, its two messages (visitor and advisor)
    token = first.get_json()["manage_token"]
    assert client.get(f"/api/v1/bookings/{token}").status_code == 200


def test_the_same_key_for_another_request_is_refused(client, ctx):
    advisor = make_advisor(slug="maria")
    slots = services.next_available_slots(advisor, days=14)
    headers = {"Idempotency-Key": "one-key-two-requests"}
    assert (
        client.post(
            "/api/v1/bookings", json=_api_body(advisor, slots[0].start), headers=headers
        ).status_code
        == 201
    )
    other = client.post(
        "/api/v1/bookings", json=_api_body(advisor, slots[-1].start), headers=headers
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["errors"]["headers"]
    assert _counts()[0] == 1


def test_a_malformed_key_is_a_field_error(client, ctx):
    advisor = make_advisor(slug="maria")
    start = services.next_available_slots(advisor, days=14)[0].start
    response = client.post(
        "/api/v1/bookings", json=_api_body(advisor, start), headers={"Idempotency-Key": "short"}
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["errors"]["headers"]
    assert _counts() == (0, 0)


def test_the_booking_form_sent_twice_books_once_and_shows_the_same_booking(client, ctx):
    make_advisor(slug="maria", timezone="America/New_York")
    page = client.get("/advisors/maria", follow_redirects=True).get_data(as_text=True)
    link = html_lib.unescape(re.search(r'href="(/advisors/maria/book\?start=[^"]+)"', page)[1])
    form = client.get(link).get_data(as_text=True)
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', form)[1]
    shown_again = client.get(link).get_data(as_text=True)
    assert re.search(r'name="form_key" type="hidden" value="([^"]+)"', shown_again)[1] != key
    data = {
        "csrf_token": csrf_token_from(form),
        "start": re.search(r'name="start" type="hidden" value="([^"]+)"', form)[1],
        "tz": "America/New_York",
        "form_key": key,
        "name": "Bob Visitor",
        "email": "bob@example.org",
        "consent": "y",
    }
    first = client.post("/advisors/maria/book", data=data)
    again = client.post("/advisors/maria/book", data=data)  # the answer was lost: sent again
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert _counts() == (1, 2)
