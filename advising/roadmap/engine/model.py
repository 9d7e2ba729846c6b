"""Roadmap output: the frozen dataclasses ``build_roadmap`` returns and the web pages, PDF
and calendar render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CredentialInfo:
    key: str
    code: str
    name: str
    body: str
    fits: str
    eligibility: str
    exam: str
    upkeep: str
    source: str
    checked_on: date


@dataclass(frozen=True)
class CredentialRecommendation:
    credential: CredentialInfo
    role: str  # "primary", "next" or "alternative"
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PathwayPlan:
    key: str
    name: str
    typical_length: str
    summary: str
    covers: tuple[str, ...]
    leads_to: str
    designed_weeks: int
    designed_hours_per_week: int
    total_hours: int
    hours_per_week: int
    duration_weeks: int
    duration_months: float
    formula: str
    reasons: tuple[str, ...]
    format_advice: str
    where_to_look: tuple[str, ...]
    checklist: tuple[str, ...]


@dataclass(frozen=True)
class Milestone:
    key: str
    date: date
    title: str
    description: str


@dataclass(frozen=True)
class StudyBlock:
    day: str
    focus: str
    hours: float
    description: str


@dataclass(frozen=True)
class StudyPlan:
    hours_per_week: int
    blocks: tuple[StudyBlock, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class WorryAnswer:
    key: str
    label: str
    summary: str
    strategies: tuple[str, ...]


@dataclass(frozen=True)
class SpecialtyNote:
    key: str
    label: str
    description: str


@dataclass(frozen=True)
class OutlookFigure:
    key: str
    label: str
    value: str
    year: str
    source: str
    note: str


@dataclass(frozen=True)
class NextStep:
    key: str
    title: str
    description: str


@dataclass(frozen=True)
class Advice:
    """One piece of advisor reasoning shown to the person: a rule and why it applies."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class CostLine:
    key: str
    label: str
    low: int | None  # dollars; None: no checked figure (shown as "price to check")
    high: int | None
    note: str
    source: str
    checked_on: date


@dataclass(frozen=True)
class CostEstimate:
    lines: tuple[CostLine, ...]
    total_low: int  # of the lines with a figure
    total_high: int
    unpriced: tuple[str, ...]  # labels of lines without a checked figure
    budget_min: int | None
    budget_max: int | None
    # "over", "nothing" (over a budget of $0: the funders first), "tight", "within",
    # "unknown", "none" (nothing to pay for)
    verdict: str
    summary: str
    funding: tuple[Advice, ...]
    # the verdict in a few words ("Over your budget"), "" where the section's heading says it;
    # roadmaps stored before it was added read as ""
    title: str = ""


@dataclass(frozen=True)
class StudyPhase:
    key: str  # foundations, coding_practice, exam_review
    name: str
    start: date
    end: date
    weeks: int
    description: str
    practice_test_hours: float  # a timed practice test as long as the real exam (0: none)


@dataclass(frozen=True)
class WhatIf:
    """The plan at another number of hours a week."""

    hours_per_week: int
    exam: date
    first_job: date
    total_weeks: int


#: The first content version whose plans without a program carry a route note.
ROUTE_NOTES_SINCE = ("2026-12-04", 5)


@dataclass(frozen=True)
class Roadmap:
    content_version: str
    name: str
    start_date: date
    summary: str
    credentials: tuple[CredentialRecommendation, ...]
    comparison: tuple[CredentialInfo, ...]  # filled only when the setting is undecided
    pathway: PathwayPlan
    milestones: tuple[Milestone, ...]
    study_plan: StudyPlan
    worries: tuple[WorryAnswer, ...]
    specialties: tuple[SpecialtyNote, ...]
    outlook: tuple[OutlookFigure, ...]
    next_steps: tuple[NextStep, ...]  # the last one is always booking a consultation
    later_credentials: tuple[CredentialRecommendation, ...] = ()  # after the first credential
    advice: tuple[Advice, ...] = ()
    feasibility: tuple[Advice, ...] = ()
    what_if: tuple[WhatIf, ...] = ()
    costs: CostEstimate | None = None
    phases: tuple[StudyPhase, ...] = ()

    @property
    def says_what_stands_in(self) -> bool:
        """Whether a plan without a program says in ``pathway.formula`` what stands in for it
        (content from 2026-12-04.5 on: earlier roadmaps, stored as they were, kept the
        program's own formula there)."""
        day, _, number = self.content_version.partition(".")
        return (day, int(number) if number.isdigit() else 0) >= ROUTE_NOTES_SINCE

    @property
    def sits_exam(self) -> bool:
        """False when the person already holds the plan's credential: no exam in it."""
        return any(m.key == "exam" for m in self.milestones)

    @property
    def primary_credential(self) -> CredentialInfo:
        return next(c.credential for c in self.credentials if c.role == "primary")
