"""The visitor's roadmap on the web: page, milestones calendar, privacy, booking from it."""

from __future__ import annotations

import html as html_lib
import logging
import re
from datetime import date

from icalendar import Calendar
from sqlalchemy import select

from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import roadmap_of
from advising.scheduling.models import Booking
from tests.conftest import csrf_token_from
from tests.factories import make_advisor
from tests.intake.helpers import make_intake, submit_intake, token_of
from tests.scheduling.test_booking_web import get_any_advisor_page


def _intake(token: str) -> Intake:
    db.session.rollback()  # a fresh snapshot of what the requests wrote
    return db.session.scalar(select(Intake))


def test_the_roadmap_page_shows_the_persons_plan(client, ctx):
    token = token_of(submit_intake(client))
    response = client.get(f"/roadmap/{token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = html_lib.unescape(response.get_data(as_text=True))
    roadmap = roadmap_of(_intake(token))
    assert "Your roadmap is ready" in page
    assert "Dana Reyes, your route into medical coding" in page
    assert roadmap.summary in page
    # A visual timeline with every dated milestone, in order.
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', timeline)
    assert dates == [m.date.isoformat() for m in roadmap.milestones]
    for milestone in roadmap.milestones:
        assert milestone.title in timeline
    # Credential with reasons, pathway, study plan, worries, outlook with source and year.
    assert "CCA: Certified Coding Associate (AHIMA)" in page
    for reason in roadmap.credentials[0].reasons:
        assert reason in page
    assert f"Your pathway: {roadmap.pathway.name}" in page
    assert f"{roadmap.pathway.duration_weeks} weeks" in page
    assert "Your weekly study plan" in page
    assert '>10<span class="hours-unit" aria-hidden="true"> h</span></strong>' in page
    assert "Balancing study with work and family" in page
    assert "Paying for training and exams" in page
    for figure in roadmap.outlook:
        assert figure.value in page and f"Source: {figure.source}, {figure.year}." in page
    # Next steps end with booking a consultation, linked with the intake and the zone.
    steps = page.split('<ol class="next-steps">', 1)[1].split("</ol>", 1)[0]
    assert roadmap.next_steps[-1].title in steps.rsplit("<li>", 1)[1]
    assert f'href="/book/any?intake={token}&tz=America/Chicago"' in steps
    assert f'href="/roadmap/{token}.pdf"' in page
    assert f'href="/roadmap/{token}/milestones.ics"' in page


def test_unknown_or_malformed_tokens_are_404_and_private(client, ctx):
    make_intake()
    for url in (
        "/roadmap/" + "A" * 43,
        "/roadmap/short",
        "/roadmap/" + "A" * 43 + ".pdf",
        "/roadmap/" + "A" * 43 + "/milestones.ics",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["Cache-Control"] == "no-store"


def test_milestones_calendar_has_one_all_day_event_per_milestone(client, ctx):
    token = token_of(submit_intake(client))
    response = client.get(f"/roadmap/{token}/milestones.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="roadmap-milestones.ics"'
    )
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    events = calendar.walk("VEVENT")
    roadmap = roadmap_of(_intake(token))
    assert len(events) == len(roadmap.milestones)
    for event, milestone in zip(events, roadmap.milestones, strict=True):
        start = event.decoded("DTSTART")
        assert type(start) is date and start == milestone.date  # all-day
        assert (event.decoded("DTEND") - start).days == 1
        assert str(event["SUMMARY"]) == milestone.title
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    again = Calendar.from_ical(client.get(f"/roadmap/{token}/milestones.ics").data)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids  # stable: re-import updates
    assert response.data == client.get(f"/roadmap/{token}/milestones.ics").data
    assert b"Dana" not in response.data and b"dana@example.com" not in response.data


def test_personal_data_never_reaches_the_logs(client, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    secret_goal = "Become a remote oncology coder by 2029"
    response = submit_intake(
        client, name="Quentin Marlowe", email="q.marlowe@example.net", goals=secret_goal
    )
    token = token_of(response)
    for suffix in ("", ".pdf", "/milestones.ics"):
        assert client.get(f"/roadmap/{token}{suffix}").status_code == 200
    submit_intake(client, name="Quentin Marlowe", hours_per_week="0")  # an invalid post
    logged = "\n".join(record.getMessage() for record in caplog.records)
    logged += "\n".join(str(record.args) for record in caplog.records)
    assert "intake created intake_id=" in logged
    for secret in ("Quentin", "Marlowe", "q.marlowe@example.net", secret_goal, token):
        assert secret not in logged


def test_booking_from_the_roadmap_is_prefilled_and_attaches_the_intake(client, ctx, auth):
    advisor = make_advisor(name="Maria Lopez", slug="maria", email="maria@example.org")
    token = token_of(submit_intake(client))
    roadmap_page = html_lib.unescape(client.get(f"/roadmap/{token}").get_data(as_text=True))
    book_any = re.search(r'href="(/book/any\?intake=[^"]+)"', roadmap_page).group(1)

    response = get_any_advisor_page(client, book_any, advisor, advisor.timezone)
    advisor_page = response.get_data(as_text=True)
    assert 'rel="canonical" href="http://127.0.0.1:5000/advisors/maria"' in advisor_page
    links = [
        html_lib.unescape(link)
        for link in re.findall(r'href="(/advisors/maria/book\?start=[^"]+)"', advisor_page)
    ]
    assert links and all(link.endswith(f"&intake={token}") for link in links)
    assert "tz=America/Chicago" in links[0]

    form_page = client.get(links[0])
    assert form_page.headers["Cache-Control"] == "no-store"
    page = form_page.get_data(as_text=True)
    assert 'id="name" maxlength="120" name="name" required type="text" value="Dana Reyes"' in page
    assert 'value="dana@example.com"' in page
    assert f'id="intake" name="intake" type="hidden" value="{token}"' in page
    start = re.search(r'name="start" type="hidden" value="([^"]+)"', page).group(1)
    tz = re.search(r'name="tz" type="hidden" value="([^"]*)"', page).group(1)
    assert tz == "America/Chicago"
    booked = client.post(
        "/advisors/maria/book",
        data={
            "csrf_token": csrf_token_from(page),
            "start": start,
            "tz": tz,
            "intake": token,
            "name": "Dana Reyes",
            "email": "dana@example.com",
            "consent": "y",
        },
    )
    assert booked.status_code == 302 and booked.headers["Location"].startswith("/b/")
    intake = _intake(token)
    booking = db.session.scalar(select(Booking))
    assert booking.intake_id == intake.id and booking.visitor_timezone == "America/Chicago"

    # The booking's page leads back to the roadmap it was booked from (this browser opened
    # it); another browser, with only the booking's link, gets no roadmap link.
    manage = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert f'<a href="/roadmap/{token}">← Your roadmap</a>' in manage
    other_browser = client.application.test_client()
    elsewhere = other_browser.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Your roadmap" not in elsewhere and "← All advisors" in elsewhere

    # The roadmap now mentions the booked consultation.
    assert "You have a consultation with Maria Lopez" in client.get(f"/roadmap/{token}").get_data(
        as_text=True
    )
    # The advisor sees the intake and roadmap on the consultation page.
    auth.login("maria@example.org")
    consultation = client.get(f"/me/consultations/{booking.id}").get_data(as_text=True)
    assert "Career intake and roadmap" in consultation
    assert "A steady job with benefits near my kids&#39; school" in consultation
    assert "Retail store manager" in consultation and "Tight: every dollar counts" in consultation
    assert "CCA via certificate program" in consultation
    assert "The full roadmap the visitor sees" in consultation
    assert advisor.id == booking.advisor_id


def test_a_forged_or_unknown_intake_token_books_without_attaching(client, ctx):
    make_advisor(slug="maria")
    page = client.get("/advisors/maria", follow_redirects=True).get_data(as_text=True)
    link = html_lib.unescape(re.search(r'href="(/advisors/maria/book\?start=[^"]+)"', page)[1])
    form_page = client.get(link + "&intake=" + "B" * 43).get_data(as_text=True)
    assert 'name="intake" type="hidden" value=""' in form_page
    start = re.search(r'name="start" type="hidden" value="([^"]+)"', form_page).group(1)
    response = client.post(
        "/advisors/maria/book",
        data={
            "csrf_token": csrf_token_from(form_page),
            "start": start,
            "intake": "B" * 43,
            "name": "Bob",
            "email": "bob@example.org",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Booking)).intake_id is None


def test_the_visitor_can_delete_their_intake(client, ctx):
    token = token_of(submit_intake(client))
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    response = client.post(f"/roadmap/{token}/delete", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get(f"/roadmap/{token}").status_code == 404
    assert _intake(token) is None


def test_the_timeline_lists_what_more_hours_would_change_each_with_its_plan(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="5", budget_amount="1000-2000"))
    page = html_lib.unescape(client.get(f"/roadmap/{token}").get_data(as_text=True))
    assert "With more hours a week" in page
    row = r"<li><strong>(\d+) hours a week:</strong> exam (.+?); coding job around"
    rows = re.findall(row, page)
    assert [hours for hours, _ in rows] == ["10", "15", "20", "25", "30"]
    # each row opens that what-if, keeping the budget and start date shown
    link = re.search(r'href="([^"]*hours=10[^"]*)"', page).group(1)
    assert "budget=1000-2000" in link.replace("%2D", "-") and "start=" in link
    at_ten = html_lib.unescape(client.get(link.split("#")[0]).get_data(as_text=True))
    assert "This is a what-if" in at_ten and "Try other hours" in at_ten
    assert "Sit the" in at_ten and rows[0][1] in at_ten  # the exam date of that row


def test_the_costs_lead_with_the_verdict_on_the_page_and_in_the_pdf_summary(client, ctx):
    """'Paying for it comes first' (a $0 budget) leads the costs; an unknown budget has no
    lead of its own (the section's heading says it)."""
    token = token_of(submit_intake(client, budget_amount="0", state="TX"))
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert "<strong>Paying for it comes first.</strong> You said you cannot spend" in page
    other = token_of(submit_intake(client, email="someone.else@example.com"))
    plain = client.get(f"/roadmap/{other}").get_data(as_text=True)
    assert 'cost-verdict cost-unknown">The items we could price' in plain
