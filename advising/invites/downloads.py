"""Bookings as calendar events: one invite for a visitor, an advisor or staff, and ranges of
bookings as one file (METHOD:PUBLISH)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence

from advising.database import utcnow
from advising.invites import ical
from advising.invites.links import (
    ADVISOR,
    FEED,
    STAFF,
    VISITOR,
    booking_uid,
    checked_manage_token,
    public_url,
    valid_url,
)
from advising.scheduling.models import CANCELLED, HELD, Booking

log = logging.getLogger("advising.invites")


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
        status=_invite_status(booking),
        manage_url=manage_url,
        video_url=valid_url(advisor.video_url),
        created=booking.created_at,
    )


def _invite_status(booking: Booking) -> str:
    """A hold is tentative in every calendar until the visitor confirms it."""
    if booking.status == CANCELLED:
        return ical.CANCELLED
    return ical.TENTATIVE if booking.status == HELD else ical.CONFIRMED


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
    token = checked_manage_token(booking, manage_token)
    return _one_booking(booking, invite_event(booking, VISITOR, token), "Career consultation")


def staff_booking_ics(booking: Booking) -> bytes:
    """One booking for staff: PUBLISH, or METHOD:CANCEL when it was cancelled."""
    return _one_booking(booking, invite_event(booking, STAFF), "Consultation")


def bookings_ics(bookings: Iterable[Booking], name: str) -> bytes:
    """Many bookings as one PUBLISH calendar for staff (cancelled ones marked CANCELLED)."""
    return publish([invite_event(b, STAFF) for b in bookings], name)
