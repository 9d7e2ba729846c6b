"""The advisor's calendar pages: upload, feeds, sync now, remove, week view, access."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape as html_unescape
from zoneinfo import ZoneInfo

import pytest

from advising.accounts.models import Role
from advising.calendars import services
from advising.calendars.models import CalendarSource
from advising.extensions import db
from advising.shared.timefmt import clock
from tests.calendars.test_feeds import Route, feed_server, two_meetings  # noqa: F401 (fixture)
from tests.calendars.test_services import GOOGLE, MALFORMED, blocks_of, calendar, soon, vevent
from tests.conftest import client_after_commit, post_form
from tests.factories import make_advisor, make_user


def upload(client, data: bytes, name: str = "work.ics", **fields: str):
    """Post the upload form as a browser would (with the keywords it shows prefilled)."""
    form = {"upload-file": (io.BytesIO(data), name), "upload-keywords": DEFAULTS, **fields}
    return post_form(client, "/me/calendars/upload", form, page="/me/calendars")


DEFAULTS = "office hours, available"


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app)


@pytest.fixture
def advisor(ctx, auth):
    profile = make_advisor(name="Maria Lopez", timezone="America/Chicago")
    auth.login(profile.user.email)
    return profile


def test_pages_are_for_advisors_only(client, auth, ctx):
    assert client.get("/me/calendars").status_code == 302  # to the sign-in page
    staff = make_user(Role.STAFF)
    auth.login(staff.email)
    for url in ("/me/calendars", "/me/calendars/week", "/me/calendars/1"):
        assert client.get(url).status_code == 403
    assert client.post("/me/calendars/1/sync").status_code in {400, 403}


def test_advisor_sees_the_nav_entry_and_an_empty_list(client, advisor):
    html = text(client.get("/dashboard"))
    assert "My calendars" in html
    html = text(client.get("/me/calendars"))
    assert "No calendars yet" in html
    assert 'value="office hours, available"' in html  # the parser's default keywords


def test_upload_imports_and_shows_status_in_the_advisors_zone(client, advisor):
    response = upload(client, GOOGLE.read_bytes(), "google.ics", **{"upload-label": "Google"})
    assert response.status_code == 302
    html = text(client.get("/me/calendars"))
    source = db.session.scalar(db.select(CalendarSource))
    assert f"Google: {source.block_count} blocks imported." in html
    assert "Google" in html and f"<dd>{source.block_count}</dd>" in html
    assert re.search(r"(CST|CDT) \(Central Time\)", html)  # last sync: zone abbreviation + name
    assert source.keywords == ["office hours", "available"]


def test_a_malformed_upload_shows_the_error_next_to_the_file_and_loses_nothing(client, advisor):
    upload(client, GOOGLE.read_bytes(), "work.ics")
    source = db.session.scalar(db.select(CalendarSource))
    good = blocks_of(source.id)
    response = upload(
        client,
        MALFORMED.read_bytes(),
        "work.ics",
        **{"upload-keywords": "office hours, open desk", "upload-label": ""},
    )
    html = text(response)
    assert response.status_code == 200
    error = re.search(r'<p class="error" id="upload-file-error">([^<]*)</p>', html)
    assert error and error.group(1).startswith("Line ")
    assert 'value="office hours, open desk"' in html  # what was typed is kept
    db.session.expire_all()
    saved = db.session.get(CalendarSource, source.id)
    assert blocks_of(source.id) == good and saved.last_error == html_unescape(error.group(1))
    assert "the last good version is still used" in html


@pytest.mark.parametrize(
    "app_config", [{"CALENDAR_MAX_BYTES": 1024, "MAX_CONTENT_LENGTH": 8 * 1024}], indirect=True
)
def test_oversize_uploads(client, advisor):
    response = upload(client, b"X" * 2000, "big.ics")
    assert response.status_code == 200
    assert re.search(r'id="upload-file-error">That file is larger than 1 KB', text(response))
    # over the request limit the body is never read: still the page, the limit by the field
    huge = upload(client, b"X" * 10_000, "huge.ics")
    assert huge.status_code == 413
    assert re.search(r'id="upload-file-error">That file is larger than 1 KB', text(huge))
    assert "Upload calendar" in text(huge) and "My calendars" in text(huge)
    assert db.session.query(CalendarSource).count() == 0
    source = services.import_upload(advisor, calendar(vevent("a", soon(1), soon(1, 16))), "Work")
    replaced = post_form(
        client,
        f"/me/calendars/{source.id}/replace",
        {"upload-file": (io.BytesIO(b"X" * 10_000), "huge.ics")},
        page=f"/me/calendars/{source.id}",
    )
    assert replaced.status_code == 413
    assert re.search(r'id="upload-file-error">That file is larger than 1 KB', text(replaced))
    assert "Work" in text(replaced)
    # someone else's calendar, or none: the plain 413 page, never a 500
    other = make_advisor(name="Olga Other")
    theirs = services.import_upload(other, calendar(vevent("b", soon(1), soon(1, 16))), "Olga's")
    for source_id in (theirs.id, 999_999):
        refused = post_form(
            client,
            f"/me/calendars/{source_id}/replace",
            {"upload-file": (io.BytesIO(b"X" * 10_000), "huge.ics")},
            page=f"/me/calendars/{source.id}",
        )
        assert refused.status_code == 413 and "Olga" not in text(refused)


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, object]:
    return getattr(request, "param", {})


def test_add_a_feed_sync_it_and_remove_it(client, advisor, feed_server):  # noqa: F811
    route = Route(two_meetings())
    url = feed_server.serve("/cal.ics", route)
    form = {"feed-url": url, "feed-label": "Work", "feed-keywords": "available"}
    response = post_form(client, "/me/calendars/feeds", form, page="/me/calendars")
    assert response.status_code == 302
    assert "Work: feed added, 2 blocks imported." in text(client.get("/me/calendars"))
    source = db.session.scalar(db.select(CalendarSource))

    response = post_form(client, f"/me/calendars/{source.id}/sync", {}, page="/me/calendars")
    assert response.status_code == 302 and feed_server.hits["/cal.ics"] == 2
    assert "Work: synced, 2 blocks imported." in text(client.get("/me/calendars"))

    route.status = 500
    post_form(client, f"/me/calendars/{source.id}/sync", {"back": "source"}, page="/me/calendars")
    html = text(client.get(f"/me/calendars/{source.id}"))
    assert "Work: the sync failed. The feed answered 500" in html
    assert html.count("The feed answered 500") == 2  # the message, and the source's status

    page = text(client.get(f"/me/calendars/{source.id}/remove"))
    assert "Remove “Work”?" in page and "2 busy and available blocks" in page
    response = post_form(client, f"/me/calendars/{source.id}/remove", {})
    assert response.status_code == 302
    assert db.session.query(CalendarSource).count() == 0
    assert "Work was removed" in text(client.get("/me/calendars"))


def test_a_bad_feed_address_is_shown_next_to_the_field(client, advisor, feed_server):  # noqa: F811
    form = {"feed-url": "ftp://example.org/cal.ics", "feed-label": "Mine"}
    html = text(post_form(client, "/me/calendars/feeds", form, page="/me/calendars"))
    assert re.search(r'id="feed-url-error">The feed address must start with https://', html)
    assert 'value="Mine"' in html
    form["feed-url"] = feed_server.url + "/missing.ics"
    html = text(post_form(client, "/me/calendars/feeds", form, page="/me/calendars"))
    assert re.search(r'id="feed-url-error">The feed answered 404', html)
    assert db.session.query(CalendarSource).count() == 0


def test_keywords_can_be_changed(client, advisor):
    upload(client, GOOGLE.read_bytes(), "work.ics")
    source = db.session.scalar(db.select(CalendarSource))
    response = post_form(
        client,
        f"/me/calendars/{source.id}",
        {"markers-keywords": "Office hours", "markers-categories": "Open slot"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(CalendarSource, source.id)
    assert (saved.keywords, saved.categories) == (["Office hours"], ["Open slot"])
    kinds = {uid: kind for _, _, kind, uid in blocks_of(source.id)}
    assert kinds["drop-in@google.com"] == "available"


def test_replace_an_uploaded_file_keeps_the_old_one_on_error(client, advisor):
    upload(client, GOOGLE.read_bytes(), "work.ics")
    source = db.session.scalar(db.select(CalendarSource))
    good = blocks_of(source.id)
    bad = {"upload-file": (io.BytesIO(MALFORMED.read_bytes()), "new.ics")}
    page = f"/me/calendars/{source.id}"
    html = text(post_form(client, f"/me/calendars/{source.id}/replace", bad, page=page))
    assert 'id="upload-file-error">Line ' in html
    assert blocks_of(source.id) == good
    new = calendar(vevent("n", soon(2), soon(2, 16)))
    ok = {"upload-file": (io.BytesIO(new), "new.ics")}
    response = post_form(client, f"/me/calendars/{source.id}/replace", ok, page=page)
    assert response.status_code == 302
    assert [b[3] for b in blocks_of(source.id)] == ["n"]


def test_week_view_shows_blocks_in_the_advisors_zone(client, advisor):
    chicago = ZoneInfo("America/Chicago")
    week_later = soon(8, 15)
    busy_start = week_later - timedelta(days=week_later.weekday())  # Monday, 9 or 10 AM there
    free_start = busy_start + timedelta(days=1, hours=3)  # the Tuesday, in the same week
    services.import_upload(
        advisor,
        calendar(
            vevent("b", busy_start, busy_start + timedelta(hours=1), "Dentist"),
            vevent("f", free_start, free_start + timedelta(hours=2), "Office hours"),
        ),
        "Work",
    )
    local = busy_start.astimezone(chicago)
    html = text(
        client.get(f"/me/calendars/week?start={local.date().isoformat()}", follow_redirects=True)
    )
    abbreviation = local.tzname()
    assert f"{clock(local)} {abbreviation}" in html
    assert f"{clock(local + timedelta(hours=1))} {abbreviation}" in html
    free_local = free_start.astimezone(chicago)
    assert f"{clock(free_local)} {free_local.tzname()}" in html
    assert "block block-busy" in html and "block block-available" in html
    assert "Dentist" not in html
    assert re.search(r"Times are in your zone, Central Time \((CST|CDT)\)", html)
    monday = local.date() - timedelta(days=local.weekday())
    assert f"start={(monday - timedelta(days=7)).isoformat()}" in html
    assert f"start={(monday + timedelta(days=7)).isoformat()}" in html
    assert 'href="/me/calendars"' in html  # the way back
    for odd in ("nonsense", "9999-12-31", "0001-01-01"):
        assert (
            client.get(f"/me/calendars/week?start={odd}", follow_redirects=True).status_code == 200
        )
    later = monday + timedelta(days=400)
    assert "this week is further out" in text(
        client.get(f"/me/calendars/week?start={later}", follow_redirects=True)
    )


def test_another_advisors_calendar_is_not_found(client, advisor):
    other = make_advisor()
    source = services.import_upload(other, GOOGLE.read_bytes(), "Theirs")
    assert client.get(f"/me/calendars/{source.id}").status_code == 404
    assert client.get(f"/me/calendars/{source.id}/remove").status_code == 404
    response = post_form(client, f"/me/calendars/{source.id}/remove", {}, page="/me/calendars")
    assert response.status_code == 404
    assert db.session.get(CalendarSource, source.id) is not None


def test_skipped_events_are_flashed_and_shown_on_the_calendars_page(client, advisor):
    damaged = calendar(
        vevent("ok", soon(1), soon(1, 16)),
        vevent("bad", soon(2, 16), soon(2), "Backwards"),
        vevent("worse", soon(3), soon(3, 16), extra="RRULE:FREQ=DAILY;COUNT=2;UNTIL=20990101\r\n"),
    )
    response = upload(client, damaged, "work.ics")
    assert response.status_code == 302
    html = html_unescape(text(client.get("/me/calendars")))
    assert "work: 1 blocks imported." in html
    assert re.search(r"work: 2 events were skipped: line \d+: the event \"Backwards\"", html)
    source = db.session.scalar(db.select(CalendarSource))
    page = html_unescape(text(client.get(f"/me/calendars/{source.id}")))
    assert "2 events were skipped" in page
    assert re.search(r"<li>line \d+: the event \"Backwards\" \(line \d+\) ends before it", page)
    assert re.search(r"<li>line \d+: the event \"Meeting\" .*both COUNT and UNTIL", page)


def test_a_calendar_whose_every_event_was_skipped_is_not_called_ok(client, advisor):
    response = upload(client, calendar(vevent("bad", soon(2, 16), soon(2), "Backwards")), "x.ics")
    assert response.status_code == 302
    source = db.session.scalar(db.select(CalendarSource))
    assert source.block_count == 0
    for page in ("/me/calendars", f"/me/calendars/{source.id}"):
        html = text(client.get(page))
        assert "Nothing imported" in html and "status-ok" not in html
        assert "everything else was imported" not in html
