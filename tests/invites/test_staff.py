"""Staff pages: access, the bookings list and its CSV export, moving and cancelling, and
the mail outbox with its "retry now"."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from advising.accounts.models import Role
from advising.database import utcnow
from advising.extensions import db
from advising.invites import outbox
from advising.invites.models import FAILED, PENDING, SENT, OutboxMessage
from advising.scheduling import services
from advising.scheduling.models import CANCELLED, Booking
from advising.staff.services import csv_cell
from tests.conftest import csrf_token_from, post_form
from tests.factories import make_advisor, make_user
from tests.invites.test_outbox import book_next, calendar_of, parsed, rows, visitor

STAFF_PAGES = [
    "/staff/bookings",
    "/staff/bookings.csv",
    "/staff/bookings.ics?start=2030-01-01&end=2030-01-02",
    "/staff/mail",
]


def test_staff_pages_are_for_staff_and_admins_only(client, auth, ctx):
    advisor = make_advisor()
    booking, _ = book_next(advisor)
    pages = [*STAFF_PAGES, f"/staff/bookings/{booking.id}/invite.ics"]
    for page in pages:
        assert client.get(page).status_code == 302  # anonymous: sign in first
    auth.login(advisor.user.email)
    for page in [*pages, f"/staff/bookings/{booking.id}/move"]:
        assert client.get(page).status_code == 403, page
    assert post_form(client, "/staff/mail/retry-failed", {}, page="/dashboard").status_code == 403
    auth.logout()
    for role in (Role.STAFF, Role.ADMIN):
        user = make_user(role)
        auth.login(user.email)
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)
        dashboard = client.get("/dashboard").get_data(as_text=True)
        assert 'href="/staff/bookings"' in dashboard and 'href="/staff/mail"' in dashboard
        auth.logout()


def _booked():
    maria = make_advisor(name="Maria Lopez", timezone="America/Chicago")
    james = make_advisor(name="James Okafor")
    a, _ = book_next(maria, visitor(name="Ann", email="ann@example.org", topic="CPC exam"))
    b, _ = book_next(maria, visitor(name="Ben", email="ben@example.org"), index=8)
    c, _ = book_next(james, visitor(name="Cat", email="cat@example.org"))
    services.cancel(b, reason="", by="visitor")
    return maria, james, a, b, c


def test_bookings_list_filters_by_advisor_status_and_dates(client, auth, ctx):
    maria, _james, a, b, _c = _booked()
    auth.login(make_user(Role.STAFF).email)
    page = client.get("/staff/bookings").get_data(as_text=True)
    for name in ("Ann", "Ben", "Cat"):
        assert name in page
    assert "(Central Time)" in page
    assert f'href="/staff/bookings/{a.id}/invite.ics"' in page
    assert f'href="/staff/bookings/{a.id}/move"' in page
    assert f'href="/staff/bookings/{b.id}/move"' not in page  # cancelled: nothing to move

    page = client.get(f"/staff/bookings?advisor={maria.id}").get_data(as_text=True)
    assert "Ann" in page and "Ben" in page and "cat@example.org" not in page
    page = client.get("/staff/bookings?status=cancelled").get_data(as_text=True)
    assert "ben@example.org" in page and "ann@example.org" not in page
    page = client.get("/staff/bookings?start=2020-01-01&end=2020-01-31").get_data(as_text=True)
    assert "No bookings match" in page
    page = client.get("/staff/bookings?start=2020-02-01&end=2020-01-01").get_data(as_text=True)
    assert 'id="end-error"' in page
    assert client.get("/staff/bookings?advisor=abc").status_code == 200
    for far in ("start=9999-12-31", "end=9999-12-31", "start=0001-01-01&end=0001-01-02"):
        for url in ("/staff/bookings", "/staff/bookings.csv", "/staff/bookings.ics"):
            response = client.get(f"{url}?{far}")
            assert response.status_code in (200, 400), (url, far, response.status_code)
    page = client.get("/staff/bookings?start=9999-12-31").get_data(as_text=True)
    assert 'id="start-error"' in page and "between 2000 and 2099" in page


def test_csv_export_follows_the_filter_and_defuses_formulas(client, auth, ctx):
    maria = make_advisor(name='=HYPERLINK("http://evil.example")')
    book_next(
        maria, visitor(name="@SUM(1+1)", email="ann@example.org", topic="-2+3", phone="+1 555")
    )
    book_next(maria, visitor(name="Plain Pat", email="pat@example.org", topic="a=b"), index=8)
    other = make_advisor(name="James Okafor")
    book_next(other, visitor(name="Cat", email="cat@example.org"))
    auth.login(make_user(Role.STAFF).email)

    response = client.get(f"/staff/bookings.csv?advisor={maria.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bookings.csv"'
    table = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [row["visitor_name"] for row in table] == ["'@SUM(1+1)", "Plain Pat"]
    first = table[0]
    assert first["advisor"] == '\'=HYPERLINK("http://evil.example")'
    assert first["topic"] == "'-2+3" and first["visitor_phone"] == "'+1 555"
    assert table[1]["topic"] == "a=b"  # only a leading sign is dangerous
    assert first["status"] == "confirmed" and first["start_utc"].endswith("Z")
    for row in table:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))
    assert "Cat" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("1=1", "1=1"),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell


def test_staff_cancel_and_move_tell_both_sides(client, auth, ctx):
    advisor = make_advisor(email="maria@example.org")
    booking, _ = book_next(advisor)
    other, _ = book_next(advisor, visitor(email="ann@example.org"), index=8)
    auth.login(make_user(Role.STAFF).email)

    page = client.get(f"/staff/bookings/{booking.id}/move").get_data(as_text=True)
    new_start = re.findall(r'name="choose" value="([^"]+)"', page)[-1]  # the day's last free time
    response = client.post(
        f"/staff/bookings/{booking.id}/move",
        data={"csrf_token": csrf_token_from(page), "start": ["", new_start]},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/staff/bookings"
    db.session.rollback()
    moved = db.session.get(Booking, booking.id)
    assert moved.start_at == datetime.fromisoformat(new_start).astimezone(UTC)
    assert moved.sequence == 1
    mail = [r for r in rows(booking.id) if r.kind == "rescheduled"]
    assert sorted(r.recipient for r in mail) == ["bob@example.org", "maria@example.org"]
    assert {int(calendar_of(parsed(r)).walk("VEVENT")[0]["SEQUENCE"]) for r in mail} == {1}

    response = post_form(
        client, f"/staff/bookings/{other.id}/cancel", {"reason": "Advisor unavailable"}
    )
    assert response.status_code == 302
    db.session.rollback()
    cancelled = db.session.get(Booking, other.id)
    assert (cancelled.status, cancelled.cancelled_by) == (CANCELLED, "staff")
    mail = [r for r in rows(other.id) if r.kind == "cancelled"]
    assert len(mail) == 2
    for row in mail:
        cal = calendar_of(parsed(row))
        assert str(cal["METHOD"]) == "CANCEL"
        assert "Advisor unavailable" in parsed(row).get_body(("plain",)).get_content()
    # Cancelling twice: the cancel page goes back with a note, not a crash.
    response = client.get(f"/staff/bookings/{other.id}/cancel", follow_redirects=True)
    assert "This consultation is cancelled: nothing to cancel." in response.get_data(as_text=True)


def test_mail_outbox_shows_trouble_and_retries_now(client, auth, ctx, app):
    advisor = make_advisor(email="maria@example.org")
    booking, _ = book_next(advisor)
    failed_id, waiting_id = (r.id for r in rows(booking.id))
    db.session.execute(
        OutboxMessage.__table__.update()
        .where(OutboxMessage.id == failed_id)
        .values(status=FAILED, attempts=8, last_error="550 5.1.1 mailbox unavailable")
    )
    db.session.execute(
        OutboxMessage.__table__.update()
        .where(OutboxMessage.id == waiting_id)
        .values(
            attempts=2,
            last_error="cannot reach mail.example.org:587",
            next_attempt_at=utcnow() + timedelta(minutes=4),
        )
    )
    db.session.commit()
    auth.login(make_user(Role.STAFF).email)
    page = client.get("/staff/mail").get_data(as_text=True)
    assert "1 failed" in page and "1 waiting" in page
    assert "550 5.1.1 mailbox unavailable" in page and "cannot reach mail.example.org" in page
    assert f'action="/staff/mail/{failed_id}/retry"' in page

    # "Retry now" only makes the message due (the request sends nothing); the worker sends it.
    token = csrf_token_from(page)
    with client.post(f"/staff/mail/{failed_id}/retry", data={"csrf_token": token}) as response:
        assert response.status_code == 302
    db.session.rollback()
    retried = db.session.get(OutboxMessage, failed_id)
    assert (retried.status, retried.attempts) == (PENDING, 0)
    assert retried.next_attempt_at <= utcnow()
    assert outbox.deliver().sent == 1
    db.session.rollback()
    assert db.session.get(OutboxMessage, failed_id).status == SENT
    assert db.session.get(OutboxMessage, waiting_id).status == PENDING  # not asked for

    assert client.post("/staff/mail/retry-failed", data={}).status_code == 400  # CSRF
    db.session.execute(
        OutboxMessage.__table__.update().where(OutboxMessage.id == waiting_id).values(status=FAILED)
    )
    db.session.commit()
    with client.post("/staff/mail/retry-failed", data={"csrf_token": token}) as response:
        assert response.status_code == 302
    assert outbox.deliver().sent == 1
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage.status)).all() == [SENT, SENT]
    assert outbox.status_counts() == {PENDING: 0, SENT: 2, FAILED: 0}
    page = client.get("/staff/mail").get_data(as_text=True)
    assert "Nothing failed." in page and "2 sent" in page


def test_staff_invite_download_is_a_calendar(client, auth, ctx):
    booking, _ = book_next(make_advisor())
    auth.login(make_user(Role.ADMIN).email)
    response = client.get(f"/staff/bookings/{booking.id}/invite.ics")
    assert Calendar.from_ical(response.get_data()).walk("VEVENT")
