"""The career intake form: sections, choices from the engine, errors next to fields, kept
input, and what a valid submission stores."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import content
from advising.roadmap.engine import example_start_date, form_choices, roadmap_from_dict
from advising.shared.tokens import hash_token
from tests.intake.helpers import form_data, submit_intake, token_of


def _error_of(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html_lib.unescape(match.group(1)) if match else ""


def test_form_is_grouped_into_sections_with_the_engines_choices(client, ctx):
    response = client.get("/intake")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    legends = re.findall(r'<fieldset class="form-section">\s*<legend>([^<]+)</legend>', page)
    assert legends == [
        "About you",
        "Your background",
        "Where you want to go",
        "Time and money",
        "What worries you",
        "Your data",
    ]
    # a required mark never wraps alone onto the next line (a no-break space before it)
    assert "prefer to learn?&nbsp;<span class=\"req\" aria-hidden=\"true\">*</span>" in page
    for field, choices in form_choices(content()).items():
        kind = "checkbox" if field in ("worries", "specialties") else "radio"
        for value, label in choices:
            pattern = rf'name="{field}"( required)? type="{kind}" value="{value}"'
            assert re.search(pattern, page), (field, value)
            assert html_lib.escape(label, quote=False).replace("'", "&#39;") in page
    assert '<optgroup label="United States">' in page
    assert re.search(r'<input [^>]*id="start_date" name="start_date" required type="date"', page)
    assert "<script" not in page.split("<main", 1)[1]  # the form needs no JavaScript


def test_navigation_and_home_page_lead_to_the_form(client, ctx):
    home = client.get("/").get_data(as_text=True)
    assert '<a class="button button-primary" href="/intake">Get my free roadmap</a>' in home
    assert '<a href="/intake">Career roadmap</a>' in home
    assert "Get my free roadmap" not in client.get("/advisors").get_data(as_text=True)


def test_every_error_is_shown_next_to_its_field_and_nothing_typed_is_lost(client, ctx):
    response = submit_intake(
        client,
        email="not-an-email",
        hours_per_week="99",
        start_date=(utcnow().date() - timedelta(days=10)).isoformat(),
        education=None,
        target_setting="moon_base",
        consent=None,
        goals="Work from home & keep <my> evenings",
        learning_format=None,
        budget=None,
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Please correct the 8 fields marked below." in page
    assert _error_of(page, "email") == "Enter an email address like name@example.com."
    assert _error_of(page, "hours_per_week") == "Enter a number from 1 to 60."
    assert _error_of(page, "start_date") == "Choose today or a later date."
    assert _error_of(page, "education") == "Choose your highest education."
    assert _error_of(page, "target_setting") == "Not a valid choice."
    assert _error_of(page, "consent") == "We need your agreement to store your answers."
    assert _error_of(page, "name") == ""
    # the summary lists the fields from top to bottom, as the form shows them
    summary = page.split('class="form-summary"')[1].split("</ul>")[0]
    listed = re.findall(r'<li><a href="#([a-z_]+)"', summary)
    shown = re.findall(r'id="([a-z_]+)-error"', page.split("</ul>", 1)[1])
    assert listed == shown
    assert listed == [
        "email",
        "education",
        "target_setting",
        "hours_per_week",
        "start_date",
        "learning_format",  # declared after budget, shown before it
        "budget",
        "consent",
    ]
    # What was typed comes back: text, numbers, dates, radios, checkboxes, the select.
    assert 'value="Dana Reyes"' in page and 'value="not-an-email"' in page
    assert 'value="99"' in page
    assert "Work from home &amp; keep &lt;my&gt; evenings</textarea>" in page
    assert 'checked id="healthcare_experience-0" name="healthcare_experience"' in page
    assert 'checked id="worries-0" name="worries" type="checkbox" value="work_family_balance"' in (
        page
    )
    assert 'checked id="worries-2" name="worries" type="checkbox" value="cost"' in page
    assert re.search(r'<option[^>]* selected value="America/Chicago">', page)
    assert re.search(r'<input [^>]*aria-invalid="true"[^>]* id="email"', page)
    db.session.rollback()
    assert db.session.scalar(select(Intake)) is None


def test_unparseable_numbers_and_dates_get_one_plain_message(client, ctx):
    page = submit_intake(client, hours_per_week="ten", start_date="next week").get_data(
        as_text=True
    )
    assert _error_of(page, "hours_per_week") == "Enter a whole number, like 8."
    example = example_start_date(utcnow().date())
    assert example > utcnow().date()  # never a date the form refuses as past
    assert _error_of(page, "start_date") == f"Enter a date like {example:%m/%d/%Y}."
    assert 'value="ten"' in page and 'value="next week"' in page
    # a date typed the US way by hand (no date picker) is taken as the picker's would be
    token = token_of(submit_intake(client, start_date=f"{example:%m/%d/%Y}"))
    db.session.rollback()
    assert db.session.scalar(select(Intake)).answers["start_date"] == example.isoformat()
    assert token


def test_unknown_choices_and_zones_are_refused(client, ctx):
    page = submit_intake(
        client, worries=["cost", "spiders"], timezone="Mars/Olympus_Mons"
    ).get_data(as_text=True)
    assert "not a valid choice" in _error_of(page, "worries")
    assert _error_of(page, "timezone")


def test_a_valid_intake_stores_answers_and_roadmap_behind_a_hashed_token(client, ctx):
    response = submit_intake(client)
    token = token_of(response)
    assert len(token) >= 43  # 256 random bits, url-safe
    db.session.rollback()
    intake = db.session.scalar(select(Intake))
    assert intake.token_hash == hash_token(token) and token not in str(intake.token_hash)
    assert intake.answers["name"] == "Dana Reyes"
    assert intake.answers["worries"] == ["work_family_balance", "cost"]
    assert intake.answers["employer_may_pay"] is False
    roadmap = roadmap_from_dict(intake.roadmap)
    assert intake.content_version == roadmap.content_version == content().version
    assert roadmap.name == "Dana Reyes" and roadmap.primary_credential.code == "CCA"
    assert intake.consent_at is not None


def test_two_intakes_get_different_addresses(client, ctx):
    first = token_of(submit_intake(client))
    second = token_of(submit_intake(client, name="Sam Lee"))
    assert first != second
    assert "Sam Lee" in client.get(f"/roadmap/{second}").get_data(as_text=True)
    assert "Sam Lee" not in client.get(f"/roadmap/{first}").get_data(as_text=True)


def test_form_data_helper_matches_the_engine():
    assert set(form_data()) >= {"name", "email", "worries", "specialties", "consent"}


def test_new_questions_are_optional_and_stored_with_their_not_said_defaults(client, ctx):
    """A person may not know their budget or aid status: leaving the Roadmap 2.0 questions
    out still gives a roadmap, stored with the "not said" values."""
    token_of(submit_intake(client))
    db.session.rollback()
    stored = db.session.scalar(select(Intake)).answers
    assert stored["format"] == 2
    assert stored["budget_min"] is None and stored["employment"] == "unknown"
    assert stored["military"] == "unknown"
    assert stored["coding_months"] == 0 and stored["experience_kinds"] == []


def test_new_questions_are_stored_and_dollars_accept_commas_and_ranges(client, ctx):
    response = submit_intake(
        client,
        experience_kinds=["clinical", "coding"],
        experience_years="3",
        assigns_codes="yes",
        coding_months="30",
        employer_type="provider",
        state="TX",
        income_need="within_6_months",
        budget_amount="$1,000 - 2,000",
        employment="employed",
        student_aid="no",
        military="spouse",
    )
    token = token_of(response)
    db.session.rollback()
    stored = db.session.scalar(select(Intake)).answers
    assert stored["military"] == "spouse"
    # 30 months of coding: an exam review, no program for MyCAA to pay; the advisor sees it
    assert "MyCAA" not in client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert stored["experience_kinds"] == ["clinical", "coding"]
    assert stored["coding_months"] == 30 and stored["state"] == "TX"
    assert (stored["budget_min"], stored["budget_max"]) == (1000, 2000)


def test_new_question_errors_sit_beside_their_fields_and_keep_what_was_typed(client, ctx):
    page = submit_intake(
        client,
        budget_amount="about a grand",
        state="outside",
        country="",
        assigns_codes="yes",
        coding_months="",
        experience_years="200",
    ).get_data(as_text=True)
    assert _error_of(page, "budget_amount").startswith("Enter dollars like 1200, $1,200")
    assert _error_of(page, "country") == "Tell us which country you live in."
    assert _error_of(page, "coding_months").startswith("Tell us roughly how many months")
    assert _error_of(page, "experience_years") == "Enter a number from 0 to 60."
    assert 'value="about a grand"' in page and 'value="200"' in page
    assert '<option selected value="outside">' in page
    assert db.session.scalar(select(Intake)) is None


def test_a_single_dollar_amount_without_a_sign_is_a_budget_of_exactly_that(client, ctx):
    token_of(submit_intake(client, budget_amount="1200"))
    db.session.rollback()
    stored = db.session.scalar(select(Intake)).answers
    assert (stored["budget_min"], stored["budget_max"]) == (1200, 1200)


def test_credentials_already_held_reach_the_roadmap(client, ctx):
    response = submit_intake(
        client, target_setting="physician_office", credentials_held=["cpc_a"], exam_retake="none"
    )
    token = token_of(response)
    intake = db.session.scalar(select(Intake).where(Intake.token_hash == hash_token(token)))
    assert intake.answers["credentials_held"] == ["cpc_a"]
    assert intake.answers["exam_retake"] == ""
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert "Start AAPC&#39;s Practicode" in page
    assert "Sit the CPC exam" not in page


def test_an_exam_to_retake_gives_a_retake_plan(client, ctx):
    token = token_of(submit_intake(client, target_setting="physician_office", exam_retake="cpc"))
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert "Retake the CPC exam" in page and "Your pathway:" not in page


def test_impossible_credential_answers_are_shown_next_to_their_fields_and_kept(client, ctx):
    page = submit_intake(
        client, credentials_held=["cpc_a", "cpc", "ccs"], exam_retake="ccs"
    ).get_data(as_text=True)
    assert _error_of(page, "credentials_held") == (
        "Tick the CPC-A or the CPC, not both: the CPC once the A has come off."
    )
    assert _error_of(page, "exam_retake") == (
        "You ticked the CCS as a credential you hold: untick it there, "
        "or answer “No, none to retake”."
    )
    assert re.search(
        r'checked id="credentials_held-\d+" name="credentials_held" type="checkbox"'
        r' value="ccs"',
        page,
    )
    assert re.search(
        r'checked id="exam_retake-\d+" name="exam_retake" type="radio" value="ccs"', page
    )
    db.session.rollback()
    assert db.session.scalar(select(Intake)) is None


def test_a_retake_of_the_cpc_with_the_cpc_a_ticked_names_the_cpc_a(client, ctx):
    page = submit_intake(client, credentials_held=["cpc_a"], exam_retake="cpc").get_data(
        as_text=True
    )
    assert _error_of(page, "exam_retake") == (
        "You ticked the CPC-A as a credential you hold: untick it there, "
        "or answer “No, none to retake”."
    )


def test_a_time_zone_outside_the_us_asks_where_the_visitor_lives(client, ctx):
    """A blank state would give a London visitor a US plan (community colleges, US holidays,
    US funding): from a zone no US state keeps, the form asks, beside the field, and keeps
    what was typed."""
    response = submit_intake(client, timezone="Europe/London", name="Sam Lee")
    assert response.status_code == 200  # the form again, not a redirect to a roadmap
    page = response.get_data(as_text=True)
    assert _error_of(page, "state").startswith("Your time zone is outside the United States")
    assert 'value="Sam Lee"' in page
    assert db.session.scalar(select(Intake)) is None
    # answered: outside the US, with the country; or a US state; or a US zone left blank
    token_of(submit_intake(client, timezone="Europe/London", state="outside", country="UK"))
    token_of(submit_intake(client, timezone="Europe/London", state="NY"))
    token_of(submit_intake(client, timezone="Pacific/Honolulu"))
    db.session.rollback()
    stored = db.session.scalars(select(Intake).order_by(Intake.id)).all()
    assert [i.answers["state"] for i in stored] == ["outside", "NY", ""]


def test_a_country_typed_with_no_state_answers_outside_the_us(client, ctx):
    """The visitor who typed "Philippines" has said where they live: no need to find
    "Outside the United States" after fifty states. "USA" typed is no such answer."""
    token_of(submit_intake(client, timezone="Asia/Manila", country="Philippines"))
    db.session.rollback()
    stored = db.session.scalar(select(Intake))
    assert (stored.answers["state"], stored.answers["country"]) == ("outside", "Philippines")
    response = submit_intake(client, timezone="Asia/Manila", country="U.S.A.")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _error_of(page, "state").startswith("Your time zone is outside the United States")


def test_a_registered_nurse_is_shown_the_cdi_route(client, ctx):
    """Ticking "Registered nursing (RN)" reaches the roadmap: CDI is named as an RN's second
    door, with the CCDS among the later credentials."""
    page = client.get("/intake").get_data(as_text=True)
    assert "Registered nursing (RN)" in page
    token = token_of(
        submit_intake(client, experience_kinds=["nursing"], experience_years="8", state="OH")
    )
    roadmap = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert "Your nursing opens a second door: CDI" in roadmap
    assert "Certified Clinical Documentation Specialist" in roadmap


def test_a_coc_a_can_be_declared_and_is_named_as_held(client, ctx):
    """The COC has an apprentice stage too: the form offers the COC-A, refuses it beside the
    COC, and a COC-A holder's roadmap is about removing the A."""
    assert "COC-A: I passed the COC and the A is still on" in client.get("/intake").get_data(
        as_text=True
    )
    both = submit_intake(client, credentials_held=["coc_a", "coc"]).get_data(as_text=True)
    assert _error_of(both, "credentials_held") == (
        "Tick the COC-A or the COC, not both: the COC once the A has come off."
    )
    token = token_of(
        submit_intake(client, credentials_held=["coc_a"], target_setting="hospital", state="OH")
    )
    assert "Apply as a COC-A" in client.get(f"/roadmap/{token}").get_data(as_text=True)
