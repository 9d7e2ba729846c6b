"""The parsed content file: frozen dataclasses holding every piece of wording and every
number the rules use. Build them with ``load_content`` (loader.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .catalogue import Catalogue
from .conditions import Condition
from .model import CredentialInfo, OutlookFigure, SpecialtyNote


@dataclass(frozen=True)
class ConditionalText:
    when: tuple[Condition, ...]
    text: str


@dataclass(frozen=True)
class ChoiceText:
    label: str
    phrase: str


@dataclass(frozen=True)
class Upgrade:
    title: str
    description: str
    after_first_job_weeks: int


@dataclass(frozen=True)
class CredentialContent:
    info: CredentialInfo
    code_sets: str
    prep_hours: float
    registration_lead_weeks: int
    test_window_days: int | None
    ceu_cycle_weeks: int | None
    ceu_description: str
    upgrade: Upgrade | None  # the step after a trainee's first job (the CPC-A's A, the CCA's CCS)
    held_upgrade: Upgrade | None = None  # the step up for a holder aiming at a hospital
    coded_upgrade: Upgrade | None = None  # the step up when the coding year is done already


@dataclass(frozen=True)
class PathwayContent:
    key: str
    name: str
    phrase: str
    typical_length: str
    summary: str
    covers: tuple[str, ...]
    leads_to: str
    designed_weeks: int
    designed_hours_per_week: int
    min_weeks: int
    where_to_look: tuple[str, ...]
    accreditation: str  # the checklist's first question: the accreditation that counts


@dataclass(frozen=True)
class WorryContent:
    key: str
    label: str
    summary: str
    summaries: tuple[ConditionalText, ...]  # the first that holds replaces ``summary``
    strategies: tuple[str, ...]
    extra: tuple[ConditionalText, ...]
    study_focus: str | None
    max_session_hours: float | None


@dataclass(frozen=True)
class FocusContent:
    key: str
    label: str
    description: str
    weight: int
    weight_by_experience: Mapping[str, int]
    weight_by_route: Mapping[str, int]  # before the experience's weight (vocabulary.ROUTES)
    when: tuple[Condition, ...] = ()  # no time at all unless these hold


@dataclass(frozen=True)
class Content:
    """Everything ``build_roadmap`` needs from content.toml. Build with ``load_content``."""

    version: str
    source_name: str
    choices: Mapping[str, tuple[tuple[str, str], ...]]  # field -> ((value, label), ...)
    choice_text: Mapping[str, Mapping[str, ChoiceText]]
    month_names: tuple[str, ...]
    date_format: str
    fallback_current_work: str
    no_specialties: str
    summary: str
    start_moved: str  # added to the summary when the start given is no working day
    hours_capped: str  # added to the summary when fewer hours than given cover the plan
    upkeep_payment: Mapping[str, str]  # body -> what keeps its credentials besides CEUs
    phrases: Mapping[str, Mapping[str, str]]  # [wording.phrases]: phrase -> case -> words
    reasons: Mapping[str, str]
    credentials: Mapping[str, CredentialContent]
    pathways: Mapping[str, PathwayContent]
    formula: str
    formula_min: str
    formula_credit: str  # after the formula when experience shortens the program
    advancement_keywords: tuple[str, ...]
    speed_keywords: tuple[str, ...]
    format_advice: Mapping[str, str]
    checklist: tuple[str, ...]  # after the pathway's own accreditation question
    min_prep_weeks: int
    job_search_after_exam_weeks: int
    job_search_weeks: Mapping[str, int]
    specialize_after_first_job_weeks: int
    job_search_before_end_weeks: int
    term_starts: tuple[tuple[int, int], ...]
    feasible_min_hours: int
    feasible_max_weeks: int
    what_if_hours: tuple[int, ...]
    milestones: Mapping[str, tuple[str, str]]  # key -> (title, description)
    specialization_undecided: str
    specialization_covered: str  # every area picked is the first credential's own
    coding_milestones: Mapping[str, tuple[str, str]]  # for someone coding at work now
    milestone_extras: Mapping[str, tuple[ConditionalText, ...]]  # added when they hold
    study_days: tuple[str, ...]
    day_priority: tuple[str, ...]
    max_session_hours: float
    min_sessions: int
    focus: tuple[FocusContent, ...]
    study_notes: tuple[ConditionalText, ...]
    worries: Mapping[str, WorryContent]
    specialties: Mapping[str, SpecialtyNote]
    outlook: tuple[OutlookFigure, ...]
    next_steps: tuple[tuple[str, str, str, tuple[Condition, ...]], ...]
    final_step: tuple[str, str, str]
    catalogue: Catalogue
    advice: Mapping[str, tuple[str, str]]  # advice id -> (title, text)
    phase_texts: Mapping[str, tuple[str, str]]  # phase key -> (name, description)
    # [timeline]: the retake's review, and when a holder checks CEUs and picks a next area
    retake_prep_hours: int
    retake_min_weeks: int
    held_ceu_check_weeks: int
    held_next_step_weeks: int
    practicode_weeks: int  # a planning assumption: Practicode done alongside other work
    inpatient_course_hours: int  # ICD-10-PCS before an outpatient coder's inpatient review
    # [routes] (see vocabulary.ROUTES), for every route but "train"
    route_notes: Mapping[str, str]  # what stands in for the training program
    route_summaries: Mapping[str, str]  # the roadmap's opening summary
    # ... when the exam waits for a year of coding and the review is planned back from it
    route_summaries_waiting: Mapping[str, str]
    route_summaries_not_coding: Mapping[str, str]  # ... for a coder between jobs
    route_milestones: Mapping[tuple[str, str], tuple[str, str]]  # (route, key) -> wording
    # (route, milestone) -> wording for someone who codes at work now, where it differs
    route_coding_milestones: Mapping[tuple[str, str], tuple[str, str]]
    route_milestones_no_choice: Mapping[tuple[str, str], str]  # ... when no specialty picked
    retake_fee: tuple[str, str]  # the retake's cost line: label, note

    def labels(self, field: str) -> Mapping[str, str]:
        """``{value: label}`` for one choice field."""
        return dict(self.choices[field])
