"""The roadmap's token travels through every link and form of the booking flow, and the
roadmap then shows the booked consultation with its manage link."""

from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import select

from advising.extensions import db
from advising.scheduling.models import Booking
from tests.conftest import csrf_token_from
from tests.factories import make_advisor
from tests.intake.helpers import make_intake


def _links(page: str, pattern: str) -> list[str]:
    return [html_lib.unescape(link) for link in re.findall(pattern, page)]


def test_the_intake_survives_each_link_and_the_roadmap_shows_the_booking(client, ctx):
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    make_advisor(name="James Okafor", slug="james", timezone="America/Chicago")
    _intake, token = make_intake()
    carries = f"intake={token}"

    advisor_page = html_lib.unescape(
        client.get(f"/book/any?intake={token}&tz=America/Chicago", follow_redirects=True).get_data(
            as_text=True
        )
    )
    slug = re.search(r'rel="canonical" href="[^"]*/advisors/([^"/?]+)"', advisor_page).group(1)
    # another advisor: the list and its links keep the token and the zone
    all_advisors = _links(advisor_page, r'href="(/advisors\?[^"]*)"')
    assert all_advisors and carries in all_advisors[0] and "tz=America/Chicago" in all_advisors[0]
    listing = html_lib.unescape(client.get(all_advisors[0]).get_data(as_text=True))
    others = _links(listing, r'href="(/advisors/(?:maria|james)\?[^"]*)"')
    assert others and all(carries in link for link in others)
    # the zone picker keeps it
    assert f'name="intake" value="{token}"' in advisor_page
    # another time: the booking page's links back keep it
    slot = _links(advisor_page, rf'href="(/advisors/{slug}/book\?start=[^"]+)"')[0]
    assert carries in slot
    form = html_lib.unescape(client.get(slot).get_data(as_text=True))
    back = _links(form, rf'href="(/advisors/{slug}\?[^"]*)"')
    assert back and all(carries in link for link in back)
    # a lost race keeps it in the form with the nearest times
    data = {
        "csrf_token": csrf_token_from(form),
        "start": re.search(r'name="start" type="hidden" value="([^"]+)"', form)[1],
        "tz": "America/Chicago",
        "intake": token,
        "name": "Dana Reyes",
        "email": "dana@example.com",
        "consent": "y",
    }
    assert client.post(f"/advisors/{slug}/book", data=data).status_code == 302
    lost = client.post(f"/advisors/{slug}/book", data=data).get_data(as_text=True)
    assert "That time was just taken" in lost and f'value="{token}"' in lost
    # the roadmap shows the consultation and links to its manage page
    db.session.rollback()
    booking = db.session.scalar(select(Booking))
    assert booking.intake_id == _intake.id
    roadmap = html_lib.unescape(client.get(f"/roadmap/{token}").get_data(as_text=True))
    assert "You have a consultation with" in roadmap
    manage = _links(roadmap, r'href="(/b/[A-Za-z0-9_-]{43})"')
    assert manage and client.get(manage[0]).status_code == 200
    assert "Dana Reyes" in client.get(manage[0]).get_data(as_text=True)


def _book_first_time(client, slug: str, **extra: str):
    page = html_lib.unescape(client.get(f"/advisors/{slug}").get_data(as_text=True))
    slot = _links(page, rf'href="(/advisors/{slug}/book\?start=[^"]+)"')[0]
    form = html_lib.unescape(client.get(slot).get_data(as_text=True))
    data = {
        "csrf_token": csrf_token_from(form),
        "start": re.search(r'name="start" type="hidden" value="([^"]+)"', form)[1],
        "intake": re.search(r'name="intake" type="hidden" value="([^"]*)"', form)[1],
        "tz": "America/Chicago",
        "name": "Dana Reyes",
        "email": "dana@example.com",
        "consent": "y",
        **extra,
    }
    response = client.post(f"/advisors/{slug}/book", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return form


def test_a_roadmap_opened_in_this_browser_goes_with_a_booking_made_from_the_menu(client, ctx):
    """The visitor reads their roadmap, then takes the menu and the advisors list: the booking
    form is filled from the roadmap, says so, and the advisor gets the intake."""
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    intake, token = make_intake()
    assert client.get(f"/roadmap/{token}").status_code == 200

    # the token stays out of the addresses (a shared link must not carry it on)
    listing = html_lib.unescape(client.get("/advisors").get_data(as_text=True))
    assert token not in listing
    form = _book_first_time(client, "maria")
    assert "Booking from the career roadmap opened in this browser" in form
    assert "Don't share that roadmap: Maria Lopez sees only the details above" in html_lib.unescape(
        form
    )
    # a remembered roadmap brings no name or email: on a shared computer the next person
    # must not meet the last one's details (the roadmap's own link does fill them)
    assert 'value="Dana Reyes"' not in form and 'value="dana@example.com"' not in form
    db.session.rollback()
    assert db.session.scalar(select(Booking)).intake_id == intake.id


def test_a_visitor_can_keep_their_roadmap_from_the_advisor(client, ctx):
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    _intake, token = make_intake()
    client.get(f"/roadmap/{token}")
    _book_first_time(client, "maria", private_roadmap="y")
    db.session.rollback()
    assert db.session.scalar(select(Booking)).intake_id is None


def test_without_a_roadmap_in_this_browser_the_form_is_empty_and_says_nothing_of_one(client, ctx):
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    _intake, token = make_intake()
    client.get(f"/roadmap/{token}")
    client.post(f"/roadmap/{token}/delete", data={"csrf_token": csrf_token_from(
        client.get(f"/roadmap/{token}").get_data(as_text=True))})
    assert client.get(f"/roadmap/{token}").status_code == 404
    with client.session_transaction() as session:
        assert "roadmap" not in session
    form = _book_first_time(client, "maria")
    assert "Booking from the career roadmap" not in form and "share that roadmap" not in form
    db.session.rollback()
    assert db.session.scalar(select(Booking)).intake_id is None


def test_the_intake_form_offers_back_the_roadmap_this_browser_made(client, ctx):
    assert "open your roadmap" not in client.get("/intake").get_data(as_text=True)
    _intake, token = make_intake()
    client.get(f"/roadmap/{token}")
    page = client.get("/intake").get_data(as_text=True)
    assert f'You made a roadmap in this browser earlier: <a href="/roadmap/{token}">' in page
