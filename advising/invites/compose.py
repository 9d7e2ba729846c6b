"""The e-mails about a booking (invitation, move, cancellation, reminder), composed from the
templates with the invite attached; nothing here queues or sends."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from flask import current_app

from advising.invites import ical
from advising.invites.downloads import invite_event
from advising.invites.links import ADVISOR, VISITOR, minutes_of, public_url, valid_email
from advising.invites.message import build_invite_message, build_text_message
from advising.invites.models import (
    KIND_CANCELLED,
    KIND_CONFIRMED,
    KIND_CREATED,
    KIND_REMINDER,
    KIND_RESCHEDULED,
)
from advising.scheduling import services as scheduling
from advising.scheduling.models import Booking, BookingStatus
from advising.shared import timefmt as display


def render_mail(name: str, **context: object) -> str:
    # Straight from the Jinja environment: no request-bound context processors (CLI, threads).
    return current_app.jinja_env.get_template(name).render(**context)


def when_words(instant: datetime, zone: str) -> str:
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
    (KIND_CONFIRMED, VISITOR): "Confirmed: consultation with {advisor} on {when}",
    (KIND_CONFIRMED, ADVISOR): "Confirmed by the visitor: {visitor} on {when}",
}


#: A held booking is not booked yet: its first mails say so.
HELD_SUBJECTS = {
    VISITOR: "Please confirm: consultation with {advisor} on {when}",
    ADVISOR: "Held, awaiting the visitor's confirmation: {visitor} on {when}",
}


def subject_of(kind: str, audience: str, booking: Booking, zone: str) -> str:
    held = kind == KIND_CREATED and booking.status == BookingStatus.HELD
    return (HELD_SUBJECTS[audience] if held else SUBJECTS[(kind, audience)]).format(
        advisor=booking.advisor.display_name,
        visitor=booking.visitor_name,
        when=when_words(booking.start_at, zone),
    )


def booking_message(
    booking: Booking,
    kind: str,
    audience: str,
    manage_token: str | None,
    now: datetime,
    previous_start: datetime | None = None,
    was_held: bool = False,
) -> tuple[EmailMessage, str]:
    advisor = booking.advisor
    event = invite_event(booking, audience, manage_token if audience == VISITOR else None)
    build = ical.build_cancel if kind == KIND_CANCELLED else ical.build_request
    method = "CANCEL" if kind == KIND_CANCELLED else "REQUEST"
    # The visitor's calendar gets the event once they confirm a hold: until then the booking
    # may be someone else's use of their address, and an unconfirmed hold is never theirs.
    unconfirmed = audience == VISITOR and (booking.status == BookingStatus.HELD or was_held)
    try:
        ics: bytes | None = None if unconfirmed else build(event, now)
    except ical.InvalidInviteData:
        if audience != ADVISOR:
            raise
        ics = None  # e.g. a visitor address an invite cannot carry: the advisor still hears
    zone = booking.visitor_timezone if audience == VISITOR else advisor.timezone
    subject = subject_of(kind, audience, booking, zone)
    context = {
        "booking": booking,
        "advisor": advisor,
        "kind": kind,
        "audience": audience,
        "zone": zone,
        "when": display.format_datetime(booking.start_at, zone),
        "moved_from": display.format_datetime(previous_start, zone)
        if kind == KIND_RESCHEDULED and previous_start is not None
        else None,
        "book_again_url": public_url("scheduling.advisor_page", slug=advisor.slug)
        if kind == KIND_CANCELLED and audience == VISITOR and advisor.user.active
        else None,
        "minutes": minutes_of(booking),
        "manage_url": event.manage_url,
        "video_url": event.video_url,
        "details_url": public_url("consultations.consultation", booking_id=booking.id),
        "no_invite": ics is None,
        "held": booking.status == BookingStatus.HELD,
        "unconfirmed": unconfirmed,
        "google_url": ical.google_calendar_url(event)
        if audience == VISITOR and kind != KIND_CANCELLED and not unconfirmed
        else None,
        "outlook_url": ical.outlook_calendar_url(event)
        if audience == VISITOR and kind != KIND_CANCELLED and not unconfirmed
        else None,
        "confirm_url": public_url(
            "scheduling.confirm", token=manage_token, key=scheduling.confirm_key(booking)
        )
        if booking.status == BookingStatus.HELD and audience == VISITOR and manage_token
        else None,
        "hold_until": display.format_datetime(booking.hold_expires_at, zone)
        if booking.hold_expires_at
        else None,
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
        "text_body": render_mail("invites/mail/booking.txt", **context),
        "html_body": render_mail("invites/mail/booking.html", **context),
        "reply_to": valid_email(reply_to),
    }
    if ics is None:
        return build_text_message(**common), subject
    return build_invite_message(**common, ics=ics, method=method), subject
