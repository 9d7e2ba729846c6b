"""Staff pages: every booking (filters, invites, CSV, moving and cancelling) and the outbox.

Staff see bookings and their mail, never advisors' private notes: nothing here reads the
consultations feature (notes, recommendations).
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.accounts.services import zone_of
from advising.database import utcnow
from advising.extensions import db
from advising.invites import downloads as invites
from advising.invites import outbox
from advising.invites.models import FAILED, PENDING, SENT
from advising.invites.routes import ics_response
from advising.outbox.models import MAIL
from advising.scheduling import history
from advising.scheduling.models import Actor, Booking
from advising.scheduling.routes import cancel_page, reschedule_page
from advising.shared.timefmt import in_zone
from advising.staff import services
from advising.staff.forms import BookingFilterForm, RangeDownloadForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def _zone() -> str:
    return zone_of(current_user)


def _filter_form(form_class: type[BookingFilterForm] = BookingFilterForm) -> BookingFilterForm:
    return form_class(request.args, advisors=services.all_advisors())


def _filter(form: BookingFilterForm) -> services.BookingFilter:
    return services.BookingFilter(
        advisor_id=form.advisor_id,
        start=form.start.data,
        end=form.end.data,
        status=form.status.data or None,
        query=(form.q.data or "").strip() or None,
        zone=_zone(),
    )


def _bookings_page(
    form: BookingFilterForm, status: int = 200, listed: BookingFilterForm | None = None
) -> tuple[str, int]:
    """The list under ``form`` (validated); ``listed``, when given, is the validated filter
    whose bookings stay on show beside a refused download."""
    listed = listed or form
    rows = [] if listed.errors else services.bookings(_filter(listed))
    # nothing from this day on: say so when earlier bookings match (a completed or no-show
    # consultation is always in the past), with the filter widened to them
    earlier = (
        not rows
        and not listed.errors
        and listed.start.data
        and services.bookings(dataclasses.replace(_filter(listed), start=None), limit=1)
    )
    earlier_url = (
        url_for("staff.bookings", **(request.args.to_dict() | {"start": ""})) if earlier else None
    )
    return render_template(
        "staff/bookings.html",
        form=form,
        bookings=rows,
        limit=services.PAGE_LIMIT,
        zone=_zone(),
        earlier_url=earlier_url,
    ), status


@bp.get("/bookings")
@role_required(Role.STAFF)
def bookings() -> tuple[str, int]:
    """The filter form; its buttons also download the .ics range and the CSV."""
    form = _filter_form()
    if not request.args:  # first visit: from today on; an empty "From" shows earlier ones
        form.start.data = in_zone(utcnow(), _zone()).date()
    form.validate()
    return _bookings_page(form)


@bp.get("/bookings.csv")
@role_required(Role.STAFF)
def bookings_csv() -> Response | tuple[str, int]:
    form = _filter_form()
    if not form.validate():
        return _bookings_page(form, 400)
    rows = services.bookings(_filter(form), limit=services.EXPORT_LIMIT)
    response = Response("".join(services.csv_lines(rows)), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="bookings.csv"'
    return response


@bp.get("/bookings.ics")
@role_required(Role.STAFF)
def bookings_ics() -> Response | tuple[str, int]:
    """Every booking in a date range (optionally one advisor, one status) as one calendar."""
    form = _filter_form(RangeDownloadForm)
    if not form.validate():  # a date missing: the list the same filter shows stays in view
        listed = _filter_form()
        listed.validate()
        return _bookings_page(form, 400, listed)
    flt = _filter(form)
    rows = services.bookings(flt, limit=services.EXPORT_LIMIT)
    name = f"bookings-{flt.start:%Y-%m-%d}-to-{flt.end:%Y-%m-%d}.ics"
    return ics_response(invites.bookings_ics(rows, "Consultations"), name)


def _booking_or_404(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        abort(404)
    return booking


@bp.get("/bookings/<int:booking_id>")
@role_required(Role.STAFF)
def booking_detail(booking_id: int) -> str:
    """One booking, in the staff member's zone and the visitor's, with its history."""
    booking = _booking_or_404(booking_id)
    return render_template(
        "staff/booking.html",
        booking=booking,
        entries=history.history(booking),
        zone=_zone(),
    )


@bp.get("/bookings/<int:booking_id>/invite.ics")
@role_required(Role.STAFF)
def booking_invite(booking_id: int) -> Response:
    booking = _booking_or_404(booking_id)
    return ics_response(invites.staff_booking_ics(booking), f"booking-{booking.id}.ics")


@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@role_required(Role.STAFF)
def move(booking_id: int) -> str | Response:
    booking = _booking_or_404(booking_id)
    return reschedule_page(
        booking,
        by=Actor.STAFF,
        back=url_for("staff.bookings"),
        done=url_for("staff.bookings"),
        zone=booking.advisor.timezone,
        moved="The consultation is moved; both sides get updated invitations.",
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@role_required(Role.STAFF)
def cancel(booking_id: int) -> str | Response:
    return cancel_page(
        _booking_or_404(booking_id),
        by=Actor.STAFF,
        back=url_for("staff.bookings"),
        done=url_for("staff.bookings"),
        cancelled="The consultation is cancelled; both sides are told.",
        reason_hint="Both the visitor and the advisor see it.",
        zone=_zone(),
    )


@bp.get("/mail")
@role_required(Role.STAFF)
def mail() -> str:
    """The mail channel's outbox rows only: webhook deliveries have their endpoint's page, and
    roadmap PDF render jobs are nobody's mail."""
    return render_template(
        "staff/mail.html",
        counts=outbox.status_counts(channel=MAIL),
        failed=outbox.messages([FAILED], channel=MAIL),
        pending=outbox.messages([PENDING], channel=MAIL),
        sent=outbox.messages([SENT], limit=20, channel=MAIL),
        max_attempts=outbox.max_attempts(),
        form=ActionForm(),
        zone=_zone(),
    )


@bp.post("/mail/<int:message_id>/retry")
@role_required(Role.STAFF)
def retry(message_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = outbox.retry_now([message_id], channel=MAIL)
    if ids:
        flash("Trying that message again now. Reload in a moment to see how it went.", "info")
    else:
        flash("That message cannot be retried (already sent, or being sent).", "warning")
    return redirect(url_for("staff.mail"))


@bp.post("/mail/retry-failed")
@role_required(Role.STAFF)
def retry_failed() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = outbox.retry_now(None, channel=MAIL)
    flash(f"Trying {len(ids)} failed message{'s' if len(ids) != 1 else ''} again now.", "info")
    return redirect(url_for("staff.mail"))
