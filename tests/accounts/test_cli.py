"""`flask users ...` and `flask demo seed`."""

from advising.accounts.models import User
from advising.advisors.models import AdvisorProfile
from advising.extensions import db
from tests.conftest import make_test_app


def test_users_create_with_password_from_stdin_then_list(runner, ctx):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Nia@Example.org",
            "--name",
            "Nia Park",
            "--role",
            "staff",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "nia@example.org"))
    assert user.role == "staff" and user.name == "Nia Park"
    listing = runner.invoke(args=["users", "list"]).output
    assert "nia@example.org" in listing and "staff" in listing and "active" in listing


def test_users_create_prompts_for_password(runner, ctx):
    result = runner.invoke(
        args=["users", "create", "omar@example.org", "--name", "Omar", "--role", "advisor"],
        input="another long passphrase\nanother long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).where(User.email == "omar@example.org"))


def test_users_create_refuses_common_password_and_duplicates(runner, ctx):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "pat@example.org",
            "--name",
            "Pat",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="password123\n",
    )
    assert result.exit_code == 1 and "commonly used" in result.output
    runner.invoke(
        args=[
            "users",
            "create",
            "pat@example.org",
            "--name",
            "Pat",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    result = runner.invoke(
        args=[
            "users",
            "create",
            "pat@example.org",
            "--name",
            "Pat",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 1 and "already exists" in result.output


def test_demo_seed_is_idempotent_and_prints_logins(runner, ctx):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(db.select(db.func.count(AdvisorProfile.id))) == 3
    roles = sorted(u.role for u in db.session.scalars(db.select(User)))
    assert roles == ["admin", "advisor", "advisor", "advisor", "staff"]
    for line in second.output.splitlines()[1:]:
        email, password = line.split()[1:3]
        assert "@" in email and len(password) >= 12
    # the printed password works
    email, password = second.output.splitlines()[1].split()[1:3]
    from advising.accounts.passwords import verify_password

    user = db.session.scalar(db.select(User).where(User.email == email))
    assert verify_password(user.password_hash, password)


def test_demo_seed_refuses_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISING_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    app = make_test_app(f"sqlite:///{tmp_path / 'prod.db'}", tmp_path / "inst", TESTING=False)
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "Refusing to seed demo data in production" in result.output


def test_demo_seed_gives_screens_worth_opening(runner, ctx):
    """Upcoming and past consultations with intakes and roadmaps, a completed one with a note
    and a recommendation, a no-show and a cancellation, relative to today; once only."""
    from sqlalchemy import select

    from advising.consultations.models import AdvisorRecommendation, ConsultationNote
    from advising.database import utcnow
    from advising.extensions import db
    from advising.scheduling.models import Booking

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    bookings = db.session.scalars(select(Booking)).all()
    statuses = sorted(b.status for b in bookings)
    assert statuses == ["cancelled", "completed", "confirmed", "confirmed", "no_show"]
    now = utcnow()
    assert sum(b.start_at > now for b in bookings) == 3
    assert all(b.intake_id is not None for b in bookings)
    assert db.session.scalar(select(db.func.count(ConsultationNote.booking_id))) == 1
    assert db.session.scalar(select(db.func.count(AdvisorRecommendation.id))) == 1
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert db.session.scalar(select(db.func.count(Booking.id))) == 5


def test_demo_past_consultations_are_in_office_hours_whenever_it_is_seeded(
    runner, ctx, monkeypatch
):
    """Seeded at 6 AM UTC, past consultations took place at 1 AM in New York before."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from advising import demo
    from advising.extensions import db
    from advising.scheduling.models import Booking

    monkeypatch.setattr(demo, "utcnow", lambda: datetime(2026, 12, 4, 6, 5, tzinfo=UTC))
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    past = [b for b in db.session.scalars(select(Booking)) if b.status in ("completed", "no_show")]
    assert len(past) == 2
    for booking in past:
        local = booking.start_at.astimezone(ZoneInfo(booking.advisor.timezone))
        assert 9 <= local.hour < 17, (booking.visitor_name, local)
