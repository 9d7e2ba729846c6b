"""What people type is checked once, the same way everywhere: e-mail addresses by the one
validator the invite builder uses, and NUL or control characters refused with a field error
(a 4xx, never a 500 from PostgreSQL) in the booking form, the API and the intake form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from advising.advisors import services as advisor_services
from advising.extensions import db
from advising.intake.models import Intake
from advising.invites import ical
from advising.scheduling.models import Booking
from advising.shared.emails import is_deliverable_address, limit_key, normalize_email
from tests.conftest import client_after_commit, csrf_token_from, post_form
from tests.factories import make_advisor
from tests.intake.helpers import submit_intake
from tests.scheduling.test_booking_web import _book, _slot_links

API = "/api/v1"
ADDRESSES = [
    ("ann@example.org", True),
    ("Ann.Lee+x@Example.ORG", True),
    ("ann@bücher.example", True),
    ("a&b@example.org", False),
    ("a#b@example.org", False),
    ('"quoted"@example.org', False),
    ("Ann <ann@example.org>", False),
    ("ann@localhost", False),
    ("ann@[127.0.0.1]", False),
    ("ann@example.123", False),
    ("a..b@example.org", False),
    ("ann@exa mple.org", False),
    ("ann\x00@example.org", False),
    ("ann@example.org\nBcc: x@example.org", False),
    ("", False),
]


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app, buffered=True)


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(("address", "deliverable"), ADDRESSES)
def test_one_email_check_for_forms_api_and_invites(address: str, deliverable: bool):
    assert is_deliverable_address(address) is deliverable
    if deliverable:
        assert ical.clean_email(address) == normalize_email(address)
    else:
        with pytest.raises(ical.InvalidInviteData):
            ical.clean_email(address)


def test_normalized_addresses_and_limit_keys():
    assert normalize_email("  Ann@Example.ORG ") == "Ann@example.org"
    assert normalize_email("ann@bücher.example") == "ann@xn--bcher-kva.example"
    assert limit_key("Ann+tag@Example.org") == "ann@example.org"


def test_the_booking_form_and_the_api_refuse_what_the_invite_builder_refuses(client, ctx):
    advisor = make_advisor(slug="maria")
    response, _ = _book(client, _slot_links(client, "maria")[0], email="a&b@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="email-error"' in html
    assert "Enter a plain address like name@example.org" in html
    assert 'value="a&amp;b@example.org"' in html  # kept for correcting
    response = client.post(
        f"{API}/bookings",
        json={
            "advisor": advisor.slug,
            "start": "2030-01-07T15:00:00Z",
            "name": "Jo",
            "email": "a&b@example.org",
            "timezone": "UTC",
            "consent": True,
        },
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["email"]
    assert _count(Booking) == 0
    # What the form accepts is stored as the invite will carry it.
    assert (
        _book(client, _slot_links(client, "maria")[0], email="Bob@Example.ORG")[0].status_code
        == 302
    )
    db.session.rollback()
    assert db.session.scalar(select(Booking.visitor_email)) == "Bob@example.org"


@pytest.mark.parametrize("field", ["name", "email", "phone", "topic", "start", "tz", "intake"])
def test_a_nul_byte_in_the_booking_form_is_a_4xx_field_error(client, ctx, field):
    make_advisor(slug="maria")
    response, _ = _book(client, _slot_links(client, "maria")[0], **{field: "Jo\x00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    if field in ("name", "email", "phone", "topic"):
        assert f'id="{field}-error"' in html
    assert _count(Booking) == 0


def test_control_characters_in_the_topic_are_refused(client, ctx):
    make_advisor(slug="maria")
    response, _ = _book(client, _slot_links(client, "maria")[0], topic="bell\x07")
    assert 'id="topic-error"' in response.get_data(as_text=True)
    assert _count(Booking) == 0
    response, _ = _book(client, _slot_links(client, "maria")[0], topic="two\r\nlines")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "field", ["advisor", "start", "name", "email", "phone", "topic", "timezone"]
)
def test_a_nul_byte_in_an_api_booking_is_a_422_naming_the_field(client, ctx, field):
    advisor = make_advisor(slug="maria")
    body = {
        "advisor": advisor.slug,
        "start": "2030-01-07T15:00:00Z",
        "name": "Jo",
        "email": "jo@example.org",
        "phone": "555 0100",
        "topic": "A topic",
        "timezone": "UTC",
        "consent": True,
    }
    body[field] = body[field] + "\x00"
    response = client.post(f"{API}/bookings", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert _count(Booking) == 0


def test_a_nul_byte_in_an_api_cancel_reason_is_a_422(client, ctx):
    advisor = make_advisor(slug="maria")
    from advising.scheduling import services

    slot = services.next_available_slots(advisor)[0]
    visitor = services.VisitorDetails("Jo", "jo@example.org", None, "", "UTC")
    _booking, token = services.book(advisor, slot.start, visitor)
    response = client.delete(f"{API}/bookings/{token}", json={"reason": "bye\x00"})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]["json"]
    response = client.delete(f"{API}/bookings/{token}?reason=bye%00")
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]["query"]
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "confirmed"


@pytest.mark.parametrize("field", ["name", "email", "current_work", "goals", "timezone", "budget"])
def test_a_nul_byte_in_the_intake_form_is_a_4xx_field_error(client, ctx, field):
    response = submit_intake(client, **{field: "x\x00"})
    assert response.status_code == 400
    assert re.search(
        rf'id="{field}(-0)?-error"|id="{field}-error"', response.get_data(as_text=True)
    )
    assert _count(Intake) == 0


def test_advisor_display_names_refuse_control_characters(client, auth, ctx):
    advisor = make_advisor(name="Xavier", slug="xavier")
    auth.login(advisor.user.email)
    form = {"display_name": "Xavier\r\nBcc: x@example.org", "slug": "xavier", "timezone": "UTC"}
    response = post_form(client, "/me/profile", form)
    assert 'id="display_name-error"' in response.get_data(as_text=True)
    with pytest.raises(advisor_services.ProfileError) as refused:
        advisor_services.update_profile(advisor, display_name="X\x00")
    assert refused.value.field == "display_name"
    with pytest.raises(advisor_services.ProfileError):
        advisor_services.create_profile(advisor.user, "New\nName", "UTC")
    db.session.rollback()
    assert db.session.get(type(advisor), advisor.id).display_name == "Xavier"


FAR_INSTANTS = ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "2100-01-01T00:00:00Z")


@pytest.mark.parametrize("start", FAR_INSTANTS)
def test_a_time_outside_the_years_2000_to_2099_is_refused_not_a_500(client, ctx, start):
    """A hand-edited slot link or form with a time no date arithmetic survives: the booking
    form goes back to the times, a booking or a move is refused beside its field, and nothing
    is written."""
    make_advisor(slug="maria")
    response = client.get(f"/advisors/maria/book?start={start.replace('+', '%2B')}")
    assert response.status_code == 302 and response.headers["Location"].startswith(
        "/advisors/maria"
    )
    link = _slot_links(client, "maria")[0]
    response, _ = _book(client, link, start=start)
    assert response.status_code == 200
    assert 'id="start-error"' in response.get_data(as_text=True)
    assert _count(Booking) == 0

    response, _ = _book(client, link)
    manage_url = response.headers["Location"]
    page = client.get(manage_url + "/reschedule").get_data(as_text=True)
    for field in ("choose", "start"):
        response = client.post(
            manage_url + "/reschedule",
            data={"csrf_token": csrf_token_from(page), "start": "", field: start},
        )
        assert response.status_code == 200
        assert "Move to this time?" not in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(Booking)).sequence == 0
