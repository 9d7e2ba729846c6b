"""The career intake form: answers in, a roadmap link out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from advising.extensions import limiter
from advising.intake import services
from advising.intake.forms import IntakeForm
from advising.roadmap.engine import AnswersError
from advising.shared.text import has_nul
from advising.web import mark_private, remembered_roadmap

bp = Blueprint("intake", __name__)


def _limit() -> str:
    return current_app.config.get("INTAKE_LIMIT_PER_ADDRESS", "30 per hour")


@bp.route("/intake", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=lambda r: r.status_code == 302, scope="intake")
def start() -> tuple[str, int] | Response:
    mark_private()  # a re-shown form holds what the person typed
    form = IntakeForm()
    if form.validate_on_submit():
        try:
            _intake, token = services.create_intake(
                form.to_answers(), email_link=bool(form.email_link.data)
            )
        except AnswersError as error:
            target = form._fields.get(error.field, form.name)
            target.errors.append("Please check this answer.")
        else:
            flash(
                "Your roadmap is ready. We are emailing you its link too: it is private to you."
                if form.email_link.data
                else "Your roadmap is ready. Bookmark this page: its address is private to you.",
                "success",
            )
            return redirect(url_for("roadmap.page", token=token))
    status = 400 if form.is_submitted() and has_nul(request.form.items(multi=True)) else 200
    earlier = remembered_roadmap()
    if earlier is not None and services.intake_by_token(earlier) is None:
        earlier = None
    return render_template(
        "intake/form.html",
        form=form,
        earlier_roadmap=url_for("roadmap.page", token=earlier) if earlier else None,
    ), status
