"""Reminders 24 hours and 1 hour before: each queued once, however often the job runs."""

from __future__ import annotations

import threading
from datetime import time, timedelta

from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.invites.models import KIND_REMINDER, BookingReminder, OutboxMessage
from advising.invites.reminders import queue_reminders
from advising.scheduling import services
from tests.factories import make_advisor
from tests.invites.test_outbox import parsed, visitor


def _book_later(advisor, after: timedelta, n: int = 0, **who):
    """Book the first free slot starting more than ``after`` from now."""
    slots = [s for s in services.next_available_slots(advisor) if s.start > utcnow() + after]
    return services.book(advisor, slots[n * 8].start, visitor(**who))[0]


def _reminders() -> list[OutboxMessage]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == KIND_REMINDER)
            .order_by(OutboxMessage.id)
        )
    )


def test_each_reminder_is_queued_once_at_its_time(ctx):
    advisor = make_advisor(name="Maria Lopez", video_url="https://meet.example.org/maria")
    booking = _book_later(advisor, timedelta(hours=30), tz="Europe/Paris")
    start = booking.start_at
    assert queue_reminders(start - timedelta(hours=25)) == 0
    assert queue_reminders(start - timedelta(hours=24)) == 1
    assert queue_reminders(start - timedelta(hours=24)) == 0  # the same run again
    assert queue_reminders(start - timedelta(hours=3)) == 0
    assert queue_reminders(start - timedelta(minutes=59)) == 1
    assert queue_reminders(start - timedelta(minutes=30)) == 0
    assert queue_reminders(start + timedelta(minutes=1)) == 0

    first, second = _reminders()
    for row in (first, second):
        message = parsed(row)
        assert row.recipient == "bob@example.org" and row.booking_id == booking.id
        assert message["Subject"].strip().startswith("Reminder: consultation with Maria Lopez")
        assert "(Europe/Paris)" in message.get_body(("plain",)).get_content()
        assert "https://meet.example.org/maria" in message.get_body(("plain",)).get_content()
        # A reminder is a note, not a repeated invitation.
        assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    kinds = db.session.execute(
        select(BookingReminder.kind, BookingReminder.outbox_id).order_by(BookingReminder.id)
    ).all()
    assert kinds == [("24h", first.id), ("1h", second.id)]


def test_a_late_run_sends_only_the_reminder_that_matters_now(ctx):
    booking = _book_later(make_advisor(), timedelta(hours=30))
    # The job did not run for a day: at 30 minutes before, only the 1-hour reminder goes.
    assert queue_reminders(booking.start_at - timedelta(minutes=30)) == 1
    assert queue_reminders(booking.start_at - timedelta(minutes=20)) == 0
    assert len(_reminders()) == 1


def test_a_moved_booking_gets_fresh_reminders_and_a_cancelled_one_none(ctx):
    advisor = make_advisor()
    booking = _book_later(advisor, timedelta(hours=30))
    assert queue_reminders(booking.start_at - timedelta(hours=23)) == 1
    later = next(
        s
        for s in services.next_available_slots(advisor)
        if s.start > booking.start_at + timedelta(days=2)
    ).start
    moved = services.reschedule(booking, later, by="advisor")
    assert moved.sequence == 1
    assert queue_reminders(later - timedelta(hours=23)) == 1
    assert queue_reminders(later - timedelta(hours=23)) == 0

    other = _book_later(advisor, timedelta(hours=30), n=1, email="ann@example.org")
    services.cancel(other, reason="", by="visitor")
    assert queue_reminders(other.start_at - timedelta(minutes=30)) == 0
    assert [r.recipient for r in _reminders()] == ["bob@example.org", "bob@example.org"]


def test_a_booking_made_inside_the_window_skips_the_reminder_already_due(ctx):
    advisor = make_advisor()
    services.update_rules(
        advisor.id, {d: [(time(0), time(0))] for d in range(7)}, min_notice_hours=0
    )
    # Booked about three hours ahead: the confirmation just went out, no "24 hours" note.
    booking = _book_later(advisor, timedelta(hours=3))
    assert queue_reminders(booking.start_at - timedelta(hours=2)) == 0
    assert queue_reminders(booking.start_at - timedelta(minutes=55)) == 1
    skipped = db.session.scalars(
        select(BookingReminder).where(BookingReminder.outbox_id.is_(None))
    ).all()
    assert [r.kind for r in skipped] == ["24h"]


def test_two_runs_at_once_queue_each_reminder_once(app, ctx):
    advisor = make_advisor()
    services.update_rules(advisor.id, {d: [(time(0), time(0))] for d in range(7)})
    bookings = [
        _book_later(advisor, timedelta(hours=30), n=n, email=f"v{n}@example.org") for n in range(4)
    ]
    now = min(b.start_at for b in bookings) - timedelta(hours=2)
    assert all(now < b.start_at - timedelta(hours=1) <= now + timedelta(hours=23) for b in bookings)
    db.session.commit()
    barrier = threading.Barrier(4)
    counts, errors = [], []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                counts.append(queue_reminders(now))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sum(counts) == 4
    assert sorted(r.recipient for r in _reminders()) == [f"v{n}@example.org" for n in range(4)]


def test_mail_reminders_command(ctx, runner):
    booking = _book_later(make_advisor(), timedelta(hours=30))
    at = (booking.start_at - timedelta(minutes=30)).isoformat()
    result = runner.invoke(args=["mail", "reminders", "--now", at])
    assert result.exit_code == 0 and "Queued 1 reminder." in result.output
    result = runner.invoke(args=["mail", "reminders", "--now", at])
    assert "Queued 0 reminders." in result.output
