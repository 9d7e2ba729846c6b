"""The visitor's roadmap: page, PDF, milestones calendar and deleting it (on top of every
other feature: it shows the consultations booked from it and the advisor's recommendations)."""

from __future__ import annotations

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

from advising.database import utcnow
from advising.extensions import limiter
from advising.intake import services as intakes
from advising.intake.models import Intake
from advising.roadmap import prerender, services
from advising.roadmap.context import roadmap_context
from advising.roadmap.engine import AnswersError
from advising.roadmap.timeline import short_date
from advising.roadmap.what_if import FIELDS, read_what_if
from advising.web import forget_roadmap, mark_private, remember_roadmap

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


@bp.get("/roadmap/<token>")
def page(token: str) -> str | tuple[str, int]:
    """The roadmap; with ``hours``, ``budget`` or ``start`` in the query, a what-if of it
    (nothing saved). ``fragment=1`` answers only what the panel's script swaps in."""
    intake = _intake_or_404(token)
    remember_roadmap(token)
    saved = intakes.answers_of(intake)
    what_if = read_what_if(request.args, saved, utcnow().date())
    roadmap = intakes.roadmap_for(what_if.apply(saved)) if what_if.showing else None
    context = roadmap_context(intake, token, print_=False, roadmap=roadmap)
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
        intakes.replace_answers(intake, what_if.apply(saved), token)
    except AnswersError:
        flash("That version could not be saved: please check the what-if answers.", "error")
    else:
        flash("Saved: this version is now your roadmap.", "success")
    return redirect(url_for("roadmap.page", token=token))


@bp.get("/roadmap/<token>.pdf")
@limiter.limit(lambda: current_app.config["ROADMAP_PDF_LIMIT"], scope="roadmap-pdf")
def pdf(token: str) -> Response:
    intake = _intake_or_404(token)
    body = prerender.pdf_for_visitor(intake, token)
    return _attachment(body, "application/pdf", pdf_name(intake.name))


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


@bp.post("/roadmap/<token>/email-link")
@limiter.limit(lambda: current_app.config["ROADMAP_LINK_MAIL_LIMIT"], scope="roadmap-link-mail")
def email_link(token: str) -> Response:
    """Mail the page's private link to the address given on the intake."""
    intake = _intake_or_404(token)  # the CSRF token is checked for every POST
    intakes.email_roadmap_link(intake, token)
    flash(f"We are sending the link to {intakes.answers_of(intake).email}.", "success")
    return redirect(url_for("roadmap.page", token=token))


@bp.post("/roadmap/<token>/delete")
def delete(token: str) -> Response:
    intake = _intake_or_404(token)
    intakes.delete_intake(intake)
    forget_roadmap(token)
    flash("Your answers and roadmap are deleted.", "success")
    return redirect(url_for("web.home"))


def register(app: Flask) -> None:
    from advising.extensions import events
    from advising.intake.events import IntakeAnswersReplaced, IntakeCreated
    from advising.outbox import register_channel
    from advising.process import on_warm_up
    from advising.roadmap import models  # noqa: F401  (tables in the metadata)
    from advising.roadmap.cli import roadmap_cli

    events(app).subscribe(IntakeCreated, prerender.queue_render)
    events(app).subscribe(IntakeAnswersReplaced, prerender.queue_render)
    register_channel(
        app, prerender.CHANNEL, prerender.open_renderer, forget_when_done=True, slow=True
    )
    on_warm_up(app, prerender.warm_up)
    app.register_blueprint(bp)
    app.jinja_env.filters["tl_date"] = short_date
    app.cli.add_command(roadmap_cli)
