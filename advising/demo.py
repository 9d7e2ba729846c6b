"""`flask demo seed`: demo accounts, advisors with calendars, and visitors with intakes,
roadmaps and consultations (past and upcoming, relative to today) for trying the app."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from advising.accounts import services as accounts
from advising.accounts.models import Role
from advising.advisors import services as advisors
from advising.advisors.models import AdvisorProfile
from advising.calendars import services as calendars
from advising.consultations import services as consultations
from advising.database import utcnow
from advising.extensions import db
from advising.intake import services as intakes
from advising.roadmap.engine import answers_from_dict
from advising.scheduling import services as scheduling
from advising.scheduling.models import Actor, Booking, BookingStatus
from advising.scheduling.slots import local_to_utc
from advising.shared.tokens import new_token

demo_cli = AppGroup("demo", help="Demo data for development.")

DEMO_ADVISORS = [
    {
        "email": "maria.lopez@advising.example",
        "name": "Maria Lopez",
        "timezone": "America/New_York",
        "bio": "Certified professional coder (CPC) with twelve years in physician practices. "
        "Helps career changers pass the CPC exam on the first try.",
        "specialties": ["CPC", "career change", "cardiology"],
        "video_url": "https://meet.advising.example/maria-lopez",
        "calendar": "google_maria_lopez.ics",
    },
    {
        "email": "james.okafor@advising.example",
        "name": "James Okafor",
        "timezone": "America/Chicago",
        "bio": "Former inpatient coding lead (CCS). Guides people toward hospital coding "
        "and the CCA to CCS path.",
        "specialties": ["CCS", "CCA", "auditing"],
        "video_url": "https://meet.advising.example/james-okafor",
        "calendar": "outlook_james_okafor.ics",
    },
    {
        "email": "priya.raman@advising.example",
        "name": "Priya Raman",
        "timezone": "America/Los_Angeles",
        "bio": "Risk adjustment coder and auditor working remotely for payers.",
        "specialties": ["risk adjustment", "auditing", "CPC"],
        "video_url": "https://meet.advising.example/priya-raman",
        "calendar": "apple_priya_raman.ics",
    },
]
DEMO_STAFF = [
    ("sam.taylor@advising.example", "Sam Taylor", Role.STAFF),
    ("alex.admin@advising.example", "Alex Morgan", Role.ADMIN),
]


DEMO_CALENDARS = Path(__file__).parent / "calendars" / "demo_calendars"
DEMO_CALENDAR_LABEL = "Demo calendar"


def _ensure_demo_calendar(profile: AdvisorProfile, file_name: str) -> None:
    """Import the advisor's demo calendar once; later seeds re-expand it from today, so its
    weekly series (repeating without end) always give busy and available time ahead."""
    existing = [s for s in calendars.sources_for(profile) if s.label == DEMO_CALENDAR_LABEL]
    if existing:
        calendars.refresh_horizon(existing[0])
    else:
        data = (DEMO_CALENDARS / file_name).read_bytes()
        calendars.import_upload(profile, data, DEMO_CALENDAR_LABEL)


def _logins_file() -> Path:
    return Path(current_app.instance_path) / "demo-logins.txt"


def _read_logins() -> dict[str, str]:
    path = _logins_file()
    if not path.exists():
        return {}
    pairs = (line.split(None, 1) for line in path.read_text().splitlines() if line.strip())
    return {email: password for email, password in pairs}


def _ensure_user(email: str, name: str, role: Role, logins: dict[str, str]) -> tuple:
    user = accounts.find_user(email)
    if user is None:
        password = secrets.token_urlsafe(12)
        user = accounts.create_user(email, name, role, password)
        logins[email] = password
    return user


DEMO_VISITOR_DOMAIN = "visitor.advising.example"


@dataclass(frozen=True)
class DemoVisitor:
    """A visitor of the demo: their intake, and where their consultation stands."""

    name: str
    advisor_email: str
    timezone: str
    answers: dict[str, object]
    when: str  # "upcoming", "completed", "no_show", "cancelled"
    days: int  # days from today (negative: in the past)
    topic: str
    note: str = ""
    recommendation: str = ""

    @property
    def email(self) -> str:
        return f"{self.name.split()[0].lower()}@{DEMO_VISITOR_DOMAIN}"


DEMO_VISITORS = [
    DemoVisitor(
        "Dana Reyes",
        "maria.lopez@advising.example",
        "America/Chicago",
        {
            "education": "high_school",
            "healthcare_experience": "none",
            "target_setting": "remote",
            "hours_per_week": 10,
            "budget": "tight",
            "worries": ["cost", "work_family_balance"],
            "current_work": "Retail store manager",
            "goals": "A remote job with benefits",
        },
        "upcoming",
        3,
        "Which credential fits a career changer, and how to pay for it",
    ),
    DemoVisitor(
        "Tomas Berg",
        "priya.raman@advising.example",
        "America/Denver",
        {
            "education": "bachelor",
            "healthcare_experience": "coding_billing",
            "target_setting": "payer",
            "hours_per_week": 8,
            "budget": "flexible",
            "specialties": ["risk_adjustment"],
            "current_work": "Claims adjuster at a health plan",
            "goals": "Move into risk adjustment",
        },
        "upcoming",
        6,
        "Risk adjustment and the CRC",
    ),
    DemoVisitor(
        "Aisha Khan",
        "james.okafor@advising.example",
        "America/New_York",
        {
            "education": "associate",
            "healthcare_experience": "clinical",
            "target_setting": "hospital",
            "hours_per_week": 15,
            "budget": "moderate",
            "current_work": "Licensed practical nurse",
            "goals": "Inpatient coding, then CDI",
        },
        "completed",
        -9,
        "From nursing to inpatient coding",
        note="Strong clinical background; CCA first, CCS after a year. Sent CDI reading list.",
        recommendation="Start with the CCA this spring; your LPN years count for a lot in "
        "inpatient coding. Ask your hospital's HIM manager about an internal move.",
    ),
    DemoVisitor(
        "Ben Ortiz",
        "maria.lopez@advising.example",
        "America/Los_Angeles",
        {
            "education": "some_college",
            "healthcare_experience": "some",
            "target_setting": "physician_office",
            "hours_per_week": 6,
            "budget": "moderate",
            "current_work": "Front desk at a dental office",
            "goals": "Physician office coding",
        },
        "no_show",
        -4,
        "CPC study plan",
    ),
    DemoVisitor(
        "Chloe Martin",
        "priya.raman@advising.example",
        "Europe/London",
        {
            "education": "graduate",
            "healthcare_experience": "none",
            "target_setting": "undecided",
            "hours_per_week": 12,
            "budget": "flexible",
            "current_work": "Teacher",
            "goals": "Explore coding as a second career",
        },
        "cancelled",
        8,
        "Is medical coding for me?",
    ),
]


def _demo_answers(visitor: DemoVisitor, today: date) -> object:
    base: dict[str, object] = {
        "name": visitor.name,
        "email": visitor.email,
        "timezone": visitor.timezone,
        "employer_may_pay": False,
        "learning_format": "online",
        "start_date": (today + timedelta(days=14)).isoformat(),
    }
    return answers_from_dict({**base, **visitor.answers})


#: Past demo consultations took place at this hour of the advisor's day (not at 1 AM
#: because the demo was seeded then).
PAST_CONSULTATION_AT = time(10)


def _past_booking(
    advisor: AdvisorProfile, visitor: DemoVisitor, intake_id: int, start: datetime
) -> Booking:
    """A consultation that already took place (the booking service only books the future)."""
    _token, token_hash = new_token()
    end = start + timedelta(minutes=45)
    booking = Booking(
        advisor_id=advisor.id,
        status=BookingStatus.CONFIRMED,
        start_at=start,
        end_at=end,
        blocked_start=start,
        blocked_end=end + timedelta(minutes=15),
        visitor_name=visitor.name,
        visitor_email=visitor.email,
        visitor_timezone=visitor.timezone,
        topic=visitor.topic,
        consent_at=start - timedelta(days=7),
        created_at=start - timedelta(days=7),
        manage_token_hash=token_hash,
        intake_id=intake_id,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def _seed_visitor(visitor: DemoVisitor, now: datetime) -> None:
    advisor_user = accounts.find_user(visitor.advisor_email)
    advisor = advisors.profile_for_user(advisor_user)
    intake, _token = intakes.create_intake(_demo_answers(visitor, now.date()), now=now)
    details = scheduling.VisitorDetails(
        visitor.name, visitor.email, None, visitor.topic, visitor.timezone, intake_id=intake.id
    )
    if visitor.days > 0:
        slots = scheduling.next_available_slots(advisor, now, days=visitor.days + 14)
        later = [s for s in slots if s.start >= now + timedelta(days=visitor.days)] or slots
        if not later:
            return
        booking, _manage = scheduling.book(advisor, later[0].start, details, now)
        if visitor.when == "cancelled":
            scheduling.cancel(booking, reason="Found a course first", by=Actor.VISITOR, now=now)
        return
    day = (now + timedelta(days=visitor.days)).astimezone(ZoneInfo(advisor.timezone)).date()
    start = local_to_utc(datetime.combine(day, PAST_CONSULTATION_AT), advisor.timezone)
    booking = _past_booking(advisor, visitor, intake.id, start)
    outcome = BookingStatus.COMPLETED if visitor.when == "completed" else BookingStatus.NO_SHOW
    scheduling.record_outcome(booking, outcome, by=Actor.ADVISOR, now=now)
    if visitor.note:
        consultations.save_note(booking, advisor_user, visitor.note)
    if visitor.recommendation:
        consultations.add_recommendation(booking, advisor_user, visitor.recommendation)


def seed_visitors(now: datetime | None = None) -> int:
    """Demo visitors with intakes, roadmaps and consultations, once; returns how many."""
    now = now or utcnow()
    seeded = db.session.scalar(
        db.select(db.func.count(Booking.id)).where(
            Booking.visitor_email.like(f"%@{DEMO_VISITOR_DOMAIN}")
        )
    )
    if seeded:
        return 0
    for visitor in DEMO_VISITORS:
        _seed_visitor(visitor, now)
    return len(DEMO_VISITORS)


def seed_demo() -> dict[str, str]:
    """Create the demo accounts that are missing; return email -> password of those we know."""
    logins = _read_logins()
    for spec in DEMO_ADVISORS:
        user = _ensure_user(spec["email"], spec["name"], Role.ADVISOR, logins)
        profile = advisors.profile_for_user(user)
        if profile is None or not profile.bio:  # none yet, or the draft a new advisor gets
            profile = advisors.create_profile(
                user,
                spec["name"],
                spec["timezone"],
                bio=spec["bio"],
                specialties=spec["specialties"],
                video_url=spec["video_url"],
            )
        _ensure_demo_calendar(profile, spec["calendar"])
    for email, name, role in DEMO_STAFF:
        _ensure_user(email, name, role, logins)
    seed_visitors()
    path = _logins_file()
    path.write_text("".join(f"{email} {password}\n" for email, password in logins.items()))
    path.chmod(0o600)
    return logins


@demo_cli.command("seed")
def seed_command() -> None:
    """Create demo advisors with calendars, a staff and an admin account (idempotent) and print
    their logins."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Refusing to seed demo data in production.")
    logins = seed_demo()
    click.echo("Demo logins (kept in instance/demo-logins.txt):")
    for user in accounts.list_users():
        password = logins.get(user.email, "(password not known: set before this seed)")
        click.echo(f"  {user.role:8} {user.email:36} {password}")


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
