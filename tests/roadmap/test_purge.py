"""`flask intake purge`: old intakes go, unless a booking still needs them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from advising.consultations.models import ConsultationNote
from advising.consultations.services import save_note
from advising.database import utcnow
from advising.extensions import db
from advising.intake import services
from advising.intake.models import Intake
from advising.scheduling import retention
from advising.scheduling.models import CANCELLED, COMPLETED, Booking
from tests.factories import make_advisor
from tests.intake.helpers import make_booking, make_intake


def test_purge_deletes_old_intakes_and_keeps_those_bookings_need(runner, ctx):
    advisor = make_advisor()
    now = utcnow()
    long_ago = now - timedelta(days=400)
    old_unused, _ = make_intake(created_at=long_ago, name="Old Unused")
    old_upcoming, _ = make_intake(created_at=long_ago, name="Old Upcoming")
    old_recent, _ = make_intake(created_at=long_ago, name="Old Recent")
    old_stale, _ = make_intake(created_at=long_ago, name="Old Stale")
    fresh, fresh_token = make_intake(created_at=now - timedelta(days=5), name="Fresh")
    make_booking(advisor, intake=old_upcoming, start=now + timedelta(days=3))
    make_booking(advisor, intake=old_recent, start=now - timedelta(days=20), status=COMPLETED)
    stale_booking = make_booking(
        advisor, intake=old_stale, start=now - timedelta(days=300), status=COMPLETED
    )
    # A cancelled booking needs nothing, even one whose date is still ahead.
    make_booking(advisor, intake=old_unused, start=now + timedelta(days=4), status=CANCELLED)
    save_note(stale_booking, advisor.user, "Notes belong to the booking and stay.")
    ids = {i.name: i.id for i in (old_unused, old_upcoming, old_recent, old_stale, fresh)}
    stale_booking_id = stale_booking.id
    db.session.commit()

    result = runner.invoke(args=["intake", "purge", "--older-than", "90"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Deleted 2 intake(s) older than 90 days; kept 2 that bookings still need."
    )
    db.session.rollback()
    remaining = set(db.session.scalars(select(Intake.id)))
    assert remaining == {ids["Old Upcoming"], ids["Old Recent"], ids["Fresh"]}
    stale = db.session.get(Booking, stale_booking_id)
    assert stale is not None and stale.intake_id is None  # the booking stays, unlinked
    assert db.session.scalar(select(ConsultationNote)).booking_id == stale_booking_id
    assert services.intake_by_token(fresh_token) is not None

    again = runner.invoke(args=["intake", "purge", "--older-than", "90"])
    assert "Deleted 0 intake(s)" in again.output


def test_purge_needs_a_non_negative_number_of_days(runner, ctx):
    result = runner.invoke(args=["intake", "purge"])
    assert result.exit_code != 0 and "--older-than" in result.output
    result = runner.invoke(args=["intake", "purge", "--older-than", "-1"])
    assert result.exit_code != 0


def test_purge_with_zero_days_deletes_everything_no_booking_needs(ctx):
    advisor = make_advisor()
    gone, _ = make_intake(created_at=utcnow() - timedelta(minutes=1))
    kept, _ = make_intake(created_at=utcnow() - timedelta(minutes=1))
    make_booking(advisor, intake=kept, start=utcnow() + timedelta(days=1))
    gone_id, kept_id = gone.id, kept.id
    assert retention.purge(0) == retention.PurgeResult(deleted=1, kept=1)
    db.session.rollback()
    assert set(db.session.scalars(select(Intake.id))) == {kept_id} and gone_id != kept_id
