"""Visitors' personal data: "Delete my personal data" on the manage page, and retention
(``flask bookings purge --older-than DAYS``) for bookings and delivered mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from advising.database import utcnow
from advising.extensions import db
from advising.outbox.models import PENDING, SENT, OutboxMessage
from advising.scheduling import personal_data, services
from advising.scheduling.models import CANCELLED, COMPLETED, CONFIRMED, Booking
from tests.conftest import client_after_commit, csrf_token_from
from tests.factories import make_advisor
from tests.intake.helpers import make_booking, make_intake

VISITOR = services.VisitorDetails(
    "Ann Lee", "ann@example.org", "+1 555 0100", "My career change", "UTC"
)


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app)


def _mail(booking_id: int) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.booking_id == booking_id)
            .order_by(OutboxMessage.id)
        )
    )


def _mark_sent(booking_id: int, when) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.booking_id == booking_id, OutboxMessage.status == PENDING)
        .values(status=SENT, sent_at=when)
    )
    db.session.commit()


def _assert_anonymous(booking: Booking) -> None:
    assert booking.visitor_name == "Deleted"
    assert booking.visitor_email == "" and booking.visitor_phone is None
    assert booking.topic == "" and booking.intake_id is None
    assert booking.cancel_reason is None and booking.personal_data_erased_at is not None


def test_deleting_my_data_cancels_an_upcoming_booking_and_keeps_an_anonymous_slot(client, ctx):
    advisor = make_advisor(slug="maria")
    intake, _ = make_intake()
    visitor = services.VisitorDetails(**{**VISITOR.__dict__, "intake_id": intake.id})
    booking, token = services.book(
        advisor, services.next_available_slots(advisor)[0].start, visitor
    )
    _mark_sent(booking.id, utcnow())  # the confirmation mails went out

    manage = client.get(f"/b/{token}").get_data(as_text=True)
    assert f'href="/b/{token}/delete-data"' in manage and "Delete my personal data" in manage
    page = client.get(f"/b/{token}/delete-data").get_data(as_text=True)
    assert "is cancelled first" in page
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).visitor_name == "Ann Lee"  # GET changes nothing

    response = client.post(f"/b/{token}/delete-data", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == f"/b/{token}"
    db.session.expire_all()
    erased = db.session.get(Booking, booking.id)
    assert erased.status == CANCELLED and erased.cancelled_by == "visitor"
    _assert_anonymous(erased)
    assert erased.start_at == booking.start_at and erased.advisor_id == advisor.id

    rows = _mail(booking.id)
    sent = [row for row in rows if row.status == SENT]
    cancellations = [row for row in rows if row.status == PENDING]
    assert len(sent) == 2 and all(
        (row.recipient, row.subject, row.message) == ("", "", b"") for row in sent
    )
    # The usual cancellation mail still goes out; it is scrubbed once delivered.
    assert {row.kind for row in cancellations} == {"cancelled"}
    assert {row.recipient for row in cancellations} == {"ann@example.org", advisor.user.email}
    _mark_sent(booking.id, utcnow())
    personal_data.purge(365)
    assert all(row.message == b"" and row.recipient == "" for row in _mail(booking.id))

    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "Your personal data was deleted" in page and "ann@example.org" not in page


def test_deleting_the_data_of_a_past_consultation_keeps_its_outcome(ctx):
    advisor = make_advisor()
    past = make_booking(advisor, start=utcnow() - timedelta(days=3), status=COMPLETED)
    personal_data.erase(past)
    db.session.expire_all()
    erased = db.session.get(Booking, past.id)
    assert erased.status == COMPLETED
    _assert_anonymous(erased)


def test_retention_purge_of_old_bookings_and_delivered_mail(ctx, runner):
    advisor = make_advisor()
    now = utcnow()
    old_past = make_booking(advisor, start=now - timedelta(days=40))
    recent_past = make_booking(advisor, start=now - timedelta(days=5))
    upcoming, _ = services.book(advisor, services.next_available_slots(advisor)[0].start, VISITOR)
    _mark_sent(upcoming.id, now - timedelta(days=40))  # delivered long ago
    cancelled, _ = services.book(advisor, services.next_available_slots(advisor)[0].start, VISITOR)
    services.cancel(cancelled, reason="Changed my mind", by=services.Actor.VISITOR)
    db.session.execute(
        update(Booking)
        .where(Booking.id == cancelled.id)
        .values(cancelled_at=now - timedelta(days=31))
        .execution_options(availability_of={advisor.id})
    )
    db.session.commit()

    result = runner.invoke(args=["bookings", "purge", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert "Deleted the personal data of 2 booking(s)" in result.output
    db.session.expire_all()
    _assert_anonymous(db.session.get(Booking, old_past.id))
    _assert_anonymous(db.session.get(Booking, cancelled.id))
    for kept in (recent_past, upcoming):
        assert db.session.get(Booking, kept.id).personal_data_erased_at is None
    assert db.session.get(Booking, upcoming.id).status == CONFIRMED
    # Mail delivered more than 30 days ago loses its body; its row stays for staff.
    rows = _mail(upcoming.id)
    assert rows and all(row.message == b"" for row in rows)
    assert {row.recipient for row in rows} == {"ann@example.org", advisor.user.email}
    assert all(row.message for row in _mail(cancelled.id) if row.status == PENDING)

    with pytest.raises(ValueError):
        personal_data.purge(-1)
