"""Bookings held until the visitor confirms: a held booking holds its time until it expires;
confirming in time makes it confirmed; an expired hold frees the slot again (on SQLite and
PostgreSQL, whose exclusion constraint counts held bookings)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from advising.database import utcnow
from advising.extensions import db, events
from advising.scheduling import services
from advising.scheduling.defaults import DEFAULT_SETTINGS
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.models import (
    CANCELLED,
    CONFIRMED,
    HELD,
    HOLDING_STATUSES,
    Actor,
    Booking,
    BookingSettings,
)
from tests.conftest import client_after_commit, csrf_token_from, post_form
from tests.factories import make_advisor

VISITOR = services.VisitorDetails("Ann Lee", "ann@example.org", None, "", "UTC")
OTHER = services.VisitorDetails("Bo Ray", "bo@example.org", None, "", "UTC")


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app, buffered=True)


def _holding_advisor(minutes: int = 30, **fields: object):
    advisor = make_advisor(**fields)
    settings = db.session.get(BookingSettings, advisor.id)
    settings.hold_minutes = minutes
    db.session.commit()
    return advisor


def _starts(advisor, now) -> list:
    return [slot.start for slot in services.next_available_slots(advisor, now, days=14)]


def test_held_is_a_status_that_holds_time_and_bookings_are_not_held_by_default(ctx):
    assert HELD in HOLDING_STATUSES and DEFAULT_SETTINGS["hold_minutes"] is None
    advisor = make_advisor()
    start = services.next_available_slots(advisor)[0].start
    booking, _ = services.book(advisor, start, VISITOR)
    assert booking.status == CONFIRMED and booking.hold_expires_at is None


def test_a_held_booking_blocks_its_slot_until_it_expires(ctx):
    advisor = _holding_advisor(30)
    now = utcnow()
    start = _starts(advisor, now)[-1]  # far from the minimum notice
    booking, _ = services.book(advisor, start, VISITOR, now)
    assert booking.status == HELD
    assert booking.hold_expires_at == now + timedelta(minutes=30)

    assert start not in _starts(advisor, now)
    with pytest.raises(services.SlotTaken):
        services.book(advisor, start, OTHER, now + timedelta(minutes=29))

    later = now + timedelta(minutes=31)
    assert start in _starts(advisor, later)  # the slot query ignores the expired hold
    again, _ = services.book(advisor, start, OTHER, later)  # the sweep releases it first
    assert again.start_at == start and again.status == HELD
    db.session.expire_all()
    released = db.session.get(Booking, booking.id)
    assert released.status == CANCELLED and released.cancelled_by == Actor.SYSTEM
    assert released.hold_expires_at is None


def test_cached_slots_change_when_a_hold_expires(ctx):
    advisor = _holding_advisor(20)
    now = utcnow().replace(second=0, microsecond=0)
    start = _starts(advisor, now)[-1]
    services.book(advisor, start, VISITOR, now)
    db.session.commit()
    advisor = db.session.get(type(advisor), advisor.id)
    assert start not in _starts(advisor, now + timedelta(seconds=1))  # cached
    assert start in _starts(advisor, now + timedelta(minutes=20, seconds=1))


def test_confirming_in_time_confirms_and_publishes_the_change(ctx):
    advisor = _holding_advisor(30)
    now = utcnow()
    booking, _ = services.book(advisor, _starts(advisor, now)[0], VISITOR, now)
    seen: list[BookingChanged] = []
    events().subscribe(BookingChanged, seen.append)
    try:
        confirmed = services.confirm(booking, now=now + timedelta(minutes=29))
    finally:
        events().unsubscribe(BookingChanged, seen.append)
    assert confirmed.status == CONFIRMED and confirmed.hold_expires_at is None
    assert [(e.change, e.actor) for e in seen] == [(BookingChange.CONFIRMED, Actor.VISITOR)]
    # Confirmed bookings never expire.
    assert confirmed.start_at not in _starts(advisor, now + timedelta(hours=2))


def test_confirming_too_late_releases_the_time(ctx):
    advisor = _holding_advisor(30)
    now = utcnow()
    booking, _ = services.book(advisor, _starts(advisor, now)[0], VISITOR, now)
    with pytest.raises(services.BookingError, match="time to confirm has passed"):
        services.confirm(booking, now=now + timedelta(minutes=31))
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == CANCELLED


def _confirm_link_in_mail(booking_id: int) -> str:
    """The confirm link of the visitor's mail about a held booking (path and query)."""
    from email import message_from_bytes
    from email.policy import default

    from advising.outbox.models import OutboxMessage

    db.session.expire_all()
    (mail,) = [
        m
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.booking_id == booking_id)
        )
        if m.recipient == VISITOR.email or m.recipient == "jo@example.org"
    ]
    parsed = message_from_bytes(mail.message, policy=default)
    assert str(parsed["Subject"]).strip().startswith("Please confirm: consultation with")
    body = parsed.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/b/\S+/confirm\?key=\S+)", body).group(1)


def test_the_visitor_confirms_from_the_mailed_link_in_a_page_with_a_button(client, ctx):
    advisor = _holding_advisor(30, slug="maria")
    booking, token = services.book(
        advisor, services.next_available_slots(advisor)[0].start, VISITOR
    )
    manage = client.get(f"/b/{token}").get_data(as_text=True)
    assert "Please confirm this booking by" in manage and "with the link we emailed to" in manage
    assert "/confirm" not in manage  # the page the booking form led to cannot confirm it
    # without the mail's key (anyone who typed someone else's address has only the page)
    assert client.get(f"/b/{token}/confirm").status_code == 302
    cancel_page = client.get(f"/b/{token}/cancel").get_data(as_text=True)
    refused = client.post(f"/b/{token}/confirm", data={"csrf_token": csrf_token_from(cancel_page)})
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == HELD
    assert client.get(f"/b/{token}/confirm?key=forged").status_code == 302
    assert client.get(f"/b/{token}/confirm?key=%C3%A9").status_code == 302  # "é" was a 500

    link = _confirm_link_in_mail(booking.id)
    page = client.get(link)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200 and "Confirm my booking" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == HELD

    response = client.post(link, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"] == f"/b/{token}"
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == CONFIRMED
    assert client.get(link).status_code == 302  # nothing left to confirm
    # both sides hear it is real now (the advisor only knew of a hold)
    from email import message_from_bytes
    from email.policy import default

    from advising.outbox.models import OutboxMessage

    confirmed = {
        row.recipient: message_from_bytes(row.message, policy=default)
        for row in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.booking_id == booking.id, OutboxMessage.kind == "confirmed"
            )
        )
    }
    assert set(confirmed) == {VISITOR.email, advisor.user.email}
    assert str(confirmed[VISITOR.email]["Subject"]).strip().startswith("Confirmed: consultation")
    # the visitor can manage it from this mail: its link and its invite carry the manage link
    visitor_text = confirmed[VISITOR.email].get_body(("plain",)).get_content()
    assert f"/b/{token}" in visitor_text and "from your booking confirmation" not in visitor_text
    assert f"/b/{token}" in _invite(confirmed[VISITOR.email]).replace("\r\n ", "")
    advisor_text = confirmed[advisor.user.email].get_body(("plain",)).get_content()
    assert "Ann Lee confirmed the consultation they booked with you." in advisor_text


def test_the_web_form_books_a_held_booking_and_says_to_confirm(client, ctx):
    from tests.scheduling.test_booking_web import _book, _slot_links

    _holding_advisor(15, slug="maria")
    make_advisor(slug="ann")  # no hold
    form_page = client.get(_slot_links(client, "maria")[0]).get_data(as_text=True)
    # said before booking: the mail's link confirms it, within the hold, invite after
    assert "held for you for 15 minutes" in form_page
    assert "We send the confirmation and calendar invitation here." not in form_page
    plain = client.get(_slot_links(client, "ann")[0]).get_data(as_text=True)
    assert "We send the confirmation and calendar invitation here." in plain
    assert "held for you" not in plain
    response, _ = _book(client, _slot_links(client, "maria")[0])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This time is held for you" in page and "Awaiting confirmation" in page


def test_expire_holds_command_releases_expired_holds(ctx, runner):
    advisor = _holding_advisor(30)
    past = utcnow() - timedelta(minutes=31)
    start = _starts(advisor, utcnow())[0]
    booking, _ = services.book(advisor, start, VISITOR, past)
    other = _holding_advisor(30)  # (booking with the same advisor would sweep it already)
    fresh, _ = services.book(other, _starts(other, utcnow())[0], OTHER)
    db.session.commit()
    result = runner.invoke(args=["bookings", "expire-holds"])
    assert result.exit_code == 0 and "Released 1 unconfirmed hold(s)." in result.output
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == CANCELLED
    assert db.session.get(Booking, fresh.id).status == HELD


def test_advisors_set_the_hold_on_the_booking_rules_page(client, auth, ctx):
    advisor = make_advisor()
    auth.login(advisor.user.email)
    page = client.get("/me/booking-rules").get_data(as_text=True)
    assert 'name="hold_minutes"' in page
    data = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
        for name in ("buffer_before_minutes", "buffer_after_minutes", "min_notice_hours")
    }
    data.update(
        duration_minutes="45",
        interval_minutes="15",
        horizon_days="60",
        reschedule_cutoff_hours="12",
        cancel_cutoff_hours="2",
        booking_enabled="y",
        hold_minutes="45",
    )
    data.update({"hours-0-0-start": "09:00", "hours-0-0-end": "17:00"})
    response = post_form(client, "/me/booking-rules", data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BookingSettings, advisor.id).hold_minutes == 45
    response = post_form(client, "/me/booking-rules", {**data, "hold_minutes": "2"})
    assert 'id="hold_minutes-error"' in response.get_data(as_text=True)


def test_the_api_books_held_and_the_manage_link_confirms(app, ctx):
    client = client_after_commit(app, buffered=True)
    advisor = _holding_advisor(30, slug="maria")
    start = services.next_available_slots(advisor)[0].start
    response = client.post(
        "/api/v1/bookings",
        json={
            "advisor": "maria",
            "start": start.isoformat(),
            "name": "Jo",
            "email": "jo@example.org",
            "timezone": "UTC",
            "consent": True,
        },
    )
    payload = response.get_json()
    assert payload["status"] == "held" and payload["hold_expires_at"]
    token = payload["manage_token"]
    assert payload["manage_url"].endswith(f"/b/{token}")
    link = _confirm_link_in_mail(payload["id"]) if "id" in payload else None
    if link is None:
        booking = services.booking_by_token(token)
        link = _confirm_link_in_mail(booking.id)
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token_from(page)})
    response = client.get(f"/api/v1/bookings/{token}")
    assert response.get_json()["status"] == "confirmed"
    assert response.get_json()["hold_expires_at"] is None


@pytest.mark.postgres
def test_the_exclusion_constraint_counts_held_bookings(app, ctx):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the exclusion constraint is PostgreSQL's")
    advisor = _holding_advisor(30)
    start = services.next_available_slots(advisor)[0].start
    booking, _ = services.book(advisor, start, VISITOR)
    db.session.commit()
    row = {
        c: getattr(booking, c)
        for c in ("advisor_id", "start_at", "end_at", "blocked_start", "blocked_end")
    }
    with pytest.raises(Exception, match="bookings_no_overlap"):
        db.session.execute(
            text(
                "INSERT INTO bookings (advisor_id, status, start_at, end_at, blocked_start, "
                "blocked_end, visitor_name, visitor_email, visitor_timezone, topic, consent_at, "
                "manage_token_hash, sequence, created_at, updated_at) VALUES (:advisor_id, "
                "'confirmed', :start_at, :end_at, :blocked_start, :blocked_end, 'X', "
                "'x@example.org', 'UTC', '', now(), 'h', 0, now(), now())"
            ),
            row,
        )
    db.session.rollback()
    assert db.session.scalar(select(Booking.status).where(Booking.id == booking.id)) == HELD


def test_the_visitors_mail_for_a_held_booking_carries_the_confirm_link(client, ctx):
    """The confirmation mail says the time is held and links to the confirm page; following
    the link (and pressing its button) confirms the booking."""
    import email

    from advising.outbox.models import OutboxMessage
    from tests.scheduling.test_booking_web import _book, _slot_links

    _holding_advisor(15, slug="maria")
    response, _ = _book(client, _slot_links(client, "maria")[0])
    token = response.headers["Location"].rsplit("/", 1)[1]
    db.session.rollback()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    visitor = email.message_from_bytes(
        next(r.message for r in rows if r.recipient == "bob@example.org")
    )
    text_part = next(p for p in visitor.walk() if p.get_content_type() == "text/plain")
    body = text_part.get_payload(decode=True).decode()
    assert "held for you until" in body and f"/b/{token}/confirm" in body
    html_part = next(p for p in visitor.walk() if p.get_content_type() == "text/html")
    assert f"/b/{token}/confirm" in html_part.get_payload(decode=True).decode()
    advisor_mail = next(r.message for r in rows if r.recipient != "bob@example.org")
    assert b"/confirm" not in advisor_mail
    link = re.search(rf"https?://[^/\s]+(/b/{token}/confirm\?key=\S+)", body).group(1)
    assert post_form(client, link, {}).status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Booking.status)) == "confirmed"


def _mails(booking_id: int) -> dict[tuple[str, str], object]:
    """(kind, recipient): the parsed outbox mail about the booking."""
    from email import message_from_bytes
    from email.policy import default

    from advising.outbox.models import OutboxMessage

    db.session.expire_all()
    return {
        (row.kind, row.recipient): message_from_bytes(row.message, policy=default)
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.booking_id == booking_id)
        )
    }


def _invite(mail) -> str | None:
    """The attached invite's text, unfolded (None when the mail carries none)."""
    for part in mail.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content().replace("\r\n ", "")
    return None


def _field(ics: str, name: str) -> str:
    return re.search(rf"^{name}[;:](.*?)\r?$", ics, re.MULTILINE).group(1).rsplit(":", 1)[-1]


def test_a_hold_reaches_the_visitors_calendar_only_when_confirmed(ctx):
    """Until the visitor confirms, the booking may be someone else's use of their address:
    their mail carries no invite and no add-to-calendar links. The advisor's invite is
    tentative; confirming sends both a confirmed one that replaces it (same UID, later
    SEQUENCE)."""
    advisor = _holding_advisor(30)
    now = utcnow()
    booking, _ = services.book(advisor, _starts(advisor, now)[0], VISITOR, now)
    mails = _mails(booking.id)
    held_visitor = mails[("created", VISITOR.email)]
    assert _invite(held_visitor) is None
    text_body = held_visitor.get_body(("plain",)).get_content()
    assert "invitation comes with the confirmation" in text_body
    assert "calendar.google.com" not in text_body and "attached" not in text_body
    held_advisor = _invite(mails[("created", advisor.user.email)])
    assert _field(held_advisor, "STATUS") == "TENTATIVE"

    services.confirm(booking, now=now + timedelta(minutes=5))
    mails = _mails(booking.id)
    for recipient in (VISITOR.email, advisor.user.email):
        confirmed = _invite(mails[("confirmed", recipient)])
        assert _field(confirmed, "STATUS") == "CONFIRMED"
        assert _field(confirmed, "UID") == _field(held_advisor, "UID")
        assert int(_field(confirmed, "SEQUENCE")) > int(_field(held_advisor, "SEQUENCE"))
    confirmed_text = mails[("confirmed", VISITOR.email)].get_body(("plain",)).get_content()
    assert "The calendar invitation is attached" in confirmed_text


def test_an_expired_hold_tells_the_visitor_without_a_cancellation_for_their_calendar(ctx):
    advisor = _holding_advisor(30)
    past = utcnow() - timedelta(minutes=31)
    booking, _ = services.book(advisor, _starts(advisor, utcnow())[0], VISITOR, past)
    db.session.commit()
    assert services.expire_holds() == 1
    mails = _mails(booking.id)
    visitor = mails[("cancelled", VISITOR.email)]
    assert _invite(visitor) is None  # they never had the event
    text_body = visitor.get_body(("plain",)).get_content()
    assert "Not confirmed in time" in text_body and "drop the event" not in text_body
    # the advisor's tentative event is cancelled in their calendar
    assert _field(_invite(mails[("cancelled", advisor.user.email)]), "STATUS") == "CANCELLED"


def test_a_hold_cancelled_before_confirming_sends_the_visitor_no_calendar_cancellation(ctx):
    """Whoever cancels a hold, the visitor never had its event; and a confirmed booking's
    cancellation carries its CANCEL whatever reason was typed (the reason decides nothing)."""
    advisor = _holding_advisor(30)
    now = utcnow()
    held, _ = services.book(advisor, _starts(advisor, now)[0], VISITOR, now)
    services.cancel(held, reason="changed my mind", by=Actor.VISITOR, now=now)
    visitor = _mails(held.id)[("cancelled", VISITOR.email)]
    assert _invite(visitor) is None
    assert "drop the event" not in visitor.get_body(("plain",)).get_content()
    assert _invite(_mails(held.id)[("cancelled", advisor.user.email)]) is not None

    confirmed, _ = services.book(advisor, _starts(advisor, now)[0], OTHER, now)
    services.confirm(confirmed, now=now)
    services.cancel(confirmed, reason=services.HOLD_EXPIRED, by=Actor.VISITOR, now=now)
    cancellation = _invite(_mails(confirmed.id)[("cancelled", OTHER.email)])
    assert cancellation is not None and _field(cancellation, "STATUS") == "CANCELLED"


def test_a_held_bookings_mail_can_be_sent_again_a_few_times(client, ctx):
    """'No mail?': the manage page sends the confirm link again, up to three mails in all;
    a confirmed booking has nothing to resend."""
    from advising.invites.models import KIND_CREATED, OutboxMessage

    advisor = _holding_advisor(30, slug="maria")
    booking, token = services.book(
        advisor, services.next_available_slots(advisor)[0].start, VISITOR
    )

    def mails() -> list[OutboxMessage]:
        db.session.rollback()
        return db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.booking_id == booking.id,
                OutboxMessage.kind == KIND_CREATED,
                OutboxMessage.recipient == VISITOR.email,
            )
        ).all()

    assert len(mails()) == 1
    for sent in (2, 3, 3):
        page = client.get(f"/b/{token}").get_data(as_text=True)
        assert "Send the mail again" in page
        response = client.post(
            f"/b/{token}/resend", data={"csrf_token": csrf_token_from(page)}, follow_redirects=True
        )
        assert len(mails()) == sent
    said = response.get_data(as_text=True)
    assert "has been sent as many times as we send it" in said
    assert b"/confirm?key=" in mails()[-1].message.replace(b"=\r\n", b"")
    assert client.post(f"/b/{token}/resend").status_code == 400  # no CSRF token
    unknown = client.post("/b/not-a-token/resend", data={"csrf_token": csrf_token_from(page)})
    assert unknown.status_code == 404
