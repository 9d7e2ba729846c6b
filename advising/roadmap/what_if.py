"""The roadmap page's "what if" panel: other hours a week, budget or start date, checked.

Reads the panel's fields (query string or the save form), keeps what was typed to show it
again, and gives an error per field in words the page shows beside it. Nothing here saves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from advising.roadmap.engine import (
    MAX_HOURS_PER_WEEK,
    MIN_HOURS_PER_WEEK,
    IntakeAnswers,
    example_start_date,
    parse_budget,
)
from advising.shared.timefmt import parse_date, us_date

FIELDS = ("hours", "budget", "start")
MAX_START_DAYS_AHEAD = 730


def budget_text(answers: IntakeAnswers) -> str:
    """The saved budget as the panel shows it ("2000", "1000-2000" or "")."""
    low, high = answers.budget_min, answers.budget_max
    if low is None or high is None:
        return ""
    return str(low) if low == high else f"{low}-{high}"


@dataclass
class WhatIf:
    """The panel's state: ``values`` as typed, ``errors`` by field, the parsed overrides."""

    active: bool  # the request asked for a what-if
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    hours: int | None = None
    budget: tuple[int, int] | None = None
    start: date | None = None
    changed: bool = False  # differs from the saved answers
    example_start: str = ""  # a start date the panel's hint and error can name

    @property
    def showing(self) -> bool:
        """A valid what-if that differs from the saved plan is on the page."""
        return self.active and not self.errors and self.changed

    def apply(self, saved: IntakeAnswers) -> IntakeAnswers:
        assert self.active and not self.errors and self.hours is not None
        return dataclasses.replace(
            saved,
            hours_per_week=self.hours,
            budget_min=self.budget[0] if self.budget else None,
            budget_max=self.budget[1] if self.budget else None,
            start_date=self.start or saved.start_date,
        )


def read_what_if(args: Mapping[str, str], saved: IntakeAnswers, today: date) -> WhatIf:
    """Check the panel's fields in ``args`` against the saved answers (their defaults)."""
    defaults = {
        "hours": str(saved.hours_per_week),
        "budget": budget_text(saved),
        "start": saved.start_date.isoformat(),
    }
    example = us_date(example_start_date(today))
    if not any(name in args for name in FIELDS):
        return WhatIf(active=False, values=defaults, example_start=example)
    values = {name: (args.get(name) or "").strip()[:40] for name in FIELDS}
    result = WhatIf(active=True, values=values, example_start=example)
    errors = result.errors

    text = values["hours"]
    if not text.isdigit():
        errors["hours"] = "Enter the hours a week as a whole number, like 12."
    elif not MIN_HOURS_PER_WEEK <= int(text) <= MAX_HOURS_PER_WEEK:
        errors["hours"] = f"Enter a number from {MIN_HOURS_PER_WEEK} to {MAX_HOURS_PER_WEEK}."
    else:
        result.hours = int(text)

    try:
        result.budget = parse_budget(values["budget"])
    except ValueError as error:
        errors["budget"] = str(error)

    text = values["start"]
    try:
        start = parse_date(text)
    except ValueError:
        errors["start"] = f"Enter a date like {example}."
    else:
        if start != saved.start_date and start < today - timedelta(days=1):
            errors["start"] = "Choose today or a later date."
        elif start > today + timedelta(days=MAX_START_DAYS_AHEAD):
            errors["start"] = "Choose a date within the next two years."
        else:
            result.start = start

    if not errors:
        result.changed = (
            result.hours != saved.hours_per_week
            or result.start != saved.start_date
            or (result.budget or (None, None)) != (saved.budget_min, saved.budget_max)
        )
    return result
