"""The advisor's consultation pages: the list, one consultation with the visitor's intake and
roadmap, private notes, the outcome, recommendations, and moving or cancelling for the visitor.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.advisors.access import own_profile_or_404
from advising.advisors.services import profile_for_user
from advising.consultations import services
from advising.consultations.forms import NoteForm, OutcomeForm, RecommendationForm
from advising.extensions import db
from advising.intake import services as intakes
from advising.intake.forms import EXPERIENCE_KIND_LABELS, held_credential_codes
from advising.scheduling import services as scheduling
from advising.scheduling.models import CANCELLED, Actor, Booking, BookingStatus
from advising.scheduling.routes import cancel_page, reschedule_page
from advising.web import mark_private

bp = Blueprint("consultations", __name__)


def _own_booking(booking_id: int) -> Booking:
    mark_private()
    booking = scheduling.booking_for_advisor(own_profile_or_404().id, booking_id)
    if booking is None:
        abort(404)
    return booking


def _back(booking: Booking, anchor: str | None = None) -> Response:
    return redirect(url_for("consultations.consultation", booking_id=booking.id, _anchor=anchor))


@bp.get("/me/consultations")
@role_required(Role.ADVISOR)
def consultations() -> str:
    profile = own_profile_or_404()
    return render_template(
        "consultations/consultations.html",
        profile=profile,
        zone=profile.timezone,
        upcoming=scheduling.advisor_bookings(profile.id, upcoming=True, page=_page("upcoming")),
        past=scheduling.advisor_bookings(profile.id, upcoming=False, page=_page("past")),
        pages={key: request.args[key] for key in ("upcoming", "past") if key in request.args},
    )


#: No list is this long; a larger page number (an overflowing offset was a 500) is the last.
MAX_PAGE = 10_000


def _page(key: str) -> int:
    return min(MAX_PAGE, max(1, request.args.get(key, 1, type=int) or 1))


DASHBOARD_CONSULTATIONS = 5


def next_consultations() -> dict[str, object] | None:
    """The advisor's next few consultations, for their dashboard (None without a profile)."""
    profile = profile_for_user(current_user)
    if profile is None:
        return None
    upcoming = scheduling.advisor_bookings(
        profile.id, upcoming=True, per_page=DASHBOARD_CONSULTATIONS
    )
    return {
        "upcoming": upcoming.items,
        "more": max(0, (upcoming.total or 0) - DASHBOARD_CONSULTATIONS),
        "zone": profile.timezone,
        "profile": profile,
    }


@bp.get("/me/consultations/<int:booking_id>")
@role_required(Role.ADVISOR)
def consultation(booking_id: int) -> str:
    return _consultation_page(_own_booking(booking_id))


def _consultation_page(
    booking: Booking,
    *,
    note: NoteForm | None = None,
    outcome: OutcomeForm | None = None,
    recommendation: RecommendationForm | None = None,
) -> str:
    """The consultation page; a form that failed is passed in, keeping its input and errors."""
    own = services.is_own_consultation(current_user, booking)
    intake = intakes.intake_by_id(booking.intake_id)
    stored_note = services.note_for(booking.id) if own else None
    if note is None and own:
        note = NoteForm(
            prefix="note",
            formdata=None,
            data={
                "body": stored_note.body if stored_note else "",
                "based_on": str(_note_revision(stored_note)),
            },
        )
    show_outcome = own and booking.status != CANCELLED
    if outcome is None and show_outcome:
        current = booking.status if booking.status in services.OUTCOMES else None
        outcome = OutcomeForm(prefix="outcome", formdata=None, data={"outcome": current})
    show_recommendations = own and booking.intake_id is not None
    if recommendation is None and show_recommendations:
        recommendation = RecommendationForm(prefix="rec", formdata=None)
    return render_template(
        "consultations/consultation.html",
        booking=booking,
        zone=booking.advisor.timezone,
        intake=intake,
        answers=intakes.answers_of(intake) if intake else None,
        labels=intakes.content(),
        kind_labels=dict(EXPERIENCE_KIND_LABELS),
        held_labels=held_credential_codes() if intake else {},
        roadmap=intakes.roadmap_of(intake) if intake else None,
        show_outcome=show_outcome,
        outcome_form=outcome,
        can_record=scheduling.can_record_outcome(booking),
        outcome=services.OUTCOMES.get(booking.status),
        show_recommendations=show_recommendations,
        recommendation_form=recommendation,
        recommendations=services.recommendations_for_booking(booking.id)
        if show_recommendations
        else [],
        own=own,
        note=stored_note,
        note_form=note,
    )


def _note_revision(note: Any) -> int:
    return note.revisions[0].id if note is not None and note.revisions else 0


@bp.route("/me/consultations/<int:booking_id>/move", methods=["GET", "POST"])
@role_required(Role.ADVISOR)
def advisor_reschedule(booking_id: int) -> str | Response:
    booking = _own_booking(booking_id)
    back = url_for("consultations.consultation", booking_id=booking.id)
    return reschedule_page(
        booking, by=Actor.ADVISOR, back=back, done=back, zone=booking.advisor.timezone
    )


@bp.route("/me/consultations/<int:booking_id>/cancel", methods=["GET", "POST"])
@role_required(Role.ADVISOR)
def advisor_cancel(booking_id: int) -> str | Response:
    booking = _own_booking(booking_id)
    back = url_for("consultations.consultation", booking_id=booking.id)
    return cancel_page(
        booking,
        by=Actor.ADVISOR,
        back=back,
        done=back,
        reason_hint="The visitor reads it in the cancellation email.",
        zone=booking.advisor.timezone,
    )


# --- private notes: the consultation's advisor and admins only ----------------------------------


@bp.get("/consultations/<int:booking_id>/notes")
@role_required(Role.ADVISOR, Role.ADMIN)
def notes(booking_id: int) -> str:
    mark_private()
    booking = db.session.get(Booking, booking_id)
    if booking is None or not services.can_read_notes(current_user, booking):
        abort(404)  # another advisor's consultation does not exist for them
    return render_template(
        "consultations/notes.html",
        booking=booking,
        note=services.note_for(booking.id),
        zone=booking.advisor.timezone,
        own=services.is_own_consultation(current_user, booking),
    )


@bp.post("/me/consultations/<int:booking_id>/notes")
@role_required(Role.ADVISOR)
def save_note(booking_id: int) -> Any:
    booking = _own_booking(booking_id)
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        try:
            changed = services.save_note(
                booking, current_user, form.body.data, based_on=form.based_on_id
            )
        except services.NoteConflict as error:
            form.body.errors.append(str(error))
            form.based_on.data = str(services.latest_revision_id(booking.id))
        except services.ConsultationError as error:
            form.body.errors.append(str(error))
        else:
            flash("Note saved." if changed else "No changes to save.", "success")
            return _back(booking, "notes")
    return _consultation_page(booking, note=form)


@bp.post("/me/consultations/<int:booking_id>/outcome")
@role_required(Role.ADVISOR)
def record_outcome(booking_id: int) -> Any:
    booking = _own_booking(booking_id)
    form = OutcomeForm(prefix="outcome")
    if form.validate_on_submit():
        try:
            scheduling.record_outcome(booking, BookingStatus(form.outcome.data), by=Actor.ADVISOR)
        except scheduling.BookingError as error:  # nothing typed to keep: say it on top
            flash(str(error), "error")
        else:
            flash(f"Outcome recorded: {services.OUTCOMES[form.outcome.data].lower()}.", "success")
        return _back(booking, "outcome")
    return _consultation_page(booking, outcome=form)


@bp.post("/me/consultations/<int:booking_id>/recommendations")
@role_required(Role.ADVISOR)
def add_recommendation(booking_id: int) -> Any:
    booking = _own_booking(booking_id)
    form = RecommendationForm(prefix="rec")
    if form.validate_on_submit():
        try:
            services.add_recommendation(booking, current_user, form.body.data)
        except services.ConsultationError as error:
            form.body.errors.append(str(error))
        else:
            flash("Recommendation added. The visitor sees it on their roadmap.", "success")
            return _back(booking, "recommendations")
    return _consultation_page(booking, recommendation=form)


@bp.post("/me/consultations/<int:booking_id>/recommendations/<int:recommendation_id>/delete")
@role_required(Role.ADVISOR)
def delete_recommendation(booking_id: int, recommendation_id: int) -> Response:
    booking = _own_booking(booking_id)
    if not services.delete_recommendation(booking, recommendation_id):
        abort(404)
    flash("Recommendation removed.", "info")
    return _back(booking, "recommendations")
