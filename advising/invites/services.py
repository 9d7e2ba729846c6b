"""Booking invites: e-mail on every booking change, reminders, downloads and advisor feeds.

:func:`on_booking_change` is subscribed to scheduling's ``BookingChanged`` event: it runs
inside the booking transaction and queues one invitation for the visitor and one for the
advisor in the outbox, so a booking commits with its messages or not at all. Messages
are built once, here, with the pure builders (:mod:`advising.invites.ical`,
:mod:`advising.invites.message`); delivery sends the stored bytes.

One booking keeps one UID (``booking-<id>@<host of PUBLIC_BASE_URL>``) for its life; SEQUENCE
is ``booking.sequence``, which scheduling raises on every move and on the cancel.

The manage link is a secret we only hold as a hash, so it goes into a visitor's message only
when the event carries it (the booking was just made, or the visitor acted through the link).
Advisors' copies and feeds never carry it.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from advising.advisors.models import AdvisorProfile
from advising.database import begin_write_locked, utcnow
from advising.extensions import db
from advising.invites import ical
from advising.invites.message import build_invite_message, build_text_message
from advising.invites.models import (
    FAILED,
    KIND_CANCELLED,
    KIND_CREATED,
    KIND_REMINDER,
    KIND_RESCHEDULED,
    AdvisorFeed,
    BookingReminder,
)
from advising.invites.outbox import enqueue
from advising.scheduling.events import BookingChange, BookingChanged
from advising.scheduling.models import CANCELLED, CONFIRMED, Booking
from advising.shared import timefmt as display
from advising.shared.tokens import hash_token

log = logging.getLogger("advising.invites")

CHANGES = {
    BookingChange.CREATED: KIND_CREATED,
    BookingChange.RESCHEDULED: KIND_RESCHEDULED,
    BookingChange.CANCELLED: KIND_CANCELLED,
}
# Reminder kinds, earliest first, with how long before the start each is due.
REMINDERS: tuple[tuple[str, timedelta], ...] = (
    ("24h", timedelta(hours=24)),
    ("1h", timedelta(hours=1)),
)
FEED_PAST = timedelta(days=90)
FEED_LIMIT = 2000

VISITOR, ADVISOR, STAFF, FEED = "visitor", "advisor", "staff", "feed"


# --- links and identity ------------------------------------------------------------------------


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link under PUBLIC_BASE_URL; works without a request (CLI, threads)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base_url() + path


def booking_uid(booking: Booking) -> str:
    host = urlsplit(base_url()).hostname or "advising.invalid"
    return f"booking-{booking.id}@{host}"


def _checked_manage_token(booking: Booking, token: str | None) -> str | None:
    """``token`` when it is this booking's manage-link secret (links are never guessed)."""
    if token and hash_token(token) == booking.manage_token_hash:
        return token
    return None


def _valid_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return ical.clean_url(url)
    except ical.InvalidInviteData:
        return None


def _valid_email(address: str | None) -> str | None:
    try:
        return ical.clean_email(address)
    except ical.InvalidInviteData:
        return None


def _minutes(booking: Booking) -> int:
    return int((booking.end_at - booking.start_at).total_seconds() // 60)


# --- calendar events ---------------------------------------------------------------------------


def invite_event(
    booking: Booking, audience: str, manage_token: str | None = None
) -> ical.InviteEvent:
    """The booking as a calendar event for ``audience`` (visitor, advisor, staff or feed).

    Visitors see the advisor's name and their own topic (and the manage link when known);
    advisors and staff see who booked; the advisor's feed only the visitor's name and topic.
    """
    advisor = booking.advisor
    if audience == VISITOR:
        summary = f"Career consultation with {advisor.display_name}"
        lines = [f"Topic: {booking.topic}" if booking.topic else ""]
    elif audience == FEED:
        summary = f"Consultation with {booking.visitor_name}"
        lines = [f"Topic: {booking.topic or '-'}"]
    else:
        summary = (
            f"Consultation with {booking.visitor_name}"
            if audience == ADVISOR
            else f"Consultation: {booking.visitor_name} with {advisor.display_name}"
        )
        contact = ", ".join(filter(None, (booking.visitor_email, booking.visitor_phone)))
        lines = [f"Visitor: {booking.visitor_name} ({contact})", f"Topic: {booking.topic or '-'}"]
    if audience in (ADVISOR, FEED):
        lines.append("Details: " + public_url("consultations.consultation", booking_id=booking.id))
    manage_url = (
        public_url("scheduling.manage", token=manage_token)
        if audience == VISITOR and manage_token
        else None
    )
    return ical.InviteEvent(
        uid=booking_uid(booking),
        sequence=booking.sequence,
        start=booking.start_at,
        end=booking.end_at,
        summary=summary,
        description="\n".join(line for line in lines if line),
        location="",
        organizer_name=advisor.display_name,
        organizer_email=advisor.user.email,
        attendee_name=booking.visitor_name,
        attendee_email=booking.visitor_email,
        status=ical.CANCELLED if booking.status == CANCELLED else ical.CONFIRMED,
        manage_url=manage_url,
        video_url=_valid_url(advisor.video_url),
        created=booking.created_at,
    )


def publish(
    events: Sequence[ical.InviteEvent], name: str, *, include_attendees: bool = False
) -> bytes:
    """PUBLISH ``events``; an event whose data cannot be written is left out (and logged)
    rather than breaking a whole download or feed."""
    now = utcnow()
    try:
        return ical.build_publish(events, now, name, include_attendees=include_attendees)
    except ical.InvalidInviteData:
        usable = []
        for event in events:
            try:
                ical.build_publish([event], now, name, include_attendees=include_attendees)
            except ical.InvalidInviteData as error:
                log.warning("event %s left out of %r: %s", event.uid, name, error)
            else:
                usable.append(event)
        return ical.build_publish(usable, now, name, include_attendees=include_attendees)


def _one_booking(booking: Booking, event: ical.InviteEvent, name: str) -> bytes:
    if booking.status == CANCELLED:
        # METHOD:CANCEL removes it from a calendar; should the CANCEL be impossible to write
        # (an address it cannot carry), the PUBLISH below still says STATUS:CANCELLED.
        with contextlib.suppress(ical.InvalidInviteData):
            return ical.build_cancel(event, utcnow())
    return publish([event], name)


def booking_ics(booking: Booking, manage_token: str | None = None) -> bytes:
    """The visitor's calendar file for one booking: PUBLISH while it stands, CANCEL (with
    STATUS:CANCELLED) once cancelled. Carries the manage link when the token is known
    (given, or from this ``/b/<token>`` or ``/api/v1/bookings/<token>`` request)."""
    token = _checked_manage_token(booking, manage_token)
    return _one_booking(booking, invite_event(booking, VISITOR, token), "Career consultation")


def staff_booking_ics(booking: Booking) -> bytes:
    """One booking for staff: PUBLISH, or METHOD:CANCEL when it was cancelled."""
    return _one_booking(booking, invite_event(booking, STAFF), "Consultation")


def bookings_ics(bookings: Iterable[Booking], name: str) -> bytes:
    """Many bookings as one PUBLISH calendar for staff (cancelled ones marked CANCELLED)."""
    return publish([invite_event(b, STAFF) for b in bookings], name)


# --- e-mail ------------------------------------------------------------------------------------


def _render(name: str, **context: object) -> str:
    # Straight from the Jinja environment: no request-bound context processors (CLI, threads).
    return current_app.jinja_env.get_template(name).render(**context)


def _when(instant: datetime, zone: str) -> str:
    local = display.in_zone(instant, zone)
    return f"{display.format_day(local.date())}, {display.format_time(instant, zone)}"


SUBJECTS = {
    (KIND_CREATED, VISITOR): "Booked: consultation with {advisor} on {when}",
    (KIND_CREATED, ADVISOR): "New consultation: {visitor} on {when}",
    (KIND_RESCHEDULED, VISITOR): "Moved: consultation with {advisor}, now {when}",
    (KIND_RESCHEDULED, ADVISOR): "Moved: consultation with {visitor}, now {when}",
    (KIND_CANCELLED, VISITOR): "Cancelled: consultation with {advisor} on {when}",
    (KIND_CANCELLED, ADVISOR): "Cancelled: consultation with {visitor} on {when}",
    (KIND_REMINDER, VISITOR): "Reminder: consultation with {advisor} on {when}",
}


def _subject(kind: str, audience: str, booking: Booking, zone: str) -> str:
    return SUBJECTS[(kind, audience)].format(
        advisor=booking.advisor.display_name,
        visitor=booking.visitor_name,
        when=_when(booking.start_at, zone),
    )


def _invite_message(
    booking: Booking, kind: str, audience: str, manage_token: str | None, now: datetime
) -> tuple[EmailMessage, str]:
    advisor = booking.advisor
    event = invite_event(booking, audience, manage_token if audience == VISITOR else None)
    build = ical.build_cancel if kind == KIND_CANCELLED else ical.build_request
    method = "CANCEL" if kind == KIND_CANCELLED else "REQUEST"
    try:
        ics: bytes | None = build(event, now)
    except ical.InvalidInviteData:
        if audience != ADVISOR:
            raise
        ics = None  # e.g. a visitor address an invite cannot carry: the advisor still hears
    zone = booking.visitor_timezone if audience == VISITOR else advisor.timezone
    subject = _subject(kind, audience, booking, zone)
    context = {
        "booking": booking,
        "advisor": advisor,
        "kind": kind,
        "audience": audience,
        "zone": zone,
        "when": display.format_datetime(booking.start_at, zone),
        "minutes": _minutes(booking),
        "manage_url": event.manage_url,
        "video_url": event.video_url,
        "details_url": public_url("consultations.consultation", booking_id=booking.id),
        "no_invite": ics is None,
    }
    if audience == VISITOR:
        to_email, to_name, reply_to = (
            booking.visitor_email,
            booking.visitor_name,
            advisor.user.email,
        )
    else:
        to_email, to_name, reply_to = (
            advisor.user.email,
            advisor.display_name,
            booking.visitor_email,
        )
    common = {
        "sender": current_app.config["MAIL_FROM"],
        "sender_name": current_app.config["MAIL_FROM_NAME"],
        "to_email": to_email,
        "to_name": to_name,
        "subject": subject,
        "text_body": _render("invites/mail/booking.txt", **context),
        "html_body": _render("invites/mail/booking.html", **context),
        "reply_to": _valid_email(reply_to),
    }
    if ics is None:
        return build_text_message(**common), subject
    return build_invite_message(**common, ics=ics, method=method), subject


def _queue(
    build: Callable[[], tuple[EmailMessage, str]],
    *,
    booking: Booking,
    kind: str,
    recipient: str,
    now: datetime,
) -> int | None:
    """Build a message and put it in the outbox. A message that cannot be built (say, an
    address the invite format refuses) still gets a row, marked failed with the reason, so
    staff see it; the booking itself goes ahead."""
    try:
        message, subject = build()
    except Exception as error:
        log.exception("cannot build %s mail for booking_id=%s", kind, booking.id)
        row = enqueue(
            b"",
            kind=kind,
            recipient=recipient,
            subject=f"({kind} message for booking {booking.id})",
            booking_id=booking.id,
            status=FAILED,
            last_error=f"could not build the message: {error}",
            now=now,
        )
        return None
    row = enqueue(
        message,
        kind=kind,
        recipient=recipient,
        subject=subject,
        booking_id=booking.id,
        now=now,
    )
    return row.id


def queue_booking_mail(
    booking: Booking,
    change: BookingChange,
    now: datetime | None = None,
    manage_token: str | None = None,
) -> list[int]:
    """Queue the visitor's and the advisor's message about ``change`` (in this transaction);
    the visitor's carries the manage link when ``manage_token`` is theirs."""
    now = now or utcnow()
    kind = CHANGES[change]
    token = (
        _checked_manage_token(booking, manage_token)
        if change is not BookingChange.CANCELLED
        else None
    )
    ids = [
        _queue(
            lambda audience=audience: _invite_message(booking, kind, audience, token, now),
            booking=booking,
            kind=kind,
            recipient=recipient,
            now=now,
        )
        for audience, recipient in (
            (VISITOR, booking.visitor_email),
            (ADVISOR, booking.advisor.user.email),
        )
    ]
    return [i for i in ids if i is not None]


def on_booking_change(event: BookingChanged) -> None:
    """Subscribed to BookingChanged: runs inside the booking transaction, before its commit."""
    if event.change not in CHANGES:
        return
    now = utcnow()
    queue_booking_mail(event.booking, event.change, now, manage_token=event.manage_token)
    if event.change in (BookingChange.CREATED, BookingChange.RESCHEDULED):
        _skip_reminders_already_due(event.booking, now)


# --- reminders ---------------------------------------------------------------------------------


def _skip_reminders_already_due(booking: Booking, now: datetime) -> None:
    """A booking made or moved inside a reminder's window just got its invitation: that
    reminder is recorded as skipped rather than sent right after it."""
    for kind, before in REMINDERS:
        if booking.start_at - before <= now:
            db.session.add(
                BookingReminder(
                    booking_id=booking.id,
                    kind=kind,
                    sequence=booking.sequence,
                    starts_at=booking.start_at,
                    outbox_id=None,
                )
            )
    db.session.flush()


def _reminder_message(booking: Booking, now: datetime) -> tuple[EmailMessage, str]:
    zone = booking.visitor_timezone
    subject = _subject(KIND_REMINDER, VISITOR, booking, zone)
    context = {
        "booking": booking,
        "advisor": booking.advisor,
        "zone": zone,
        "when": display.format_datetime(booking.start_at, zone),
        "minutes": _minutes(booking),
        "video_url": _valid_url(booking.advisor.video_url),
        "until_start": booking.start_at - now,
    }
    message = build_text_message(
        sender=current_app.config["MAIL_FROM"],
        sender_name=current_app.config["MAIL_FROM_NAME"],
        to_email=booking.visitor_email,
        to_name=booking.visitor_name,
        subject=subject,
        text_body=_render("invites/mail/reminder.txt", **context),
        html_body=_render("invites/mail/reminder.html", **context),
        reply_to=_valid_email(booking.advisor.user.email),
    )
    return message, subject


def _queue_reminder(booking_id: int, now: datetime) -> int:
    """Queue the reminder now due for one booking, once: the booking row is locked (or the
    database write-locked) while its reminder records are checked and written."""
    begin_write_locked(db.session)
    query = (
        select(Booking).where(Booking.id == booking_id).execution_options(populate_existing=True)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    try:
        booking = db.session.scalar(query)
        if booking is None or booking.status != CONFIRMED or booking.start_at <= now:
            db.session.commit()
            return 0
        due = [kind for kind, before in REMINDERS if booking.start_at - before <= now]
        done = set(
            db.session.scalars(
                select(BookingReminder.kind).where(
                    BookingReminder.booking_id == booking.id,
                    BookingReminder.sequence == booking.sequence,
                )
            )
        )
        queued = 0
        for kind in due:
            if kind in done:
                continue
            outbox_id = None
            if kind == due[-1]:  # only the latest one due; an earlier one missed is skipped
                outbox_id = _queue(
                    lambda: _reminder_message(booking, now),
                    booking=booking,
                    kind=KIND_REMINDER,
                    recipient=booking.visitor_email,
                    now=now,
                )
                queued += 1
            db.session.add(
                BookingReminder(
                    booking_id=booking.id,
                    kind=kind,
                    sequence=booking.sequence,
                    starts_at=booking.start_at,
                    outbox_id=outbox_id,
                )
            )
        db.session.commit()
        return queued
    except IntegrityError:  # another run recorded it first
        db.session.rollback()
        return 0


def queue_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due (24 h and 1 h before confirmed consultations), each
    once per booking time however often or concurrently this runs. Returns how many."""
    now = now or utcnow()
    horizon = max(before for _, before in REMINDERS)
    candidates = list(
        db.session.scalars(
            select(Booking.id)
            .where(
                Booking.status == CONFIRMED,
                Booking.start_at > now,
                Booking.start_at <= now + horizon,
            )
            .order_by(Booking.start_at, Booking.id)
        )
    )
    db.session.commit()
    return sum(_queue_reminder(booking_id, now) for booking_id in candidates)


# --- advisors' subscription feeds --------------------------------------------------------------


def feed_of(advisor_id: int) -> AdvisorFeed | None:
    return db.session.get(AdvisorFeed, advisor_id)


def rotate_feed(advisor_id: int) -> str:
    """Give the advisor a new feed address (256 random bits); the old one stops working.
    Returns the token: it is shown once, only its hash is kept."""
    token = secrets.token_urlsafe(32)
    values = {"advisor_id": advisor_id, "token_hash": hash_token(token), "created_at": utcnow()}
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(AdvisorFeed).values(**values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[AdvisorFeed.advisor_id],
            set_={"token_hash": statement.excluded.token_hash, "created_at": utcnow()},
        )
    )
    db.session.commit()
    return token


def advisor_for_feed_token(token: str) -> AdvisorProfile | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(AdvisorProfile)
        .join(AdvisorFeed, AdvisorFeed.advisor_id == AdvisorProfile.id)
        .where(AdvisorFeed.token_hash == hash_token(token))
    )


def feed_urls(token: str) -> tuple[str, str]:
    """The https (or http in development) and webcal:// addresses of a feed."""
    url = public_url("invites.feed", token=token)
    return url, "webcal://" + url.split("://", 1)[1]


def feed_ics(advisor: AdvisorProfile, now: datetime | None = None) -> bytes:
    """The advisor's consultations from 90 days back on; cancelled ones stay as CANCELLED so
    subscribed calendars drop them. Visitors appear by name and topic only."""
    now = now or utcnow()
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.advisor_id == advisor.id, Booking.start_at >= now - FEED_PAST)
        .order_by(Booking.start_at)
        .limit(FEED_LIMIT)
    )
    return publish(
        [invite_event(b, FEED) for b in bookings], f"Consultations · {advisor.display_name}"
    )
