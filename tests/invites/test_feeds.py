"""Advisors' private subscription feeds: contents, privacy, rotation."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from advising.accounts.models import Role
from advising.extensions import db
from advising.invites.models import AdvisorFeed
from advising.scheduling import services
from advising.shared.tokens import hash_token
from tests.conftest import post_form
from tests.factories import make_advisor, make_user
from tests.invites.test_outbox import book_next, visitor

FEED_LINK = re.compile(r"https://advising\.example/feeds/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://advising.example"}


def _new_feed(client) -> str:
    response = post_form(client, "/me/calendar-feed", {})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = FEED_LINK.search(html).group(1)
    assert f"webcal://advising.example/feeds/{token}.ics" in html
    return token


def test_advisor_subscribes_to_their_consultations(client, auth, ctx):
    maria = make_advisor(name="Maria Lopez", video_url="https://meet.example.org/maria")
    other = make_advisor(name="James Okafor")
    ann, ann_token = book_next(
        maria, visitor(name="Ann Smith", email="ann@example.org", topic="CPC or CCS?", phone="+1 5")
    )
    ben, _ = book_next(maria, visitor(name="Ben", email="ben@example.org"), index=8)
    services.cancel(ben, reason="", by="visitor")
    book_next(other, visitor(name="Cat", email="cat@example.org"))

    auth.login(maria.user.email)
    page = client.get("/me/calendar-feed").get_data(as_text=True)
    assert "Create my feed address" in page and "/feeds/" not in page
    token = _new_feed(client)
    assert len(token) >= 43  # 256 random bits
    db.session.rollback()
    stored = db.session.scalar(select(AdvisorFeed.token_hash))
    assert stored == hash_token(token) and token not in stored
    # The address is shown once; afterwards the page only offers a new one.
    page = client.get("/me/calendar-feed").get_data(as_text=True)
    assert token not in page and "revoke the old one" in page

    auth.logout()  # subscriptions carry no session
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    cal = Calendar.from_ical(body)
    assert str(cal["METHOD"]) == "PUBLISH"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        f"booking-{ann.id}@advising.example",
        f"booking-{ben.id}@advising.example",
    }
    event = events[f"booking-{ann.id}@advising.example"]
    assert str(event["SUMMARY"]) == "Consultation with Ann Smith"
    assert "CPC or CCS?" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == ann.start_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "https://meet.example.org/maria" in str(event["DESCRIPTION"])
    assert str(events[f"booking-{ben.id}@advising.example"]["STATUS"]) == "CANCELLED"
    # Only what the advisor needs: no visitor addresses or phone, no manage link.
    text = body.decode()
    for private in ("ann@example.org", "+1 5", "ATTENDEE", ann_token, "/b/", "Cat"):
        assert private not in text


def test_rotating_the_feed_revokes_the_old_address(client, auth, ctx):
    maria = make_advisor()
    book_next(maria)
    auth.login(maria.user.email)
    old = _new_feed(client)
    assert client.get(f"/feeds/{old}.ics").status_code == 200
    new = _new_feed(client)
    assert new != old
    assert client.get(f"/feeds/{old}.ics").status_code == 404
    assert client.get(f"/feeds/{new}.ics").status_code == 200
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(AdvisorFeed)) == 1
    assert client.get("/feeds/" + "A" * 43 + ".ics").status_code == 404


def test_only_advisors_have_a_feed_page(client, auth, ctx):
    assert client.get("/me/calendar-feed").status_code == 302  # sign in first
    auth.login(make_user(Role.STAFF).email)
    assert client.get("/me/calendar-feed").status_code == 403
    response = client.post("/me/calendar-feed", data={})
    assert response.status_code in (400, 403)
