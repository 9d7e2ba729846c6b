"""The visitor's roadmap (page, PDF, milestones calendar) and, on the advisor's
consultation page, the intake, the outcome, recommendations and private notes."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.advisors import services as advisors
from advising.database import utcnow
from advising.extensions import db
from advising.intake import services as intakes
from advising.intake.models import Intake
from advising.roadmap import services
from advising.roadmap.forms import NoteForm, OutcomeForm, RecommendationForm
from advising.roadmap.pdf import render_pdf
from advising.scheduling import services as scheduling
from advising.scheduling.models import CANCELLED, CONFIRMED, Booking
from advising.web import mark_private

bp = Blueprint("roadmap", __name__)

PDF_NAME = "roadmap.pdf"
ICS_NAME = "roadmap-milestones.ics"


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the visitor's roadmap --------------------------------------------------------------------


def _intake_or_404(token: str) -> Intake:
    mark_private()
    intake = intakes.intake_by_token(token)
    if intake is None:
        abort(404)
    return intake


def _roadmap_context(intake: Intake, token: str, *, print_: bool) -> dict[str, Any]:
    now = utcnow()
    bookings = intakes.bookings_of(intake)
    return {
        "intake": intake,
        "roadmap": intakes.roadmap_of(intake),
        "token": token,
        "print": print_,
        "recommendations": services.recommendations_for_intake(intake.id),
        "upcoming": [b for b in bookings if b.status == CONFIRMED and b.end_at >= now],
        "book_url": url_for("scheduling.any_advisor", intake=token, tz=intake.timezone),
    }


@bp.get("/roadmap/<token>")
def page(token: str) -> str:
    intake = _intake_or_404(token)
    return render_template("roadmap/roadmap.html", **_roadmap_context(intake, token, print_=False))


@bp.get("/roadmap/<token>.pdf")
def pdf(token: str) -> Response:
    intake = _intake_or_404(token)
    html = render_template("roadmap/roadmap.html", **_roadmap_context(intake, token, print_=True))
    body = render_pdf(
        html,
        base_url=request.host_url,
        static_url_path=current_app.static_url_path or "/static",
        static_folder=current_app.static_folder or "static",
    )
    return _attachment(body, "application/pdf", PDF_NAME)


@bp.get("/roadmap/<token>/milestones.ics")
def milestones(token: str) -> Response:
    intake = _intake_or_404(token)
    body = services.milestones_ics(
        intake, intakes.roadmap_of(intake), current_app.config["PUBLIC_BASE_URL"]
    )
    return _attachment(body, "text/calendar", ICS_NAME)


@bp.post("/roadmap/<token>/delete")
def delete(token: str) -> Response:
    intake = _intake_or_404(token)
    intakes.delete_intake(intake)
    flash("Your answers and roadmap are deleted.", "success")
    return redirect(url_for("web.home"))


# --- private notes: the consultation's advisor and admins only ----------------------------------


@bp.get("/consultations/<int:booking_id>/notes")
@role_required(Role.ADVISOR, Role.ADMIN)
def notes(booking_id: int) -> str:
    mark_private()
    booking = db.session.get(Booking, booking_id)
    if booking is None or not services.can_read_notes(current_user, booking):
        abort(404)  # another advisor's consultation does not exist for them
    return render_template(
        "roadmap/notes.html",
        booking=booking,
        note=services.note_for(booking.id),
        zone=booking.advisor.timezone,
        own=services.is_own_consultation(current_user, booking),
    )


def _own_booking(booking_id: int) -> Booking:
    mark_private()
    profile = advisors.profile_for_user(current_user)
    booking = scheduling.booking_for_advisor(profile.id, booking_id) if profile else None
    if booking is None:
        abort(404)
    return booking


def _back(booking: Booking, anchor: str) -> Response:
    return redirect(url_for("scheduling.consultation", booking_id=booking.id, _anchor=anchor))


def _consultation_page(booking: Booking, **forms: Any) -> Any:
    """The consultation page again, with the form that failed (errors and input kept)."""
    g.roadmap_forms = forms
    return current_app.view_functions["scheduling.consultation"](booking_id=booking.id)


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
            services.record_outcome(booking, form.outcome.data)
        except services.ConsultationError as error:  # nothing typed to keep: say it on top
            flash(str(error), "error")
        else:
            flash(f"Outcome recorded: {services.OUTCOMES[booking.status].lower()}.", "success")
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


# --- sections of the consultation page ----------------------------------------------------------


def _form(name: str, factory: Any) -> Any:
    failed = g.get("roadmap_forms", {}).get(name)
    return failed if failed is not None else factory()


def intake_section(booking: Booking) -> tuple[str, Markup] | None:
    """The visitor's answers and roadmap, for whoever may open the consultation page."""
    intake = intakes.intake_for_booking(booking)
    if intake is None:
        return None
    html = render_template(
        "roadmap/_consultation_intake.html",
        booking=booking,
        intake=intake,
        answers=intakes.answers_of(intake),
        labels=intakes.content(),
        roadmap=intakes.roadmap_of(intake),
    )
    return "Career intake and roadmap", Markup(html)  # noqa: S704 (rendered by Jinja, escaped)


def outcome_section(booking: Booking) -> tuple[str, Markup] | None:
    if booking.status == CANCELLED or not services.is_own_consultation(current_user, booking):
        return None
    current = booking.status if booking.status in services.OUTCOMES else None
    form = _form(
        "outcome", lambda: OutcomeForm(prefix="outcome", formdata=None, data={"outcome": current})
    )
    html = render_template(
        "roadmap/_outcome.html",
        booking=booking,
        form=form,
        can_record=services.can_record_outcome(booking),
        outcome=services.OUTCOMES.get(booking.status),
    )
    return "Outcome", Markup(html)  # noqa: S704


def recommendations_section(booking: Booking) -> tuple[str, Markup] | None:
    if booking.intake_id is None or not services.is_own_consultation(current_user, booking):
        return None
    form = _form("recommendation", lambda: RecommendationForm(prefix="rec", formdata=None))
    html = render_template(
        "roadmap/_recommendations.html",
        booking=booking,
        form=form,
        recommendations=services.recommendations_for_booking(booking.id),
        zone=booking.advisor.timezone,
    )
    return "Recommendations for the visitor", Markup(html)  # noqa: S704


def notes_section(booking: Booking) -> tuple[str, Markup] | None:
    """Private notes: shown to the consultation's own advisor only (admins use the notes
    page), whichever page asks for the consultation's sections."""
    if not services.is_own_consultation(current_user, booking):
        return None
    note = services.note_for(booking.id)
    form = _form(
        "note",
        lambda: NoteForm(
            prefix="note",
            formdata=None,
            data={"body": note.body if note else "", "based_on": str(note_revision(note))},
        ),
    )
    html = render_template(
        "roadmap/_notes.html",
        booking=booking,
        note=note,
        form=form,
        zone=booking.advisor.timezone,
    )
    return "Private notes", Markup(html)  # noqa: S704


def note_revision(note: Any) -> int:
    return note.revisions[0].id if note is not None and note.revisions else 0


SECTION_PROVIDERS = (intake_section, outcome_section, recommendations_section, notes_section)


def register_consultation_sections() -> None:
    """Add the sections to the consultation page (once, however many apps are created)."""
    from advising.scheduling.routes import consultation_section_providers

    for provider in SECTION_PROVIDERS:
        if provider not in consultation_section_providers:
            consultation_section_providers.append(provider)
