"""The advisor's side of a consultation: private notes with history (and who may read
them), the outcome, and recommendations shown on the visitor's roadmap and PDF."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from advising.accounts.models import Role
from advising.consultations.models import ConsultationNote, ConsultationNoteRevision
from advising.database import utcnow
from advising.extensions import db
from advising.scheduling.models import CANCELLED, COMPLETED, CONFIRMED, NO_SHOW, Booking
from tests.conftest import csrf_token_from
from tests.factories import make_advisor, make_user
from tests.intake.helpers import make_booking, make_intake
from tests.roadmap.test_pdf import pdf_text

NOTE_V1 = "Worried about the exam; suggested timed practice. PRIVATE-ALPHA"
NOTE_V2 = "Prefers evening study, leaning to CCA then CCS. PRIVATE-BRAVO"
MANAGE_TOKEN = "m" * 43


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def post_section(client, booking_id: int, path: str, prefix: str, fields: dict, page=None):
    """Post one of the consultation page's forms like the browser does."""
    page = page or page_of(client, f"/me/consultations/{booking_id}")
    data = {f"{prefix}-csrf_token": csrf_token_from(page)}
    hidden = re.search(rf'name="{prefix}-based_on" type="hidden" value="(\d*)"', page)
    if hidden:
        data[f"{prefix}-based_on"] = hidden.group(1)
    data.update({f"{prefix}-{key}": value for key, value in fields.items()})
    return client.post(f"/me/consultations/{booking_id}/{path}", data=data)


def login_as(client, auth, email: str) -> None:
    if client.get("/dashboard").status_code == 200:
        auth.logout()
    assert auth.login(email).status_code == 302


@pytest.fixture
def people(ctx):
    """The consultation's advisor, another advisor, staff and an admin; a past consultation
    booked from a roadmap."""
    own = make_advisor(name="Maria Lopez", email="maria@example.org", slug="maria")
    other = make_advisor(name="James Okafor", email="james@example.org", slug="james")
    make_user(Role.STAFF, email="staff@example.org", name="Sam Staff")
    make_user(Role.ADMIN, email="admin@example.org", name="Ada Admin")
    intake, token = make_intake()
    booking = make_booking(
        own, start=utcnow() - timedelta(hours=2), intake=intake, manage_token=MANAGE_TOKEN
    )
    return {"own": own, "other": other, "booking": booking, "token": token, "intake": intake}


def _write_two_versions(client, auth, booking_id: int) -> None:
    login_as(client, auth, "maria@example.org")
    response = post_section(client, booking_id, "notes", "note", {"body": NOTE_V1})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/me/consultations/{booking_id}#notes")
    response = post_section(client, booking_id, "notes", "note", {"body": NOTE_V2})
    assert response.status_code == 302


def test_the_advisor_keeps_notes_with_their_history(client, auth, people):
    booking_id = people["booking"].id
    _write_two_versions(client, auth, booking_id)
    page = html_lib.unescape(page_of(client, f"/me/consultations/{booking_id}"))
    assert "Private notes" in page and NOTE_V2 in page and NOTE_V1 not in page
    assert "History (2 saved versions)" in page
    history = client.get(f"/consultations/{booking_id}/notes")
    assert history.headers["Cache-Control"] == "no-store"
    text = html_lib.unescape(history.get_data(as_text=True))
    assert text.index(NOTE_V2) < text.index(NOTE_V1)  # newest first, both kept
    assert text.count("Maria Lopez") >= 2 and "current" in text

    # Saving the same text again adds no version.
    response = post_section(client, booking_id, "notes", "note", {"body": NOTE_V2 + "\n"})
    assert response.status_code == 302
    assert "No changes to save." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    note = db.session.scalar(select(ConsultationNote))
    assert note.body == NOTE_V2 and note.booking_id == booking_id
    revisions = db.session.scalars(select(ConsultationNoteRevision)).all()
    assert sorted(r.body for r in revisions) == sorted([NOTE_V1, NOTE_V2])
    assert {r.author_id for r in revisions} == {people["own"].user_id}


def test_a_stale_edit_is_refused_and_the_typed_text_is_kept(client, auth, people):
    booking_id = people["booking"].id
    login_as(client, auth, "maria@example.org")
    stale_page = page_of(client, f"/me/consultations/{booking_id}")  # form opened in tab 1
    assert post_section(client, booking_id, "notes", "note", {"body": NOTE_V1}).status_code == 302
    response = post_section(
        client, booking_id, "notes", "note", {"body": "Tab one text"}, page=stale_page
    )
    assert response.status_code == 200
    page = html_lib.unescape(response.get_data(as_text=True))
    assert "This note was saved somewhere else after you opened it." in page
    assert "Tab one text</textarea>" in page
    # Saving again from the re-shown form is a deliberate choice and goes through.
    again = post_section(client, booking_id, "notes", "note", {"body": "Tab one text"}, page=page)
    assert again.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(ConsultationNote)).body == "Tab one text"


def test_an_empty_note_is_refused_next_to_the_field(client, auth, people):
    login_as(client, auth, "maria@example.org")
    response = post_section(client, people["booking"].id, "notes", "note", {"body": "  "})
    assert response.status_code == 200
    assert 'id="note-body-error">Write something before saving.</p>' in response.get_data(
        as_text=True
    )


def test_admins_read_notes_and_history(client, auth, people):
    booking_id = people["booking"].id
    _write_two_versions(client, auth, booking_id)
    login_as(client, auth, "admin@example.org")
    text = html_lib.unescape(page_of(client, f"/consultations/{booking_id}/notes"))
    assert NOTE_V1 in text and NOTE_V2 in text
    # Reading is all: the advisor's pages and the write actions stay the advisor's.
    assert client.get(f"/me/consultations/{booking_id}").status_code == 403
    response = post_section(client, booking_id, "notes", "note", {"body": "edit"}, page=text)
    assert response.status_code == 403


def _pages_staff_can_reach(client) -> dict[str, str]:
    """Every page linked from the home page and the dashboard, two clicks deep."""
    seen: dict[str, str] = {}
    queue = ["/", "/dashboard"]
    while queue and len(seen) < 60:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.get_data(as_text=True) if response.status_code == 200 else ""
        if url.count("/") > 3 or response.mimetype != "text/html":
            continue
        for href in re.findall(r'href="(/[^"#]*)"', seen[url]):
            href = html_lib.unescape(href)
            if "start=" in href or href.startswith(("/static/", "/logout")):
                continue  # slot links: hundreds of copies of the booking form
            if urlsplit(href).path not in seen:
                queue.append(href)
    return seen


def test_staff_cannot_read_notes_anywhere(client, auth, people):
    booking_id = people["booking"].id
    _write_two_versions(client, auth, booking_id)
    login_as(client, auth, "staff@example.org")
    assert client.get(f"/consultations/{booking_id}/notes").status_code == 403
    assert client.get(f"/me/consultations/{booking_id}").status_code == 403
    page = page_of(client, "/dashboard")
    response = post_section(client, booking_id, "notes", "note", {"body": "x"}, page=page)
    assert response.status_code == 403
    pages = _pages_staff_can_reach(client)
    assert len(pages) > 3
    for url, text in pages.items():
        assert "PRIVATE-ALPHA" not in text and "PRIVATE-BRAVO" not in text, url


def test_another_advisor_gets_404(client, auth, people):
    booking_id = people["booking"].id
    _write_two_versions(client, auth, booking_id)
    login_as(client, auth, "james@example.org")
    assert client.get(f"/consultations/{booking_id}/notes").status_code == 404
    assert client.get(f"/me/consultations/{booking_id}").status_code == 404
    page = page_of(client, "/dashboard")
    for path, prefix, fields in (
        ("notes", "note", {"body": "hijack"}),
        ("outcome", "outcome", {"outcome": NO_SHOW}),
        ("recommendations", "rec", {"body": "hijack"}),
    ):
        response = post_section(client, booking_id, path, prefix, fields, page=page)
        assert response.status_code == 404, path
    db.session.rollback()
    assert db.session.scalar(select(ConsultationNote)).body == NOTE_V2
    assert db.session.get(Booking, booking_id).status == CONFIRMED


def test_the_visitor_never_sees_notes(client, auth, people):
    booking_id = people["booking"].id
    _write_two_versions(client, auth, booking_id)
    auth.logout()
    response = client.get(f"/consultations/{booking_id}/notes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    token = people["token"]
    for url in (f"/b/{MANAGE_TOKEN}", f"/roadmap/{token}", f"/roadmap/{token}/milestones.ics"):
        text = html_lib.unescape(page_of(client, url))
        assert "PRIVATE-ALPHA" not in text and "PRIVATE-BRAVO" not in text, url
    assert "PRIVATE" not in pdf_text(client.get(f"/roadmap/{token}.pdf").data)


def test_the_advisor_records_the_outcome(client, auth, people):
    booking = people["booking"]
    login_as(client, auth, "maria@example.org")
    page = page_of(client, f"/me/consultations/{booking.id}")
    assert "How did it go?" in page
    response = post_section(client, booking.id, "outcome", "outcome", {"outcome": COMPLETED})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Booking, booking.id).status == COMPLETED
    page = page_of(client, response.headers["Location"])
    assert "Outcome recorded: completed." in page and "You can correct it below." in page
    # A correction is possible.
    post_section(client, booking.id, "outcome", "outcome", {"outcome": NO_SHOW})
    db.session.rollback()
    assert db.session.get(Booking, booking.id).status == NO_SHOW
    response = post_section(client, booking.id, "outcome", "outcome", {"outcome": CANCELLED})
    assert response.status_code == 200 and "Not a valid choice." in response.get_data(as_text=True)


def test_no_outcome_before_the_start_or_for_cancelled_consultations(client, auth, people):
    future = make_booking(people["own"], start=utcnow() + timedelta(days=2))
    cancelled = make_booking(people["own"], start=utcnow() - timedelta(days=2), status=CANCELLED)
    login_as(client, auth, "maria@example.org")
    page = page_of(client, f"/me/consultations/{future.id}")
    assert "once it has started" in page and "How did it go?" not in page
    response = post_section(client, future.id, "outcome", "outcome", {"outcome": COMPLETED})
    assert response.status_code == 302
    assert "You can record the outcome once the consultation has started." in (
        html_lib.unescape(page_of(client, response.headers["Location"]))
    )
    assert "How did it go?" not in page_of(client, f"/me/consultations/{cancelled.id}")
    response = post_section(client, cancelled.id, "outcome", "outcome", {"outcome": COMPLETED})
    assert "This consultation was cancelled" in page_of(client, response.headers["Location"])
    db.session.rollback()
    assert db.session.get(Booking, future.id).status == CONFIRMED
    assert db.session.get(Booking, cancelled.id).status == CANCELLED


def test_recommendations_show_on_the_roadmap_and_in_the_pdf(client, auth, people):
    booking, token = people["booking"], people["token"]
    advice = (
        "Start with an AHIMA-approved course at your community college.\nAsk about evening classes."
    )
    login_as(client, auth, "maria@example.org")
    assert "From your advisor" not in page_of(client, f"/roadmap/{token}")
    response = post_section(client, booking.id, "recommendations", "rec", {"body": advice})
    assert response.status_code == 302 and response.headers["Location"].endswith("#recommendations")
    auth.logout()

    page = html_lib.unescape(page_of(client, f"/roadmap/{token}"))
    assert "From your advisor" in page and advice in page and "Maria Lopez" in page
    text = pdf_text(client.get(f"/roadmap/{token}.pdf").data)
    assert "From your advisor" in text
    assert "Start with an AHIMA-approved course at your community college." in text

    login_as(client, auth, "maria@example.org")
    page = page_of(client, f"/me/consultations/{booking.id}")
    delete_url = re.search(r'action="(/me/consultations/\d+/recommendations/\d+/delete)"', page)[1]
    assert client.post(delete_url, data={"csrf_token": csrf_token_from(page)}).status_code == 302
    assert "From your advisor" not in page_of(client, f"/roadmap/{token}")


def test_an_empty_recommendation_is_refused_and_bookings_without_intake_have_none(
    client, auth, people
):
    login_as(client, auth, "maria@example.org")
    response = post_section(client, people["booking"].id, "recommendations", "rec", {"body": ""})
    assert 'id="rec-body-error">Write the recommendation first.</p>' in response.get_data(
        as_text=True
    )
    plain = make_booking(people["own"], start=utcnow() - timedelta(days=1))
    page = page_of(client, f"/me/consultations/{plain.id}")
    assert "Recommendations for the visitor" not in page and "Career intake" not in page
    assert "Private notes" in page
