"""Intake answers: what a visitor told us, checked on the way in, and how they are stored.

Stored answers carry ``"format": ANSWERS_FORMAT``. Loading is tolerant so that a roadmap
made before the questions changed still opens:

* data without a ``"format"`` key is format 1 (answers stored before formats existed);
* keys ``IntakeAnswers`` no longer has are ignored;
* a question missing from older data takes its default: the dataclass default, else
  ``LOAD_DEFAULTS`` (used only when loading, so new submissions must still answer it);
* only ``ALWAYS_STORED`` answers may never be missing;
* data from a newer format than this code knows is refused (``AnswersError``).

Adding a question therefore needs a default (tests/intake/test_answers_format.py checks
this). Renaming one, or changing what its values mean, needs ``ANSWERS_FORMAT`` raised and
a conversion of older dicts in ``answers_from_dict``.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .serialize import to_json
from .vocabulary import (
    APPRENTICE_OF,
    CODING_CREDENTIALS,
    EXPERIENCE_KINDS,
    FIXED_CHOICES,
    HELD_CREDENTIALS,
    MAX_BUDGET_DOLLARS,
    MAX_CODING_MONTHS,
    MAX_EXPERIENCE_YEARS,
    MAX_HOURS_PER_WEEK,
    MIN_HOURS_PER_WEEK,
    OUT_OF_WORK,
    OUTSIDE_US,
    RETAKE_EXAMS,
    US_STATES,
)


class AnswersError(ValueError):
    """Intake answers are invalid; ``field`` names the offending answer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


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
    # Roadmap 2.0 (answers format 2): every one optional, with the "not said" default.
    experience_years: int = 0  # years of healthcare or insurance work of any kind
    experience_kinds: tuple[str, ...] = ()  # EXPERIENCE_KINDS
    coding_months: int = 0  # months the current job has had them assign codes
    employer_type: str = "unknown"  # who they work for now: provider, payer, neither
    state: str = ""  # US postal code, OUTSIDE_US, or "" (not said)
    country: str = ""  # when outside the United States
    income_need: str = "unknown"  # how soon they need an income from coding
    budget_min: int | None = None  # dollars; both None when not said
    budget_max: int | None = None
    employment: str = "unknown"  # employed, laid_off, not_working, retired, student
    student_aid: str = "unknown"  # could use federal student aid (FAFSA)
    military: str = "unknown"  # MILITARY: veteran or serving, military spouse, neither
    # Credentials already earned (HELD_CREDENTIALS) and an exam sat but not yet passed.
    credentials_held: tuple[str, ...] = ()
    exam_retake: str = ""  # RETAKE_EXAMS, or "" (none)

    def __post_init__(self) -> None:
        for field in ("name", "email", "timezone", "current_work", "goals", "state", "country"):
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
        for field, top in (
            ("experience_years", MAX_EXPERIENCE_YEARS),
            ("coding_months", MAX_CODING_MONTHS),
        ):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                raise AnswersError(field, f"must be a whole number from 0 to {top}")
        if self.state and self.state not in US_STATES and self.state != OUTSIDE_US:
            raise AnswersError("state", f"{self.state!r} is not a US state code")
        for field in ("budget_min", "budget_max"):
            value = getattr(self, field)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 0 <= value <= MAX_BUDGET_DOLLARS
            ):
                raise AnswersError(field, "must be a whole number of dollars")
        if (self.budget_min is None) != (self.budget_max is None) or (
            self.budget_min is not None and self.budget_min > self.budget_max  # type: ignore[operator]
        ):
            raise AnswersError("budget_max", "must be given with budget_min and not below it")
        for field in ("worries", "specialties", "experience_kinds", "credentials_held"):
            values = getattr(self, field)
            if isinstance(values, str) or not all(isinstance(v, str) for v in values):
                raise AnswersError(field, "must be a list of choice values")
            object.__setattr__(self, field, tuple(dict.fromkeys(values)))
        for kind in self.experience_kinds:
            if kind not in EXPERIENCE_KINDS:
                raise AnswersError("experience_kinds", f"{kind!r} is not one of the kinds")
        for held in self.credentials_held:
            if held not in HELD_CREDENTIALS:
                raise AnswersError("credentials_held", f"{held!r} is not a known credential")
        for stage, base in APPRENTICE_OF.items():
            if stage in self.credentials_held and base in self.credentials_held:
                code = base.upper()
                message = f"holds the {code}-A or the {code}, not both"
                raise AnswersError("credentials_held", message)
        if not isinstance(self.exam_retake, str) or (
            self.exam_retake and self.exam_retake not in RETAKE_EXAMS
        ):
            raise AnswersError("exam_retake", f"{self.exam_retake!r} is not one of the exams")
        if self.exam_retake in self.holds:
            raise AnswersError("exam_retake", "is an exam whose credential is already held")

    @property
    def coding_years(self) -> float:
        return self.coding_months / 12

    @property
    def holds(self) -> frozenset[str]:
        """The credentials held, the CPC-A counted as the CPC (its exam is passed)."""
        return frozenset(APPRENTICE_OF.get(key, key) for key in self.credentials_held)

    def holds_apprentice(self, credential: str) -> bool:
        """Whether ``credential`` is held in its apprentice stage (a CPC-A for the CPC)."""
        return any(
            base == credential and stage in self.credentials_held
            for stage, base in APPRENTICE_OF.items()
        )

    @property
    def coding_credentials(self) -> tuple[str, ...]:
        """Held credentials that show the person has learned to code, in catalogue order."""
        return tuple(key for key in CODING_CREDENTIALS if key in self.holds)

    @property
    def outside_us(self) -> bool:
        return self.state == OUTSIDE_US

    @property
    def codes_now(self) -> bool:
        """Whether they assign codes in a job they have now (months of coding from a job they
        lost or left still count as experience, but there is no manager to ask)."""
        return self.coding_months > 0 and self.employment not in OUT_OF_WORK


_BUDGET_RE = re.compile(r"^\$?\s*(\d[\d,]*)(?:\s*(?:-|\u2013|to)\s*\$?\s*(\d[\d,]*))?$")


def parse_budget(text: str) -> tuple[int, int] | None:
    """ "$1,200" -> (1200, 1200); "1000-2000" -> (1000, 2000); "" -> None.

    Raises ``ValueError`` with a sentence the form can show."""
    cleaned = (text or "").strip().lower().replace("dollars", "").replace("usd", "").strip()
    if not cleaned:
        return None
    match = _BUDGET_RE.match(cleaned)
    if not match or any(g and not re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", g) for g in match.groups()):
        raise ValueError("Enter dollars like 1200, $1,200 or a range like 1000-2000.")
    low = int(match.group(1).replace(",", ""))
    high = int(match.group(2).replace(",", "")) if match.group(2) else low
    if low > high:
        raise ValueError("Put the smaller amount first, like 1000-2000.")
    if high > MAX_BUDGET_DOLLARS:
        raise ValueError("Enter an amount below $1,000,000.")
    return low, high


# ---------------------------------------------------------------------------
# Stored form
# ---------------------------------------------------------------------------

#: Version of the stored answers' layout; 1 is the layout of the first stored answers.
#: 2 added the Roadmap 2.0 questions (experience, location, income, dollars, aid), all
#: with defaults, so format 1 answers load unchanged. Credentials held and an exam to retake
#: came later with defaults ("none"), so they needed no new format.
ANSWERS_FORMAT = 2

#: Answers every format has stored and that have no sensible stand-in.
ALWAYS_STORED = ("name", "email", "start_date")

#: Stand-ins for answers missing from older stored data, keyed by field name: the most
#: cautious or "not said" value. Never used for new submissions.
LOAD_DEFAULTS: Mapping[str, Any] = types.MappingProxyType(
    {
        "timezone": "UTC",
        "education": "high_school",
        "healthcare_experience": "none",
        "target_setting": "undecided",
        "hours_per_week": 10,
        "budget": "moderate",
        "employer_may_pay": False,
        "learning_format": "either",
    }
)


def answers_to_dict(answers: IntakeAnswers) -> dict[str, Any]:
    """JSON-safe dict (dates as ISO strings, tuples as lists), tagged with ``format``."""
    return {"format": ANSWERS_FORMAT, **to_json(answers)}


def answers_from_dict(data: Mapping[str, Any]) -> IntakeAnswers:
    """Load stored answers of any known format (see the module docstring for the rules)."""
    if not isinstance(data, Mapping):
        raise AnswersError("answers", "must be an object")
    fmt = data.get("format", 1)
    if isinstance(fmt, bool) or not isinstance(fmt, int) or not 1 <= fmt <= ANSWERS_FORMAT:
        raise AnswersError("format", f"unsupported answers format {fmt!r}")
    known = {f.name for f in dataclasses.fields(IntakeAnswers)}
    values = {**LOAD_DEFAULTS, **{k: v for k, v in data.items() if k in known}}
    for field in ALWAYS_STORED:
        if field not in values:
            raise AnswersError(field, "is missing from the stored answers")
    if isinstance(values["start_date"], str):
        try:
            values["start_date"] = date.fromisoformat(values["start_date"])
        except ValueError:
            raise AnswersError("start_date", f"{values['start_date']!r} is not an ISO date")
    return IntakeAnswers(**values)
