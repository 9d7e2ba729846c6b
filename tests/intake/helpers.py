"""Shared test helpers for intakes, roadmaps and consultations."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta

from advising.database import utcnow
from advising.extensions import db
from advising.intake import services
from advising.roadmap.engine import IntakeAnswers
from advising.scheduling.models import CONFIRMED, Booking
from advising.shared.tokens import hash_token
from tests.conftest import post_form

_counter = itertools.count(1)
TOKEN_URL = re.compile(r"^/roadmap/([A-Za-z0-9_-]{43})$")


def start_date() -> date:
    return utcnow().date() + timedelta(days=30)


def form_data(**changes: object) -> dict[str, object]:
    """A complete, valid intake form post (without the CSRF token)."""
    data: dict[str, object] = {
        "name": "Dana Reyes",
        "email": "dana@example.com",
        "timezone": "America/Chicago",
        "education": "high_school",
        "current_work": "Retail store manager",
        "healthcare_experience": "none",
        "target_setting": "hospital",
        "specialties": ["oncology"],
        "goals": "A steady job with benefits near my kids' school",
        "hours_per_week": "10",
        "start_date": start_date().isoformat(),
        "budget": "tight",
        "employer_may_pay": "no",
        "learning_format": "online",
        "worries": ["work_family_balance", "cost"],
        "consent": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def submit_intake(client, **changes: object):
    return post_form(client, "/intake", form_data(**changes))


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = TOKEN_URL.match(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def answers(**changes: object) -> IntakeAnswers:
    values: dict[str, object] = {
        "name": "Dana Reyes",
        "email": "dana@example.com",
        "timezone": "America/Chicago",
        "education": "high_school",
        "current_work": "Retail store manager",
        "healthcare_experience": "none",
        "target_setting": "hospital",
        "hours_per_week": 10,
        "budget": "tight",
        "employer_may_pay": False,
        "learning_format": "online",
        "start_date": start_date(),
        "worries": ("work_family_balance", "cost"),
        "specialties": ("oncology",),
        "goals": "A steady job with benefits",
    }
    values.update(changes)
    return IntakeAnswers(**values)


def make_intake(*, created_at: datetime | None = None, **changes: object):
    """(intake, token) stored through the service, like a form submission."""
    return services.create_intake(answers(**changes), now=created_at)


def make_booking(
    advisor,
    *,
    start: datetime | None = None,
    intake=None,
    status: str = CONFIRMED,
    minutes: int = 45,
    name: str = "Dana Reyes",
    manage_token: str | None = None,
) -> Booking:
    """A booking row written directly (past times allowed), for consultation-page tests."""
    n = next(_counter)
    start = start or utcnow() + timedelta(days=3)
    booking = Booking(
        advisor_id=advisor.id,
        status=status,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=minutes + 15),
        visitor_name=name,
        visitor_email=f"visitor{n}@example.org",
        visitor_timezone="America/Chicago",
        topic="",
        consent_at=utcnow(),
        manage_token_hash=hash_token(manage_token) if manage_token else f"{n:064x}",
        intake_id=intake.id if intake is not None else None,
    )
    db.session.add(booking)
    db.session.commit()
    return booking
