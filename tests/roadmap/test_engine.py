"""Roadmap engine: pure tests, no app, no database."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advising.roadmap import engine
from advising.roadmap.engine import (
    BUDGETS,
    DEFAULT_CONTENT_PATH,
    EDUCATION_LEVELS,
    FIXED_CHOICES,
    HEALTHCARE_EXPERIENCE,
    LEARNING_FORMATS,
    TARGET_SETTINGS,
    AnswersError,
    Content,
    ContentError,
    IntakeAnswers,
    Roadmap,
    build_roadmap,
    form_choices,
    load_content,
    parse_content,
    roadmap_from_dict,
    roadmap_to_dict,
)

REQUIRED_MILESTONES = (
    "program_start",
    "program_complete",
    "exam_registration",
    "exam",
    "job_search",
    "first_job",
    "specialization",
    "continuing_education",
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def hospital_career_changer(**changes) -> IntakeAnswers:
    """(1) Retail manager moving into hospital coding with 5 hours a week and little money."""
    answers = IntakeAnswers(
        name="Dana Reyes",
        email="dana@example.com",
        timezone="America/Chicago",
        education="high_school",
        current_work="Retail store manager",
        healthcare_experience="none",
        target_setting="hospital",
        hours_per_week=5,
        budget="tight",
        employer_may_pay=False,
        learning_format="online",
        start_date=date(2027, 1, 4),
        worries=("work_family_balance", "cost", "career_change"),
        specialties=(),
        goals="A steady job with benefits",
    )
    return dataclasses.replace(answers, **changes)


def medical_assistant(**changes) -> IntakeAnswers:
    """(2) Medical assistant aiming at a physician office with 20 hours a week."""
    answers = IntakeAnswers(
        name="Maria Okafor",
        email="maria@example.org",
        timezone="America/New_York",
        education="some_college",
        current_work="Medical assistant at a family practice",
        healthcare_experience="clinical",
        target_setting="physician_office",
        hours_per_week=20,
        budget="moderate",
        employer_may_pay=True,
        learning_format="in_person",
        start_date=date(2027, 3, 1),
        worries=("exams", "motivation"),
        specialties=("cardiology",),
        goals="Move from the front of the clinic to coding within the year",
    )
    return dataclasses.replace(answers, **changes)


def school_leaver(**changes) -> IntakeAnswers:
    """(3) School leaver who has not picked a setting yet."""
    answers = IntakeAnswers(
        name="Sam Lee",
        email="sam.lee@example.net",
        timezone="Europe/London",
        education="high_school",
        current_work="",
        healthcare_experience="none",
        target_setting="undecided",
        hours_per_week=25,
        budget="moderate",
        employer_may_pay=False,
        learning_format="either",
        start_date=date(2026, 9, 7),
        worries=("motivation", "exams"),
        specialties=(),
        goals="Build a long-term career in healthcare",
    )
    return dataclasses.replace(answers, **changes)


PERSONAS = {
    "hospital_career_changer": hospital_career_changer,
    "medical_assistant": medical_assistant,
    "school_leaver": school_leaver,
}


def milestone(roadmap: Roadmap, key: str):
    return next(m for m in roadmap.milestones if m.key == key)


def all_strings(value) -> list[str]:
    """Every piece of text in a roadmap dict."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


# ---------------------------------------------------------------------------
# Content file
# ---------------------------------------------------------------------------


def test_shipped_content_loads_with_version_and_form_choices(content):
    assert re.fullmatch(r"\S+", content.version)
    choices = form_choices(content)
    for field, values in FIXED_CHOICES.items():
        assert tuple(v for v, _ in choices[field]) == values
        assert all(label.strip() for _, label in choices[field])
    for field in ("worries", "specialties"):
        assert choices[field], field
    worry_values = {v for v, _ in choices["worries"]}
    assert {"work_family_balance", "exams", "cost", "motivation"} <= worry_values
    specialty_values = {v for v, _ in choices["specialties"]}
    assert {"risk_adjustment", "auditing", "oncology", "cardiology", "outpatient_surgery"} <= (
        specialty_values
    )
    assert content.labels("target_setting")["hospital"] == "Hospital"


def test_engine_module_imports_neither_flask_nor_sqlalchemy():
    """Every module of the engine package; inside it, only relative imports."""
    modules = sorted(Path(engine.__file__).parent.glob("*.py"))
    assert len(modules) > 1
    imported = set()
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add((node.module or "").split(".")[0])
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "advising"}


# ---------------------------------------------------------------------------
# Three contrasting people
# ---------------------------------------------------------------------------


def test_hospital_career_changer_gets_cca_then_ccs_and_a_slow_cheap_certificate(content):
    roadmap = build_roadmap(hospital_career_changer(), content)

    primary, following = roadmap.credentials
    assert (primary.credential.code, primary.role) == ("CCA", "primary")
    assert (following.credential.code, following.role) == ("CCS", "next")
    reasons = " ".join(primary.reasons)
    assert "a hospital" in reasons
    assert "no healthcare work experience yet" in reasons
    assert "a high school diploma" in reasons
    assert "experienced hospital coders" in following.reasons[0]
    assert roadmap.comparison == ()

    pathway = roadmap.pathway
    assert pathway.key == "certificate"
    pathway_reasons = " ".join(pathway.reasons)
    assert "a tight budget" in pathway_reasons
    assert "5 hours a week" in pathway_reasons
    # 26 weeks x 20 h = 520 h of work, at 5 h/week -> 104 weeks.
    assert (pathway.total_hours, pathway.duration_weeks) == (520, 104)
    assert pathway.duration_months == pytest.approx(23.9)
    assert "520 hours" in pathway.formula and "104 weeks" in pathway.formula
    assert "3,120 hours" in build_roadmap(school_leaver(), content).pathway.formula

    # CCA: prep 120 h at 5 h/week = 24 weeks; register 8 weeks before (inside 120 days).
    end = milestone(roadmap, "program_complete").date
    assert end == date(2027, 1, 4) + timedelta(weeks=104)
    exam = milestone(roadmap, "exam").date
    assert exam == end + timedelta(weeks=24)
    assert exam - milestone(roadmap, "exam_registration").date == timedelta(weeks=8)
    assert milestone(roadmap, "credential_upgrade").title == "Move up to the CCS"
    # AHIMA's first CEU cycle runs two years from the exam day.
    assert milestone(roadmap, "continuing_education").date == exam + timedelta(weeks=104)


def test_medical_assistant_gets_cpc_and_a_six_month_certificate(content):
    roadmap = build_roadmap(medical_assistant(), content)

    (primary,) = roadmap.credentials
    assert (primary.credential.code, primary.credential.body) == ("CPC", "AAPC")
    reasons = " ".join(primary.reasons)
    assert "a physician office or clinic" in reasons
    assert "Medical assistant at a family practice" in reasons
    assert "hands-on clinical experience" in reasons
    assert "CPC-A" in reasons

    pathway = roadmap.pathway
    assert pathway.key == "certificate"
    assert "hands-on clinical experience" in " ".join(pathway.reasons)
    assert pathway.duration_weeks == 26  # exactly the designed pace
    assert "in-person" in pathway.format_advice.lower()

    exam = milestone(roadmap, "exam").date
    assert exam == date(2027, 3, 1) + timedelta(weeks=26 + 6)  # prep 120 h / 20 h = 6 weeks
    assert milestone(roadmap, "exam_registration").date == exam - timedelta(weeks=6)
    first_job = milestone(roadmap, "first_job").date
    assert first_job == exam + timedelta(weeks=1 + 12)  # clinical experience: 12-week search
    assert "A from your CPC-A" in milestone(roadmap, "credential_upgrade").title
    assert "Cardiology" in milestone(roadmap, "specialization").description
    assert [s.key for s in roadmap.specialties] == ["cardiology"]
    assert any(step.key == "ask_employer" for step in roadmap.next_steps)


def test_undecided_school_leaver_gets_comparison_and_associate_degree(content):
    roadmap = build_roadmap(school_leaver(), content)

    assert [c.code for c in roadmap.comparison] == ["CPC", "CCA", "CCS"]
    for row in roadmap.comparison:
        assert row.fits and row.eligibility and row.exam and row.upkeep and row.source
    (primary,) = roadmap.credentials
    assert primary.credential.code == "CPC"
    assert "not chosen a setting" in primary.reasons[0]

    pathway = roadmap.pathway
    assert pathway.key == "associate_degree"
    pathway_reasons = " ".join(pathway.reasons)
    assert "a high school diploma" in pathway_reasons
    assert "25 hours a week" in pathway_reasons
    assert "room to grow" in pathway_reasons  # "long-term" in the goals
    # 104 weeks x 30 h = 3,120 h, at 25 h/week -> ceil(124.8) = 125 weeks.
    assert (pathway.total_hours, pathway.duration_weeks) == (3120, 125)
    assert milestone(roadmap, "program_complete").date == date(2026, 9, 7) + timedelta(weeks=125)
    assert any(step.key == "compare_settings" for step in roadmap.next_steps)
    assert "pick an area to deepen" in milestone(roadmap, "specialization").description


def test_the_three_people_get_different_justified_results(content):
    roadmaps = {key: build_roadmap(make(), content) for key, make in PERSONAS.items()}
    primaries = {k: r.primary_credential.code for k, r in roadmaps.items()}
    assert primaries == {
        "hospital_career_changer": "CCA",
        "medical_assistant": "CPC",
        "school_leaver": "CPC",
    }
    weeks = {k: r.pathway.duration_weeks for k, r in roadmaps.items()}
    assert weeks == {"hospital_career_changer": 104, "medical_assistant": 26, "school_leaver": 125}
    for roadmap in roadmaps.values():
        assert roadmap.credentials[0].reasons and roadmap.pathway.reasons


@pytest.mark.parametrize(
    ("setting", "experience", "codes"),
    [
        ("payer", "some", ["CPC", "CCA"]),
        ("remote", "none", ["CPC"]),
        ("hospital", "coding_billing", ["CCS"]),
    ],
)
def test_other_settings_choose_sensibly(content, setting, experience, codes):
    answers = medical_assistant(target_setting=setting, healthcare_experience=experience)
    roadmap = build_roadmap(answers, content)
    assert [c.credential.code for c in roadmap.credentials] == codes
    assert roadmap.credentials[0].reasons
    if setting == "remote":
        assert "remote proctor" in " ".join(roadmap.credentials[0].reasons)


def test_payer_reasons_mention_chosen_risk_adjustment(content):
    answers = medical_assistant(target_setting="payer", specialties=("risk_adjustment",))
    reasons = " ".join(build_roadmap(answers, content).credentials[0].reasons)
    assert "Risk adjustment" in reasons


def test_pathway_rules_degree_holder_and_speed_goal_pick_certificate(content):
    graduate = school_leaver(education="bachelor")
    roadmap = build_roadmap(graduate, content)
    assert roadmap.pathway.key == "certificate"
    assert "a bachelor's degree" in " ".join(roadmap.pathway.reasons)
    hurry = school_leaver(goals="I want to start working as soon as possible")
    assert build_roadmap(hurry, content).pathway.key == "certificate"


# ---------------------------------------------------------------------------
# Durations and dates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "weeks"), [(5, 104), (10, 52), (13, 40), (20, 26), (26, 20)])
def test_certificate_duration_scales_with_hours(content, hours, weeks):
    roadmap = build_roadmap(medical_assistant(hours_per_week=hours), content)
    assert roadmap.pathway.key == "certificate"
    assert roadmap.pathway.duration_weeks == weeks == max(20, math.ceil(520 / hours))


def test_duration_never_drops_below_program_minimum(content):
    roadmap = build_roadmap(medical_assistant(hours_per_week=60), content)
    assert roadmap.pathway.duration_weeks == 20
    assert "cannot be completed in under 20 weeks" in roadmap.pathway.formula


def test_milestones_are_dated_in_order_from_the_start_date(content):
    for make in PERSONAS.values():
        answers = make()
        roadmap = build_roadmap(answers, content)
        keys = [m.key for m in roadmap.milestones]
        assert set(REQUIRED_MILESTONES) <= set(keys)
        dates = [m.date for m in roadmap.milestones]
        assert dates == sorted(dates)
        assert roadmap.milestones[0].key == "program_start"
        assert roadmap.milestones[0].date == answers.start_date
        assert all(m.title and m.description for m in roadmap.milestones)
        assert keys.index("job_search") < keys.index("first_job") < keys.index("specialization")

        later = build_roadmap(
            dataclasses.replace(answers, start_date=answers.start_date + timedelta(days=100)),
            content,
        )
        assert [m.date - timedelta(days=100) for m in later.milestones] == dates


# ---------------------------------------------------------------------------
# Study plan, worries, outlook, next steps
# ---------------------------------------------------------------------------


def test_weekly_study_plan_adds_up_to_the_hours(content):
    for make in PERSONAS.values():
        answers = make()
        plan = build_roadmap(answers, content).study_plan
        assert plan.hours_per_week == answers.hours_per_week
        assert sum(b.hours for b in plan.blocks) == answers.hours_per_week
        assert all(b.hours > 0 and b.hours * 2 == int(b.hours * 2) for b in plan.blocks)


def test_work_family_worry_keeps_sessions_short(content):
    plan = build_roadmap(hospital_career_changer(hours_per_week=12), content).study_plan
    per_day: dict[str, float] = {}
    for block in plan.blocks:
        per_day[block.day] = per_day.get(block.day, 0) + block.hours
    assert max(per_day.values()) <= 2
    assert sum(per_day.values()) == 12


def test_exam_worry_gives_practice_tests_more_time(content):
    def practice_hours(answers):
        plan = build_roadmap(answers, content).study_plan
        return sum(b.hours for b in plan.blocks if b.focus.startswith("Practice"))

    assert practice_hours(medical_assistant(worries=("exams",))) > practice_hours(
        medical_assistant(worries=())
    )


def test_every_worry_is_answered_with_tailored_strategies(content):
    for make in PERSONAS.values():
        answers = make()
        roadmap = build_roadmap(answers, content)
        assert [w.key for w in roadmap.worries] == list(answers.worries)
        for worry in roadmap.worries:
            assert worry.label and worry.summary
            assert len(worry.strategies) >= 2

    cost = build_roadmap(hospital_career_changer(), content).worries[1]
    assert cost.key == "cost"
    assert any("scholarship" in s for s in cost.strategies)
    assert any("a tight budget" in s for s in cost.strategies)
    assert not any("You said your employer may pay" in s for s in cost.strategies)
    helped = build_roadmap(hospital_career_changer(employer_may_pay=True), content).worries[1]
    assert any("You said your employer may pay" in s for s in helped.strategies)

    exams = build_roadmap(medical_assistant(), content).worries[0]
    assert any("one retake" in s for s in exams.strategies)  # CPC-specific fact
    changer = build_roadmap(hospital_career_changer(), content).worries[2]
    assert any("Retail store manager" in s for s in changer.strategies)


def test_outlook_figures_each_carry_source_and_year(content):
    roadmap = build_roadmap(school_leaver(), content)
    keys = {f.key for f in roadmap.outlook}
    assert {"jobs", "growth", "median_pay"} <= keys
    for figure in roadmap.outlook:
        assert figure.value and figure.label
        assert "Bureau of Labor Statistics" in figure.source
        assert re.fullmatch(r"\d{4}(-\d{4})?", figure.year)
    values = {f.key: f.value for f in roadmap.outlook}
    assert "186,400" in values["jobs"]
    assert "7%" in values["growth"]
    assert "$46,660" in values["median_pay"]


def test_next_steps_end_with_booking_a_consultation(content):
    for make in PERSONAS.values():
        answers = make()
        steps = build_roadmap(answers, content).next_steps
        assert len(steps) >= 3
        assert steps[-1].key == "book_consultation"
        assert answers.email in steps[-1].description
        assert [s.key for s in steps].count("book_consultation") == 1


def test_content_version_is_stored_with_the_roadmap(content):
    assert build_roadmap(school_leaver(), content).content_version == content.version


# ---------------------------------------------------------------------------
# Determinism and serialisation
# ---------------------------------------------------------------------------


def test_same_answers_and_content_give_the_same_roadmap(content):
    for make in PERSONAS.values():
        first = build_roadmap(make(), content)
        again = build_roadmap(make(), load_content())
        assert first == again
        assert json.dumps(roadmap_to_dict(first)) == json.dumps(roadmap_to_dict(again))


def test_roadmap_dict_round_trip_through_json(content):
    for make in PERSONAS.values():
        roadmap = build_roadmap(make(), content)
        data = roadmap_to_dict(roadmap)
        text = json.dumps(data)  # JSON-safe
        assert data["start_date"] == roadmap.start_date.isoformat()
        assert data["milestones"][0]["date"] == roadmap.milestones[0].date.isoformat()
        assert roadmap_from_dict(json.loads(text)) == roadmap


def test_roadmap_from_dict_rejects_damaged_data(content):
    data = roadmap_to_dict(build_roadmap(medical_assistant(), content))
    broken = json.loads(json.dumps(data))
    del broken["pathway"]["duration_weeks"]
    with pytest.raises(ValueError, match=r"roadmap\.pathway\.duration_weeks"):
        roadmap_from_dict(broken)
    bad_date = json.loads(json.dumps(data))
    bad_date["milestones"][2]["date"] = "soon"
    with pytest.raises(ValueError, match=r"roadmap\.milestones\[2\]\.date"):
        roadmap_from_dict(bad_date)


# ---------------------------------------------------------------------------
# Answers validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_setting": "spaceship"}, "target_setting"),
        ({"education": "phd"}, "education"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 61}, "hours_per_week"),
        ({"hours_per_week": 7.5}, "hours_per_week"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "  "}, "name"),
        ({"start_date": "2027-01-01"}, "start_date"),
    ],
)
def test_invalid_answers_name_the_field(change, field):
    with pytest.raises(AnswersError) as excinfo:
        medical_assistant(**change)
    assert excinfo.value.field == field


def test_unknown_worry_is_rejected_at_build(content):
    with pytest.raises(AnswersError, match="worries"):
        build_roadmap(medical_assistant(worries=["alien_abduction"]), content)


def test_answers_accept_lists_and_drop_duplicates():
    answers = medical_assistant(worries=["exams", "cost", "exams"])
    assert answers.worries == ("exams", "cost")


# ---------------------------------------------------------------------------
# Content schema errors
# ---------------------------------------------------------------------------


SHIPPED = DEFAULT_CONTENT_PATH.read_text(encoding="utf-8")


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    assert SHIPPED.count(old) == 1, old
    path = tmp_path / "content.toml"
    path.write_text(SHIPPED.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "prep_hours = 120\nregistration_lead_weeks = 6",
            "registration_lead_weeks = 6",
            "content.toml: credentials.cpc.prep_hours is missing",
        ),
        (
            "prep_hours = 120\nregistration_lead_weeks = 6",
            'prep_hours = "ten"\nregistration_lead_weeks = 6',
            "content.toml: credentials.cpc.prep_hours must be a number (got 'ten')",
        ),
        (
            'content_version = "2026-11-24.1"',
            "content_version = 3",
            "content.toml: content_version must be non-empty text",
        ),
        (
            'checked_on = 2026-11-24\ncode_sets = "ICD-10-CM, CPT',
            'checked_on = "last week"\ncode_sets = "ICD-10-CM, CPT',
            "content.toml: credentials.cpc.checked_on must be a date",
        ),
        (
            'year = "2021-2031"\nsource = "U.S. Bureau of Labor Statistics projection, as quoted'
            " in the firm's career guide\"\nnote",
            'year = "recently"\nsource = "U.S. Bureau of Labor Statistics projection, as quoted'
            " in the firm's career guide\"\nnote",
            "content.toml: outlook[1].year must be a year",
        ),
        (
            'graduate = { label = "Graduate degree", phrase = "a graduate degree" }\n',
            "",
            "content.toml: choices.education.graduate is missing",
        ),
        (
            "designed_weeks = 26\n",
            "designed_weks = 26\n",
            "content.toml: pathways.certificate.designed_weks is not a known key",
        ),
        (
            'title = "Shortlist three programs"',
            'title = "Shortlist programs for {nickname}"',
            "content.toml: next_steps[0].title uses unknown placeholder {nickname}",
        ),
        (
            'when = "budget = tight"\ntitle = "Price',
            'when = "budget = cheap"\ntitle = "Price',
            "content.toml: next_steps[2].when condition 'budget = cheap'",
        ),
        (
            'study_focus = "review"',
            'study_focus = "yoga"',
            "content.toml: worries.motivation.study_focus 'yoga' is not a study_plan.focus key",
        ),
        (
            "registration_lead_weeks = 8\ntest_window_days = 120",
            "registration_lead_weeks = 20\ntest_window_days = 120",
            "content.toml: credentials.cca.registration_lead_weeks (20 weeks) must fit",
        ),
    ],
)
def test_content_schema_errors_name_the_key(tmp_path, old, new, message):
    with pytest.raises(ContentError) as excinfo:
        load_content(write_variant(tmp_path, old, new))
    assert str(excinfo.value).startswith(message), str(excinfo.value)


def test_content_errors_for_unreadable_files(tmp_path):
    with pytest.raises(ContentError, match=r"^nowhere\.toml: cannot be read"):
        load_content(tmp_path / "nowhere.toml")
    broken = tmp_path / "content.toml"
    broken.write_text("content_version = \n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^content\.toml: is not valid TOML"):
        load_content(broken)


def test_parse_content_checks_a_missing_section():
    raw = tomllib.loads(SHIPPED)
    del raw["reasons"]["ccs_direct"]
    with pytest.raises(ContentError, match=r"^content\.toml: reasons\.ccs_direct is missing$"):
        parse_content(raw)


def test_edited_wording_flows_into_the_roadmap(tmp_path):
    path = write_variant(
        tmp_path,
        'content_version = "2026-11-24.1"',
        'content_version = "2027-01-01.1"',
    )
    edited = load_content(path)
    roadmap = build_roadmap(medical_assistant(), edited)
    assert roadmap.content_version == "2027-01-01.1"


# ---------------------------------------------------------------------------
# Property: any valid answers give a consistent roadmap
# ---------------------------------------------------------------------------

CONTENT = load_content()
WORRIES = tuple(CONTENT.worries)
SPECIALTIES = tuple(CONTENT.specialties)

answers_strategy = st.builds(
    IntakeAnswers,
    name=st.just("Alex Doe"),
    email=st.just("alex@example.com"),
    timezone=st.sampled_from(["UTC", "America/Denver", "Asia/Manila"]),
    education=st.sampled_from(EDUCATION_LEVELS),
    current_work=st.sampled_from(["", "Cashier", "Nurse aide {not a placeholder}"]),
    healthcare_experience=st.sampled_from(HEALTHCARE_EXPERIENCE),
    target_setting=st.sampled_from(TARGET_SETTINGS),
    hours_per_week=st.integers(1, 60),
    budget=st.sampled_from(BUDGETS),
    employer_may_pay=st.booleans(),
    learning_format=st.sampled_from(LEARNING_FORMATS),
    start_date=st.dates(date(2025, 1, 1), date(2035, 12, 31)),
    worries=st.lists(st.sampled_from(WORRIES), unique=True).map(tuple),
    specialties=st.lists(st.sampled_from(SPECIALTIES), unique=True).map(tuple),
    goals=st.sampled_from(["", "lead a team one day", "get hired fast"]),
)


@settings(max_examples=150, deadline=None, database=None)
@given(answers_strategy)
def test_any_valid_answers_build_a_consistent_roadmap(answers):
    roadmap = build_roadmap(answers, CONTENT)
    dates = [m.date for m in roadmap.milestones]
    assert dates == sorted(dates) and dates[0] == answers.start_date
    assert sum(b.hours for b in roadmap.study_plan.blocks) == answers.hours_per_week
    assert (
        roadmap.pathway.duration_weeks
        >= math.ceil(roadmap.pathway.total_hours / answers.hours_per_week)
        or roadmap.pathway.duration_weeks == CONTENT.pathways[roadmap.pathway.key].min_weeks
    )
    assert roadmap.next_steps[-1].key == "book_consultation"
    assert [w.key for w in roadmap.worries] == list(answers.worries)
    assert bool(roadmap.comparison) == (answers.target_setting == "undecided")
    for text in all_strings(roadmap_to_dict(roadmap)):  # every placeholder was filled
        assert "{" not in text.replace("{not a placeholder}", ""), text
    assert roadmap_from_dict(json.loads(json.dumps(roadmap_to_dict(roadmap)))) == roadmap
