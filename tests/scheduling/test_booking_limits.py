"""Abuse limits on every way to book: per client address, per visitor e-mail (web form and API
counted together), a cap on upcoming consultations per e-mail inside the booking transaction,
and a honeypot on the web form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from advising.config import load_config
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.models import Booking
from tests.conftest import client_after_commit
from tests.factories import make_advisor
from tests.scheduling.test_booking_web import _book, _slot_links

API = "/api/v1"


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, object]:
    return {
        "BOOKING_LIMIT_PER_ADDRESS": "100 per hour",
        "BOOKING_LIMIT_PER_EMAIL": "100 per day",
        "BOOKING_MAX_UPCOMING_PER_EMAIL": 0,
        **getattr(request, "param", {}),
    }


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app, buffered=True)


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Booking.id)))


def _api_book(client, advisor, slot, email: str):
    return client.post(
        f"{API}/bookings",
        json={
            "advisor": advisor.slug,
            "start": slot.start.isoformat(),
            "name": "Jo Visitor",
            "email": email,
            "timezone": "Europe/London",
            "consent": True,
        },
    )


def _free_link(client) -> str:
    return _slot_links(client, "maria")[0]


def _free_slot(advisor):
    return services.next_available_slots(advisor, days=14)[-1]


def _error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert match, f"no error next to {field}"
    return match.group(1)


def test_the_defaults_are_ten_an_hour_per_address_three_a_day_per_email_three_upcoming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in (
        "BOOKING_LIMIT_PER_ADDRESS",
        "BOOKING_LIMIT_PER_EMAIL",
        "BOOKING_MAX_UPCOMING_PER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    config = load_config(tmp_path)
    assert config["BOOKING_LIMIT_PER_ADDRESS"] == "10 per hour"
    assert config["BOOKING_LIMIT_PER_EMAIL"] == "3 per day"
    assert config["BOOKING_MAX_UPCOMING_PER_EMAIL"] == 3
    monkeypatch.setenv("BOOKING_MAX_UPCOMING_PER_EMAIL", "5")
    assert load_config(tmp_path)["BOOKING_MAX_UPCOMING_PER_EMAIL"] == 5


@pytest.mark.parametrize("app_config", [{"BOOKING_LIMIT_PER_ADDRESS": "2 per hour"}], indirect=True)
def test_web_and_api_bookings_share_a_limit_per_address(client, ctx):
    advisor = make_advisor(slug="maria")
    assert _book(client, _free_link(client), email="a@example.org")[0].status_code == 302
    assert _api_book(client, advisor, _free_slot(advisor), "b@example.org").status_code == 201

    response, _ = _book(client, _free_link(client), email="c@example.org", name="Third Person")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many bookings were made from your network" in html
    # when to try again, and someone to write to (the mail's own address)
    assert re.search(r"You can book again in about \d+ minutes?, or write to", html)
    assert f"write to {client.application.config['MAIL_FROM']} and we will book" in html
    assert 'value="Third Person"' in html and 'value="c@example.org"' in html  # input kept
    response = _api_book(client, advisor, _free_slot(advisor), "d@example.org")
    assert response.status_code == 429 and response.headers["Retry-After"].isdigit()
    assert "Too many bookings" in response.get_json()["message"]
    assert _count() == 2


@pytest.mark.parametrize("app_config", [{"BOOKING_LIMIT_PER_EMAIL": "2 per day"}], indirect=True)
def test_one_email_is_limited_per_day_however_it_is_spelled(client, ctx):
    advisor = make_advisor(slug="maria")
    assert _book(client, _free_link(client), email="ann@example.org")[0].status_code == 302
    assert _api_book(client, advisor, _free_slot(advisor), "Ann+x@Example.org").status_code == 201

    response, _ = _book(client, _free_link(client), email="ANN+2@example.org")
    assert response.status_code == 429
    error = _error_of(response.get_data(as_text=True), "email")
    assert "used for several bookings today" in error
    assert re.search(r"You can book again in about \d+ hours", error)
    response = _api_book(client, advisor, _free_slot(advisor), "ann@example.org")
    assert response.status_code == 429
    assert response.get_json()["errors"]["json"]["email"]
    assert _api_book(client, advisor, _free_slot(advisor), "bob@example.org").status_code == 201
    assert _count() == 3


@pytest.mark.parametrize("app_config", [{"BOOKING_MAX_UPCOMING_PER_EMAIL": 2}], indirect=True)
def test_upcoming_consultations_per_email_are_capped_in_the_booking_transaction(client, ctx):
    advisor = make_advisor(slug="maria")
    other = make_advisor(slug="other")
    visitor = services.VisitorDetails("Ann", "ann@example.org", None, "", "UTC")
    first, _ = services.book(advisor, _free_slot(advisor).start, visitor)
    services.book(other, services.next_available_slots(other)[0].start, visitor)

    with pytest.raises(services.TooManyUpcoming) as refused:
        services.book(advisor, _free_slot(advisor).start, visitor)
    assert refused.value.field == "email"
    response = _api_book(client, advisor, _free_slot(advisor), "ANN@example.org")
    assert response.status_code == 422
    assert "2 upcoming consultations" in response.get_json()["errors"]["json"]["email"][0]
    response, _ = _book(client, _free_link(client), email="ann+again@example.org")
    assert response.status_code == 422
    assert "upcoming consultations" in _error_of(response.get_data(as_text=True), "email")

    services.cancel(first, reason="", by=services.Actor.VISITOR)  # a cancelled one frees a place
    assert _api_book(client, advisor, _free_slot(advisor), "ann@example.org").status_code == 201
    # Staff and advisors booking for someone are not capped.
    services.book(
        advisor,
        _free_slot(advisor).start,
        visitor,
        actor=services.Actor.STAFF,
    )
    assert _count() == 4


def test_a_filled_honeypot_books_nothing_and_says_so_neutrally(client, ctx):
    make_advisor(slug="maria")
    link = _slot_links(client, "maria")[0]
    page = client.get(link).get_data(as_text=True)
    honeypot = re.search(r'<div class="visually-hidden" aria-hidden="true">.*?</div>', page, re.S)
    assert honeypot and 'name="website"' in honeypot.group(0)
    assert 'tabindex="-1"' in honeypot.group(0) and 'autocomplete="off"' in honeypot.group(0)

    response, _ = _book(client, link, website="http://spam.example")
    assert response.status_code == 400
    assert "We could not take this booking. Please try again." in response.get_data(as_text=True)
    assert _count() == 0
    assert _book(client, link, website="")[0].status_code == 302
