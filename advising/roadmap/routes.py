"""The visitor's roadmap: page, PDF, milestones calendar and deleting it (on top of every
other feature: it shows the consultations booked from it and the advisor's recommendations)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from advising.consultations import services as consultations
from advising.database import utcnow
from advising.extensions import limiter
from advising.intake import services as intakes
from advising.intake.models import Intake
from advising.roadmap import services
from advising.roadmap.engine import AnswersError, Roadmap
from advising.roadmap.pdf import render_pdf
from advising.roadmap.timeline import build_timeline, short_date
from advising.roadmap.what_if import FIELDS, read_what_if
from advising.scheduling import services as scheduling
from advising.scheduling.models import CONFIRMED, HELD
from advising.web import mark_private

HOLDING_OPEN = (CONFIRMED, HELD)  # upcoming consultations a visitor can still open

bp = Blueprint("roadmap", __name__)

PDF_NAME = "roadmap.pdf"
ICS_NAME = "roadmap-milestones.ics"


def pdf_name(person: str) -> str:
    """ "roadmap-dana-reyes.pdf": the person's name in plain ASCII ("roadmap.pdf" if none)."""
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", person).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"roadmap-{slug}.pdf" if slug else PDF_NAME


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


def _roadmap_context(
    intake: Intake, token: str, *, print_: bool, roadmap: Roadmap | None = None
) -> dict[str, Any]:
    """What the roadmap template needs; ``roadmap`` replaces the stored one (a what-if)."""
    now = utcnow()
    bookings = scheduling.bookings_for_intake(intake.id)
    roadmap = roadmap or intakes.roadmap_of(intake)
    return {
        "intake": intake,
        "roadmap": roadmap,
        "tl": build_timeline(roadmap),
        "roadmap_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        + url_for("roadmap.page", token=token),
        "exam_date": next((m.date for m in roadmap.milestones if m.key == "exam"), None),
        "token": token,
        "print": print_,
        "recommendations": consultations.recommendations_for_intake(intake.id),
        "upcoming": [b for b in bookings if b.status in HOLDING_OPEN and b.end_at >= now],
        "manage_urls": {
            b.id: url_for("scheduling.manage", token=t)
            for b in bookings
            if (t := scheduling.manage_token_from_intake(b))
        },
        "book_url": url_for("scheduling.any_advisor", intake=token, tz=intake.timezone),
    }


@bp.get("/roadmap/<token>")
def page(token: str) -> str | tuple[str, int]:
    """The roadmap; with ``hours``, ``budget`` or ``start`` in the query, a what-if of it
    (nothing saved). ``fragment=1`` answers only what the panel's script swaps in."""
    intake = _intake_or_404(token)
    saved = intakes.answers_of(intake)
    what_if = read_what_if(request.args, saved, utcnow().date())
    roadmap = intakes.roadmap_for(what_if.apply(saved)) if what_if.showing else None
    context = _roadmap_context(intake, token, print_=False, roadmap=roadmap)
    context["what_if"] = what_if
    status = 422 if what_if.errors else 200
    if request.args.get("fragment") == "1":
        return render_template("roadmap/_what_if_fragment.html", **context), status
    return render_template("roadmap/roadmap.html", **context), status


@bp.post("/roadmap/<token>/what-if")
def save_what_if(token: str) -> Response:
    """Keep a what-if: its answers and roadmap replace the stored ones (the person's choice)."""
    intake = _intake_or_404(token)
    saved = intakes.answers_of(intake)
    what_if = read_what_if(request.form, saved, utcnow().date())
    if not what_if.active or what_if.errors:
        flash("That version could not be saved: please check the what-if answers.", "error")
        args = {name: what_if.values[name] for name in FIELDS}
        return redirect(url_for("roadmap.page", token=token, **args))
    try:
        intakes.replace_answers(intake, what_if.apply(saved))
    except AnswersError:
        flash("That version could not be saved: please check the what-if answers.", "error")
    else:
        flash("Saved: this version is now your roadmap.", "success")
    return redirect(url_for("roadmap.page", token=token))


@bp.get("/roadmap/<token>.pdf")
@limiter.limit(lambda: current_app.config["ROADMAP_PDF_LIMIT"], scope="roadmap-pdf")
def pdf(token: str) -> Response:
    intake = _intake_or_404(token)
    html = render_template("roadmap/roadmap.html", **_roadmap_context(intake, token, print_=True))
    body = services.roadmap_pdf(
        intake,
        html,
        lambda html: render_pdf(
            html,
            base_url=request.host_url,
            static_url_path=current_app.static_url_path or "/static",
            static_folder=current_app.static_folder or "static",
        ),
    )
    return _attachment(body, "application/pdf", pdf_name(intakes.roadmap_of(intake).name))


@bp.get("/roadmap/<token>/milestones.ics")
def milestones(token: str) -> Response:
    intake = _intake_or_404(token)
    base = current_app.config["PUBLIC_BASE_URL"]
    body = services.milestones_ics(
        intake,
        intakes.roadmap_of(intake),
        base,
        base.rstrip("/") + url_for("roadmap.page", token=token),
        study=request.args.get("study") == "1",
    )
    return _attachment(body, "text/calendar", ICS_NAME)


@bp.post("/roadmap/<token>/delete")
def delete(token: str) -> Response:
    intake = _intake_or_404(token)
    intakes.delete_intake(intake)
    flash("Your answers and roadmap are deleted.", "success")
    return redirect(url_for("web.home"))


def register(app: Flask) -> None:
    from advising.roadmap import models  # noqa: F401  (tables in the metadata)
    from advising.roadmap.cli import roadmap_cli

    app.register_blueprint(bp)
    app.jinja_env.filters["tl_date"] = short_date
    app.cli.add_command(roadmap_cli)
