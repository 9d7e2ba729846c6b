"""`flask demo seed`: demo accounts and advisors for trying the app on a laptop."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from advising.accounts import services as accounts
from advising.accounts.models import Role
from advising.advisors import services as advisors
from advising.advisors.models import AdvisorProfile
from advising.calendars import services as calendars

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


def seed_demo() -> dict[str, str]:
    """Create the demo accounts that are missing; return email -> password of those we know."""
    logins = _read_logins()
    for spec in DEMO_ADVISORS:
        user = _ensure_user(spec["email"], spec["name"], Role.ADVISOR, logins)
        profile = advisors.profile_for_user(user)
        if profile is None:
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
