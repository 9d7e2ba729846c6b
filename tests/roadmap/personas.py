"""Shared answers for the roadmap engine tests: three contrasting people."""

from __future__ import annotations

import dataclasses
from datetime import date

from advising.roadmap.engine import IntakeAnswers, Roadmap


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
        hours_per_week=30,
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
