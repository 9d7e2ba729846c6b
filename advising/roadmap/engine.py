"""Roadmap engine: intake answers + content file -> a personalised career roadmap.

Pure module: standard library only (no Flask, no SQLAlchemy), frozen dataclasses in and
out, no clock. The same ``IntakeAnswers`` and the same ``Content`` always give the same
``Roadmap``; every date is derived from ``IntakeAnswers.start_date``.

All wording lives in ``content.toml`` next to this file; the code holds only the rules
that choose which wording applies. ``load_content`` checks the file's schema and raises
``ContentError`` naming the offending key, e.g.
``content.toml: credentials.cpc.prep_hours must be a number``.

Rules, in brief (details in the functions below):

Credential
    physician_office -> CPC; hospital -> CCA then CCS (straight to CCS with coding or
    billing experience); payer -> CPC, CCA as alternative; remote -> CPC;
    undecided -> CPC as a provisional choice plus a side-by-side comparison of all
    credentials in the content file.

Pathway (certificate vs associate degree)
    A score is added up from ``_ASSOCIATE_SCORES`` (education, experience, setting,
    budget, employer help, hours, goal keywords); ``score >= ASSOCIATE_THRESHOLD``
    chooses the associate degree, otherwise the certificate. Each factor that pushed
    towards the chosen pathway contributes a reason.

Durations scaled by hours per week
    A pathway is described in the content file as designed for ``designed_weeks`` at
    ``designed_hours_per_week``. Its workload is ``total_hours = designed_weeks *
    designed_hours_per_week`` and the person's duration is::

        duration_weeks = max(min_weeks, ceil(total_hours / hours_per_week))

    Exam preparation is scaled the same way from the credential's ``prep_hours``::

        prep_weeks = max(timeline.min_prep_weeks, ceil(prep_hours / hours_per_week))

Milestones (all offsets in whole weeks, from the content file)
    program_start     = start_date
    program_complete  = start_date + duration_weeks
    exam              = program_complete + prep_weeks
    exam_registration = max(program_complete, exam - registration_lead_weeks)
    job_search        = exam + timeline.job_search_after_exam_weeks
    first_job         = job_search + timeline.job_search_weeks[healthcare_experience]
    credential_upgrade= first_job + upgrade.after_first_job_weeks   (if the credential has one)
    specialization    = first_job + timeline.specialize_after_first_job_weeks
    continuing_ed     = max(specialization, exam + ceu_cycle_weeks)  (cycle if known)
    Milestones are returned sorted by date (ties keep the order above).

Weekly study plan
    ``sessions = clamp(ceil(hours / max_session_hours), min_sessions, len(days))`` (never
    more sessions than half-hours). Hours are split over sessions and over focus areas
    (by weight, largest remainder) in half-hour units, so the blocks always add up to
    exactly ``hours_per_week``.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
import string
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# ---------------------------------------------------------------------------
# Choice values the rules understand (labels live in content.toml)
# ---------------------------------------------------------------------------

DEFAULT_CONTENT_PATH = Path(__file__).with_name("content.toml")

EDUCATION_LEVELS = ("high_school", "some_college", "associate", "bachelor", "graduate")
HEALTHCARE_EXPERIENCE = ("none", "some", "clinical", "coding_billing")
TARGET_SETTINGS = ("physician_office", "hospital", "payer", "remote", "undecided")
BUDGETS = ("tight", "moderate", "flexible")
LEARNING_FORMATS = ("online", "in_person", "either")

#: Choice fields whose values are fixed by the engine's rules.
FIXED_CHOICES: Mapping[str, tuple[str, ...]] = types.MappingProxyType(
    {
        "education": EDUCATION_LEVELS,
        "healthcare_experience": HEALTHCARE_EXPERIENCE,
        "target_setting": TARGET_SETTINGS,
        "budget": BUDGETS,
        "learning_format": LEARNING_FORMATS,
    }
)
#: Every choice field of the intake form; ``worries`` and ``specialties`` are defined
#: entirely by the content file.
CHOICE_FIELDS = (*FIXED_CHOICES, "worries", "specialties")

MIN_HOURS_PER_WEEK = 1
MAX_HOURS_PER_WEEK = 60

PATHWAYS = ("certificate", "associate_degree")
CREDENTIALS = ("cpc", "cca", "ccs")

#: Reason ids the rules may pick; each needs a sentence in ``[reasons]``.
REASON_IDS = (
    "setting_physician_office",
    "setting_hospital",
    "setting_payer",
    "setting_remote",
    "undecided_provisional",
    "experience_none",
    "experience_some",
    "experience_clinical",
    "experience_coding_billing",
    "cpc_apprentice",
    "online_exam",
    "cca_requirements",
    "ccs_after_experience",
    "ccs_direct",
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
    "pathway_low_hours",
    "pathway_high_hours",
    "pathway_advancement_goal",
    "pathway_speed_goal",
    "pathway_default_certificate",
    "pathway_default_associate",
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
# (factor, value) -> (points, reason id). Hours and goal keywords are handled in code.
ASSOCIATE_THRESHOLD = 3
_ASSOCIATE_SCORES: Mapping[tuple[str, str], tuple[int, str]] = types.MappingProxyType(
    {
        ("education", "high_school"): (2, "pathway_high_school"),
        ("education", "some_college"): (1, "pathway_some_college"),
        ("education", "associate"): (-3, "pathway_has_degree"),
        ("education", "bachelor"): (-3, "pathway_has_degree"),
        ("education", "graduate"): (-3, "pathway_has_degree"),
        ("healthcare_experience", "none"): (1, "pathway_new_to_healthcare"),
        ("healthcare_experience", "clinical"): (-1, "pathway_clinical_experience"),
        ("healthcare_experience", "coding_billing"): (-2, "pathway_coding_experience"),
        ("target_setting", "hospital"): (1, "pathway_hospital"),
        ("target_setting", "undecided"): (1, "pathway_undecided"),
        ("target_setting", "physician_office"): (-1, "pathway_physician_office"),
        ("budget", "tight"): (-2, "pathway_budget_tight"),
        ("budget", "flexible"): (1, "pathway_budget_flexible"),
    }
)
_EMPLOYER_PAYS_POINTS = 1
_LOW_HOURS, _LOW_HOURS_POINTS = 10, -2  # fewer than 10 h/week
_HIGH_HOURS, _HIGH_HOURS_POINTS = 20, 1  # 20 h/week or more
_ADVANCEMENT_POINTS = 2
_SPEED_POINTS = -3

#: Extra weight a study focus gets when one of the person's worries names it.
WORRY_FOCUS_BOOST = 1

PLACEHOLDERS = frozenset(
    {
        "name",
        "first_name",
        "email",
        "timezone",
        "education",
        "current_work",
        "healthcare_experience",
        "target_setting",
        "hours_per_week",
        "budget",
        "learning_format",
        "start_date",
        "credential",
        "credential_name",
        "credential_body",
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
        "exam_date",
        "first_job_date",
        "specialties",
    }
)

_CONDITION_FIELDS = (
    *FIXED_CHOICES,
    "pathway",
    "credential",
    "worry",
    "specialty",
)


class ContentError(ValueError):
    """The content file is missing, unreadable or does not match the schema."""


class AnswersError(ValueError):
    """Intake answers are invalid; ``field`` names the offending answer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, kw_only=True)
class IntakeAnswers:
    """What a prospective coder told us on the intake form.

    Fixed choices are checked here; ``worries`` and ``specialties`` are checked against
    the content file by ``build_roadmap``. Lists are accepted and stored as tuples.
    """

    name: str
    email: str
    timezone: str
    education: str
    current_work: str = ""
    healthcare_experience: str
    target_setting: str
    hours_per_week: int
    budget: str
    employer_may_pay: bool
    learning_format: str
    start_date: date
    worries: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    goals: str = ""

    def __post_init__(self) -> None:
        for field in ("name", "email", "timezone", "current_work", "goals"):
            if not isinstance(getattr(self, field), str):
                raise AnswersError(field, "must be text")
        if not self.name.strip():
            raise AnswersError("name", "must not be empty")
        if not _EMAIL_RE.match(self.email):
            raise AnswersError("email", f"{self.email!r} is not an email address")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise AnswersError("timezone", f"{self.timezone!r} is not an IANA time zone")
        for field, allowed in FIXED_CHOICES.items():
            value = getattr(self, field)
            if value not in allowed:
                raise AnswersError(field, f"{value!r} is not one of {', '.join(allowed)}")
        hours = self.hours_per_week
        if isinstance(hours, bool) or not isinstance(hours, int):
            raise AnswersError("hours_per_week", "must be a whole number")
        if not MIN_HOURS_PER_WEEK <= hours <= MAX_HOURS_PER_WEEK:
            raise AnswersError(
                "hours_per_week",
                f"must be between {MIN_HOURS_PER_WEEK} and {MAX_HOURS_PER_WEEK}",
            )
        if not isinstance(self.employer_may_pay, bool):
            raise AnswersError("employer_may_pay", "must be true or false")
        if not isinstance(self.start_date, date) or hasattr(self.start_date, "hour"):
            raise AnswersError("start_date", "must be a date (not a datetime)")
        for field in ("worries", "specialties"):
            values = getattr(self, field)
            if isinstance(values, str) or not all(isinstance(v, str) for v in values):
                raise AnswersError(field, "must be a list of choice values")
            object.__setattr__(self, field, tuple(dict.fromkeys(values)))


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


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

    @property
    def primary_credential(self) -> CredentialInfo:
        return next(c.credential for c in self.credentials if c.role == "primary")


# ---------------------------------------------------------------------------
# Content (parsed and validated content.toml)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One ``when`` clause from the content file, e.g. ``budget = tight``."""

    text: str
    test: Callable[[_Facts], bool] = dataclasses.field(compare=False, repr=False)


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
    upgrade: Upgrade | None


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


@dataclass(frozen=True)
class WorryContent:
    key: str
    label: str
    summary: str
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
    reasons: Mapping[str, str]
    credentials: Mapping[str, CredentialContent]
    pathways: Mapping[str, PathwayContent]
    formula: str
    formula_min: str
    advancement_keywords: tuple[str, ...]
    speed_keywords: tuple[str, ...]
    format_advice: Mapping[str, str]
    where_to_look: tuple[str, ...]
    checklist: tuple[str, ...]
    min_prep_weeks: int
    job_search_after_exam_weeks: int
    job_search_weeks: Mapping[str, int]
    specialize_after_first_job_weeks: int
    milestones: Mapping[str, tuple[str, str]]  # key -> (title, description)
    specialization_undecided: str
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

    def labels(self, field: str) -> Mapping[str, str]:
        """``{value: label}`` for one choice field."""
        return dict(self.choices[field])


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------

_FORMATTER = string.Formatter()


class _Node:
    """A table of the content file with its dotted path, for precise error messages."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source

    def where(self, key: str | None = None) -> str:
        if key is None:
            return self.path or "(top level)"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str | None, message: str) -> ContentError:
        return ContentError(f"{self.source}: {self.where(key)} {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def only(self, *allowed: str) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, f"is not a known key (expected one of: {', '.join(allowed)})")

    def raw(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(key, "is missing")
        return self.data[key]

    def table(self, key: str) -> _Node:
        value = self.raw(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return _Node(value, self.where(key), self.source)

    def tables(self, key: str) -> list[_Node]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "must be a list of tables ([[...]])")
        return [_Node(v, f"{self.where(key)}[{i}]", self.source) for i, v in enumerate(value)]

    def sub_tables(self) -> list[tuple[str, _Node]]:
        """Every entry of this table, each required to be a table itself."""
        return [(key, self.table(key)) for key in self.data]

    def label(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be non-empty text")
        return value.strip()

    def text(self, key: str) -> str:
        """Non-empty text that may use {placeholders}."""
        value = self.label(key)
        self.check_template(key, value)
        return value

    def check_template(self, key: str, value: str) -> None:
        try:
            parts = list(_FORMATTER.parse(value))
        except ValueError as exc:
            raise self.fail(key, f"has a broken {{placeholder}} ({exc}); write {{{{ for a brace")
        for _, field, spec, conversion in parts:
            if field is None:
                continue
            if field not in PLACEHOLDERS or spec or conversion:
                raise self.fail(
                    key,
                    f"uses unknown placeholder {{{field}}}; allowed: "
                    + ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS)),
                )

    def text_list(
        self, key: str, *, template: bool = True, allow_empty: bool = False
    ) -> tuple[str, ...]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "must be a list of non-empty text")
        if not value and not allow_empty:
            raise self.fail(key, "must not be empty")
        if template:
            for i, item in enumerate(value):
                self.check_template(f"{key}[{i}]", item)
        return tuple(v.strip() for v in value)

    def number(self, key: str, *, minimum: float = 0, positive: bool = True) -> float:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number (got {value!r})")
        if value < minimum or (positive and value <= 0):
            raise self.fail(key, f"must be {'greater than' if positive else 'at least'} {minimum}")
        return float(value)

    def integer(self, key: str, *, minimum: int = 1) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number (got {value!r})")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}")
        return value

    def date(self, key: str) -> date:
        value = self.raw(key)
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(key, f"must be a date like 2026-11-24, without quotes (got {value!r})")
        return value

    def conditions(
        self, key: str, content_keys: Mapping[str, tuple[str, ...]]
    ) -> tuple[Condition, ...]:
        value = self.raw(key)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise self.fail(key, "must be a condition or a list of conditions")
        return tuple(_parse_condition(self, key, item, content_keys) for item in items)


@dataclass(frozen=True)
class _Facts:
    """What conditions in the content file can test."""

    answers: IntakeAnswers
    pathway: str
    credential: str


_CONDITION_RE = re.compile(
    r"^\s*(not\s+)?([a-z_]+)\s*(?:(==|=|!=|<=|>=|<|>)\s*([A-Za-z0-9_]+))?\s*$"
)
_COMPARE: Mapping[str, Callable[[int, int], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
}


def _parse_condition(
    node: _Node, key: str, text: str, content_keys: Mapping[str, tuple[str, ...]]
) -> Condition:
    help_text = (
        "conditions look like 'budget = tight', 'hours < 10', 'employer_may_pay', "
        "'not employer_may_pay', 'worry = cost', 'has_specialties'"
    )
    match = _CONDITION_RE.match(text)
    if not match:
        raise node.fail(key, f"has an unreadable condition {text!r} ({help_text})")
    negate, field, op, operand = match.groups()
    test: Callable[[_Facts], bool]
    if field == "employer_may_pay" and op is None:
        test = _employer_may_pay
    elif field == "has_specialties" and op is None:
        test = _has_specialties
    elif field == "hours" and op is not None:
        if not operand.isdigit():
            raise node.fail(key, f"condition {text!r} must compare hours with a whole number")
        test = _hours_test(_COMPARE[op], int(operand))
    elif field in _CONDITION_FIELDS and op in ("=", "==", "!="):
        allowed = FIXED_CHOICES.get(field) or content_keys[field]
        if operand not in allowed:
            raise node.fail(
                key, f"condition {text!r}: {operand!r} is not one of {', '.join(allowed)}"
            )
        test = _choice_test(field, operand, op == "!=")
    else:
        raise node.fail(key, f"has an unknown condition {text!r} ({help_text})")
    if negate:
        test = _negated(test)
    return Condition(text=text.strip(), test=test)


def _employer_may_pay(f: _Facts) -> bool:
    return f.answers.employer_may_pay


def _has_specialties(f: _Facts) -> bool:
    return bool(f.answers.specialties)


def _hours_test(compare: Callable[[int, int], bool], limit: int) -> Callable[[_Facts], bool]:
    def test(f: _Facts) -> bool:
        return compare(f.answers.hours_per_week, limit)

    return test


def _negated(inner: Callable[[_Facts], bool]) -> Callable[[_Facts], bool]:
    def test(f: _Facts) -> bool:
        return not inner(f)

    return test


def _choice_test(field: str, value: str, negate: bool) -> Callable[[_Facts], bool]:
    def test(f: _Facts) -> bool:
        if field == "worry":
            result = value in f.answers.worries
        elif field == "specialty":
            result = value in f.answers.specialties
        elif field in ("pathway", "credential"):
            result = getattr(f, field) == value
        else:
            result = getattr(f.answers, field) == value
        return result != negate

    return test


# ---------------------------------------------------------------------------
# load_content
# ---------------------------------------------------------------------------


def load_content(path: str | Path | None = None) -> Content:
    """Read and validate the content file (default: ``content.toml`` next to this module)."""
    file = Path(path) if path is not None else DEFAULT_CONTENT_PATH
    source = file.name
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{source}: is not UTF-8 text ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{source}: is not valid TOML ({exc})") from exc
    return parse_content(raw, source=source)


def parse_content(raw: Mapping[str, Any], *, source: str = "content.toml") -> Content:
    """Validate already-parsed TOML data (``load_content`` without the file)."""
    top = _Node(dict(raw), "", source)
    top.only(
        "content_version",
        "wording",
        "choices",
        "reasons",
        "credentials",
        "pathways",
        "pathway_choice",
        "timeline",
        "milestones",
        "study_plan",
        "worries",
        "specialties",
        "outlook",
        "next_steps",
        "final_step",
    )
    version = top.label("content_version")

    wording = top.table("wording")
    wording.only("summary", "date_format", "month_names", "current_work_unknown", "no_specialties")
    month_names = wording.text_list("month_names", template=False)
    if len(month_names) != 12:
        raise wording.fail("month_names", f"must list 12 months (got {len(month_names)})")
    date_format = wording.label("date_format")
    for _, field, _, _ in _FORMATTER.parse(date_format):
        if field is not None and field not in ("day", "month", "year"):
            raise wording.fail("date_format", "may only use {day}, {month} and {year}")

    # Choices --------------------------------------------------------------
    choices_node = top.table("choices")
    choices_node.only(*FIXED_CHOICES)
    choice_text: dict[str, dict[str, ChoiceText]] = {}
    choices: dict[str, tuple[tuple[str, str], ...]] = {}
    for field, allowed in FIXED_CHOICES.items():
        node = choices_node.table(field)
        for value in allowed:
            if not node.has(value):
                raise node.fail(value, "is missing (every value the engine uses needs a label)")
        node.only(*allowed)
        entries: dict[str, ChoiceText] = {}
        for value, entry in node.sub_tables():
            entry.only("label", "phrase")
            entries[value] = ChoiceText(label=entry.label("label"), phrase=entry.label("phrase"))
        choice_text[field] = entries
        choices[field] = tuple((value, entries[value].label) for value in entries)

    # Specialties and worry keys first: conditions may refer to them.
    specialties: dict[str, SpecialtyNote] = {}
    specialties_node = top.table("specialties")
    for key, node in specialties_node.sub_tables():
        node.only("label", "description")
        specialties[key] = SpecialtyNote(key, node.label("label"), node.text("description"))
    if not specialties:
        raise specialties_node.fail(None, "must define at least one specialty")
    worries_node = top.table("worries")
    if not worries_node.data:
        raise worries_node.fail(None, "must define at least one worry")
    content_keys = {
        "pathway": PATHWAYS,
        "credential": CREDENTIALS,
        "worry": tuple(worries_node.data),
        "specialty": tuple(specialties),
    }

    # Reasons ----------------------------------------------------------------
    reasons_node = top.table("reasons")
    reasons_node.only(*REASON_IDS)
    reasons = {rid: reasons_node.text(rid) for rid in REASON_IDS}

    # Credentials --------------------------------------------------------------
    creds_node = top.table("credentials")
    creds_node.only(*CREDENTIALS)
    credentials: dict[str, CredentialContent] = {}
    for key in CREDENTIALS:
        credentials[key] = _parse_credential(key, creds_node.table(key))

    # Pathways -----------------------------------------------------------------
    pathways_node = top.table("pathways")
    pathways_node.only(*PATHWAYS, "formula", "formula_min")
    pathways = {key: _parse_pathway(key, pathways_node.table(key)) for key in PATHWAYS}

    choice_node = top.table("pathway_choice")
    choice_node.only(
        "advancement_keywords", "speed_keywords", "format_advice", "where_to_look", "checklist"
    )
    advice_node = choice_node.table("format_advice")
    advice_node.only(*LEARNING_FORMATS)
    format_advice = {fmt: advice_node.text(fmt) for fmt in LEARNING_FORMATS}

    # Timeline -----------------------------------------------------------------
    timeline = top.table("timeline")
    timeline.only(
        "min_prep_weeks",
        "job_search_after_exam_weeks",
        "job_search_weeks",
        "specialize_after_first_job_weeks",
    )
    jsw = timeline.table("job_search_weeks")
    jsw.only(*HEALTHCARE_EXPERIENCE)
    job_search_weeks = {exp: jsw.integer(exp) for exp in HEALTHCARE_EXPERIENCE}

    milestones_node = top.table("milestones")
    milestones_node.only(*MILESTONE_KEYS)
    milestones: dict[str, tuple[str, str]] = {}
    specialization_undecided = ""
    for key in MILESTONE_KEYS:
        node = milestones_node.table(key)
        if key == "specialization":
            node.only("title", "description", "description_no_choice")
            specialization_undecided = node.text("description_no_choice")
        else:
            node.only("title", "description")
        milestones[key] = (node.text("title"), node.text("description"))

    # Study plan -----------------------------------------------------------------
    plan = top.table("study_plan")
    plan.only("days", "day_priority", "max_session_hours", "min_sessions", "focus", "notes")
    study_days = plan.text_list("days", template=False)
    if len(set(study_days)) != len(study_days):
        raise plan.fail("days", "must not repeat a day")
    day_priority = plan.text_list("day_priority", template=False)
    for i, day in enumerate(day_priority):
        if day not in study_days:
            raise plan.fail(f"day_priority[{i}]", f"{day!r} is not one of study_plan.days")
    if len(set(day_priority)) != len(day_priority):
        raise plan.fail("day_priority", "must not repeat a day")
    focus_node = plan.table("focus")
    focus: list[FocusContent] = []
    for key, node in focus_node.sub_tables():
        node.only("label", "description", "weight", "weight_by_experience")
        by_exp: dict[str, int] = {}
        if node.has("weight_by_experience"):
            exp_node = node.table("weight_by_experience")
            exp_node.only(*HEALTHCARE_EXPERIENCE)
            by_exp = {exp: exp_node.integer(exp, minimum=0) for exp in exp_node.data}
        focus.append(
            FocusContent(
                key=key,
                label=node.label("label"),
                description=node.text("description"),
                weight=node.integer("weight", minimum=0),
                weight_by_experience=types.MappingProxyType(by_exp),
            )
        )
    if not focus:
        raise focus_node.fail(None, "must define at least one focus area")
    study_notes = tuple(_conditional_text(node, content_keys) for node in plan.tables("notes"))

    # Worries --------------------------------------------------------------------
    worries: dict[str, WorryContent] = {}
    focus_keys = {f.key for f in focus}
    for key, node in worries_node.sub_tables():
        node.only("label", "summary", "strategies", "extra", "study_focus", "max_session_hours")
        study_focus = node.label("study_focus") if node.has("study_focus") else None
        if study_focus is not None and study_focus not in focus_keys:
            raise node.fail("study_focus", f"{study_focus!r} is not a study_plan.focus key")
        worries[key] = WorryContent(
            key=key,
            label=node.label("label"),
            summary=node.text("summary"),
            strategies=node.text_list("strategies"),
            extra=tuple(_conditional_text(n, content_keys) for n in node.tables("extra"))
            if node.has("extra")
            else (),
            study_focus=study_focus,
            max_session_hours=node.number("max_session_hours")
            if node.has("max_session_hours")
            else None,
        )
    choices["worries"] = tuple((k, w.label) for k, w in worries.items())
    choices["specialties"] = tuple((k, s.label) for k, s in specialties.items())

    # Outlook ----------------------------------------------------------------------
    outlook: list[OutlookFigure] = []
    for node in top.tables("outlook"):
        node.only("key", "label", "value", "year", "source", "note")
        year = node.raw("year")
        if isinstance(year, int) and not isinstance(year, bool):
            year = str(year)
        if not isinstance(year, str) or not re.fullmatch(r"\d{4}(-\d{4})?", year):
            raise node.fail(
                "year", f'must be a year like 2022 or a span like "2021-2031" (got {year!r})'
            )
        outlook.append(
            OutlookFigure(
                key=node.label("key"),
                label=node.label("label"),
                value=node.label("value"),
                year=year,
                source=node.label("source"),
                note=node.label("note") if node.has("note") else "",
            )
        )
    if not outlook:
        raise top.fail("outlook", "must list at least one figure")

    # Next steps -------------------------------------------------------------------
    next_steps = []
    for node in top.tables("next_steps"):
        node.only("key", "title", "description", "when")
        when = node.conditions("when", content_keys) if node.has("when") else ()
        next_steps.append((node.label("key"), node.text("title"), node.text("description"), when))
    final = top.table("final_step")
    final.only("key", "title", "description")

    return Content(
        version=version,
        source_name=source,
        choices=types.MappingProxyType(choices),
        choice_text=types.MappingProxyType(
            {f: types.MappingProxyType(v) for f, v in choice_text.items()}
        ),
        month_names=month_names,
        date_format=date_format,
        fallback_current_work=wording.label("current_work_unknown"),
        no_specialties=wording.label("no_specialties"),
        summary=wording.text("summary"),
        reasons=types.MappingProxyType(reasons),
        credentials=types.MappingProxyType(credentials),
        pathways=types.MappingProxyType(pathways),
        formula=pathways_node.text("formula"),
        formula_min=pathways_node.text("formula_min"),
        advancement_keywords=tuple(
            k.lower() for k in choice_node.text_list("advancement_keywords", template=False)
        ),
        speed_keywords=tuple(
            k.lower() for k in choice_node.text_list("speed_keywords", template=False)
        ),
        format_advice=types.MappingProxyType(format_advice),
        where_to_look=choice_node.text_list("where_to_look"),
        checklist=choice_node.text_list("checklist"),
        min_prep_weeks=timeline.integer("min_prep_weeks"),
        job_search_after_exam_weeks=timeline.integer("job_search_after_exam_weeks", minimum=0),
        job_search_weeks=types.MappingProxyType(job_search_weeks),
        specialize_after_first_job_weeks=timeline.integer("specialize_after_first_job_weeks"),
        milestones=types.MappingProxyType(milestones),
        specialization_undecided=specialization_undecided,
        study_days=study_days,
        day_priority=day_priority,
        max_session_hours=plan.number("max_session_hours", minimum=0.5, positive=False),
        min_sessions=plan.integer("min_sessions"),
        focus=tuple(focus),
        study_notes=study_notes,
        worries=types.MappingProxyType(worries),
        specialties=types.MappingProxyType(specialties),
        outlook=tuple(outlook),
        next_steps=tuple(next_steps),
        final_step=(final.label("key"), final.text("title"), final.text("description")),
    )


def _parse_credential(key: str, node: _Node) -> CredentialContent:
    node.only(
        "code",
        "name",
        "body",
        "fits",
        "eligibility",
        "exam",
        "upkeep",
        "source",
        "checked_on",
        "code_sets",
        "prep_hours",
        "registration_lead_weeks",
        "test_window_days",
        "ceu_cycle_weeks",
        "ceu_description",
        "upgrade",
    )
    lead = node.integer("registration_lead_weeks")
    window = node.integer("test_window_days") if node.has("test_window_days") else None
    if window is not None and lead * 7 > window:
        raise node.fail(
            "registration_lead_weeks",
            f"({lead} weeks) must fit inside test_window_days ({window} days)",
        )
    upgrade = None
    if node.has("upgrade"):
        up = node.table("upgrade")
        up.only("title", "description", "after_first_job_weeks")
        upgrade = Upgrade(
            title=up.text("title"),
            description=up.text("description"),
            after_first_job_weeks=up.integer("after_first_job_weeks"),
        )
    return CredentialContent(
        info=CredentialInfo(
            key=key,
            code=node.label("code"),
            name=node.label("name"),
            body=node.label("body"),
            fits=node.label("fits"),
            eligibility=node.label("eligibility"),
            exam=node.label("exam"),
            upkeep=node.label("upkeep"),
            source=node.label("source"),
            checked_on=node.date("checked_on"),
        ),
        code_sets=node.label("code_sets"),
        prep_hours=node.number("prep_hours"),
        registration_lead_weeks=lead,
        test_window_days=window,
        ceu_cycle_weeks=node.integer("ceu_cycle_weeks") if node.has("ceu_cycle_weeks") else None,
        ceu_description=node.text("ceu_description"),
        upgrade=upgrade,
    )


def _parse_pathway(key: str, node: _Node) -> PathwayContent:
    node.only(
        "name",
        "phrase",
        "typical_length",
        "summary",
        "covers",
        "leads_to",
        "designed_weeks",
        "designed_hours_per_week",
        "min_weeks",
    )
    return PathwayContent(
        key=key,
        name=node.label("name"),
        phrase=node.label("phrase"),
        typical_length=node.label("typical_length"),
        summary=node.text("summary"),
        covers=node.text_list("covers"),
        leads_to=node.text("leads_to"),
        designed_weeks=node.integer("designed_weeks"),
        designed_hours_per_week=node.integer("designed_hours_per_week"),
        min_weeks=node.integer("min_weeks"),
    )


def _conditional_text(node: _Node, content_keys: Mapping[str, tuple[str, ...]]) -> ConditionalText:
    node.only("when", "text")
    when = node.conditions("when", content_keys) if node.has("when") else ()
    return ConditionalText(when=when, text=node.text("text"))


def form_choices(content: Content | None = None) -> Mapping[str, tuple[tuple[str, str], ...]]:
    """``{field: ((value, label), ...)}`` for every choice field of the intake form."""
    return (content or load_content()).choices


# ---------------------------------------------------------------------------
# build_roadmap
# ---------------------------------------------------------------------------


def build_roadmap(answers: IntakeAnswers, content: Content) -> Roadmap:
    """Turn intake answers into a roadmap. Deterministic; dates derive from start_date."""
    for field, known in (("worries", content.worries), ("specialties", content.specialties)):
        for value in getattr(answers, field):
            if value not in known:
                raise AnswersError(field, f"{value!r} is not one of {', '.join(known)}")

    picks = _choose_credentials(answers)
    primary_key = picks[0][0]
    primary = content.credentials[primary_key]
    pathway_key, pathway_reasons = _choose_pathway(answers, content)
    pathway = content.pathways[pathway_key]
    facts = _Facts(answers=answers, pathway=pathway_key, credential=primary_key)

    # Durations scaled by hours per week (see module docstring).
    hours = answers.hours_per_week
    total_hours = pathway.designed_weeks * pathway.designed_hours_per_week
    program_weeks = max(pathway.min_weeks, math.ceil(total_hours / hours))
    prep_weeks = max(content.min_prep_weeks, math.ceil(primary.prep_hours / hours))

    start = answers.start_date
    program_end = start + timedelta(weeks=program_weeks)
    exam = program_end + timedelta(weeks=prep_weeks)
    registration = max(program_end, exam - timedelta(weeks=primary.registration_lead_weeks))
    job_search = exam + timedelta(weeks=content.job_search_after_exam_weeks)
    first_job = job_search + timedelta(
        weeks=content.job_search_weeks[answers.healthcare_experience]
    )
    specialization = first_job + timedelta(weeks=content.specialize_after_first_job_weeks)
    ceu = specialization
    if primary.ceu_cycle_weeks is not None:
        ceu = max(ceu, exam + timedelta(weeks=primary.ceu_cycle_weeks))

    next_key = next((k for k, role, _ in picks if role == "next"), None)
    ctx = _context(answers, content, primary, pathway)
    ctx.update(
        next_credential=content.credentials[next_key].info.code if next_key else "",
        total_hours=f"{total_hours:,}",
        program_weeks=str(program_weeks),
        program_months=str(round(_months(program_weeks))),
        program_end=_fmt_date(program_end, content),
        prep_weeks=str(prep_weeks),
        exam_date=_fmt_date(exam, content),
        first_job_date=_fmt_date(first_job, content),
    )

    def render(template: str) -> str:
        return template.format_map(ctx)

    credentials = tuple(
        CredentialRecommendation(
            credential=content.credentials[key].info,
            role=role,
            reasons=tuple(render(content.reasons[rid]) for rid in reason_ids),
        )
        for key, role, reason_ids in picks
    )
    comparison = (
        tuple(c.info for c in content.credentials.values())
        if answers.target_setting == "undecided"
        else ()
    )

    clamped = math.ceil(total_hours / hours) < pathway.min_weeks
    formula = content.formula_min if clamped else content.formula
    pathway_plan = PathwayPlan(
        key=pathway_key,
        name=pathway.name,
        typical_length=pathway.typical_length,
        summary=render(pathway.summary),
        covers=tuple(render(c) for c in pathway.covers),
        leads_to=render(pathway.leads_to),
        designed_weeks=pathway.designed_weeks,
        designed_hours_per_week=pathway.designed_hours_per_week,
        total_hours=total_hours,
        hours_per_week=hours,
        duration_weeks=program_weeks,
        duration_months=round(_months(program_weeks), 1),
        formula=render(formula),
        reasons=tuple(render(content.reasons[rid]) for rid in pathway_reasons),
        format_advice=render(content.format_advice[answers.learning_format]),
        where_to_look=tuple(render(t) for t in content.where_to_look),
        checklist=tuple(render(t) for t in content.checklist),
    )

    dated: list[tuple[str, date, str, str]] = []

    def add(key: str, when: date, title: str | None = None, description: str | None = None) -> None:
        t, d = content.milestones.get(key, ("", ""))
        dated.append((key, when, render(title or t), render(description or d)))

    add("program_start", start)
    add("program_complete", program_end)
    add("exam_registration", registration)
    add("exam", exam)
    add("job_search", job_search)
    add("first_job", first_job)
    if primary.upgrade is not None:
        up = primary.upgrade
        add(
            "credential_upgrade",
            first_job + timedelta(weeks=up.after_first_job_weeks),
            up.title,
            up.description,
        )
    spec_title, spec_description = content.milestones["specialization"]
    add(
        "specialization",
        specialization,
        spec_title,
        spec_description if answers.specialties else content.specialization_undecided,
    )
    ceu_title, ceu_intro = content.milestones["continuing_education"]
    add("continuing_education", ceu, ceu_title, f"{ceu_intro} {primary.ceu_description}")
    order = {key: i for i, (key, *_rest) in enumerate(dated)}
    milestones = tuple(
        Milestone(key=k, date=d, title=t, description=desc)
        for k, d, t, desc in sorted(dated, key=lambda m: (m[1], order[m[0]]))
    )

    study_plan = _study_plan(answers, content, facts, render)
    worries = tuple(
        WorryAnswer(
            key=w.key,
            label=w.label,
            summary=render(w.summary),
            strategies=tuple(render(s) for s in w.strategies)
            + tuple(render(x.text) for x in w.extra if _holds(x.when, facts)),
        )
        for w in (content.worries[k] for k in answers.worries)
    )
    specialties = tuple(
        dataclasses.replace(
            content.specialties[k], description=render(content.specialties[k].description)
        )
        for k in answers.specialties
    )
    final_key, final_title, final_description = content.final_step
    next_steps = (
        *(
            NextStep(key=key, title=render(title), description=render(description))
            for key, title, description, when in content.next_steps
            if _holds(when, facts)
        ),
        NextStep(key=final_key, title=render(final_title), description=render(final_description)),
    )

    return Roadmap(
        content_version=content.version,
        name=answers.name.strip(),
        start_date=start,
        summary=render(content.summary),
        credentials=credentials,
        comparison=comparison,
        pathway=pathway_plan,
        milestones=milestones,
        study_plan=study_plan,
        worries=worries,
        specialties=specialties,
        outlook=content.outlook,
        next_steps=next_steps,
    )


def _choose_credentials(a: IntakeAnswers) -> list[tuple[str, str, tuple[str, ...]]]:
    """(credential key, role, reason ids); the first entry is the primary credential."""
    experience = f"experience_{a.healthcare_experience}"
    online = ("online_exam",) if a.learning_format == "online" else ()
    setting = a.target_setting
    if setting == "physician_office":
        return [
            ("cpc", "primary", ("setting_physician_office", experience, "cpc_apprentice", *online))
        ]
    if setting == "hospital":
        if a.healthcare_experience == "coding_billing":
            return [("ccs", "primary", ("setting_hospital", experience, "ccs_direct"))]
        return [
            ("cca", "primary", ("setting_hospital", experience, "cca_requirements")),
            ("ccs", "next", ("ccs_after_experience",)),
        ]
    if setting == "payer":
        specialty = (
            ("payer_specialty",) if {"risk_adjustment", "auditing"} & set(a.specialties) else ()
        )
        return [
            (
                "cpc",
                "primary",
                ("setting_payer", experience, *specialty, "cpc_apprentice", *online),
            ),
            ("cca", "alternative", ("payer_alternative_cca",)),
        ]
    if setting == "remote":
        return [("cpc", "primary", ("setting_remote", experience, "online_exam", "cpc_apprentice"))]
    return [("cpc", "primary", ("undecided_provisional", experience, "cpc_apprentice"))]


def _keyword_hit(text: str, keywords: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(re.search(r"\b" + re.escape(k), lowered) for k in keywords)


def _choose_pathway(a: IntakeAnswers, content: Content) -> tuple[str, tuple[str, ...]]:
    """Score the associate degree against the certificate; return (key, reason ids)."""
    factors: list[tuple[int, str]] = []
    for field in ("education", "healthcare_experience", "target_setting", "budget"):
        hit = _ASSOCIATE_SCORES.get((field, getattr(a, field)))
        if hit:
            factors.append(hit)
    if a.employer_may_pay:
        factors.append((_EMPLOYER_PAYS_POINTS, "pathway_employer_pays"))
    if a.hours_per_week < _LOW_HOURS:
        factors.append((_LOW_HOURS_POINTS, "pathway_low_hours"))
    elif a.hours_per_week >= _HIGH_HOURS:
        factors.append((_HIGH_HOURS_POINTS, "pathway_high_hours"))
    if _keyword_hit(a.goals, content.advancement_keywords):
        factors.append((_ADVANCEMENT_POINTS, "pathway_advancement_goal"))
    if _keyword_hit(a.goals, content.speed_keywords):
        factors.append((_SPEED_POINTS, "pathway_speed_goal"))
    score = sum(points for points, _ in factors)
    associate = score >= ASSOCIATE_THRESHOLD
    reasons = tuple(
        dict.fromkeys(rid for points, rid in factors if (points > 0) == associate and points)
    )
    if not reasons:
        reasons = ("pathway_default_associate" if associate else "pathway_default_certificate",)
    return ("associate_degree" if associate else "certificate"), reasons


def _months(weeks: int) -> float:
    return weeks * 7 / 30.4375


def _fmt_date(d: date, content: Content) -> str:
    return content.date_format.format(
        day=d.day, month=content.month_names[d.month - 1], year=d.year
    )


def _holds(when: tuple[Condition, ...], facts: _Facts) -> bool:
    return all(c.test(facts) for c in when)


def _context(
    a: IntakeAnswers,
    content: Content,
    primary: CredentialContent,
    pathway: PathwayContent,
) -> dict[str, str]:
    phrase = {
        field: content.choice_text[field][getattr(a, field)].phrase for field in FIXED_CHOICES
    }
    specialty_labels = [content.specialties[k].label for k in a.specialties]
    name = a.name.strip()
    return {
        "name": name,
        "first_name": name.split()[0],
        "email": a.email,
        "timezone": a.timezone,
        "current_work": a.current_work.strip() or content.fallback_current_work,
        "hours_per_week": str(a.hours_per_week),
        "start_date": _fmt_date(a.start_date, content),
        "credential": primary.info.code,
        "credential_name": primary.info.name,
        "credential_body": primary.info.body,
        "code_sets": primary.code_sets,
        "pathway": pathway.phrase,
        "designed_weeks": str(pathway.designed_weeks),
        "designed_hours_per_week": str(pathway.designed_hours_per_week),
        "min_weeks": str(pathway.min_weeks),
        "specialties": ", ".join(specialty_labels) or content.no_specialties,
        **phrase,
    }


def _split_halves(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` units by ``weights`` (largest remainder, ties to the earlier item)."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    leftovers = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in leftovers[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _study_plan(
    a: IntakeAnswers, content: Content, facts: _Facts, render: Callable[[str], str]
) -> StudyPlan:
    halves = a.hours_per_week * 2
    chosen = [content.worries[k] for k in a.worries]
    max_session = min(
        [content.max_session_hours] + [w.max_session_hours for w in chosen if w.max_session_hours]
    )
    sessions = math.ceil(a.hours_per_week / max_session)
    sessions = min(len(content.day_priority), max(content.min_sessions, sessions), halves)
    session_halves = _split_halves(halves, [1] * sessions)
    # The first ``sessions`` days by preference, shown in calendar order.
    chosen_days = sorted(content.day_priority[:sessions], key=content.study_days.index)

    boosts = {w.study_focus for w in chosen if w.study_focus}
    weights = [
        f.weight_by_experience.get(a.healthcare_experience, f.weight)
        + (WORRY_FOCUS_BOOST if f.key in boosts else 0)
        for f in content.focus
    ]
    focus_halves = _split_halves(halves, weights)

    blocks: list[StudyBlock] = []
    queue = [[f, n] for f, n in zip(content.focus, focus_halves, strict=True) if n]
    for day, room in zip(chosen_days, session_halves, strict=True):
        while room:
            focus, left = queue[0]
            take = min(room, left)
            blocks.append(
                StudyBlock(
                    day=day,
                    focus=focus.label,
                    hours=take / 2,
                    description=render(focus.description),
                )
            )
            room -= take
            queue[0][1] -= take
            if queue[0][1] == 0:
                queue.pop(0)
    notes = tuple(render(n.text) for n in content.study_notes if _holds(n.when, facts))
    return StudyPlan(hours_per_week=a.hours_per_week, blocks=tuple(blocks), notes=notes)


# ---------------------------------------------------------------------------
# JSON round trip
# ---------------------------------------------------------------------------

ROADMAP_FORMAT = 1


def roadmap_to_dict(roadmap: Roadmap) -> dict[str, Any]:
    """JSON-safe dict (dates as ISO strings, tuples as lists), tagged with ``roadmap_format``."""
    data = _to_json(roadmap)
    data["roadmap_format"] = ROADMAP_FORMAT
    return data


def roadmap_from_dict(data: Mapping[str, Any]) -> Roadmap:
    """Inverse of ``roadmap_to_dict``; raises ``ValueError`` naming the bad path."""
    if not isinstance(data, Mapping):
        raise ValueError("roadmap: must be an object")
    data = dict(data)
    fmt = data.pop("roadmap_format", ROADMAP_FORMAT)
    if fmt != ROADMAP_FORMAT:
        raise ValueError(f"roadmap: unsupported roadmap_format {fmt!r}")
    return _from_json(Roadmap, data, "roadmap")


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _from_json(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: must be an object")
        hints = _HINTS.get(tp) or _HINTS.setdefault(tp, typing.get_type_hints(tp))
        names = [f.name for f in dataclasses.fields(tp)]
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        missing = [n for n in names if n not in value]
        if missing:
            raise ValueError(f"{path}.{missing[0]}: is missing")
        return tp(**{n: _from_json(hints[n], value[n], f"{path}.{n}") for n in names})
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ValueError(f"{path}: must be a list")
        (item_type, _ellipsis) = typing.get_args(tp)
        return tuple(_from_json(item_type, v, f"{path}[{i}]") for i, v in enumerate(value))
    if tp is date:
        if not isinstance(value, str):
            raise ValueError(f"{path}: must be an ISO date string")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{path}: {value!r} is not an ISO date")
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{path}: must be a number")
        return float(value)
    if tp in (int, str, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise ValueError(f"{path}: must be {tp.__name__}")
        return value
    raise TypeError(f"{path}: unsupported type {tp!r}")  # pragma: no cover
