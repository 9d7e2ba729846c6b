"""No slot is ever booked twice: real concurrency on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import select

from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.models import CONFIRMED, Booking
from tests.conftest import require_postgres
from tests.factories import make_advisor
from tests.scheduling.race_worker import attempt_bookings

ROOT = Path(__file__).resolve().parents[2]


def _first_free_slot(advisor):
    """The first free slot of the second day with free times: well clear of the minimum
    notice (a slow start of the racers on a loaded machine cannot push it inside), with the
    rest of a working day after it whatever the hour the test runs."""
    from advising.scheduling.slots import group_by_day

    days = group_by_day(services.next_available_slots(advisor, days=14), advisor.timezone)
    assert len(days) >= 2, "the advisor needs free time for a race"
    return days[1][1][0].start


def test_32_threads_booking_one_slot_yield_exactly_one_booking(app, ctx):
    advisor = make_advisor()
    start = _first_free_slot(advisor)
    db.session.commit()  # end this session's read snapshot before the crowd arrives
    outcome = attempt_bookings(app, advisor.id, start, 32, "a")
    db.session.rollback()
    assert outcome == {"booked": 1, "taken": 31, "errors": 0}
    confirmed = db.session.scalars(select(Booking).where(Booking.status == CONFIRMED)).all()
    assert len(confirmed) == 1 and confirmed[0].start_at == start


def test_threads_booking_overlapping_times_never_overlap_in_the_table(app, ctx):
    advisor = make_advisor()
    first = _first_free_slot(advisor)
    import threading

    from advising.advisors.models import AdvisorProfile

    advisor_id = advisor.id
    db.session.commit()
    starts = [first + timedelta(minutes=15 * n) for n in range(16)]
    barrier = threading.Barrier(len(starts))
    errors: list[BaseException] = []

    def one(n: int, start) -> None:
        with app.app_context():
            profile = db.session.get(AdvisorProfile, advisor_id)
            visitor = services.VisitorDetails(f"V{n}", f"v{n}@example.org", None, "", "UTC")
            db.session.commit()  # hand the connection back: the pool is smaller than the crowd
            barrier.wait(timeout=60)
            try:
                services.book(profile, start, visitor)
            except services.SlotTaken:
                pass
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(n, s)) for n, s in enumerate(starts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.rollback()  # a fresh snapshot
    booked = db.session.scalars(select(Booking).where(Booking.status == CONFIRMED)).all()
    assert len(booked) >= 2  # 45 min + 15 min buffer on a 15 min grid: several fit in 4 hours
    for a, b in combinations(booked, 2):
        assert a.blocked_end <= b.blocked_start or b.blocked_end <= a.blocked_start


@pytest.mark.postgres
def test_two_processes_sharing_postgresql_book_one_slot_once(app, ctx, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("two-process race runs on PostgreSQL only")
    advisor = make_advisor()
    start = _first_free_slot(advisor)
    command = [
        sys.executable,
        "-m",
        "tests.scheduling.race_worker",
        database_url,
        str(advisor.id),
        start.isoformat(),
        "16",
    ]
    processes = [
        subprocess.Popen(
            [*command, tag], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for tag in ("p", "q")
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    totals = {"booked": 0, "taken": 0, "errors": 0}
    for out, err in outputs:
        assert out.strip(), err
        for pair in out.split():
            key, value = pair.split("=")
            totals[key] += int(value)
    assert totals == {"booked": 1, "taken": 31, "errors": 0}, outputs
    db.session.rollback()  # a fresh snapshot
    assert (
        db.session.scalar(select(db.func.count(Booking.id)).where(Booking.status == CONFIRMED)) == 1
    )


def test_database_refuses_overlap_even_without_the_service(app, ctx, database_url):
    """The PostgreSQL exclusion constraint holds against a direct insert."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the exclusion constraint is PostgreSQL's")
    require_postgres()
    from sqlalchemy.exc import IntegrityError

    from advising.database import utcnow

    advisor = make_advisor()
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    common = dict(
        advisor_id=advisor.id,
        visitor_name="X",
        visitor_email="x@example.org",
        visitor_timezone="UTC",
        consent_at=utcnow(),
        status=CONFIRMED,
    )
    db.session.add(
        Booking(
            start_at=start,
            end_at=start + timedelta(minutes=45),
            blocked_start=start,
            blocked_end=start + timedelta(minutes=60),
            manage_token_hash="a" * 64,
            **common,
        )
    )
    db.session.commit()
    db.session.add(
        Booking(
            start_at=start + timedelta(minutes=30),
            end_at=start + timedelta(minutes=75),
            blocked_start=start + timedelta(minutes=30),
            blocked_end=start + timedelta(minutes=90),
            manage_token_hash="b" * 64,
            **common,
        )
    )
    with pytest.raises(IntegrityError, match="bookings_no_overlap"):
        db.session.commit()
    db.session.rollback()


def _race(app, actions) -> list[BaseException | None]:
    """Run each action (a function of nothing) in its own thread and app context at once."""
    import threading

    barrier = threading.Barrier(len(actions))
    outcomes: list[BaseException | None] = [None] * len(actions)

    def run(index: int) -> None:
        with app.app_context():
            try:
                db.session.commit()
                barrier.wait(timeout=60)
                actions[index]()
            except BaseException as error:
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _visitor_invites(booking_id: int) -> list[tuple[str, int]]:
    """(METHOD, SEQUENCE) of the visitor's invitations for a booking, in queue order."""
    import email
    import re

    from advising.outbox.models import OutboxMessage

    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.booking_id == booking_id, OutboxMessage.recipient != "")
        .order_by(OutboxMessage.id)
    ).all()
    found = []
    for row in rows:
        message = email.message_from_bytes(row.message)
        if not message["To"] or "visitor" not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                ics = part.get_payload(decode=True)
                method = re.search(rb"METHOD:(\w+)", ics).group(1).decode()
                sequence = int(re.search(rb"SEQUENCE:(\d+)", ics).group(1))
                found.append((method, sequence))
    return found


def _booked(advisor):
    slots = services.next_available_slots(advisor, days=14)
    visitor = services.VisitorDetails("Vee", "visitor@example.org", None, "", "UTC")
    booking, _token = services.book(advisor, slots[0].start, visitor)
    return booking.id, slots[-1].start


def test_cancel_and_reschedule_of_one_booking_never_both_win_out_of_order(app, ctx):
    """A move and a cancel racing on one booking: whichever takes the booking first wins; a
    move never lands on a cancelled booking, and the visitor's invitations carry strictly
    rising SEQUENCEs in the order they were queued (no REQUEST after the CANCEL)."""
    from advising.scheduling.models import Actor

    advisor = make_advisor()
    for _ in range(8):
        booking_id, new_start = _booked(advisor)
        db.session.commit()

        def move(booking_id=booking_id, new_start=new_start):
            booking = db.session.get(Booking, booking_id)
            services.reschedule(booking, new_start, by=Actor.ADVISOR)

        def cancel(booking_id=booking_id):
            booking = db.session.get(Booking, booking_id)
            services.cancel(booking, reason="", by=Actor.VISITOR)

        outcomes = _race(app, [move, cancel])
        assert all(o is None or isinstance(o, services.BookingError) for o in outcomes), outcomes
        db.session.rollback()
        booking = db.session.get(Booking, booking_id)
        invites = _visitor_invites(booking_id)
        sequences = [sequence for _, sequence in invites]
        assert sequences == sorted(set(sequences)), invites
        assert invites[-1][0] == ("CANCEL" if booking.status == "cancelled" else "REQUEST")
        if outcomes[1] is None:  # the cancel went through: nothing moved it afterwards
            assert booking.status == "cancelled" and invites[-1] == ("CANCEL", booking.sequence)
        # free the time again for the next round
        if booking.status != "cancelled":
            services.cancel(booking, reason="", by=Actor.STAFF)


def test_two_cancels_at_once_cancel_once_and_mail_once(app, ctx):
    from advising.outbox.models import OutboxMessage
    from advising.scheduling.models import Actor

    advisor = make_advisor()
    booking_id, _ = _booked(advisor)
    db.session.commit()

    def cancel():
        services.cancel(db.session.get(Booking, booking_id), reason="", by=Actor.VISITOR)

    outcomes = _race(app, [cancel, cancel])
    assert sorted(o is None for o in outcomes) == [False, True]
    assert isinstance(next(o for o in outcomes if o is not None), services.BookingError)
    db.session.rollback()
    cancels = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.booking_id == booking_id, OutboxMessage.kind == "cancelled"
        )
    ).all()
    assert len(cancels) == 2  # one to the visitor, one to the advisor
