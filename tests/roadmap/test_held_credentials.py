"""Credentials already held, and an exam sat but not passed: the plan starts from where the
person is (a coder-advisor's first question), not from a training program. Each test names
the rule a certified advisor would apply."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from advising.roadmap.engine import (
    AnswersError,
    answers_from_dict,
    answers_to_dict,
    build_roadmap,
    load_content,
    roadmap_from_dict,
    roadmap_to_dict,
)
from tests.roadmap.personas import (
    hospital_career_changer,
    medical_assistant,
    milestone,
    school_leaver,
)

CONTENT = load_content()


def dates(roadmap) -> dict:
    return {m.key: m.date for m in roadmap.milestones}


def primary_reasons(roadmap) -> str:
    return " ".join(next(c for c in roadmap.credentials if c.role == "primary").reasons)


def test_a_certified_coder_wanting_auditing_is_not_sent_back_to_the_cpc_exam():
    coder = medical_assistant(
        credentials_held=("cpc",), coding_months=72, specialties=("auditing",)
    )
    roadmap = build_roadmap(coder, CONTENT)
    assert roadmap.primary_credential.code == "CPC"
    assert not {"exam", "exam_registration", "program_complete"} & set(dates(roadmap))
    assert "first_job" not in dates(roadmap)  # six years a coder: no first job to find
    assert roadmap.pathway.duration_weeks == 0 and not roadmap.phases and not roadmap.what_if
    assert "already hold the CPC" in primary_reasons(roadmap)
    assert "hold the CPC and already code" in roadmap.summary
    # the next credential is the auditing one, soon, not a year after a first job
    assert [c.credential.code for c in roadmap.later_credentials] == ["CPMA"]
    specialization = milestone(roadmap, "specialization")
    assert specialization.title == "Choose your next credential"
    assert "auditing" in specialization.description
    assert specialization.date - coder.start_date < timedelta(weeks=6)
    # nothing to pay for an exam already passed; the dues that keep the credential stay
    assert [line.key for line in roadmap.costs.lines] == ["aapc_membership"]
    assert not any("Sit the" in m.title for m in roadmap.milestones)
    assert not any(step.key in ("ask_employer", "price_the_path") for step in roadmap.next_steps)


def test_a_cpc_a_starts_with_practicode_and_the_a_comes_off_a_year_into_coding():
    apprentice = medical_assistant(credentials_held=("cpc_a",))
    roadmap = build_roadmap(apprentice, CONTENT)
    first = roadmap.milestones[0]
    assert first.key == "program_start" and first.title == "Start AAPC's Practicode"
    assert "course and Practicode together count as both years" in first.description
    assert "exam" not in dates(roadmap)
    upgrade = milestone(roadmap, "credential_upgrade")
    gap = upgrade.date - milestone(roadmap, "first_job").date
    assert timedelta(weeks=51) <= gap <= timedelta(weeks=54)  # Practicode is the other year
    assert roadmap.advice[0].key == "apprentice_practicode"
    assert "CPC-A" in primary_reasons(roadmap)
    # coding at work already counts: six months of it halve the wait
    coding = build_roadmap(dataclasses.replace(apprentice, coding_months=6), CONTENT)
    assert milestone(coding, "credential_upgrade").date < upgrade.date


def test_a_failed_cpc_gets_weeks_of_timed_practice_and_a_retake_not_a_new_program():
    first_try = medical_assistant(hours_per_week=10)
    retake = dataclasses.replace(first_try, exam_retake="cpc")
    fresh, again = build_roadmap(first_try, CONTENT), build_roadmap(retake, CONTENT)
    assert again.pathway.duration_weeks == 0 and fresh.pathway.duration_weeks > 20
    weeks = (milestone(again, "exam").date - retake.start_date).days / 7
    assert 6 <= weeks <= 10
    assert milestone(again, "exam").title == "Retake the CPC exam"
    assert milestone(again, "program_start").title == "Start your retake review"
    assert "score report" in milestone(again, "program_start").description
    assert "sat it once" in primary_reasons(again)
    assert again.advice[0].key == "retake_plan"
    # the retake may already be paid for: the fee runs from nothing to the full fee
    fee = next(line for line in again.costs.lines if line.key == "exam")
    assert fee.label == "CPC retake fee" and fee.low == 0 and fee.high > 0
    # timed practice takes the study time the basics took
    focus = {b.focus: 0.0 for b in again.study_plan.blocks}
    for block in again.study_plan.blocks:
        focus[block.focus] += block.hours
    assert focus["Practice questions and timed tests"] > focus["Medical terminology and anatomy"]


def test_a_cca_holder_aiming_for_a_hospital_finds_a_job_then_moves_up_to_the_ccs():
    holder = hospital_career_changer(credentials_held=("cca",))
    roadmap = build_roadmap(holder, CONTENT)
    roles = {c.role: c.credential.code for c in roadmap.credentials}
    assert roles == {"primary": "CCA", "next": "CCS"}
    assert "exam" not in dates(roadmap)
    upgrade = milestone(roadmap, "credential_upgrade")
    assert upgrade.title == "Move up to the CCS"
    assert upgrade.date > milestone(roadmap, "first_job").date
    # AHIMA: the CCA plus a year of coding meets the CCS recommendation
    later = build_roadmap(dataclasses.replace(holder, coding_months=14), CONTENT)
    assert later.primary_credential.code == "CCS" and "exam" in dates(later)
    assert later.pathway.duration_weeks == 0


def test_another_bodys_credential_stands_in_for_the_training_program():
    cpc_to_hospital = hospital_career_changer(credentials_held=("cpc",))
    roadmap = build_roadmap(cpc_to_hospital, CONTENT)
    assert roadmap.primary_credential.code == "CCA"
    assert roadmap.pathway.duration_weeks == 0
    assert "what you learned for the CPC stands in" in roadmap.pathway.formula
    assert milestone(roadmap, "program_start").title == "Start your CCA review"
    newcomer = build_roadmap(hospital_career_changer(), CONTENT)
    assert milestone(roadmap, "exam").date < milestone(newcomer, "exam").date


def test_a_credential_held_fits_remote_and_payer_work_so_the_plan_builds_on_it():
    for setting in ("remote", "undecided", "payer"):
        roadmap = build_roadmap(
            medical_assistant(credentials_held=("ccs",), target_setting=setting), CONTENT
        )
        assert roadmap.primary_credential.code == "CCS", setting
        assert "exam" not in dates(roadmap), setting


def test_hours_change_nothing_when_there_is_nothing_left_to_study_for():
    slow = build_roadmap(medical_assistant(credentials_held=("cpc",), hours_per_week=3), CONTENT)
    fast = build_roadmap(medical_assistant(credentials_held=("cpc",), hours_per_week=30), CONTENT)
    assert dates(slow) == dates(fast)
    assert not slow.feasibility  # no "at this pace the plan is very slow"


def test_a_holders_roadmap_is_stored_and_read_back_whole():
    roadmap = build_roadmap(medical_assistant(credentials_held=("cpc_a",)), CONTENT)
    assert roadmap_from_dict(roadmap_to_dict(roadmap)) == roadmap


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"credentials_held": ("cpr",)}, "credentials_held"),
        ({"credentials_held": ("cpc", "cpc_a")}, "credentials_held"),
        ({"exam_retake": "cpma"}, "exam_retake"),
        ({"credentials_held": ("cpc_a",), "exam_retake": "cpc"}, "exam_retake"),
    ],
)
def test_impossible_credential_answers_are_refused_naming_the_field(changes, field):
    with pytest.raises(AnswersError) as excinfo:
        medical_assistant(**changes)
    assert excinfo.value.field == field


def test_answers_stored_before_the_question_load_as_nothing_held():
    stored = answers_to_dict(medical_assistant())
    del stored["credentials_held"], stored["exam_retake"]
    loaded = answers_from_dict(stored)
    assert loaded.credentials_held == () and loaded.exam_retake == ""
    held = answers_from_dict(answers_to_dict(medical_assistant(credentials_held=("ccs", "rhit"))))
    assert held.credentials_held == ("ccs", "rhit")


def test_a_cpc_a_who_has_coded_two_years_is_told_to_ask_for_the_a_off_now():
    apprentice = medical_assistant(credentials_held=("cpc_a",), coding_months=30)
    roadmap = build_roadmap(apprentice, CONTENT)
    assert roadmap.advice[0].key == "holder_plan"
    assert "apprentice_remove_now" in [a.key for a in roadmap.advice]
    titles = [m.title for m in roadmap.milestones]
    assert "Start AAPC's Practicode" not in titles and "Apply as a CPC-A" not in titles
    assert "credential_upgrade" not in dates(roadmap)
    assert "apprentice_none" not in [a.key for a in roadmap.advice]


def test_a_cpc_a_with_a_year_of_coding_loses_the_a_with_practicode():
    apprentice = medical_assistant(credentials_held=("cpc_a",), coding_months=14)
    roadmap = build_roadmap(apprentice, CONTENT)
    practicode = next(a for a in roadmap.advice if a.key == "apprentice_practicode_coded")
    assert "Your 14 months of coding count as one of the two years" in practicode.text
    upgrade = milestone(roadmap, "credential_upgrade")
    assert upgrade.date - roadmap.start_date <= timedelta(weeks=CONTENT.practicode_weeks + 1)


def test_a_cpc_a_aiming_elsewhere_keeps_paying_aapc_and_hears_about_the_a():
    roadmap = build_roadmap(hospital_career_changer(credentials_held=("cpc_a",)), CONTENT)
    assert roadmap.primary_credential.code == "CCA"
    assert "apprentice_alongside" in [a.key for a in roadmap.advice]
    assert {"aapc_membership", "ahima_membership"} <= {line.key for line in roadmap.costs.lines}
    # the CPC never tested inpatient coding
    assert "inpatient_course" in [a.key for a in roadmap.advice]


def test_the_first_ceu_cycle_closes_two_years_after_the_exam_on_every_route():
    for person in (
        medical_assistant(credentials_held=("ccs",)),  # reviews for the CPC
        medical_assistant(exam_retake="cpc"),
        medical_assistant(coding_months=30),
    ):
        roadmap = build_roadmap(person, CONTENT)
        exam = milestone(roadmap, "exam").date
        due = milestone(roadmap, "continuing_education").date
        assert 0 <= (due - (exam + timedelta(weeks=104))).days < 7, person.credentials_held


def test_an_rhit_meets_the_ccs_recommendation_as_a_credential_not_as_a_first_one():
    roadmap = build_roadmap(hospital_career_changer(credentials_held=("rhit",)), CONTENT)
    assert roadmap.primary_credential.code == "CCS"
    keys = [a.key for a in roadmap.advice]
    assert "ccs_recommendation_held" in keys and "ccs_recommendation_met" not in keys
    assert not any("first credential" in a.text for a in roadmap.advice)
    assert "inpatient_course" not in keys  # an HIM credential already covers inpatient codes


def test_a_credential_that_fits_the_setting_is_built_on_not_replaced_by_a_lower_one():
    cic = build_roadmap(hospital_career_changer(credentials_held=("cic",)), CONTENT)
    assert cic.primary_credential.code == "CIC" and not cic.sits_exam
    assert "exam" not in [line.key for line in cic.costs.lines]
    ccs_p = build_roadmap(medical_assistant(credentials_held=("ccs_p",)), CONTENT)
    assert ccs_p.primary_credential.code == "CCS-P" and not ccs_p.sits_exam


def test_an_ahima_retake_counts_the_membership_or_the_higher_fee_never_both():
    roadmap = build_roadmap(hospital_career_changer(exam_retake="cca"), CONTENT)
    fees = CONTENT.catalogue.credentials["cca"].fees
    dues = next(line for line in roadmap.costs.lines if line.key == "ahima_membership").high
    others = sum(
        line.high or 0
        for line in roadmap.costs.lines
        if line.key not in ("exam", "ahima_membership")
    )
    assert roadmap.costs.total_high == others + max(fees.member + dues, fees.non_member)


def test_plans_without_training_say_nothing_about_training_or_enrolling():
    people = (
        medical_assistant(credentials_held=("cpc",), employment="laid_off", budget="tight"),
        medical_assistant(credentials_held=("cpc",), coding_months=72, worries=("exams", "cost")),
        medical_assistant(exam_retake="cpc", budget="tight", worries=("cost", "job_search")),
        hospital_career_changer(credentials_held=("cpc",)),
    )
    for person in people:
        roadmap = build_roadmap(person, CONTENT)
        text = " ".join(
            [
                *(r for c in roadmap.credentials for r in c.reasons),
                *(f.text for f in roadmap.costs.funding),
                *(s.description for s in roadmap.next_steps),
                *(s for w in roadmap.worries for s in w.strategies),
                *roadmap.study_plan.notes,
            ]
        ).lower()
        for phrase in ("enroll", "your training", "tuition help", "placement", "program sets"):
            assert phrase not in text, (phrase, person.credentials_held, person.exam_retake)


def test_outpatient_surgery_in_a_hospital_is_the_cocs_work_not_the_inpatient_route():
    roadmap = build_roadmap(hospital_career_changer(specialties=("outpatient_surgery",)), CONTENT)
    roles = {c.role: c.credential.code for c in roadmap.credentials}
    assert roles == {"primary": "COC", "alternative": "CCA"}
    assert milestone(roadmap, "exam").title == "Sit the COC exam"
    assert milestone(roadmap, "credential_upgrade").title == "Remove the A from your COC-A"
    # a full COC held has no A to remove
    held = build_roadmap(
        hospital_career_changer(specialties=("outpatient_surgery",), credentials_held=("coc",)),
        CONTENT,
    )
    assert held.primary_credential.code == "COC" and "credential_upgrade" not in dates(held)


def test_an_exam_sat_once_is_never_dropped():
    # a CPC sat once, now aiming at a hospital: the training counts, no new program
    trained = build_roadmap(hospital_career_changer(exam_retake="cpc"), CONTENT)
    assert trained.primary_credential.code == "CCA" and trained.pathway.duration_weeks == 0
    assert "You trained for the CPC and sat its exam" in primary_reasons(trained)
    assert trained.advice[0].key == "trained_review"
    # a CCA held and the CCS sat once: the retake, not a plan with "no exam ahead"
    retake = build_roadmap(
        hospital_career_changer(credentials_held=("cca",), exam_retake="ccs", coding_months=6),
        CONTENT,
    )
    assert milestone(retake, "exam").title == "Retake the CCS exam"
    # a CRC held and the CPC sat once, for remote work: the CPC's retake
    remote = build_roadmap(
        medical_assistant(credentials_held=("crc",), exam_retake="cpc", target_setting="remote"),
        CONTENT,
    )
    assert milestone(remote, "exam").title == "Retake the CPC exam"


def test_a_cpc_a_is_never_called_a_cpc():
    roadmap = build_roadmap(hospital_career_changer(credentials_held=("cpc_a",)), CONTENT)
    assert "What you learned for the CPC-A" in primary_reasons(roadmap)
    working = build_roadmap(
        medical_assistant(credentials_held=("cpc_a",), coding_months=14), CONTENT
    )
    assert "you hold the CPC-A and already code" in working.summary
    assert "You already hold the CPC-A" in primary_reasons(working)
    elsewhere = build_roadmap(
        hospital_career_changer(credentials_held=("cpc_a",), coding_months=30), CONTENT
    )
    assert "apprentice_remove_now" in [a.key for a in elsewhere.advice]


def test_an_outpatient_coder_going_inpatient_gets_time_for_icd_10_pcs():
    coder = build_roadmap(hospital_career_changer(credentials_held=("cpc",)), CONTENT)
    him = build_roadmap(hospital_career_changer(credentials_held=("rhit",)), CONTENT)
    assert "inpatient_course" in [a.key for a in coder.advice]
    weeks = (milestone(coder, "exam").date - coder.start_date).days / 7
    hours = hospital_career_changer().hours_per_week
    assert weeks >= (CONTENT.credentials["cca"].prep_hours + CONTENT.inpatient_course_hours) / hours
    assert "inpatient_course" not in [a.key for a in him.advice]


def test_any_other_bodys_coding_credential_plus_a_year_meets_the_ccs_recommendation():
    roadmap = build_roadmap(
        hospital_career_changer(credentials_held=("crc",), coding_months=14), CONTENT
    )
    assert roadmap.primary_credential.code == "CCS"
    assert "ccs_recommendation_held" in [a.key for a in roadmap.advice]


def test_a_credential_of_the_other_body_is_kept_up_too():
    roadmap = build_roadmap(medical_assistant(credentials_held=("ccs",)), CONTENT)  # -> CPC
    assert "ahima_upkeep_alongside" in [a.key for a in roadmap.advice]
    holder = build_roadmap(hospital_career_changer(credentials_held=("ccs",)), CONTENT)
    assert holder.costs.lines == () and holder.costs.verdict == "none"
    assert "no program or exam to pay for" in holder.costs.summary


def test_no_student_aid_scholarships_or_interim_training_jobs_without_a_program():
    roadmap = build_roadmap(
        school_leaver(exam_retake="cca", target_setting="hospital", income_need="now"), CONTENT
    )
    assert roadmap.pathway.duration_weeks == 0
    funding = [f.key for f in roadmap.costs.funding]
    assert "funding_fafsa" not in funding and "funding_scholarships" not in funding
    assert "interim_jobs" not in [a.key for a in roadmap.advice]


def test_flexible_settings_build_on_any_coding_credential_held():
    for held in ("ccs_p", "cic"):
        roadmap = build_roadmap(
            medical_assistant(credentials_held=(held,), target_setting="remote"), CONTENT
        )
        assert roadmap.primary_credential.key == held and not roadmap.sits_exam


def test_an_him_degree_counts_as_the_course_that_halves_the_apprentice_stage():
    rhit = build_roadmap(medical_assistant(credentials_held=("rhit",)), CONTENT)  # -> CPC
    cca = build_roadmap(medical_assistant(credentials_held=("cca",)), CONTENT)
    first_job = milestone(rhit, "first_job").date
    assert milestone(rhit, "credential_upgrade").date - first_job < timedelta(weeks=54)
    assert milestone(cca, "credential_upgrade").date - milestone(cca, "first_job").date > (
        timedelta(weeks=100)
    )


def test_a_coc_a_is_planned_like_a_cpc_a_and_a_full_coc_is_taken_at_its_word():
    """AAPC gives the COC an apprentice stage as it does the CPC: a COC-A holder's plan is
    about removing the A (Practicode, a job), in the COC-A's own words; a COC holder, who
    did not tick the COC-A, is not asked whether the A is still on."""
    surgery = {"specialties": ("outpatient_surgery",)}
    apprentice = build_roadmap(
        hospital_career_changer(credentials_held=("coc_a",), **surgery), CONTENT
    )
    assert apprentice.primary_credential.code == "COC"
    assert apprentice.summary.startswith("Dana, you have passed the COC: here is your route")
    assert "from COC-A to the full credential" in apprentice.summary
    titles = [m.title for m in apprentice.milestones]
    assert "Start AAPC's Practicode" in titles and "Apply as a COC-A" in titles
    assert "Remove the A from your COC-A" in titles
    assert "CPC" not in " ".join([*titles, apprentice.summary])
    full = build_roadmap(hospital_career_changer(credentials_held=("coc",), **surgery), CONTENT)
    assert "Remove the A from your COC-A" not in [m.title for m in full.milestones]
    with pytest.raises(AnswersError, match="COC-A or the COC, not both"):
        hospital_career_changer(credentials_held=("coc_a", "coc"))


@pytest.mark.parametrize("hours", [5, 40])
def test_a_cpc_coding_at_work_aiming_at_a_hospital_sits_the_ccs_once_the_year_is_reached(hours):
    """AHIMA recommends another body's coding credential plus a year of coding for the CCS:
    a CPC six months into coding skips the entry-level CCA, and the CCS exam waits for the
    year however fast the review goes."""
    coder = hospital_career_changer(
        credentials_held=("cpc",), coding_months=6, hours_per_week=hours
    )
    roadmap = build_roadmap(coder, CONTENT)
    assert roadmap.primary_credential.code == "CCS"
    assert "CCA" not in [c.credential.code for c in roadmap.credentials]
    assert "skips the entry-level CCA" in primary_reasons(roadmap)
    year_reached = coder.start_date + timedelta(days=round(6 * 30.44))
    exam = dates(roadmap)["exam"]
    assert year_reached <= exam < year_reached + timedelta(weeks=4 if hours == 40 else 52)
    assert exam.strftime("%B %-d, %Y") in primary_reasons(roadmap)
    assert "credential_upgrade" not in dates(roadmap)  # the CCS is the plan, not a later step


def test_a_cpc_not_coding_yet_aiming_at_a_hospital_still_starts_with_the_cca():
    """With no coding job, the year the CCS asks for has not begun: the CCA gets them hired."""
    newcomer = hospital_career_changer(credentials_held=("cpc",), coding_months=0)
    roadmap = build_roadmap(newcomer, CONTENT)
    assert roadmap.primary_credential.code == "CCA"
    assert [c.credential.code for c in roadmap.credentials if c.role == "next"] == ["CCS"]


def test_a_cpc_a_plan_that_starts_with_practicode_lists_it_among_the_costs():
    roadmap = build_roadmap(medical_assistant(credentials_held=("cpc_a",)), CONTENT)
    practicode = next(line for line in roadmap.costs.lines if line.key == "practicode")
    assert practicode.low is None  # no checked price: shown as a price to check
    assert practicode.label in roadmap.costs.unpriced
    trained = build_roadmap(medical_assistant(), CONTENT)
    assert "practicode" not in {line.key for line in trained.costs.lines}


def test_a_crc_holder_learns_procedure_coding_before_the_ccs():
    """The CRC tests diagnosis coding only: a CRC holder going to the CCS is told to learn
    ICD-10-PCS and CPT first, and their review runs its full length, longer than a CPC
    holder's (whose exam tested CPT)."""
    def plan(held):
        return build_roadmap(
            medical_assistant(
                credentials_held=(held,),
                coding_months=18,
                experience_kinds=("coding",),
                healthcare_experience="coding_billing",
                target_setting="hospital",
                specialties=(),
            ),
            CONTENT,
        )

    crc, cpc = plan("crc"), plan("cpc")
    assert crc.primary_credential.code == cpc.primary_credential.code == "CCS"
    crc_advice = {a.key: a.text for a in crc.advice}
    assert "procedure_course" in crc_advice and "inpatient_course" not in crc_advice
    assert "CPT" in crc_advice["procedure_course"]
    assert "ICD-10-PCS" in crc_advice["procedure_course"]
    assert "inpatient_course" in {a.key for a in cpc.advice}

    def review(roadmap):
        return milestone(roadmap, "exam").date - milestone(roadmap, "program_start").date

    assert review(crc) > review(cpc)


def test_a_dated_step_up_to_the_ccs_is_priced():
    """A CCA holder's plan dates the move up to the CCS: its exam fee is in the costs, not
    "no program or exam to pay for"; a CPC holder with nothing ahead still has nothing."""
    cca = build_roadmap(
        medical_assistant(
            credentials_held=("cca",), coding_months=8, target_setting="hospital"
        ),
        CONTENT,
    )
    assert "credential_upgrade" in dates(cca)
    (line,) = [line for line in cca.costs.lines if line.key == "next_exam"]
    assert line.label == "CCS exam fee, for your move up" and line.low and line.high
    assert cca.costs.verdict != "none" and "no program or exam" not in cca.costs.summary
    cpc = build_roadmap(
        medical_assistant(credentials_held=("cpc",), coding_months=30), CONTENT
    )
    assert "next_exam" not in {line.key for line in cpc.costs.lines}


def test_a_cca_holder_who_has_coded_a_year_has_the_ccs_dated_with_the_job():
    """The CCS card says the timeline marks when to start: a CCA holder between jobs with 18
    months of coding (the year done) has the step dated with the next job, not left out."""
    roadmap = build_roadmap(
        school_leaver(credentials_held=("cca",), coding_months=18, employment="not_working"),
        CONTENT,
    )
    assert [c.credential.code for c in roadmap.credentials] == ["CCA", "CCS"]
    when = dates(roadmap)
    assert when["first_job"] < when["credential_upgrade"] <= when["first_job"] + timedelta(weeks=1)
    assert "next_exam" in {line.key for line in roadmap.costs.lines}


def test_an_apprentice_starts_with_practicode_in_the_next_steps_and_abroad_no_local_chapter():
    """The COC-A's (or CPC-A's) real first actions lead the next steps; someone abroad is
    not sent to a local AHIMA or AAPC chapter (they are in the United States)."""
    coc_a = build_roadmap(
        hospital_career_changer(credentials_held=("coc_a",), specialties=("outpatient_surgery",)),
        CONTENT,
    )
    first = coc_a.next_steps[0]
    assert first.key == "start_practicode" and "put the COC-A on your résumé" in first.description
    abroad = build_roadmap(school_leaver(state="outside", country="UK"), CONTENT)
    (community,) = [s for s in abroad.next_steps if s.key == "join_community"]
    assert "local chapters are in the United States" in community.description


def test_abroad_no_step_sends_the_person_to_a_local_chapter():
    """AAPC's and AHIMA's local chapters are in the United States: abroad, the job search,
    the motivation worry and the next steps point to their online communities instead."""
    abroad = build_roadmap(
        school_leaver(state="outside", country="United Kingdom", worries=("motivation",)),
        CONTENT,
    )
    text = " ".join(
        [m.description for m in abroad.milestones]
        + [s.description for s in abroad.next_steps]
        + [s for w in abroad.worries for s in w.strategies]
    )
    assert "AAPC or AHIMA chapters" not in text and "local AAPC or AHIMA chapter" not in text
    assert "online communities" in milestone(abroad, "job_search").description
    home = build_roadmap(school_leaver(state="TX", worries=("motivation",)), CONTENT)
    assert "AAPC or AHIMA chapters" in milestone(home, "job_search").description


def test_an_apprentice_with_a_year_coded_hears_of_practicode_once():
    roadmap = build_roadmap(
        medical_assistant(credentials_held=("cpc_a",), coding_months=14, employment="laid_off"),
        CONTENT,
    )
    keys = [a.key for a in roadmap.advice]
    assert "apprentice_practicode_coded" in keys and "apprentice_practicode" not in keys


def test_a_second_ahima_credential_is_not_told_its_cycle_starts_on_its_exam_day():
    """An RHIT holder sitting the CCS adds a credential to AHIMA's count: the CEU milestone
    says so, instead of the one-credential count and a first cycle from the CCS exam."""
    roadmap = build_roadmap(hospital_career_changer(credentials_held=("rhit",)), CONTENT)
    assert roadmap.primary_credential.code == "CCS"
    ceus = milestone(roadmap, "continuing_education").description
    assert "You already hold the RHIT" in ceus and "10 more CEUs" in ceus
    assert "from someone holding one credential" not in ceus
    newcomer = milestone(build_roadmap(hospital_career_changer(), CONTENT), "continuing_education")
    assert "from someone holding one credential" in newcomer.description
