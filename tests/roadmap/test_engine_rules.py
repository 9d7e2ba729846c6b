"""Roadmap engine, the rules: credentials, pathways, dates, study plan, worries, answers."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import date, timedelta

import pytest

from advising.roadmap.engine import (
    AnswersError,
    build_roadmap,
)
from advising.roadmap.engine.advice import code_year_change, experience_credit
from tests.roadmap.personas import (
    PERSONAS,
    hospital_career_changer,
    medical_assistant,
    milestone,
    school_leaver,
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
    assert "3,120 hours" in build_roadmap(school_leaver(hours_per_week=30), content).pathway.formula

    # Roadmap 2.0: exam review sits inside the program, so the exam follows 4 weeks after it
    # (was: 24 more weeks of preparation after it). 2029-01-01 is New Year's Day: the date
    # moves to the next business day; registration is the next free business day after.
    end = milestone(roadmap, "program_complete").date
    assert end == date(2027, 1, 4) + timedelta(weeks=104, days=1)
    exam = milestone(roadmap, "exam").date
    assert exam == date(2027, 1, 4) + timedelta(weeks=104 + 4)
    # AHIMA's lead time (8 weeks) puts registration inside the program's last weeks
    registration = milestone(roadmap, "exam_registration").date
    assert exam - timedelta(weeks=8) <= registration < end < exam
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
    # Roadmap 2.0: review inside the program, the exam 4 weeks after it ends.
    assert exam == date(2027, 3, 1) + timedelta(weeks=26 + 4)
    # AAPC's 6-week lead: registered in the program's last weeks, not the day after it
    assert milestone(roadmap, "exam_registration").date == exam - timedelta(weeks=6)
    first_job = milestone(roadmap, "first_job").date
    assert first_job == exam + timedelta(weeks=1 + 12)  # clinical experience: 12-week search
    assert "A from your CPC-A" in milestone(roadmap, "credential_upgrade").title
    assert "toward cardiology." in milestone(roadmap, "specialization").description
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
    assert "30 hours a week" in pathway_reasons
    assert "room to grow" in pathway_reasons  # "long-term" in the goals
    # 104 weeks x 30 h = 3,120 h, at 30 h/week -> 104 weeks.
    assert (pathway.total_hours, pathway.duration_weeks) == (3120, 104)
    # Roadmap 2.0: degree programs start on terms: 2027-01-12 is the first after 2026-09-07.
    assert milestone(roadmap, "program_start").date == date(2027, 1, 12)
    assert milestone(roadmap, "program_complete").date == date(2027, 1, 12) + timedelta(weeks=104)
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
    assert weeks == {"hospital_career_changer": 104, "medical_assistant": 26, "school_leaver": 104}
    for roadmap in roadmaps.values():
        assert roadmap.credentials[0].reasons and roadmap.pathway.reasons


@pytest.mark.parametrize(
    ("setting", "experience", "coding_months", "codes"),
    [
        ("payer", "some", 0, ["CPC", "CCA"]),
        ("remote", "none", 0, ["CPC"]),
        # billing is not coding; AHIMA recommends two years of coding (or the CCA and a
        # year) before the CCS
        ("hospital", "coding_billing", 0, ["CCA", "CCS"]),
        ("hospital", "coding_billing", 11, ["CCA", "CCS"]),
        ("hospital", "coding_billing", 12, ["CCA", "CCS"]),
        ("hospital", "coding_billing", 24, ["CCS"]),
    ],
)
def test_other_settings_choose_sensibly(content, setting, experience, coding_months, codes):
    answers = medical_assistant(
        target_setting=setting, healthcare_experience=experience, coding_months=coding_months
    )
    roadmap = build_roadmap(answers, content)
    assert [c.credential.code for c in roadmap.credentials] == codes
    assert roadmap.credentials[0].reasons
    if setting == "remote":  # an in-person learner is not told of the online exam
        assert "remote proctor" not in " ".join(roadmap.credentials[0].reasons)
        online = build_roadmap(dataclasses.replace(answers, learning_format="online"), content)
        assert "remote proctor" in " ".join(online.credentials[0].reasons)


def test_payer_reasons_mention_chosen_risk_adjustment(content):
    answers = medical_assistant(target_setting="payer", specialties=("risk_adjustment",))
    reasons = " ".join(build_roadmap(answers, content).credentials[0].reasons)
    assert "picked risk adjustment." in reasons


def test_pathway_rules_degree_holder_and_speed_goal_pick_certificate(content):
    graduate = school_leaver(education="bachelor")
    roadmap = build_roadmap(graduate, content)
    assert roadmap.pathway.key == "certificate"
    assert "a bachelor's degree" in " ".join(roadmap.pathway.reasons)
    hurry = school_leaver(goals="I want to start working as soon as possible")
    assert build_roadmap(hurry, content).pathway.key == "certificate"


def test_someone_abroad_is_not_sent_to_a_us_associate_degree(content):
    """The school leaver's answers choose the degree at home; from the United Kingdom the
    degree would be a US one online, and the certificate is chosen, saying why."""
    assert build_roadmap(school_leaver(), content).pathway.key == "associate_degree"
    abroad = build_roadmap(school_leaver(state="outside", country="United Kingdom"), content)
    assert abroad.pathway.key == "certificate"
    assert abroad.pathway.reasons[0].startswith("You live in the United Kingdom: the degree")


@pytest.mark.parametrize(
    ("goals", "wants_advancement"),
    [
        ("I don't want another degree, just a job", False),
        ("I don\u2019t want another degree, just a job", False),
        ("A job without a degree or management duties", False),
        ("Something that could lead to working from home", False),
        ("No management, I just like detail work", False),
        ("Not sure about a degree, but I want to move into management later", True),
        ("Become a team lead or auditor in five years", True),
        ("A long-term career with room to grow into leadership", True),
        ("I do not want to spend years on a degree", False),
        ("I don't want to go back to school for a degree", False),
        ("I wouldn't want another degree", False),
        ("A non-degree course, then a job", False),
        ("A job with no commute and a long-term career", True),
        ("No student debt and a promotion path", True),
        ("I can't wait to advance", True),
    ],
)
def test_goals_said_in_the_negative_do_not_count_for_the_degree(content, goals, wants_advancement):
    roadmap = build_roadmap(school_leaver(goals=goals), content)
    reasons = " ".join(roadmap.pathway.reasons)
    assert ("Your goals point to" in reasons) is wants_advancement, reasons


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
        # Roadmap 2.0: the start date, or the next business day / term start after it.
        assert roadmap.milestones[0].date >= answers.start_date
        assert all(m.title and m.description for m in roadmap.milestones)
        assert keys.index("job_search") < keys.index("first_job") < keys.index("specialization")

        later = build_roadmap(
            dataclasses.replace(answers, start_date=answers.start_date + timedelta(days=100)),
            content,
        )
        # Roadmap 2.0: dates move with the start date, give or take the days that the
        # business-day rule and term starts add.
        shifts = [(m.date - d).days for m, d in zip(later.milestones, dates, strict=True)]
        if roadmap.pathway.key == "certificate":
            assert all(93 <= shift <= 107 for shift in shifts), shifts
        else:  # a term start: the whole plan waits for the next term
            assert all(shift >= 0 for shift in shifts), shifts


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
    assert any("includes a retake" in s for s in exams.strategies)  # CPC-specific fact
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
    # Roadmap 2.0: the current BLS edition (2024-34), not the guide's 2021-31 figures.
    assert "194,800" in values["jobs"]
    assert "7%" in values["growth"]
    assert "$50,250" in values["median_pay"]


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


def test_a_coder_of_a_year_starts_an_exam_review_not_a_program(content):
    coder = medical_assistant(healthcare_experience="coding_billing", coding_months=30)
    roadmap = build_roadmap(coder, content)
    start = milestone(roadmap, "program_start")
    assert start.title == "Start your exam review"
    assert "30 months of coding at work" in start.description
    texts = " ".join(f"{m.title} {m.description}" for m in roadmap.milestones)
    assert "Enroll in" not in texts and "after your training ends" not in texts
    exam = milestone(roadmap, "exam").date
    registration = milestone(roadmap, "exam_registration").description
    assert f"{exam:%B} {exam.day}, {exam.year}" in registration


def test_registration_says_where_the_exam_of_the_plan_is_sat(content):
    """AHIMA's exams are at test centers, the CPC also online; where the source does not
    say (the CRC), the plan asks instead of offering remote testing."""
    said = {
        "CCA": "book a seat at a test center near you",
        "CPC": "choose between sitting it at home with a remote proctor and in person",
        "CRC": "ask whether it can be sat online or only in person",
    }
    for answers in (
        hospital_career_changer(),
        medical_assistant(),
        medical_assistant(specialties=("risk_adjustment",), target_setting="payer"),
    ):
        roadmap = build_roadmap(answers, content)
        code = roadmap.credentials[0].credential.code
        registration = milestone(roadmap, "exam_registration").description
        assert said.pop(code) in registration
        assert "where offered" not in registration
    assert not said


def test_a_bachelors_degree_bound_for_a_hospital_is_shown_the_rhia_without_a_second_degree(
    content,
):
    def later(**changes) -> dict[str, str]:
        roadmap = build_roadmap(hospital_career_changer(**changes), content)
        return {rec.credential.code: rec.reasons[0] for rec in roadmap.later_credentials}

    reason = later(education="bachelor")["RHIA"]
    assert reason.startswith("With a bachelor's degree you need no second degree")
    assert "post-baccalaureate certificate in health information management" in reason
    assert "With a graduate degree" in later(education="graduate")["RHIA"]
    assert "RHIA" not in later()  # a high school diploma: the RHIA asks for a degree program
    assert "RHIA" not in later(education="bachelor", target_setting="physician_office")


def test_many_areas_picked_are_advised_one_credential_at_a_time(content):
    every_area = tuple(content.specialties)
    roadmap = build_roadmap(medical_assistant(specialties=every_area), content)
    codes = [rec.credential.code for rec in roadmap.later_credentials]
    assert len(codes) > 3
    advice = {a.key: a.text for a in roadmap.advice}["later_one_at_a_time"]
    assert advice.startswith(f"The areas you picked lead to the {', '.join(codes[:-1])} and ")
    assert "add one once you code in its area" in advice
    few = build_roadmap(medical_assistant(specialties=("cardiology",)), content)
    assert len(few.later_credentials) == 1
    assert "later_one_at_a_time" not in {a.key for a in few.advice}


def test_the_job_search_before_the_exam_does_not_claim_the_credential(content):
    for make in (school_leaver, medical_assistant, hospital_career_changer):
        roadmap = build_roadmap(make(), content)
        search = milestone(roadmap, "job_search")
        assert search.date < milestone(roadmap, "exam").date
        assert "new credential" not in search.description
        assert "exam date on your résumé" in search.description


def test_cpc_upkeep_names_the_yearly_dues_and_the_two_year_ceus(content):
    roadmap = build_roadmap(medical_assistant(), content)
    cpc = roadmap.credentials[0].credential
    assert cpc.code == "CPC"
    assert "membership dues every year" in cpc.upkeep and "every two years" in cpc.upkeep
    keep = milestone(roadmap, "continuing_education").description
    assert "every year" in keep and "before you passed do not count" in keep
    for figure in roadmap.outlook:
        assert "third-party" not in figure.source and "could not" not in figure.source


def test_the_code_books_line_names_the_books_of_the_chosen_exam(content):
    def books(answers) -> str:
        costs = build_roadmap(answers, content).costs.lines
        return next(line.label for line in costs if line.key == "code_books")

    assert "ICD-10-PCS" in books(hospital_career_changer())  # the CCA: inpatient procedures
    assert "ICD-10-PCS" not in books(medical_assistant())
    assert "CPT" in books(medical_assistant())


def test_a_coders_roadmap_has_no_program_section_and_one_figure_for_one_price(client, ctx):
    """Through the page: a year's coder sees no program to choose, and a cost that cannot
    vary is one figure, not "$589 to $589"."""
    from tests.intake.helpers import submit_intake, token_of

    token = token_of(
        submit_intake(
            client,
            healthcare_experience="coding_billing",
            assigns_codes="yes",
            coding_months="30",
            target_setting="physician_office",
            current_work="Coder at a cardiology practice",
        )
    )
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert "You may need no training program" in page
    assert "Your pathway:" not in page and "Checklist for comparing programs" not in page
    assert not re.search(r"\$([\d,]+) to \$\1\b", page), "a range from a figure to itself"
    assert "Start your exam review" in page


def test_the_pathway_arithmetic_adds_up_on_the_page_with_experience_counted(content):
    nurse = school_leaver(
        education="bachelor",
        healthcare_experience="clinical",
        experience_years=12,
        experience_kinds=("clinical",),
        hours_per_week=12,
    )
    roadmap = build_roadmap(nurse, content)
    formula = roadmap.pathway.formula
    weeks = roadmap.pathway.duration_weeks
    left = int(re.search(r"about ([\d,]+) in all\.$", formula)[1].replace(",", ""))
    assert "15% fewer hours of training" in formula
    assert math.ceil(left / 12) == weeks and f"takes {weeks} weeks" in formula
    assert f"about {roadmap.pathway.duration_months:g} months" in formula
    end = milestone(roadmap, "program_complete").date
    assert f"{end:%B} {end.day}, {end.year}" in formula  # the milestone's own (business) day
    plain = build_roadmap(school_leaver(hours_per_week=12), content).pathway.formula
    assert "fewer hours" not in plain


def test_canned_lines_follow_what_the_person_said(content):
    def worry_text(answers, key) -> str:
        roadmap = build_roadmap(answers, content)
        return " ".join(next(w for w in roadmap.worries if w.key == key).strategies)

    worries = ("career_change", "job_search")
    working = medical_assistant(worries=worries, employment="employed")
    laid_off = medical_assistant(worries=worries, employment="laid_off")
    assert "keep earning while you train" in worry_text(working, "career_change")
    assert "keep earning while you train" not in worry_text(laid_off, "career_change")
    assert "Look inside your current workplace" in worry_text(working, "job_search")
    assert "Look inside your current workplace" not in worry_text(laid_off, "job_search")

    nurse = medical_assistant(healthcare_experience="clinical", specialties=("cdi",))
    roadmap = build_roadmap(nurse, content)
    codes = {c.credential.code for c in (*roadmap.credentials, *roadmap.later_credentials)}
    assert "CCS" not in codes
    assert "Why the CCS comes later" not in [a.title for a in roadmap.advice]
    hospital = build_roadmap(hospital_career_changer(), content)
    assert "Why the CCS comes later" in [a.title for a in hospital.advice]


def test_funding_names_the_cheapest_route_and_student_aid_where_they_apply(content):
    def funding(answers) -> list[str]:
        return [f.key for f in build_roadmap(answers, content).costs.funding]

    broke = school_leaver(budget="tight", budget_min=0, budget_max=0)
    assert build_roadmap(broke, content).costs.verdict == "nothing"
    assert "funding_self_study" in funding(broke)  # the CPC needs no program
    comfortable = medical_assistant(budget="flexible", budget_min=20000, budget_max=20000)
    assert "funding_self_study" not in funding(comfortable)
    degree = school_leaver()
    assert build_roadmap(degree, content).pathway.key == "associate_degree"
    assert "funding_fafsa" in funding(degree)
    assert "funding_fafsa" not in funding(dataclasses.replace(degree, student_aid="no"))


def test_a_biller_who_codes_part_time_gets_credit_and_a_coder_title_not_a_first_job(content):
    biller = medical_assistant(
        healthcare_experience="coding_billing",
        experience_years=3,
        experience_kinds=("billing", "coding"),
        coding_months=8,
        hours_per_week=8,
    )
    roadmap = build_roadmap(biller, content)
    newcomer = build_roadmap(medical_assistant(hours_per_week=8), content)
    assert roadmap.pathway.duration_weeks < newcomer.pathway.duration_weeks
    assert "25% fewer hours of training" in roadmap.pathway.formula  # billing + coding, capped
    job = milestone(roadmap, "first_job")
    assert job.title == "Move into a coder title (target)"
    assert "First coding job" not in [m.title for m in roadmap.milestones]
    assert milestone(newcomer, "first_job").title == "First coding job (target)"


def test_the_formula_names_the_minimum_when_the_credit_runs_under_it(content):
    """26 h a week with a 15% clinical credit: 442 hours take 17 weeks, under the 20-week
    minimum, so the formula says the minimum sets the length, not '20 weeks' from 442 hours."""
    nurse = medical_assistant(experience_years=5, experience_kinds=("clinical",), hours_per_week=26)
    pathway = build_roadmap(nurse, content).pathway
    assert pathway.duration_weeks == 20
    assert "cannot be completed in under 20 weeks" in pathway.formula
    assert "fewer hours of training" not in pathway.formula


def test_a_coder_of_a_year_meets_no_program_advice_and_plans_a_coder_title(content):
    coder = medical_assistant(healthcare_experience="coding_billing", coding_months=14)
    roadmap = build_roadmap(coder, content)
    assert "shortlist_programs" not in [step.key for step in roadmap.next_steps]
    search = milestone(roadmap, "job_search")
    assert search.title == "Plan your move to a coder title"
    # the months by then, not the months at the start: no stale count
    assert "your months of coding" in search.description
    newcomer = build_roadmap(medical_assistant(), content)
    assert "shortlist_programs" in [step.key for step in newcomer.next_steps]


def test_months_of_coding_count_whatever_kinds_were_ticked(content):
    ticked_billing_only = medical_assistant(
        healthcare_experience="coding_billing", coding_months=8, experience_kinds=("billing",)
    )
    formula = build_roadmap(ticked_billing_only, content).pathway.formula
    assert "25% fewer hours of training" in formula  # billing 10 + coding 20, capped at 25
    no_years = medical_assistant(healthcare_experience="coding_billing", coding_months=8)
    assert "20% fewer hours of training" in build_roadmap(no_years, content).pathway.formula


def test_veterans_and_military_spouses_are_told_of_their_own_help_with_costs(content):
    """The GI Bill (approved training, the exam fee paid back if VA approved the test) for a
    veteran or service member; MyCAA for a military spouse in a program; both abroad too
    (they follow the service member, not the address); neither for a plan with nothing to
    pay for, nor for someone who did not say."""

    def funding(answers) -> dict[str, str]:
        return {f.key: f.text for f in build_roadmap(answers, content).costs.funding}

    veteran = funding(hospital_career_changer(military="veteran"))
    assert "funding_gi_bill" in veteran and "funding_mycaa" not in veteran
    assert "If the CCA exam is on VA's list of approved" in veteran["funding_gi_bill"]
    assert "$2,000" in veteran["funding_gi_bill"]
    assert "Still serving? Ask your education office about Tuition Assistance" in (
        veteran["funding_gi_bill"]
    )
    spouse = funding(hospital_career_changer(military="spouse"))
    assert "funding_mycaa" in spouse and "$4,000" in spouse["funding_mycaa"]
    for answers in (
        hospital_career_changer(),  # not said
        hospital_career_changer(military="none"),
        # a credential held: no program and no exam to pay for
        hospital_career_changer(military="veteran", credentials_held=("cca",)),
    ):
        assert not {"funding_gi_bill", "funding_mycaa"} & set(funding(answers)), answers
    abroad = {"state": "outside", "country": "Germany"}
    assert "funding_gi_bill" in funding(hospital_career_changer(military="veteran", **abroad))
    assert "funding_mycaa" in funding(hospital_career_changer(military="spouse", **abroad))
    # an exam review (no program) still has an exam fee the GI Bill may pay back, and no
    # program to look up or enroll in; MyCAA pays schools, so nothing for it
    review = funding(hospital_career_changer(military="veteran", credentials_held=("cpc",)))
    assert set(review) & {"funding_gi_bill", "funding_gi_bill_exam"} == {"funding_gi_bill_exam"}
    assert "enroll" not in review["funding_gi_bill_exam"]
    assert "funding_mycaa" not in funding(
        hospital_career_changer(military="spouse", credentials_held=("cpc",))
    )


def test_a_degree_plan_asks_for_a_cahiim_accredited_program_the_rhit_needs(content):
    """The RHIT is open to graduates of CAHIIM-accredited HIM degrees: a degree plan says
    so where it tells the person where to look and what to check; a certificate plan asks
    for AHIMA or AAPC approval."""
    degree = build_roadmap(school_leaver(), content)
    assert degree.pathway.key == "associate_degree"
    assert "CAHIIM" in degree.pathway.checklist[0]
    assert not any("AAPC" in place for place in degree.pathway.where_to_look)
    shortlist = next(s for s in degree.next_steps if s.key == "shortlist_programs")
    assert "CAHIIM-accredited" in shortlist.description
    certificate = build_roadmap(hospital_career_changer(), content)
    assert certificate.pathway.checklist[0] == (
        "Is the program accredited or approved by AHIMA or AAPC?"
    )
    assert "CAHIIM" not in " ".join(certificate.pathway.where_to_look)


def test_months_before_a_degree_term_are_put_to_use(content):
    """September to the January term is four months: the plan says what to do with them.
    A week or two before a term needs no such advice."""
    waiting = build_roadmap(school_leaver(), content)
    advice = {a.key: a.text for a in waiting.advice}
    assert "term_start" in advice and "medical terminology" in advice["term_wait"]
    close = build_roadmap(school_leaver(start_date=date(2027, 1, 4)), content)
    assert milestone(close, "program_start").date == date(2027, 1, 12)
    keys = {a.key for a in close.advice}
    assert "term_start" in keys and "term_wait" not in keys


def test_a_start_given_on_a_weekend_is_moved_and_the_summary_says_so(content):
    """Sunday January 10, 2027: the plan starts on Monday the 11th, and says why, rather
    than showing another date than the one typed with no word."""
    sunday = build_roadmap(hospital_career_changer(start_date=date(2027, 1, 10)), content)
    assert sunday.milestones[0].date == date(2027, 1, 11)
    assert sunday.summary.endswith(
        "You gave January 10, 2027 as your start date; it is not a working day, so your plan "
        "starts on the next one, January 11, 2027."
    )
    monday = build_roadmap(hospital_career_changer(start_date=date(2027, 1, 11)), content)
    assert "You gave" not in monday.summary


def test_an_income_needed_soon_chooses_the_certificate(content):
    """Laid off and needing an income now, at 30 hours a week, the degree's points would
    put the first job in 2029; the certificate gets there in 2027, and says why."""
    answers = hospital_career_changer(
        employment="laid_off", hours_per_week=30, budget="moderate", state="OH"
    )
    assert build_roadmap(answers, content).pathway.key == "associate_degree"
    for need in ("now", "within_6_months"):
        soon = build_roadmap(dataclasses.replace(answers, income_need=need), content)
        assert soon.pathway.key == "certificate"
        assert soon.pathway.reasons[0].startswith("You need an income from coding soon")
    later = build_roadmap(dataclasses.replace(answers, income_need="within_a_year"), content)
    assert later.pathway.key == "associate_degree"


def test_a_retake_at_many_hours_lays_out_only_the_review_it_needs(content):
    """80 hours of timed practice in at least 6 weeks: at 40 hours a week the weekly plan
    holds about 14, and says the rest are the person's own (it laid out all 40)."""
    roadmap = build_roadmap(
        school_leaver(exam_retake="cpc", target_setting="physician_office", hours_per_week=40),
        content,
    )
    assert sum(b.hours for b in roadmap.study_plan.blocks) == 14
    assert roadmap.study_plan.notes[0].startswith("A retake's review is timed practice")
    assert "the rest of your 40 hours is your own" in roadmap.study_plan.notes[0]
    slow = build_roadmap(
        school_leaver(exam_retake="cpc", target_setting="physician_office", hours_per_week=10),
        content,
    )
    assert sum(b.hours for b in slow.study_plan.blocks) == 10


def test_the_degree_wait_is_not_given_in_decades(content):
    roadmap = build_roadmap(
        school_leaver(employment="student", hours_per_week=3, target_setting="undecided"), content
    )
    assert "more than six years away" in roadmap.pathway.reasons[0]


def test_the_exam_fee_range_reaches_the_package_with_a_retake(content):
    """The worries advise the AAPC package that includes a retake: its price is the top of
    the exam line (and of the total), as budget verdicts are judged against it."""
    roadmap = build_roadmap(medical_assistant(), content)
    exam = next(line for line in roadmap.costs.lines if line.key == "exam")
    assert (exam.low, exam.high) == (399, 499)
    retake = build_roadmap(medical_assistant(exam_retake="cpc"), content)
    exam = next(line for line in retake.costs.lines if line.key == "exam")
    assert exam.high == 399  # the retake itself: nothing, or one attempt's fee


def test_a_plan_for_canada_says_its_hospitals_use_their_own_code_sets(content):
    canada = build_roadmap(
        school_leaver(
            timezone="America/Toronto", state="outside", country="Canada",
            target_setting="hospital",
        ),
        content,
    )
    advice = {a.key: a.text for a in canada.advice}
    assert "ICD-10-CA" in advice["canada_code_sets"] and "CCI" in advice["canada_code_sets"]
    uk = build_roadmap(school_leaver(state="outside", country="United Kingdom"), content)
    assert "canada_code_sets" not in {a.key for a in uk.advice}


def test_the_lowest_cost_route_is_priced_for_a_budget_a_program_exceeds(content):
    """$500 to $900 against a $2,000+ program: the self-study route says what it costs, from
    the same exam and membership lines as the table."""
    roadmap = build_roadmap(
        hospital_career_changer(
            budget_min=500, budget_max=900, state="TX", target_setting="physician_office"
        ),
        content,
    )
    assert roadmap.costs.verdict == "over"
    lines = {line.key: line for line in roadmap.costs.lines}
    least = lines["exam"].low + lines["aapc_membership"].low
    (self_study,) = [f for f in roadmap.costs.funding if f.key == "funding_self_study"]
    assert f"about ${least:,} plus the books and the course" in self_study.text


def test_a_budget_of_nothing_puts_the_funders_first(content):
    """$0 of one's own money: the costs say so and lead to who pays (WIOA's Adult program for
    someone not laid off, federal aid unless ruled out), and finding them is the first step;
    a laid-off person keeps the dislocated-worker wording."""
    broke = build_roadmap(hospital_career_changer(budget_min=0, budget_max=0, state="TX"), content)
    costs = broke.costs
    assert costs.verdict == "nothing" and costs.title == "Paying for it comes first"
    assert "cannot spend anything yourself" in costs.summary
    assert "more than the $0" not in costs.summary
    keys = [f.key for f in costs.funding]
    assert keys[:2] == ["funding_wioa_adult", "funding_fafsa"]
    assert broke.next_steps[0].key == "find_who_pays"
    assert "price_the_path" not in [s.key for s in broke.next_steps]
    laid_off = build_roadmap(
        hospital_career_changer(budget_min=0, budget_max=0, state="TX", employment="laid_off"),
        content,
    )
    assert laid_off.costs.funding[0].key == "funding_wioa"
    assert "ask_workforce_board" not in [s.key for s in laid_off.next_steps]  # said once
    no_aid = build_roadmap(
        hospital_career_changer(budget_min=0, budget_max=0, state="TX", student_aid="no"),
        content,
    )
    assert "funding_fafsa" not in [f.key for f in no_aid.costs.funding]
    # a small budget is still compared plainly, and abroad there is no US funder to name
    small = build_roadmap(hospital_career_changer(budget_min=300, budget_max=300), content)
    assert small.costs.verdict == "over" and "funding_wioa_adult" not in {
        f.key for f in small.costs.funding
    }
    abroad = build_roadmap(
        school_leaver(budget_min=0, budget_max=0, state="outside", country="United Kingdom"),
        content,
    )
    assert "find_who_pays" not in [s.key for s in abroad.next_steps]


def test_a_registered_nurse_hears_of_cdi_first_and_gets_the_ccds_later(content):
    """RNs are who hospitals hire into CDI, and ACDIS lets an RN sit the CCDS after two years
    of CDI work: said first, and the CCDS is a later credential; other clinical work is not."""
    nurse = build_roadmap(
        medical_assistant(experience_kinds=("nursing",), experience_years=10, state="OH"),
        content,
    )
    assert nurse.advice[0].key == "nurse_cdi"
    later = {c.credential.code: c.reasons[0] for c in nurse.later_credentials}
    assert "two years of work as a CDI specialist" in later["CCDS"]
    # with CDI picked too, the RN's credential is the CCDS alone (ACDIS's, the nurses' one)
    picked = build_roadmap(
        medical_assistant(
            experience_kinds=("nursing",), experience_years=10, state="OH", specialties=("cdi",)
        ),
        content,
    )
    picked_codes = [c.credential.code for c in picked.later_credentials]
    assert "CCDS" in picked_codes and "CDIP" not in picked_codes
    assistant = build_roadmap(
        medical_assistant(experience_kinds=("clinical",), experience_years=10, state="OH"),
        content,
    )
    assert "nurse_cdi" not in {a.key for a in assistant.advice}
    assert "CCDS" not in {c.credential.code for c in assistant.later_credentials}
    # nursing counts toward the experience credit like other clinical work
    nursing = medical_assistant(experience_kinds=("nursing",), experience_years=10)
    clinical = dataclasses.replace(nursing, experience_kinds=("clinical",))
    assert experience_credit(nursing) == experience_credit(clinical) > 0


@pytest.mark.parametrize("employment", ["employed", "laid_off"])
@pytest.mark.parametrize("months", [12, 18, 23])
def test_a_coder_short_of_two_years_takes_the_cca_then_the_ccs_at_once(content, months, employment):
    """AHIMA recommends two years of coding for the CCS, or the CCA plus a year: a hospital
    coder with one to two years and no credential sits the CCA, and the CCS is dated right
    after it (the year is done), not "after a year of coding"; two years go straight on."""
    answers = hospital_career_changer(
        coding_months=months,
        experience_kinds=("coding",),
        experience_years=2,
        healthcare_experience="coding_billing",
        employment=employment,
        employer_type="provider",
        hours_per_week=10,
    )
    roadmap = build_roadmap(answers, content)
    assert [c.credential.code for c in roadmap.credentials] == ["CCA", "CCS"]
    reasons = roadmap.credentials[0].reasons
    assert any("then the CCS after a review of its own" in r for r in reasons)
    assert "ccs_recommendation_not_met" not in {a.key for a in roadmap.advice}
    exam, step = milestone(roadmap, "exam").date, milestone(roadmap, "credential_upgrade")
    # the CCS review at 10 hours a week (120 hours: a quarter off, with the CCA held)
    assert timedelta(weeks=12) <= step.date - exam < timedelta(weeks=13)
    assert step.title == "Sit the CCS" and "a year of inpatient coding" not in step.description
    lines = {line.key: line for line in roadmap.costs.lines}
    assert lines["next_exam"].label == "CCS exam fee, for your move up"
    # one AHIMA membership at most: both exams at member fees plus dues, or both at the
    # non-member fees
    cca, ccs = content.catalogue.credentials["cca"], content.catalogue.credentials["ccs"]
    member = cca.fees.member + ccs.fees.member + lines["ahima_membership"].low
    other = cca.fees.non_member + ccs.fees.non_member
    assert (roadmap.costs.total_low, roadmap.costs.total_high) == (
        min(member, other),
        max(member, other),
    )
    two_years = build_roadmap(dataclasses.replace(answers, coding_months=24), content)
    assert roadmap.credentials[0].credential.code == "CCA"
    assert two_years.credentials[0].credential.code == "CCS"
    assert milestone(two_years, "exam").date <= milestone(roadmap, "exam").date + timedelta(days=3)


def test_payer_bound_plans_name_the_crc_and_risk_adjustment_does_not_bring_the_cpma(content):
    """Insurers hire CRCs: a claims examiner aiming at payer (or remote) work gets it as the
    next credential; an interest in risk adjustment names the CRC, not the CPMA (an auditing
    credential that asks for years of coding), unless auditing is picked too."""
    def later(**changes):
        roadmap = build_roadmap(hospital_career_changer(**changes), content)
        return {c.credential.code: c.reasons[0] for c in roadmap.later_credentials}

    examiner = later(
        target_setting="payer", experience_kinds=("payer_claims",), experience_years=5
    )
    assert "Insurers and risk-adjustment vendors hire" in examiner["CRC"]
    remote = later(target_setting="remote", employer_type="payer")
    assert "CRC" in remote
    assert "CRC" not in later(target_setting="remote")
    office = build_roadmap(medical_assistant(specialties=("risk_adjustment",)), content)
    codes = [c.credential.code for c in office.later_credentials]
    assert "CRC" in codes and "CPMA" not in codes
    both = build_roadmap(medical_assistant(specialties=("risk_adjustment", "auditing")), content)
    assert "CPMA" in [c.credential.code for c in both.later_credentials]


def test_an_exam_near_the_new_code_year_says_which_books(content):
    """AAPC's exams move to the new year's code sets each January; AHIMA requires the new
    year's books from the spring: an exam near either is told so, one far from both is not."""
    assert code_year_change("AAPC", date(2028, 1, 3)) == "code_year_aapc"
    assert code_year_change("AAPC", date(2027, 12, 20)) == "code_year_aapc"
    assert code_year_change("AAPC", date(2027, 10, 4)) is None
    assert code_year_change("AHIMA", date(2027, 4, 26)) == "code_year_ahima"
    assert code_year_change("AHIMA", date(2028, 1, 3)) is None
    january = build_roadmap(medical_assistant(start_date=date(2027, 6, 7)), content)
    assert milestone(january, "exam").date.month == 1
    (advice,) = [a for a in january.advice if a.key == "code_year_aapc"]
    assert "January 3, 2028" in advice.text and "the 2028 code sets" in advice.text
    assert "study with the 2028 books" in advice.text
    assert "the 2027 books are allowed" in advice.text
    spring = build_roadmap(
        hospital_career_changer(hours_per_week=20, start_date=date(2026, 10, 5)), content
    )
    (ahima,) = [a for a in spring.advice if a.key == "code_year_ahima"]
    assert "before it the 2026 books, from it the 2027 books" in ahima.text
    autumn = build_roadmap(medical_assistant(), content)  # exam in September
    assert not {"code_year_aapc", "code_year_ahima"} & {a.key for a in autumn.advice}


@pytest.mark.parametrize("typed", ["United Kingdom", "UK", "u.k.", "Scotland"])
def test_a_plan_for_the_uk_says_how_nhs_coding_works(content, typed):
    """NHS hospitals code with ICD-10 and OPCS-4 and train their own coders toward the NCCQ:
    said for the UK however it is typed, not for other countries."""
    roadmap = build_roadmap(school_leaver(state="outside", country=typed), content)
    advice = {a.key: a.text for a in roadmap.advice}
    assert "OPCS-4" in advice["uk_code_sets"] and "NCCQ" in advice["uk_code_sets"]
    assert "many do not" in advice["outside_us"]  # remote work for a US employer from abroad
    assert roadmap.next_steps[0].key == "nhs_trainee_posts"
    assert "NHS Jobs" in roadmap.next_steps[0].description
    ireland = build_roadmap(school_leaver(state="outside", country="Ireland"), content)
    assert "uk_code_sets" not in {a.key for a in ireland.advice}
    assert "nhs_trainee_posts" not in {s.key for s in ireland.next_steps}


def test_an_him_degree_for_a_hospital_leads_to_the_rhit_then_the_ccs_soon(content):
    """An HIM associate degree qualifies for AHIMA's RHIT, which meets the CCS's
    recommendation: the plan sits the RHIT (not the CCA) at the degree's end and dates the
    CCS months, not a year, into coding; a certificate plan keeps the CCA."""
    degree = build_roadmap(school_leaver(target_setting="hospital", state="TX"), content)
    assert degree.pathway.key == "associate_degree"
    assert [c.credential.code for c in degree.credentials] == ["RHIT", "CCS"]
    assert any("no year's wait" in r for r in degree.credentials[0].reasons)
    assert "RHIT" not in {c.credential.code for c in degree.later_credentials}
    labels = {line.label for line in degree.costs.lines}
    assert {"RHIT exam fee", "CCS exam fee, for your move up"} <= labels
    first_job = milestone(degree, "first_job").date
    ccs = milestone(degree, "credential_upgrade")
    assert ccs.title == "Sit the CCS" and ccs.date - first_job < timedelta(weeks=26)
    certificate = build_roadmap(hospital_career_changer(), content)
    assert certificate.pathway.key == "certificate"
    assert certificate.primary_credential.code == "CCA"


def test_needing_an_income_now_outweighs_what_favours_a_degree(content):
    """A school leaver aiming at a hospital with a long-term goal scores for the degree, but
    someone who needs an income now is not put on two years without pay."""
    leaver = school_leaver(target_setting="hospital", state="TX", goals="long-term career")
    assert build_roadmap(leaver, content).pathway.key == "associate_degree"
    now = build_roadmap(dataclasses.replace(leaver, income_need="now"), content)
    assert now.pathway.key == "certificate"
    assert any("income from coding soon" in r for r in now.pathway.reasons)


def test_at_an_hour_a_week_a_coders_ccs_step_comes_no_later_than_a_year_into_the_job(content):
    """The CCS after a coder's CCA is dated a CCS review after it, but never later than the
    year into the first job others are given: at 1 hour a week, two more months of coding
    (12 instead of 10, for someone who trained for the CPC) must not push the plan's end
    later (found by the 'more experience' property)."""
    def plan(months):
        return build_roadmap(
            school_leaver(
                target_setting="hospital",
                hours_per_week=1,
                budget="tight",
                coding_months=months,
                exam_retake="cpc",
                state="TX",
            ),
            content,
        )

    before, after = plan(10), plan(12)
    assert after.milestones[-1].date <= before.milestones[-1].date
    step = milestone(after, "credential_upgrade").date
    assert step <= milestone(after, "first_job").date + timedelta(weeks=53)


def test_a_plan_without_a_program_does_not_argue_for_one(content):
    """A CPC-A holder has no program in the plan: the pathway's reasons, format advice and
    program checklist are empty (they said 'a certificate gets you to the exam sooner' after
    'No exam ahead'), while the formula says what stands in for the program."""
    apprentice = medical_assistant(credentials_held=("cpc_a",), coding_months=14)
    pathway = build_roadmap(apprentice, content).pathway
    assert pathway.duration_weeks == 0
    assert (pathway.reasons, pathway.checklist, pathway.where_to_look) == ((), (), ())
    assert pathway.format_advice == "" and pathway.formula.startswith("No exam ahead")
    trained = build_roadmap(medical_assistant(), content).pathway
    assert trained.reasons and trained.checklist and trained.format_advice


def test_a_practice_test_longer_than_a_weeks_study_is_split(content):
    """At 1 hour a week a 2-hour CCA practice test is more than a week's study: timed sets of
    sections, and one full test near the exam; at 5 hours a week, full tests as before."""
    slow = build_roadmap(hospital_career_changer(hours_per_week=1), content)
    keys = {a.key: a.text for a in slow.advice}
    assert "practice_test_split" in keys and "practice_test_length" not in keys
    assert "one full 2-hour practice test" in keys["practice_test_split"]
    steady = build_roadmap(hospital_career_changer(hours_per_week=5), content)
    assert "practice_test_length" in {a.key for a in steady.advice}
