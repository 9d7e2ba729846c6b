"""Booking history (who did what, when, and the mail it caused), the staff booking page,
searching bookings by visitor, and staff seeing times and date filters in their own zone."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from advising.accounts.models import Role, User
from advising.database import utcnow
from advising.extensions import db
from advising.invites.models import FAILED, SENT
from advising.scheduling import personal_data, services
from advising.scheduling.models import NO_SHOW, Actor, Booking, BookingEvent
from tests.conftest import csrf_token_from, post_form
from tests.factories import make_advisor, make_user
from tests.invites.test_outbox import book_next, rows, visitor


def _events(booking_id: int) -> list[BookingEvent]:
    db.session.rollback()
    query = select(BookingEvent).where(BookingEvent.booking_id == booking_id)
    return list(db.session.scalars(query.order_by(BookingEvent.id)))


def _staff(auth, zone: str | None = None, name: str = "Sam Taylor") -> User:
    user = make_user(Role.STAFF, name=name)
    if zone:
        user.timezone = zone
        db.session.commit()
    auth.login(user.email)
    return user


def test_history_records_create_move_and_cancel_with_actor_and_time(client, auth, ctx):
    before = utcnow()
    advisor = make_advisor(name="Maria Lopez")
    booking, _ = book_next(advisor, visitor(name="Ann", email="ann@example.org"))
    first_start = booking.start_at
    staff = _staff(auth)

    page = client.get(f"/staff/bookings/{booking.id}/move").get_data(as_text=True)
    new_start = re.findall(r'name="choose" value="([^"]+)"', page)[-1]  # the day's last free time
    response = client.post(
        f"/staff/bookings/{booking.id}/move",
        data={"csrf_token": csrf_token_from(page), "start": ["", new_start]},
    )
    assert response.status_code == 302
    response = post_form(client, f"/staff/bookings/{booking.id}/cancel", {"reason": "Ill"})
    assert response.status_code == 302

    created, moved, cancelled = _events(booking.id)
    after = utcnow()
    assert (created.kind, created.actor, created.actor_user_id) == ("created", "visitor", None)
    assert (moved.kind, moved.actor, moved.actor_user_id) == ("rescheduled", "staff", staff.id)
    assert moved.moved_from == first_start
    assert moved.moved_to == datetime.fromisoformat(new_start).astimezone(UTC)
    assert (cancelled.kind, cancelled.actor, cancelled.actor_user_id) == (
        "cancelled",
        "staff",
        staff.id,
    )
    assert cancelled.detail == "Ill"
    assert before <= created.at <= moved.at <= cancelled.at <= after
    for event in (created, moved, cancelled):
        assert "ann@example.org" not in event.detail


def test_history_records_hold_confirmation_outcome_and_erasure(ctx):
    advisor = make_advisor()
    settings = services.settings_for(advisor.id)
    settings.hold_minutes = 30
    db.session.commit()
    booking, _ = book_next(advisor)
    services.confirm(booking)
    services.cancel(booking, reason="My own words", by=Actor.VISITOR)
    personal_data.erase(db.session.get(Booking, booking.id))
    kinds = [(e.kind, e.actor) for e in _events(booking.id)]
    assert kinds == [
        ("created", "visitor"),
        ("confirmed", "visitor"),
        ("cancelled", "visitor"),
        ("personal_data_deleted", "visitor"),
    ]
    assert all(e.detail == "" for e in _events(booking.id))  # the reason went with the data

    other, _ = book_next(advisor, index=5)
    later = other.start_at + timedelta(minutes=5)
    services.record_outcome(other, NO_SHOW, by=Actor.ADVISOR, now=later)
    assert [e.kind for e in _events(other.id)][-1] == "no_show"


def test_booking_page_shows_both_zones_history_and_mail(client, auth, ctx):
    advisor = make_advisor(name="Maria Lopez", email="maria@example.org")
    booking, _ = book_next(
        advisor, visitor(name="Ann Lee", email="ann@example.org", tz="Asia/Tokyo")
    )
    services.cancel(booking, reason="Found a job", by=Actor.VISITOR)
    mail = rows(booking.id)
    sent_at = utcnow()
    mail[0].status, mail[0].sent_at, mail[0].attempts = SENT, sent_at, 1
    mail[1].status, mail[1].attempts, mail[1].last_error = FAILED, 5, "550 mailbox unavailable"
    db.session.commit()
    _staff(auth, zone="America/Los_Angeles")

    response = client.get(f"/staff/bookings/{booking.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ann Lee" in page and "ann@example.org" in page and "Maria Lopez" in page
    assert "(Pacific Time)" in page and "(Asia/Tokyo)" in page
    assert re.search(r"\d{1,2}:\d\d (AM|PM)", page)
    assert "Cancelled" in page and "Found a job" in page
    assert "Booked" in page and "Visitor" in page
    assert page.count("Message queued") == len(mail)
    assert "Message sent" in page
    assert "Message failed" in page and "550 mailbox unavailable" in page
    assert 'class="data stack"' in page and 'data-label="When"' in page
    assert "note" not in page.lower()  # staff never see advisors' private notes
    # History is in time order: booked, then queued mail, then cancelled.
    timeline = page[page.index("<h2>History</h2>") :]
    assert timeline.index("Booked") < timeline.index("Message queued")
    assert timeline.index("Message queued") < timeline.index("Cancelled")
    listing = client.get("/staff/bookings").get_data(as_text=True)
    assert f'href="/staff/bookings/{booking.id}"' in listing
    assert client.get("/staff/bookings/999999").status_code == 404


def test_booking_page_is_for_staff_only(client, auth, ctx):
    advisor = make_advisor()
    booking, _ = book_next(advisor)
    url = f"/staff/bookings/{booking.id}"
    assert client.get(url).status_code == 302
    auth.login(advisor.user.email)
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(make_user(Role.ADMIN).email)
    assert client.get(url).status_code == 200


def test_search_by_visitor_name_or_email_with_other_filters_and_csv(client, auth, ctx):
    maria = make_advisor(name="Maria Lopez")
    book_next(maria, visitor(name="Ann Smith", email="ann@example.org"))
    ben, _ = book_next(maria, visitor(name="Ben Jones", email="ben@SMITH.example"), index=8)
    book_next(maria, visitor(name="Cat Doe", email="cat@example.org"), index=16)
    services.cancel(ben, reason="", by=Actor.VISITOR)
    _staff(auth)

    page = client.get("/staff/bookings?q=sMiTh").get_data(as_text=True)
    assert "Ann Smith" in page and "Ben Jones" in page and "Cat Doe" not in page
    page = client.get("/staff/bookings?q=cat@EXAMPLE").get_data(as_text=True)
    assert "Cat Doe" in page and "Ann Smith" not in page
    page = client.get("/staff/bookings?q=smith&status=cancelled").get_data(as_text=True)
    assert "Ben Jones" in page and "Ann Smith" not in page
    page = client.get("/staff/bookings?q=%25").get_data(as_text=True)  # a literal %
    assert "No bookings match" in page
    assert 'name="q"' in page

    body = client.get("/staff/bookings.csv?q=smith").get_data(as_text=True)
    names = [r["visitor_name"] for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))]
    assert sorted(names) == ["Ann Smith", "Ben Jones"]


def test_the_list_opens_on_today_and_an_empty_from_shows_earlier_bookings(client, auth, ctx):
    maria = make_advisor(name="Maria Lopez", timezone="America/Chicago")
    past, _ = book_next(maria, visitor(name="Past Visitor"))
    past.start_at = utcnow() - timedelta(days=40)
    past.end_at = past.start_at + timedelta(minutes=45)
    past.blocked_start, past.blocked_end = past.start_at, past.end_at
    db.session.commit()
    book_next(maria, visitor(name="Next Visitor"), index=8)
    _staff(auth, zone="Pacific/Kiritimati")  # UTC+14: its today is often UTC's tomorrow

    page = client.get("/staff/bookings").get_data(as_text=True)
    today = utcnow().astimezone(ZoneInfo("Pacific/Kiritimati")).date()
    assert f'name="start" type="date" value="{today.isoformat()}"' in page
    assert "Next Visitor" in page and "Past Visitor" not in page
    earlier = client.get("/staff/bookings?q=&start=&end=").get_data(as_text=True)
    assert "Past Visitor" in earlier and "Next Visitor" in earlier


def test_an_empty_list_from_today_offers_the_earlier_bookings_that_match(client, auth, ctx):
    """Completed consultations are all in the past: filtering them from today finds none,
    and the page says earlier ones match, linking to the filter without "From"."""
    import html as html_lib

    maria = make_advisor(name="Maria Lopez", timezone="America/Chicago")
    past, _ = book_next(maria, visitor(name="Past Visitor"))
    past.start_at = utcnow() - timedelta(days=40)
    past.end_at = past.start_at + timedelta(minutes=45)
    past.blocked_start, past.blocked_end = past.start_at, past.end_at
    past.status = NO_SHOW
    db.session.commit()
    _staff(auth, zone="America/Chicago")
    today = utcnow().astimezone(ZoneInfo("America/Chicago")).date().isoformat()

    page = client.get(f"/staff/bookings?start={today}&status={NO_SHOW}").get_data(as_text=True)
    assert "No bookings match this filter." in page and "Past Visitor" not in page
    link = re.search(r'<a href="([^"]+)">show the earlier ones</a>', page)
    assert link
    earlier = client.get(html_lib.unescape(link.group(1))).get_data(as_text=True)
    assert "Past Visitor" in earlier
    nothing = client.get(f"/staff/bookings?start={today}&q=nobody").get_data(as_text=True)
    assert "No bookings match this filter." in nothing and "earlier ones" not in nothing


def test_staff_zone_applies_to_shown_times_and_the_date_filter(client, auth, ctx):
    advisor = make_advisor(name="Maria Lopez", timezone="Europe/London")
    booking, _ = book_next(advisor)
    # Moved to 02:00 UTC: the evening before in Los Angeles.
    booking.start_at = datetime(2031, 3, 4, 2, 0, tzinfo=UTC)
    booking.end_at = booking.start_at + timedelta(minutes=45)
    booking.blocked_start, booking.blocked_end = booking.start_at, booking.end_at
    db.session.commit()

    _staff(auth, zone="America/Los_Angeles")
    page = client.get("/staff/bookings").get_data(as_text=True)
    assert "Pacific Time" in page  # the page says which zone it uses
    assert "Monday, March 3, 2031, 6:00 PM PST (Pacific Time)" in page
    assert "Dates are days in Pacific Time, your zone, both included;" in page
    found = client.get("/staff/bookings?start=2031-03-03&end=2031-03-03").get_data(as_text=True)
    assert f'href="/staff/bookings/{booking.id}"' in found
    none = client.get("/staff/bookings?start=2031-03-04&end=2031-03-04").get_data(as_text=True)
    assert f'href="/staff/bookings/{booking.id}"' not in none
    auth.logout()

    _staff(auth, name="Utc Staff")  # no zone of their own: UTC, and said so
    page = client.get("/staff/bookings?start=2031-03-04&end=2031-03-04").get_data(as_text=True)
    assert f'href="/staff/bookings/{booking.id}"' in page
    assert "Tuesday, March 4, 2031, 2:00 AM UTC (UTC)" in page
    assert "Dates are days in UTC, your zone, both included;" in page


def test_sign_in_stores_the_detected_zone_once(client, auth, ctx):
    from tests.factories import DEFAULT_PASSWORD

    user = make_user(Role.STAFF)
    login_page = client.get("/login").get_data(as_text=True)
    assert 'name="tz"' in login_page and "js/timezone.js" in login_page

    def sign_in(zone: str) -> None:
        data = {"email": user.email, "password": DEFAULT_PASSWORD, "tz": zone}
        assert post_form(client, "/login", data).status_code == 302
        auth.logout()

    sign_in("Not/AZone")
    db.session.rollback()
    assert db.session.get(User, user.id).timezone is None
    sign_in("US/Mountain")  # an old name, kept by the name the settings page offers
    db.session.rollback()
    assert db.session.get(User, user.id).timezone == "America/Denver"
    sign_in("Asia/Tokyo")  # a zone once stored stays
    db.session.rollback()
    assert db.session.get(User, user.id).timezone == "America/Denver"
    auth.login(user.email)
    assert "Mountain Time" in client.get("/staff/bookings").get_data(as_text=True)


def test_staff_set_their_own_zone_and_the_pages_follow_it(client, auth, ctx):
    advisor = make_advisor(name="Maria Lopez")
    book_next(advisor, visitor(name="Ann", email="ann@example.org"))
    staff = _staff(auth)
    page = post_form(client, "/account/timezone", {"timezone": "Asia/Kolkata"})
    assert page.status_code == 302
    db.session.rollback()
    assert db.session.get(User, staff.id).timezone == "Asia/Kolkata"
    assert "UTC+05:30" in client.get("/staff/bookings").get_data(as_text=True)
    refused = post_form(client, "/account/timezone", {"timezone": "Mars/Olympus"})
    assert refused.status_code == 200 and "Choose" in refused.get_data(as_text=True)
