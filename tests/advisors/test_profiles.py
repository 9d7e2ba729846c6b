"""Public advisor pages and the advisor's own profile form."""

from __future__ import annotations

import re

from advising.advisors.models import AdvisorProfile
from advising.extensions import db
from tests.conftest import csrf_token_from, post_form
from tests.factories import make_advisor


def test_public_list_shows_only_active_advisors(client, ctx):
    make_advisor(name="Visible Vera", specialties=["CPC", "risk adjustment"])
    make_advisor(name="Hidden Hank", active=False)
    html = client.get("/advisors").get_data(as_text=True)
    assert "Visible Vera" in html and "risk adjustment" in html
    assert "Hidden Hank" not in html


def test_advisor_page_and_unknown_slug(client, ctx):
    make_advisor(name="Wanda West", slug="wanda-west", timezone="America/Chicago")
    html = client.get("/advisors/wanda-west", follow_redirects=True).get_data(as_text=True)
    assert "Wanda West" in html and "America/Chicago" in html
    assert client.get("/advisors/nobody").status_code == 404


def test_advisor_edits_profile_and_errors_keep_input(client, auth, ctx):
    advisor = make_advisor(name="Xavier", slug="xavier")
    make_advisor(name="Yara", slug="yara")
    auth.login(advisor.user.email)
    form = {
        "display_name": "Xavier Stone",
        "slug": "yara",
        "bio": "Auditor for ten years.",
        "specialties": "CPC, auditing",
        "timezone": "Europe/London",
        "video_url": "https://meet.example.org/xavier",
        "active": "y",
    }
    response = post_form(client, "/me/profile", form)
    html = response.get_data(as_text=True)
    assert 'id="slug-error"' in html and "already uses that address" in html
    assert "Auditor for ten years." in html  # what was typed is kept

    response = post_form(
        client, "/me/profile", {**form, "slug": "xavier-stone", "timezone": "Mars/Olympus"}
    )
    assert 'id="timezone-error"' in response.get_data(as_text=True)

    response = post_form(client, "/me/profile", {**form, "slug": "xavier-stone"})
    assert response.status_code == 302
    db.session.rollback()  # a fresh snapshot of the database
    saved = db.session.get(AdvisorProfile, advisor.id)
    assert saved.slug == "xavier-stone"
    assert saved.specialties == ["CPC", "auditing"]
    assert saved.timezone == "Europe/London"


def test_a_video_link_without_its_scheme_gets_https_and_a_bad_one_one_error(client, auth, ctx):
    """'Enter a full https:// address.' came twice, and meet.google.com/... was refused."""
    advisor = make_advisor(name="Xavier", slug="xavier")
    auth.login(advisor.user.email)
    form = {"display_name": "Xavier", "slug": "xavier", "timezone": "Europe/London"}
    for typed in ("not a link", "ftp://files.example.org/x", "javascript:alert(1)"):
        html = post_form(client, "/me/profile", {**form, "video_url": typed}).get_data(as_text=True)
        said = re.search(r'id="video_url-error">(.*?)</', html, re.S).group(1).strip()
        assert said == "Enter a full https:// address.", (typed, said)
    saved = post_form(
        client, "/me/profile", {**form, "video_url": " meet.google.com/abc-defg-hij "}
    )
    assert saved.status_code == 302
    db.session.rollback()
    assert db.session.get(AdvisorProfile, advisor.id).video_url == (
        "https://meet.google.com/abc-defg-hij"
    )


def test_a_changed_address_keeps_old_links_working(client, auth, ctx):
    """Links shared with the old address (a signature, an embed) lead to the new one, query
    kept; the API finds the advisor by it; an address someone takes later is theirs."""
    advisor = make_advisor(name="Xavier", slug="xavier", timezone="America/Chicago")
    auth.login(advisor.user.email)
    form = {
        "display_name": "Xavier",
        "slug": "xavier-stone",
        "timezone": "America/Chicago",
        "active": "y",
    }
    saved = post_form(client, "/me/profile", form, follow_redirects=True)
    assert "Links to your old address, /advisors/xavier, lead to the new one." in (
        saved.get_data(as_text=True)
    )
    response = client.get("/advisors/xavier?tz=Asia/Tokyo")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/advisors/xavier-stone?tz=Asia/Tokyo")
    assert client.get("/advisors/xavier/book").status_code == 301
    # a booking form sent to the old address goes on, as sent, to the new one
    page = client.get("/me/profile").get_data(as_text=True)
    sent = client.post("/advisors/xavier/book", data={"csrf_token": csrf_token_from(page)})
    assert sent.status_code == 308 and sent.headers["Location"].endswith("/xavier-stone/book")
    assert client.get("/api/v1/advisors/xavier/slots").status_code == 200
    # renamed again: both old addresses lead to the newest
    assert post_form(client, "/me/profile", {**form, "slug": "x-stone"}).status_code == 302
    assert client.get("/advisors/xavier").headers["Location"].endswith("/advisors/x-stone")
    # and back: the address in use is nobody's former one
    assert post_form(client, "/me/profile", {**form, "slug": "xavier"}).status_code == 302
    assert client.get("/advisors/xavier").status_code == 200
    assert client.get("/advisors/x-stone").headers["Location"].endswith("/advisors/xavier")
    # another advisor taking a former address gets it
    make_advisor(name="Other", slug="xavier-stone")
    assert client.get("/advisors/xavier-stone").status_code == 200
    assert "Other" in client.get("/advisors/xavier-stone").get_data(as_text=True)
