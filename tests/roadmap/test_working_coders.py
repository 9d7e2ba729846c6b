"""Someone who already codes at work, or already holds a credential, reads a plan written
for them: the findings of a certified coder-advisor's review of such plans (dated review
start, job-search and first-job wording, remote work after a year of coding, worries)."""

from __future__ import annotations

from datetime import timedelta

from advising.roadmap.engine import build_roadmap, load_content
from tests.roadmap.personas import hospital_career_changer, medical_assistant, milestone

CONTENT = load_content()


def cpc_coder(**changes):
    """A CPC who codes at work and aims at a hospital: the CCS once a year of coding is in."""
    answers = {"credentials_held": ("cpc",), "target_setting": "hospital"} | changes
    return medical_assistant(**answers)


def advice_of(roadmap) -> dict[str, str]:
    return {a.key: a.text for a in roadmap.advice}


def test_a_review_waiting_for_the_coding_year_is_planned_back_from_the_exam():
    """At 40 hours a week the CCS review takes 5 weeks: it ends at the exam the coding year
    dates, not 48 weeks of review at 40 hours from the start."""
    answers = cpc_coder(coding_months=1, hours_per_week=40)
    roadmap = build_roadmap(answers, CONTENT)
    exam = milestone(roadmap, "exam").date
    start = milestone(roadmap, "program_start").date
    assert exam - start == timedelta(weeks=5)  # 5 weeks of review, ending at the exam
    assert start > answers.start_date + timedelta(weeks=40)
    assert "5 weeks of review at 40 hours a week" in advice_of(roadmap)["held_credential_review"]
    waits = advice_of(roadmap)["review_after_coding_year"]
    assert "a year of coding with your CPC before the CCS" in waits
    assert "Until then, keep coding" in waits
    # more hours would not bring the exam sooner: no what-if row says they would
    assert roadmap.what_if == ()


def test_a_review_with_nothing_to_wait_for_starts_on_the_start_date():
    roadmap = build_roadmap(cpc_coder(coding_months=11, hours_per_week=5), CONTENT)
    assert milestone(roadmap, "program_start").date == roadmap.start_date
    assert "review_after_coding_year" not in advice_of(roadmap)


def test_a_working_coder_is_not_sent_job_hunting_as_a_beginner():
    roadmap = build_roadmap(cpc_coder(coding_months=6), CONTENT)
    job_search = milestone(roadmap, "job_search")
    assert job_search.title == "Plan your next move"
    assert "preparing for the CCS" in job_search.description
    assert "your months of coding" in job_search.description
    first_job = milestone(roadmap, "first_job")
    assert first_job.title == "Put the CCS to work (target)"
    assert "ask for a coder title" not in first_job.description
    # not coding yet: the ordinary job search
    plain = build_roadmap(cpc_coder(coding_months=0), CONTENT)
    assert milestone(plain, "job_search").title == "Start your job search"


def test_a_cpc_a_who_codes_is_told_to_ask_for_the_title_not_to_apply_as_an_apprentice():
    answers = hospital_career_changer(
        credentials_held=("cpc_a",), coding_months=3, target_setting="remote"
    )
    roadmap = build_roadmap(answers, CONTENT)
    job_search = milestone(roadmap, "job_search")
    assert job_search.title == "Plan your move to a coder title"
    assert "apprentice coding roles" not in job_search.description
    first_job = milestone(roadmap, "first_job").description
    assert "You already code at work and hold the CPC-A" in first_job
    assert "now that you hold the CPC-A" in first_job  # not "once you hold" it
    assert "in hand" not in first_job


def test_a_year_of_coding_is_what_remote_roles_ask_for_and_the_plan_says_so():
    for answers in (
        medical_assistant(target_setting="remote", coding_months=14, worries=("job_search",)),
        cpc_coder(target_setting="remote", coding_months=14, worries=("job_search",)),
    ):
        roadmap = build_roadmap(answers, CONTENT)
        (job_search,) = roadmap.worries
        text = " ".join(job_search.strategies)
        assert "Your year of coding is what most remote roles ask for" in text
        assert "a year on site is the usual way" not in text
        assert "first year of work counts toward removing the A" not in text


def test_training_shortened_by_coding_names_the_coding_not_zero_years_of_work():
    answers = hospital_career_changer(coding_months=6, healthcare_experience="coding_billing")
    advice = advice_of(build_roadmap(answers, CONTENT))
    assert "prior_work_shortens" not in advice
    assert advice["coding_work_shortens"].startswith("Your 6 months of coding at work")


def test_worries_of_a_credential_holder_are_not_a_beginners():
    answers = cpc_coder(worries=("job_search", "career_change", "motivation"))
    worries = {w.key: w for w in build_roadmap(answers, CONTENT).worries}
    assert "plan the search like the training" not in worries["job_search"].summary
    assert "lead with your credential" in worries["job_search"].summary
    assert not any("before you commit" in s for s in worries["career_change"].strategies)
    assert not worries["motivation"].summary.startswith("A long plan")
    beginner = {
        w.key: w
        for w in build_roadmap(
            hospital_career_changer(worries=("job_search", "career_change")), CONTENT
        ).worries
    }
    assert "plan the search like the training" in beginner["job_search"].summary
    assert any("before you commit" in s for s in beginner["career_change"].strategies)


def test_a_coc_holder_aiming_at_a_hospital_is_shown_the_ccs_for_inpatient_work():
    roadmap = build_roadmap(
        hospital_career_changer(credentials_held=("coc",), coding_months=6), CONTENT
    )
    assert [(c.credential.code, c.role) for c in roadmap.credentials] == [
        ("COC", "primary"),
        ("CCS", "next"),
    ]
    assert "ICD-10-PCS" in roadmap.credentials[1].reasons[0]
    # same-day surgery is the COC's own ground: nothing to move on to
    surgery = build_roadmap(
        hospital_career_changer(
            credentials_held=("coc",), coding_months=6, specialties=("outpatient_surgery",)
        ),
        CONTENT,
    )
    assert [c.credential.code for c in surgery.credentials] == ["COC"]


def test_a_cpc_reviewing_for_the_ccs_studies_icd_10_pcs_every_week():
    """The inpatient course the advice names is in the weekly plan, as its largest block
    after coding practice; a CCA candidate in training has no such block."""
    roadmap = build_roadmap(cpc_coder(coding_months=2, hours_per_week=40), CONTENT)
    hours: dict[str, float] = {}
    for block in roadmap.study_plan.blocks:
        hours[block.focus] = hours.get(block.focus, 0) + block.hours
    assert hours["ICD-10-PCS and inpatient coding"] >= 10
    assert hours["Reimbursement and compliance"] < hours["ICD-10-PCS and inpatient coding"] / 2
    assert sum(hours.values()) == 40
    trainee = build_roadmap(hospital_career_changer(), CONTENT)
    assert "ICD-10-PCS and inpatient coding" not in {b.focus for b in trainee.study_plan.blocks}


def test_the_summary_of_a_review_waiting_for_the_year_says_what_dates_it():
    waiting = build_roadmap(cpc_coder(coding_months=2, hours_per_week=40), CONTENT)
    assert "keep coding until your review starts on" in waiting.summary
    assert "Every date below follows from your start date" not in waiting.summary
    ready = build_roadmap(cpc_coder(coding_months=11, hours_per_week=5), CONTENT)
    assert "Every date below follows from your start date" in ready.summary


def test_a_working_coder_needing_income_is_not_sent_to_an_interim_job():
    """A coding job pays them already; they are no new coder hunting a first job, and they
    moved into coding at their employer already (browser review)."""
    answers = cpc_coder(
        coding_months=2,
        income_need="within_6_months",
        employment="employed",
        employer_type="provider",
    )
    roadmap = build_roadmap(answers, CONTENT)
    advice = advice_of(roadmap)
    assert not roadmap.feasibility
    assert "first_remote_hard" not in advice and "move_at_employer" not in advice
    beginner = build_roadmap(
        medical_assistant(
            income_need="within_6_months", employment="employed", employer_type="provider"
        ),
        CONTENT,
    )
    assert "move_at_employer" in advice_of(beginner)
    assert "first_remote_hard" in advice_of(beginner)
