"""Stored intake answers: a format number, and tolerant loading so that a roadmap made
before the intake questions changed still opens."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import answers_of, roadmap_of
from advising.roadmap.engine import (
    ALWAYS_STORED,
    ANSWERS_FORMAT,
    LOAD_DEFAULTS,
    AnswersError,
    IntakeAnswers,
    answers_from_dict,
    answers_to_dict,
    build_roadmap,
    load_content,
)
from advising.roadmap.engine import answers as answers_module
from tests.factories import make_advisor
from tests.intake.helpers import answers, make_booking, make_intake

#: What the first stored answers looked like: no "format" key, every question of 2026.
FORMAT_1_WITHOUT_KEY = {
    "name": "Dana Reyes",
    "email": "dana@example.com",
    "timezone": "America/Chicago",
    "education": "high_school",
    "current_work": "Retail store manager",
    "healthcare_experience": "none",
    "target_setting": "hospital",
    "hours_per_week": 10,
    "budget": "tight",
    "employer_may_pay": False,
    "learning_format": "online",
    "start_date": "2027-01-04",
    "worries": ["work_family_balance", "cost"],
    "specialties": ["oncology"],
    "goals": "A steady job with benefits",
}


def changed_questions(data: dict) -> dict:
    """``data`` as if a question was dropped since (``preferred_contact``) and another
    (``learning_format``) added later: the old dict has the first and lacks the second."""
    old = {k: v for k, v in data.items() if k not in ("format", "learning_format")}
    old["preferred_contact"] = "phone"
    return old


# ---------------------------------------------------------------------------
# Pure: the engine's answers_to_dict / answers_from_dict
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"worries": (), "specialties": (), "goals": "", "current_work": ""},
        {"employer_may_pay": True, "hours_per_week": 60, "target_setting": "undecided"},
    ],
)
def test_answers_in_the_current_format_load_back_equal(changes):
    original = answers(**changes)
    data = answers_to_dict(original)
    assert data["format"] == ANSWERS_FORMAT
    assert data["start_date"] == original.start_date.isoformat()
    assert answers_from_dict(json.loads(json.dumps(data))) == original


def test_answers_without_a_format_key_are_format_1():
    loaded = answers_from_dict(FORMAT_1_WITHOUT_KEY)
    assert loaded.start_date == date(2027, 1, 4)
    assert loaded.worries == ("work_family_balance", "cost")
    # Stored again, they take the current format and the new questions' "not said" defaults
    # (format 2 added questions only, every one with a default).
    stored = answers_to_dict(loaded)
    assert stored["format"] == ANSWERS_FORMAT == 2
    assert {k: stored[k] for k in FORMAT_1_WITHOUT_KEY} == FORMAT_1_WITHOUT_KEY
    assert stored["employment"] == "unknown" and stored["budget_min"] is None
    assert stored["coding_months"] == 0 and stored["state"] == ""


def test_old_answers_with_a_removed_question_and_without_a_newer_one_load():
    loaded = answers_from_dict(changed_questions(FORMAT_1_WITHOUT_KEY))
    assert not hasattr(loaded, "preferred_contact")
    assert loaded.learning_format == LOAD_DEFAULTS["learning_format"] == "either"
    assert loaded.name == "Dana Reyes" and loaded.budget == "tight"
    older = {k: v for k, v in FORMAT_1_WITHOUT_KEY.items() if k not in ("goals", "worries")}
    assert answers_from_dict(older).goals == "" and answers_from_dict(older).worries == ()


def test_every_question_has_a_default_for_old_answers_except_the_identity():
    """A question added to IntakeAnswers later must get a default (in the dataclass or in
    LOAD_DEFAULTS), or every roadmap stored before it would stop opening."""
    fields = {f.name: f for f in dataclasses.fields(IntakeAnswers)}
    assert set(LOAD_DEFAULTS) <= set(fields), "a default for a question that no longer exists"
    for name, field in fields.items():
        has_default = field.default is not dataclasses.MISSING
        assert has_default or name in LOAD_DEFAULTS or name in ALWAYS_STORED, name
    minimal = {k: FORMAT_1_WITHOUT_KEY[k] for k in ALWAYS_STORED}
    loaded = answers_from_dict(minimal)  # the defaults themselves pass validation
    assert build_roadmap(loaded, load_content()).name == "Dana Reyes"


def test_a_question_added_with_a_default_loads_old_answers(monkeypatch):
    """Simulates the next question set: a subclass adds ``preferred_contact``."""

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class NextIntakeAnswers(IntakeAnswers):
        preferred_contact: str = "email"

    monkeypatch.setattr(answers_module, "IntakeAnswers", NextIntakeAnswers)
    loaded = answers_from_dict(FORMAT_1_WITHOUT_KEY)
    assert isinstance(loaded, NextIntakeAnswers)
    assert loaded.preferred_contact == "email"
    stored = answers_from_dict({**FORMAT_1_WITHOUT_KEY, "preferred_contact": "phone"})
    assert stored.preferred_contact == "phone"


@pytest.mark.parametrize("missing", ALWAYS_STORED)
def test_an_answer_without_a_stand_in_must_be_stored(missing):
    data = {k: v for k, v in FORMAT_1_WITHOUT_KEY.items() if k != missing}
    with pytest.raises(AnswersError) as excinfo:
        answers_from_dict(data)
    assert excinfo.value.field == missing


@pytest.mark.parametrize("fmt", [ANSWERS_FORMAT + 1, 0, "1", True, None])
def test_unknown_formats_are_refused(fmt):
    with pytest.raises(AnswersError, match="unsupported answers format") as excinfo:
        answers_from_dict({**FORMAT_1_WITHOUT_KEY, "format": fmt})
    assert excinfo.value.field == "format"


def test_tolerant_loading_does_not_loosen_validation():
    """Defaults apply only when loading: a new submission must answer every question,
    and a stored value is still checked."""
    values = dataclasses.asdict(answers())
    del values["learning_format"]
    with pytest.raises(TypeError, match="learning_format"):
        IntakeAnswers(**values)
    with pytest.raises(AnswersError) as excinfo:
        answers_from_dict({**FORMAT_1_WITHOUT_KEY, "education": "phd"})
    assert excinfo.value.field == "education"
    with pytest.raises(AnswersError) as excinfo:
        answers_from_dict({**FORMAT_1_WITHOUT_KEY, "start_date": "soon"})
    assert excinfo.value.field == "start_date"


# ---------------------------------------------------------------------------
# Through the app: intakes stored before the questions changed
# ---------------------------------------------------------------------------


def _store_old_answers(intake: Intake, *, unreadable_roadmap: bool) -> None:
    """Rewrite the row as an older version of the app would have left it."""
    intake.answers = changed_questions(intake.answers)
    if unreadable_roadmap:  # e.g. written by an older roadmap format: rebuilt from answers
        intake.roadmap = {**intake.roadmap, "roadmap_format": 0}
    db.session.commit()


def test_new_intakes_store_the_answers_format(ctx):
    intake, _token = make_intake()
    assert intake.answers["format"] == ANSWERS_FORMAT
    assert answers_of(intake) == answers()


@pytest.mark.parametrize("unreadable_roadmap", [False, True])
def test_an_old_roadmap_still_renders_after_the_questions_changed(
    client, ctx, caplog, unreadable_roadmap
):
    intake, token = make_intake()
    _store_old_answers(intake, unreadable_roadmap=unreadable_roadmap)
    db.session.expire_all()
    stored = db.session.scalar(select(Intake))
    assert "learning_format" not in stored.answers and "format" not in stored.answers

    response = client.get(f"/roadmap/{token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Dana Reyes, your route into medical coding" in page
    assert roadmap_of(stored).pathway.name in page
    assert client.get(f"/roadmap/{token}/milestones.ics").status_code == 200
    rebuilt = "stored roadmap unreadable, rebuilt" in caplog.text
    assert rebuilt == unreadable_roadmap  # then the page was made from the old answers


def test_the_advisor_sees_old_answers_on_the_consultation_page(client, ctx, auth):
    advisor = make_advisor(name="Maria Lopez", email="maria@example.org", slug="maria")
    intake, _token = make_intake()
    booking = make_booking(advisor, start=utcnow() - timedelta(hours=2), intake=intake)
    _store_old_answers(intake, unreadable_roadmap=True)

    assert auth.login("maria@example.org").status_code == 302
    response = client.get(f"/me/consultations/{booking.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Career intake and roadmap" in page
    assert "Retail store manager" in page
    assert "Either is fine" in page  # the stand-in for the question the old answers lack


def test_the_advisor_sees_every_answer_the_visitor_gave(client, ctx, auth):
    advisor = make_advisor(name="Maria Lopez", email="maria@example.org", slug="maria")
    intake, _token = make_intake(
        credentials_held=("cca", "rhit"),
        exam_retake="ccs",
        state="TX",
        employment="laid_off",
        employer_type="provider",
        experience_years=2,
        experience_kinds=("front_office",),
        income_need="now",
        budget_min=1500,
        budget_max=1500,
        student_aid="yes",
        military="veteran",
    )
    booking = make_booking(advisor, start=utcnow() + timedelta(days=2), intake=intake)
    auth.login("maria@example.org")
    page = client.get(f"/me/consultations/{booking.id}").get_data(as_text=True)
    import html as html_lib

    text = html_lib.unescape(page)
    assert "<dt>Lives in</dt><dd>TX</dd>" in text
    assert "Laid off or about to be; employer: A healthcare provider" in text
    assert "2 years (Front office" in text or "2 years (front office" in text.lower()
    assert "$1,500 (" in text and "federal student aid: yes" in text
    assert "<dt>Needs an income</dt><dd>As soon as possible</dd>" in text
    assert "<dt>Military</dt><dd>I am a veteran or I serve</dd>" in text
    assert "<dt>Credentials</dt><dd>CCA, RHIT; sat the CCS exam, not passed yet</dd>" in text
    assert "<strong>Roadmap:</strong> CCS. Retake review only" in text


def test_a_plan_stored_before_route_notes_keeps_its_own_words_for_no_program(
    client, ctx, auth
):
    advisor = make_advisor(name="Maria Lopez", email="maria@example.org", slug="maria")
    intake, _token = make_intake(coding_months=14)
    stored = dict(intake.roadmap)
    stored["content_version"] = "2026-12-04.4"  # its formula was the program's own then
    stored["pathway"] = {**stored["pathway"], "formula": "The certificate program is designed"}
    intake.roadmap = stored
    db.session.commit()
    booking = make_booking(advisor, start=utcnow() + timedelta(days=2), intake=intake)
    auth.login("maria@example.org")
    page = client.get(f"/me/consultations/{booking.id}").get_data(as_text=True)
    assert "via exam review only (codes at work already)." in page
    assert "The certificate program is designed" not in page.split("The full roadmap")[0]
