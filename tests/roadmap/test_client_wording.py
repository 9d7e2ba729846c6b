"""What a client reads in a roadmap: no staff notes, addresses or rule talk, US spelling, and
lists worded as sentences. Checked over roadmaps that reach every credential card."""

from __future__ import annotations

import re

import pytest

from advising.roadmap.engine import build_roadmap, roadmap_to_dict
from tests.roadmap.personas import PERSONAS, all_strings

SETTINGS = ("physician_office", "hospital", "payer", "remote", "undecided")
SPECIALTIES = (
    (),
    ("risk_adjustment",),
    ("auditing", "compliance"),
    ("cardiology", "oncology", "cdi"),
    ("outpatient_surgery",),
)


def _roadmaps(content):
    for make in PERSONAS.values():
        for setting in SETTINGS:
            for specialties in SPECIALTIES:
                yield build_roadmap(make(target_setting=setting, specialties=specialties), content)


@pytest.fixture(scope="module")
def texts(content) -> list[str]:
    found: set[str] = set()
    for roadmap in _roadmaps(content):
        found.update(all_strings(roadmap_to_dict(roadmap)))
    return sorted(found)


STAFF_WORDING = re.compile(
    r"https?://|third-party|not checked|our rules|rule vocabulary|was not found|we have not"
    r"|via the firm|to verify",
    re.IGNORECASE,
)
BRITISH = re.compile(
    r"\b(travelling|adverts?|dependants|CV|membership of|organis\w*|colour|centre|enrol|"
    r"enrolment|programme|licence|practise)\b"
)


def test_no_staff_notes_or_addresses_reach_the_client(texts):
    assert [t for t in texts if STAFF_WORDING.search(t)] == []


def test_us_spelling(texts):
    assert [t for t in texts if BRITISH.search(t)] == []


def _text(roadmap) -> str:
    return "\n".join(all_strings(roadmap_to_dict(roadmap)))


def test_picked_areas_read_as_a_sentence(content):
    make = PERSONAS["medical_assistant"]
    text = _text(
        build_roadmap(make(target_setting="payer", specialties=("auditing", "compliance")), content)
    )
    assert "auditing and compliance" in text and "Auditing, Compliance" not in text
    cdi = _text(build_roadmap(make(specialties=("cdi", "risk_adjustment")), content))
    assert "clinical documentation integrity (CDI) and risk adjustment" in cdi


def test_each_later_credential_names_itself_in_its_own_words(content):
    """It said "AAPC offers ...; the CDIP and CCDS and CCC and CHONC matches yours" (the CDIP
    is AHIMA's, the CCDS ACDIS's)."""
    make = PERSONAS["medical_assistant"]
    roadmap = build_roadmap(make(specialties=("cardiology", "oncology", "cdi")), content)
    reasons = {r.credential.code: " ".join(r.reasons) for r in roadmap.later_credentials}
    assert {"CCC", "CHONC", "CDIP", "CCDS"} <= set(reasons)
    assert reasons["CCC"].startswith("The CCC covers one of the areas you picked")
    assert reasons["CHONC"].startswith("The CHONC covers one of the areas you picked")
    assert not any(" and CC" in r or "matches yours" in r for r in reasons.values())
    risk = build_roadmap(make(specialties=("risk_adjustment",)), content)
    said = {r.credential.code: " ".join(r.reasons) for r in risk.later_credentials}
    assert "the CRC is a natural next step" in said["CRC"]


def test_one_year_of_experience_is_singular(content):
    text = _text(
        build_roadmap(
            PERSONAS["medical_assistant"](
                healthcare_experience="some", experience_years=1, experience_kinds=("clinical",)
            ),
            content,
        )
    )
    assert "1 year of healthcare or insurance work means" in text and "1 years" not in text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Philippines", "You live in the Philippines."),
        ("philippines", "You live in the Philippines."),
        ("United Kingdom", "You live in the United Kingdom."),
        ("the Netherlands", "You live in the Netherlands."),
        ("Canada", "You live in Canada."),
        ("united arab emirates", "You live in the United Arab Emirates."),
        ("U.K.", "You live in the United Kingdom."),
        ("UAE", "You live in the United Arab Emirates."),
        ("Nigeria.", "You live in Nigeria."),
    ],
)
def test_a_country_is_named_as_a_sentence_names_it(content, typed, said):
    answers = PERSONAS["medical_assistant"](state="outside", country=typed)
    assert said in _text(build_roadmap(answers, content))


def test_work_left_blank_is_not_quoted_and_typed_work_is_not_spliced(content):
    """ "Your background (your current work) gives you ..." and "Habits from Pharmacy
    technician, former Army medic, such as ..." read badly."""
    blank = _text(
        build_roadmap(
            PERSONAS["medical_assistant"](current_work="", healthcare_experience="some"), content
        )
    )
    assert "(your current work)" not in blank and "You have non-clinical healthcare" in blank
    # the experience answered is credited as such, not to the job named (a logistics job)
    logistics = _text(
        build_roadmap(
            PERSONAS["medical_assistant"](
                current_work="Logistics specialist", healthcare_experience="some"
            ),
            content,
        )
    )
    assert "(Logistics specialist) gives you" not in logistics
    typed = _text(
        build_roadmap(
            PERSONAS["hospital_career_changer"](current_work="Pharmacy technician, veteran"),
            content,
        )
    )
    assert "Habits from Pharmacy technician" not in typed
    assert "Habits from your current work (Pharmacy technician, veteran), such as" in typed


def test_a_plan_outside_the_us_keeps_no_us_holidays_and_names_no_community_colleges(content):
    from datetime import date

    make = PERSONAS["hospital_career_changer"]
    observed_holiday = date(2027, 7, 5)  # Independence Day observed (July 4 is a Sunday)
    kwargs = dict(start_date=observed_holiday, learning_format="in_person", worries=("cost",))
    abroad = build_roadmap(make(state="outside", country="Philippines", **kwargs), content)
    home = build_roadmap(make(state="TX", **kwargs), content)
    assert abroad.milestones[0].date == observed_holiday
    assert home.milestones[0].date == date(2027, 7, 6)
    text = _text(abroad)
    assert "community college" not in text and "US federal holidays" not in text
    assert "local college" in text
    assert "community college" in _text(home)


@pytest.mark.parametrize(
    ("employment", "said"), [("not_working", "Your past work"), ("employed", "Your current work")]
)
def test_work_someone_has_left_is_not_called_their_current_work(content, employment, said):
    roadmap = build_roadmap(
        PERSONAS["medical_assistant"](employment=employment, current_work="Army combat medic"),
        content,
    )
    assert f"{said} (Army combat medic) gives you" in " ".join(roadmap.credentials[0].reasons)


def test_no_country_typed_is_not_called_your_country(content):
    roadmap = build_roadmap(PERSONAS["school_leaver"](state="outside", country=""), content)
    text = " ".join(all_strings(roadmap_to_dict(roadmap)))
    assert "You live in your country" not in text
    assert "You live outside the United States." in text


def test_the_specialty_step_counts_coding_done_before_the_plan(content):
    """'With about a year of coding behind you' was said to coders with 30 months; someone
    who has coded before the plan reads 'a year or more'."""
    def specialization(**changes):
        roadmap = build_roadmap(PERSONAS["medical_assistant"](**changes), content)
        return next(m.description for m in roadmap.milestones if m.key == "specialization")

    assert specialization().startswith("With about a year of coding behind you")
    coder = specialization(credentials_held=("cpc",), coding_months=30, employment="retired")
    assert "a year or more of coding behind you" in coder


def test_a_claims_examiner_knows_how_paperwork_moves_through_an_insurer(content):
    examiner = build_roadmap(
        PERSONAS["hospital_career_changer"](
            healthcare_experience="some", experience_kinds=("payer_claims",), experience_years=5
        ),
        content,
    )
    reasons = " ".join(examiner.credentials[0].reasons)
    assert "move through an insurer" in reasons and "through a practice" not in reasons
    front_desk = build_roadmap(
        PERSONAS["hospital_career_changer"](healthcare_experience="some"), content
    )
    assert "move through a practice" in " ".join(front_desk.credentials[0].reasons)
