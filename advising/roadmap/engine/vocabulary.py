"""The choice values and limits the roadmap rules understand (their labels live in
content.toml), and the ids the content file must provide wording for."""

from __future__ import annotations

import types
from collections.abc import Mapping

EDUCATION_LEVELS = ("high_school", "some_college", "associate", "bachelor", "graduate")
HEALTHCARE_EXPERIENCE = ("none", "some", "clinical", "coding_billing")
TARGET_SETTINGS = ("physician_office", "hospital", "payer", "remote", "undecided")
BUDGETS = ("tight", "moderate", "flexible")
LEARNING_FORMATS = ("online", "in_person", "either")
# Questions added with Roadmap 2.0 (all optional: "unknown" is the answer of old intakes).
EXPERIENCE_KINDS = ("clinical", "nursing", "front_office", "billing", "payer_claims", "coding")
EMPLOYER_TYPES = ("unknown", "provider", "payer", "neither")
EMPLOYMENT = ("unknown", "employed", "laid_off", "not_working", "retired", "student")
#: Answers that say the job they named is behind them.
OUT_OF_WORK = frozenset({"laid_off", "not_working", "retired"})
INCOME_NEEDS = ("unknown", "now", "within_6_months", "within_a_year", "not_urgent")
STUDENT_AID = ("unknown", "yes", "no")
#: A military connection: a veteran or service member (the GI Bill), a military spouse (MyCAA).
MILITARY = ("unknown", "veteran", "spouse", "none")
#: US states, DC and territories (postal codes), then "outside" the United States.
US_STATES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI",
)
OUTSIDE_US = "outside"
#: Coding credentials a person may already hold (catalogue keys), asked on the intake: each
#: shows they have learned to code. The CPB is a billing credential, so it is not asked.
CODING_CREDENTIALS = ("cpc", "coc", "cic", "crc", "cca", "ccs", "ccs_p", "rhit", "rhia")
#: AAPC's apprentice stages (CPC-A, COC-A): the exam passed, the A not yet removed; each
#: counts as the credential it is the apprentice stage of.
CPC_APPRENTICE = "cpc_a"
COC_APPRENTICE = "coc_a"
APPRENTICE_OF: Mapping[str, str] = types.MappingProxyType(
    {CPC_APPRENTICE: "cpc", COC_APPRENTICE: "coc"}
)
HELD_CREDENTIALS = (CPC_APPRENTICE, COC_APPRENTICE, *CODING_CREDENTIALS)
#: Held credentials whose upkeep is AAPC's yearly dues (the CPC-A counts as the CPC).
AAPC_CREDENTIALS = frozenset({"cpc", "coc", "cic", "crc"})
#: Held credentials kept with AHIMA's CEUs and recertification fee.
AHIMA_CREDENTIALS = frozenset({"cca", "ccs", "ccs_p", "rhit", "rhia"})
#: Held credentials that stand on an HIM degree (more than AAPC's 80-hour coding course).
HIM_DEGREES = frozenset({"rhit", "rhia"})
#: Held credentials whose exams test no inpatient (ICD-10-PCS) coding.
OUTPATIENT_CREDENTIALS = frozenset({"cpc", "coc", "crc"})
#: Held credentials whose exams test diagnosis coding only (ICD-10-CM for risk adjustment):
#: no procedure coding, CPT or ICD-10-PCS.
DIAGNOSIS_ONLY_CREDENTIALS = frozenset({"crc"})
MAX_EXPERIENCE_YEARS = 60
MAX_CODING_MONTHS = 600
MAX_BUDGET_DOLLARS = 1_000_000

#: Choice fields whose values are fixed by the engine's rules.
FIXED_CHOICES: Mapping[str, tuple[str, ...]] = types.MappingProxyType(
    {
        "education": EDUCATION_LEVELS,
        "healthcare_experience": HEALTHCARE_EXPERIENCE,
        "target_setting": TARGET_SETTINGS,
        "budget": BUDGETS,
        "learning_format": LEARNING_FORMATS,
        "employer_type": EMPLOYER_TYPES,
        "employment": EMPLOYMENT,
        "income_need": INCOME_NEEDS,
        "student_aid": STUDENT_AID,
        "military": MILITARY,
    }
)

#: A year of coding at work: no program, exam review only.
NO_PROGRAM_CODING_MONTHS = 12
#: Half a year of coding at work counts toward the experience credit, ticked as a kind or not.
CODING_CREDIT_MONTHS = 6

MIN_HOURS_PER_WEEK = 1
MAX_HOURS_PER_WEEK = 60

PATHWAYS = ("certificate", "associate_degree")
CREDENTIALS = ("cpc", "cca", "ccs", "crc", "coc", "rhit")
#: Exams someone may have sat without passing yet (the retake plan): the coding exams a
#: plan starts with (the RHIT follows an HIM degree; its retake is the school's to plan).
RETAKE_EXAMS = ("cpc", "cca", "ccs", "crc", "coc")

#: How a plan reaches its credential:
#: train              a training program, then the exam;
#: review_coding      a year of coding at work stands in for the program: exam review only;
#: review_credential  a coding credential already held stands in for it: exam review only;
#: review_trained     the training for another exam, sat but not passed, stands in for it;
#: retake             the person trained and sat this exam without passing: retake review;
#: apprentice         the CPC passed as CPC-A: no exam, the A to remove;
#: holder             the credential already held, a first coding job to find: no exam;
#: holder_working     the credential held, a year of coding done and coding now: no exam,
#:                    next steps.
ROUTES = (
    "train",
    "review_coding",
    "review_credential",
    "review_trained",
    "retake",
    "apprentice",
    "holder",
    "holder_working",
)
#: Routes with no exam in them: the credential is already held.
HELD_ROUTES = ("apprentice", "holder", "holder_working")
#: The entry credentials compared side by side when a person has not picked a setting.
COMPARED_CREDENTIALS = ("cpc", "cca", "ccs")

#: Advice ids the rules may pick; each needs a title and text in ``[advice]``.
ADVICE_IDS = (
    "apprentice_none",
    "apprentice_shortened",
    "apprentice_not_named",
    "no_program",
    "prior_work_shortens",
    "all_work_shortens",
    "coding_work_shortens",
    "review_after_coding_year",
    "exam_prep_inside",
    "ccs_recommendation_not_met",
    "ccs_recommendation_met",
    "second_risk_adjustment",
    "second_payer_crc",
    "second_auditing",
    "second_auditing_ready",
    "second_cdi",
    "second_cdi_nurse",
    "second_specialty",
    "rhit_with_degree",
    "rhia_with_bachelor",
    "term_start",
    "term_wait",
    "dates_adjusted",
    "first_remote_hard",
    "interim_jobs",
    "keep_job_while_training",
    "move_at_employer",
    "retiree_contract",
    "retiree_contract_now",
    "nurse_cdi",
    "outside_us",
    "canada_code_sets",
    "uk_code_sets",
    "feasibility_low_hours",
    "feasibility_long_plan",
    "feasibility_income_gap",
    "feasibility_income_gap_employed",
    "funding_wioa",
    "funding_wioa_adult",
    "funding_fafsa",
    "funding_gi_bill",
    "funding_gi_bill_exam",
    "funding_mycaa",
    "funding_employer",
    "funding_employer_exam",
    "funding_student_membership",
    "funding_scholarships",
    "funding_self_study",
    "cost_over",
    "cost_tight",
    "cost_within",
    "cost_unknown",
    "cost_none",
    "cost_nothing",
    "practice_test_length",
    "practice_test_unknown",
    "practice_test_split",
    "code_year_aapc",
    "code_year_ahima",
    "retake_plan",
    "holder_plan",
    "apprentice_practicode",
    "apprentice_remove_now",
    "apprentice_alongside",
    "held_credential_review",
    "trained_review",
    "apprentice_practicode_coded",
    "ahima_upkeep_alongside",
    "ccs_recommendation_held",
    "inpatient_course",
    "inpatient_course_trained",
    "procedure_course",
    "entry_jobs_take_time",
    "apprentice_practicode_after_exam",
    "feasibility_low_hours_review",
    "later_one_at_a_time",
)

#: Reason ids the rules may pick; each needs a sentence in ``[reasons]``.
REASON_IDS = (
    "setting_physician_office",
    "setting_hospital",
    "setting_payer",
    "setting_payer_crc",
    "setting_remote",
    "undecided_provisional",
    "experience_none",
    "experience_some",
    "experience_clinical",
    "experience_coding_billing",
    "cpc_apprentice",
    "online_exam",
    "cca_requirements",
    "rhit_first",
    "ccs_after_experience",
    "ccs_direct",
    "cca_after_coding",
    "ccs_after_cca_coded",
    "ccs_after_coding_year",
    "ccs_after_outpatient_credential",
    "payer_specialty",
    "payer_alternative_cca",
    "pathway_has_degree",
    "pathway_high_school",
    "pathway_some_college",
    "pathway_new_to_healthcare",
    "pathway_clinical_experience",
    "pathway_coding_experience",
    "pathway_hospital",
    "pathway_undecided",
    "pathway_physician_office",
    "pathway_budget_tight",
    "pathway_budget_flexible",
    "pathway_employer_pays",
    "pathway_outside_us",
    "pathway_income_soon",
    "pathway_low_hours",
    "pathway_degree_too_long",
    "pathway_high_hours",
    "pathway_advancement_goal",
    "pathway_speed_goal",
    "pathway_default_certificate",
    "pathway_default_associate",
    "holds_credential",
    "holds_apprentice",
    "holds_fits_setting",
    "holds_fits_target",
    "setting_hospital_outpatient",
    "coc_apprentice",
    "hospital_inpatient_alternative",
    "retake_reason",
    "retake_elsewhere",
    "ccs_retake_cca_alternative",
    "held_credential_review",
)

MILESTONE_KEYS = (
    "program_start",
    "program_complete",
    "exam_registration",
    "exam",
    "job_search",
    "first_job",
    "specialization",
    "continuing_education",
)

# Pathway score: positive points favour the associate degree, negative the certificate.

#: First credentials that are an area's own credential: someone who earns one already works
#: in that area, so their later specialty lies beyond it.
SPECIALTY_CREDENTIALS = {"crc": ("risk_adjustment",), "coc": ("outpatient_surgery",)}

#: [wording.phrases]: a phrase the rules choose by case, and the cases each must word.
PHRASE_CASES: Mapping[str, tuple[str, ...]] = types.MappingProxyType(
    {
        "your_work": ("working", "out_of_work"),
        "healthcare_work_ask": ("healthcare_employer", "other_employer"),
        "cdi_team": ("at_work", "elsewhere"),
        "cdi_coding_way": ("new_to_coding",),
        "financial_aid_too": ("may_use_aid",),
        "coding_behind": ("new_coder", "coder"),
        "paperwork_place": ("practice", "insurer"),
        "exam_sitting": ("online_or_in_person", "test_center", "unstated"),
        "ahima_added_credential": ("text",),
        "coding_behind_that": ("new_coder", "coder"),
        "chapter_contacts": ("in_us", "abroad"),
        "a_local_chapter": ("in_us", "abroad"),
        "chapter_meetings": ("in_us", "abroad"),
        "you_live": ("country", "no_country"),
    }
)

#: The ``{placeholders}`` content templates may use.
PLACEHOLDERS = frozenset(
    {
        "name",
        "first_name",
        "email",
        "timezone",
        "education",
        "current_work",
        "current_work_aside",
        "apprentice_code",
        "passed_exam",
        "your_work",
        "healthcare_work_ask",
        "cdi_team",
        "cdi_coding_way",
        "financial_aid_too",
        "healthcare_experience",
        "target_setting",
        "hours_per_week",
        "budget",
        "learning_format",
        "start_date",
        "given_start",
        "upkeep_payment",
        "self_study_cost",
        "credential",
        "credential_name",
        "credential_body",
        "exam_sitting",
        "later_codes",
        "next_credential",
        "code_sets",
        "pathway",
        "designed_weeks",
        "designed_hours_per_week",
        "total_hours",
        "min_weeks",
        "program_weeks",
        "program_months",
        "program_end",
        "prep_weeks",
        "review_hours",
        "code_year",
        "you_live",
        "chapter_contacts",
        "a_local_chapter",
        "chapter_meetings",
        "coding_behind",
        "paperwork_place",
        "coding_behind_that",
        "prior_code_year",
        "exam_date",
        "first_job_date",
        "specialties",
        "weekly_hours",
        "coding_months",
        "apprentice_months",
        "experience_years",
        "credit_percent",
        "degree_wait",
        "chosen_hours",
        "more_hours_exam",
        "exam_hours",
        "cost_range",
        "hours_after_credit",
        "cost_low",
        "cost_high",
        "budget_dollars",
        "plan_years",
        "second_credential",
        "country",
        "local_college",
        "local_colleges",
        "holidays_note",
        "more_hours",
        "more_hours_first_job",
        "months_to_first_job",
        "held_credentials",
        "retake_exam",
    }
)
