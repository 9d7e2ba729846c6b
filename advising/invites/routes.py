"""Calendar files for visitors, advisors' subscription feeds and the feed settings page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.advisors.access import own_profile_or_404
from advising.invites import booking_mail, downloads, feeds, ical
from advising.invites.links import VISITOR
from advising.scheduling import services as scheduling
from advising.scheduling.models import Booking
from advising.web import mark_private

bp = Blueprint("invites", __name__)

ICS_TYPE = "text/calendar; charset=utf-8"


def ics_response(data: bytes, filename: str | None = None) -> Response:
    """A calendar file; ``filename`` (chosen by the server, never from input) makes it a
    download."""
    response = Response(data, content_type=ICS_TYPE)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _visitor_booking_or_404(token: str) -> Booking:
    """The booking of a manage link, its answer kept out of shared caches."""
    booking = scheduling.booking_by_token(token)
    if booking is None:
        abort(404)
    mark_private()
    return booking


@bp.get("/b/<token>/invite.ics")
def visitor_invite(token: str) -> Response:
    """'Add to calendar' on the visitor's manage page."""
    booking = _visitor_booking_or_404(token)
    return ics_response(downloads.booking_ics(booking, manage_token=token), "consultation.ics")


@bp.get("/b/<token>/calendar/<any(google, outlook):service>")
def visitor_calendar_link(token: str, service: str) -> Response:
    """'Add to Google Calendar / Outlook': the service's page with the consultation filled in
    (a redirect, so the manage page links here and never builds the event itself)."""
    booking = _visitor_booking_or_404(token)
    event = downloads.invite_event(booking, VISITOR, token)
    build = ical.google_calendar_url if service == "google" else ical.outlook_calendar_url
    return redirect(build(event))


@bp.post("/b/<token>/resend")
def resend_hold_mail(token: str) -> Response:
    """'Send the mail again' on a held booking's page: the confirm link, once more."""
    booking = _visitor_booking_or_404(token)  # the CSRF token was checked before this runs
    if booking_mail.resend_hold_mail(booking, token):
        flash(f"We sent the mail again to {booking.visitor_email}.", "success")
    else:
        flash(
            "The mail has been sent as many times as we send it. If it has not arrived, "
            "cancel and book again with another address.",
            "warning",
        )
    return redirect(url_for("scheduling.manage", token=token))


@bp.get("/feeds/<token>.ics")
def feed(token: str) -> Response:
    """An advisor's private subscription feed; the address is the only credential."""
    advisor = feeds.advisor_for_feed_token(token)
    if advisor is None:
        abort(404)
    mark_private()
    response = ics_response(feeds.feed_ics(advisor))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


class RotateFeedForm(FlaskForm):
    """Only the CSRF token: the button says what happens."""


@bp.get("/me/calendar-feed")
@role_required(Role.ADVISOR)
def feed_page() -> str:
    profile = own_profile_or_404()
    return render_template(
        "invites/feed.html",
        feed=feeds.feed_of(profile.id),
        form=RotateFeedForm(),
        urls=None,
        zone=profile.timezone,
    )


@bp.post("/me/calendar-feed")
@role_required(Role.ADVISOR)
def rotate_feed() -> str | tuple[str, int]:
    """Create the feed address, or replace it (the old address stops working at once)."""
    profile = own_profile_or_404()
    form = RotateFeedForm()
    if not form.validate_on_submit():
        abort(400)
    token = feeds.rotate_feed(profile.id)
    return render_template(
        "invites/feed.html",
        feed=feeds.feed_of(profile.id),
        form=RotateFeedForm(),
        urls=feeds.feed_urls(token),
        zone=profile.timezone,
    )
