"""Someone who already codes at work, or already holds a credential, reads a plan written
for them: the findings of a certified coder-advisor's review of such plans (dated review
start, job-search and first-job wording, remote work after a year of coding, worries)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from advising.roadmap.engine import build_roadmap, load_content
from tests.roadmap.personas import (
    hospital_career_changer,
    medical_assistant,
    milestone,
    school_leaver,
)

CONTENT = load_content()


def cpc_coder(**changes):
    """A CPC who codes at work and aims at a hospital: the CCS once a year of coding is in."""
    answers = {"credentials_held": ("cpc",), "target_setting": "hospital"} | changes
    return medical_assistant(**answers)


def advice_of(roadmap) -> dict[str, str]:
    return {a.key: a.text for a in roadmap.advice}


def test_a_review_waiting_for_the_coding_year_is_planned_back_from_the_exam():
    """At 40 hours a week the CCS review (120 hours, and the 120-hour inpatient course) takes
    6 weeks: it ends at the exam the coding year dates, not 48 weeks of review at 40 hours
    from the start."""
    answers = cpc_coder(coding_months=1, hours_per_week=40)
    roadmap = build_roadmap(answers, CONTENT)
    exam = milestone(roadmap, "exam").date
    start = milestone(roadmap, "program_start").date
    assert exam - start == timedelta(weeks=6)  # 6 weeks of review, ending at the exam
    assert start > answers.start_date + timedelta(weeks=40)
    assert "6 weeks of review at 40 hours a week" in advice_of(roadmap)["held_credential_review"]
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
        assert "Your 14 months of coding are what most remote roles ask for" in text
        assert "a year on site is the usual way" not in text
        assert "first year of work counts toward removing the A" not in text


def test_training_shortened_by_coding_names_the_coding_not_zero_years_of_work():
    answers = hospital_career_changer(coding_months=6, healthcare_experience="coding_billing")
    advice = advice_of(build_roadmap(answers, CONTENT))
    assert "prior_work_shortens" not in advice
    assert advice["coding_work_shortens"].startswith("Your 6 months of coding at work")


def test_training_shortened_by_work_and_coding_names_both():
    answers = hospital_career_changer(
        coding_months=8,
        healthcare_experience="coding_billing",
        experience_years=3,
        experience_kinds=("billing",),
    )
    advice = advice_of(build_roadmap(answers, CONTENT))
    assert {"prior_work_shortens", "coding_work_shortens"}.isdisjoint(advice)
    assert advice["all_work_shortens"].startswith(
        "3 years of healthcare or insurance work and 8 months of coding at work"
    )


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
    assert "credential_upgrade" not in {m.key for m in surgery.milestones}


def test_a_coc_holders_step_to_the_ccs_is_dated_when_the_coding_year_is_reached():
    """The CCS the plan names as next has its date: six months more of coding for someone
    coding now, a year into the first job for someone who does not code yet."""
    coding = build_roadmap(
        hospital_career_changer(credentials_held=("coc",), coding_months=6, employment="employed"),
        CONTENT,
    )
    step = milestone(coding, "credential_upgrade")
    assert step.title == "Move up to the CCS for inpatient work"
    assert "ICD-10-PCS" in step.description and "COC-A" not in step.description
    start = coding.start_date
    assert timedelta(weeks=27) <= step.date - start < timedelta(weeks=28)  # 6 + 6 months
    newcomer = build_roadmap(hospital_career_changer(credentials_held=("coc",)), CONTENT)
    first_job = milestone(newcomer, "first_job").date
    step = milestone(newcomer, "credential_upgrade")
    assert step.title == "Move up to the CCS for inpatient work"
    # a full year (365 days or more) into the first job, not 52 weeks, a day short of it
    assert timedelta(days=365) <= step.date - first_job < timedelta(weeks=54)


def test_a_coc_holder_with_a_year_of_coding_goes_on_to_the_ccs_exam():
    """The COC and a year of coding meet AHIMA's CCS recommendation, as the CPC and a year
    do: the plan reviews for the CCS, with ICD-10-PCS in it, not "choose your next area"."""
    roadmap = build_roadmap(
        hospital_career_changer(credentials_held=("coc",), coding_months=14, employment="employed"),
        CONTENT,
    )
    assert [(c.credential.code, c.role) for c in roadmap.credentials] == [("CCS", "primary")]
    assert milestone(roadmap, "exam").title == "Sit the CCS exam"
    assert "ICD-10-PCS and inpatient coding" in {b.focus for b in roadmap.study_plan.blocks}
    assert "COC" in milestone(roadmap, "program_start").description


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
    assert "entry_jobs_take_time" in advice_of(beginner)  # not remote: no remote words
    assert "first_remote_hard" not in advice_of(beginner)


def test_each_what_if_row_is_the_plan_those_hours_would_get():
    """A row promises the dates the roadmap at those hours gives, pathway included (at 30
    hours a degree may fit and end later: such a row is not offered as 'sooner')."""
    for answers in (
        school_leaver(hours_per_week=25),
        hospital_career_changer(
            budget="moderate", employment="employed", employer_may_pay=True, hours_per_week=20
        ),
        hospital_career_changer(hours_per_week=5),
    ):
        roadmap = build_roadmap(answers, CONTENT)
        for row in roadmap.what_if:
            at = build_roadmap(
                dataclasses.replace(answers, hours_per_week=row.hours_per_week), CONTENT
            )
            assert row.first_job == milestone(at, "first_job").date, row
            assert row.first_job < milestone(roadmap, "first_job").date
        dates = [(row.exam, row.first_job) for row in roadmap.what_if]
        assert len(dates) == len(set(dates))  # no row repeats the one before


def test_months_of_coding_from_a_job_left_are_experience_not_a_manager_to_ask():
    for employment in ("laid_off", "retired"):
        answers = medical_assistant(
            employment=employment, coding_months=14, worries=("job_search",)
        )
        roadmap = build_roadmap(answers, CONTENT)
        text = " ".join(m.description for m in roadmap.milestones)
        assert "Tell your manager" not in text and "You already code at work" not in text
        (job_search,) = roadmap.worries
        assert job_search.summary.startswith("Your 14 months of coding are the experience")


def test_a_holder_who_codes_is_not_sent_to_trainee_roles():
    roadmap = build_roadmap(medical_assistant(credentials_held=("cpc",), coding_months=5), CONTENT)
    text = " ".join(m.description for m in roadmap.milestones)
    assert "trainee roles included" not in text and "while you apply" not in text
    assert milestone(roadmap, "job_search").title == "Plan your move to a coder title"


def test_a_cpc_trained_retaker_aiming_at_a_hospital_learns_icd_10_pcs_first():
    roadmap = build_roadmap(
        medical_assistant(exam_retake="cpc", target_setting="hospital"), CONTENT
    )
    assert roadmap.primary_credential.code == "CCA"
    course = advice_of(roadmap)["inpatient_course_trained"]
    assert "the CPC you trained for does not test" in course
    assert "ICD-10-PCS and inpatient coding" in {b.focus for b in roadmap.study_plan.blocks}


def test_a_review_waiting_for_the_year_is_registered_the_usual_weeks_ahead():
    roadmap = build_roadmap(cpc_coder(coding_months=2, hours_per_week=40), CONTENT)
    exam = milestone(roadmap, "exam").date
    registration = milestone(roadmap, "exam_registration").date
    assert timedelta(weeks=7) < exam - registration <= timedelta(weeks=8, days=3)


def test_abroad_no_american_job_center_and_full_time_study_is_not_called_keep_earning():
    laid_off_abroad = hospital_career_changer(
        employment="laid_off", state="outside", country="Germany"
    )
    steps = {s.key for s in build_roadmap(laid_off_abroad, CONTENT).next_steps}
    assert "ask_workforce_board" not in steps
    laid_off_home = hospital_career_changer(employment="laid_off")
    assert "ask_workforce_board" in {
        s.key for s in build_roadmap(laid_off_home, CONTENT).next_steps
    }
    for hours, said in ((25, True), (40, False)):
        worried = medical_assistant(
            hours_per_week=hours, employment="employed", worries=("career_change",)
        )
        (change,) = build_roadmap(worried, CONTENT).worries
        assert any("keep earning" in s for s in change.strategies) is said


def test_sixty_hours_a_week_lays_out_only_what_a_twenty_week_program_needs():
    """A certificate cannot be finished in under 20 weeks: at 60 hours a week the weekly plan
    holds the 26 it needs and says the rest are the person's own; not 60 hours of blocks."""
    roadmap = build_roadmap(medical_assistant(hours_per_week=60), CONTENT)
    plan = roadmap.study_plan
    assert plan.hours_per_week == 26 == sum(b.hours for b in plan.blocks)
    assert any("the rest of your 60 hours is your own" in note for note in plan.notes)
    assert roadmap.pathway.hours_per_week == 60  # what they said, still named as theirs
    # the rest of the plan speaks of the 26 hours, and the summary says why
    assert "at 26 hours a week" in roadmap.summary
    assert "You said you can give 60 hours a week; 26 hours covers this plan" in roadmap.summary
    assert "26 hours a week" in milestone(roadmap, "program_start").description
    (block,) = [s for s in roadmap.next_steps if s.key == "block_time"]
    assert "Put your 26 hours a week" in block.description
    assert "Your 60 hours a week would cover that sooner" in roadmap.pathway.formula
    at_twenty = build_roadmap(medical_assistant(hours_per_week=20), CONTENT).study_plan
    assert at_twenty.hours_per_week == 20


def test_a_review_at_one_hour_a_week_is_called_slow_as_training_is():
    roadmap = build_roadmap(medical_assistant(hours_per_week=1, coding_months=14), CONTENT)
    (warning,) = roadmap.feasibility
    assert warning.key == "feasibility_low_hours_review"
    assert "the code books change every year" in warning.text
    assert "With 10 hours a week your exam could come around" in warning.text
    assert not build_roadmap(
        medical_assistant(hours_per_week=8, coding_months=14), CONTENT
    ).feasibility


def test_a_retiree_is_not_told_of_their_current_work():
    answers = hospital_career_changer(employment="retired", worries=("career_change",))
    (change,) = build_roadmap(answers, CONTENT).worries
    assert any(s.startswith("Habits from the work you did before") for s in change.strategies)
    assert not any("your current work" in s for s in change.strategies)


def test_a_coder_between_jobs_is_planned_without_a_coding_year_accruing():
    """Laid off or retired: months of coding are experience, but no year of coding accrues
    for the CCS, no employer is asked about remote work, and no new-coder advice."""
    from advising.roadmap.engine.advice import credential_year_pending

    laid_off_cpc = cpc_coder(coding_months=6, employment="laid_off")
    assert credential_year_pending(laid_off_cpc, CONTENT, "ccs") == 0
    roadmap = build_roadmap(laid_off_cpc, CONTENT)
    assert "keep coding" not in roadmap.summary
    assert "review_after_coding_year" not in advice_of(roadmap)
    remote = hospital_career_changer(
        coding_months=14,
        employment="laid_off",
        target_setting="remote",
        healthcare_experience="coding_billing",
        worries=("job_search",),
    )
    roadmap = build_roadmap(remote, CONTENT)
    # (a year into the next job, "ask your employer" is about that new employer: fine)
    text = milestone(roadmap, "first_job").description + " ".join(roadmap.worries[0].strategies)
    assert "ask your employer" not in text and "apply for on-site roles too, since" not in text
    assert "between jobs" in text
    assert "first_remote_hard" not in advice_of(roadmap)
    assert "a coder title targeted" not in roadmap.summary
    assert (
        "apply for coder roles, not only trainee ones"
        in milestone(roadmap, "job_search").description
    )


def test_a_year_of_coding_and_practicode_take_the_a_off_soon_after_the_exam():
    """AAPC removes the A after two years of coding, or one year plus Practicode: a coder of
    14 months is not told to code 10 more months, but to finish Practicode once they pass."""
    roadmap = build_roadmap(medical_assistant(coding_months=14), CONTENT)
    advice = advice_of(roadmap)
    assert "apprentice_shortened" not in advice
    assert "finish Practicode once you pass" in advice["apprentice_practicode_after_exam"]
    exam = milestone(roadmap, "exam").date
    upgrade = milestone(roadmap, "credential_upgrade").date
    assert timedelta(weeks=12) <= upgrade - exam < timedelta(weeks=13)
    assert "practicode" in {line.key for line in roadmap.costs.lines}
    # under a year, the months still to code are said as before
    young = advice_of(build_roadmap(medical_assistant(coding_months=8), CONTENT))
    assert "apprentice_shortened" in young and "apprentice_practicode_after_exam" not in young


def test_a_certified_coder_wanting_remote_work_hears_of_it_on_the_first_step():
    answers = cpc_coder(coding_months=14, target_setting="remote")
    first = build_roadmap(answers, CONTENT).milestones[0]
    assert first.key == "program_start"
    assert "your 14 months of coding are what most remote roles ask for" in first.description
    office = build_roadmap(cpc_coder(coding_months=14, target_setting="physician_office"), CONTENT)
    assert "remote" not in office.milestones[0].description


def test_a_certified_coder_between_jobs_gets_a_job_search_not_ask_your_manager():
    """Laid off after five years with the CPC: the plan is a dated job search that leads with
    the coding, not a working coder's "ask your manager" and next credential."""
    answers = medical_assistant(
        credentials_held=("cpc",),
        coding_months=60,
        employment="laid_off",
        target_setting="remote",
        income_need="now",
        worries=("job_search",),
    )
    roadmap = build_roadmap(answers, CONTENT)
    keys = [m.key for m in roadmap.milestones]
    assert "job_search" in keys and "first_job" in keys
    text = " ".join(m.description for m in roadmap.milestones)
    assert "Ask your manager" not in text and "trainee roles" not in text
    assert "Put your 60 months of coding first on your résumé" in text
    assert "Your 60 months of coding are what most remote roles ask for" in text
    assert "A year of coding is also when remote roles open up" not in text
    working = build_roadmap(dataclasses.replace(answers, employment="employed"), CONTENT)
    assert "job_search" not in [m.key for m in working.milestones]


def test_a_retired_coder_with_years_of_coding_hears_contract_work_is_open_now():
    answers = hospital_career_changer(
        credentials_held=("ccs",), coding_months=60, employment="retired", target_setting="remote"
    )
    advice = advice_of(build_roadmap(answers, CONTENT))
    assert "retiree_contract" not in advice
    assert "Your 60 months of coding are the experience those roles ask for" in (
        advice["retiree_contract_now"]
    )
    newcomer = advice_of(build_roadmap(hospital_career_changer(employment="retired"), CONTENT))
    assert "after a year or two of coding" in newcomer["retiree_contract"]


def test_a_cpc_a_between_jobs_with_a_year_of_coding_takes_the_a_off_with_practicode():
    """14 months coded, now laid off: Practicode is the other year, so the A comes off when
    it is done, not 12 weeks after a job that has not been found yet."""
    answers = medical_assistant(
        credentials_held=("cpc_a",), coding_months=14, employment="laid_off"
    )
    roadmap = build_roadmap(answers, CONTENT)
    assert milestone(roadmap, "program_start").title == "Start AAPC's Practicode"
    removal = milestone(roadmap, "credential_upgrade").date
    assert removal < milestone(roadmap, "first_job").date
    assert removal - answers.start_date < timedelta(weeks=CONTENT.practicode_weeks + 1)


def test_keeping_a_credential_names_its_own_bodys_payment():
    """AAPC keeps a credential with yearly dues; AHIMA with a fee each cycle, membership
    optional: "dues or recertification fee" was wrong for both."""
    ahima = build_roadmap(
        hospital_career_changer(credentials_held=("ccs",), coding_months=48, employment="employed"),
        CONTENT,
    )
    aapc = build_roadmap(
        medical_assistant(credentials_held=("cpc",), coding_months=36, employment="employed"),
        CONTENT,
    )
    ahima_ceu = milestone(ahima, "continuing_education").description
    assert "pay AHIMA's recertification fee when each cycle closes" in ahima_ceu
    assert "dues" not in ahima_ceu
    assert "renew your AAPC membership every year" in milestone(
        aapc, "continuing_education"
    ).description


def test_a_holder_of_an_areas_own_credential_is_not_told_to_pick_one_for_it():
    """The CRC is risk adjustment's credential, the COC outpatient surgery's: a working
    holder deepens that area, and only other areas picked get "pick the credential for"."""
    crc = medical_assistant(
        credentials_held=("crc",),
        coding_months=36,
        employment="employed",
        target_setting="payer",
        specialties=("risk_adjustment",),
    )
    text = milestone(build_roadmap(crc, CONTENT), "specialization").description
    assert text.startswith("Your credential already covers risk adjustment.")
    coc = medical_assistant(
        credentials_held=("coc",),
        coding_months=30,
        employment="employed",
        target_setting="hospital",
        specialties=("outpatient_surgery",),
    )
    text = milestone(build_roadmap(coc, CONTENT), "specialization").description
    assert text.startswith("Your credential already covers outpatient surgery.")
    both = dataclasses.replace(crc, specialties=("risk_adjustment", "auditing"))
    text = milestone(build_roadmap(both, CONTENT), "specialization").description
    assert "pick the credential for auditing and plan" in text


def test_a_coder_retaking_an_exam_plans_a_coder_title_not_trainee_roles():
    answers = hospital_career_changer(exam_retake="ccs", coding_months=18, employment="employed")
    roadmap = build_roadmap(answers, CONTENT)
    search = milestone(roadmap, "job_search")
    assert search.title == "Plan your move to a coder title"
    assert "trainee" not in search.description
    assert "Tell your manager you are sitting the CCS on" in search.description
    newcomer = build_roadmap(hospital_career_changer(exam_retake="cca"), CONTENT)
    assert "trainee coding roles" in milestone(newcomer, "job_search").description


def test_the_online_exam_reason_does_not_restate_the_learning_format():
    for learning_format in ("online", "either"):
        roadmap = build_roadmap(
            school_leaver(target_setting="remote", learning_format=learning_format), CONTENT
        )
        reasons = " ".join(roadmap.credentials[0].reasons)
        assert "The CPC exam can be taken online with a remote proctor" in reasons
        assert "You prefer" not in reasons


def test_auditing_advice_counts_the_coding_already_done():
    seasoned = medical_assistant(
        specialties=("auditing",), credentials_held=("cpc",), coding_months=36,
        employment="employed",
    )
    (cpma,) = build_roadmap(seasoned, CONTENT).later_credentials
    assert "your 36 months of coding are the experience auditing roles look for" in (
        cpma.reasons[0]
    )
    (cpma,) = build_roadmap(medical_assistant(specialties=("auditing",)), CONTENT).later_credentials
    assert "plan it once you have them" in cpma.reasons[0]


def test_a_coder_reviewing_for_the_cpc_is_not_told_of_practicode_alongside_training():
    """No program on this route: the CPC-A reason's "alongside your training" contradicted
    the advice, which says what their months of coding leave of the apprentice stage."""
    for months, advice_key in ((30, "apprentice_none"), (14, "apprentice_practicode_after_exam")):
        roadmap = build_roadmap(
            medical_assistant(
                healthcare_experience="coding_billing",
                coding_months=months,
                employment="employed",
                target_setting="physician_office",
            ),
            CONTENT,
        )
        reasons = " ".join(roadmap.credentials[0].reasons)
        assert "alongside your training" not in reasons and "CPC-A" not in reasons
        assert advice_key in advice_of(roadmap)


def test_a_newcomer_who_failed_the_ccs_is_shown_the_cca_as_the_other_way_in():
    roadmap = build_roadmap(school_leaver(exam_retake="ccs", target_setting="hospital"), CONTENT)
    assert [(c.credential.code, c.role) for c in roadmap.credentials] == [
        ("CCS", "primary"),
        ("CCA", "alternative"),
    ]
    coder = build_roadmap(
        school_leaver(exam_retake="ccs", target_setting="hospital", coding_months=18), CONTENT
    )
    assert [c.credential.code for c in coder.credentials] == ["CCS"]


def test_a_review_at_sixty_hours_a_week_lays_out_only_what_the_review_needs():
    """An exam review of 120 hours over its minimum 4 weeks needs 30 hours a week: the plan
    speaks of 30, and says the rest of the 60 are the person's own, as a program's does."""
    coder = medical_assistant(
        hours_per_week=60, coding_months=30, target_setting="hospital", specialties=()
    )
    roadmap = build_roadmap(coder, CONTENT)
    assert roadmap.pathway.duration_weeks == 0
    assert roadmap.study_plan.hours_per_week == 30
    assert "at 30 hours a week" in roadmap.summary
    assert "60 hours a week; 30 hours covers this plan" in roadmap.summary
    assert any("Your review is about 120 hours" in note for note in roadmap.study_plan.notes)
    assert not any("Your program cannot" in note for note in roadmap.study_plan.notes)
