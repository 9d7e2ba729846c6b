"""Admin pages: ``/admin/webhooks`` (endpoints) and one page per endpoint (deliveries)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.accounts.services import zone_of
from advising.extensions import db
from advising.webhooks import services
from advising.webhooks.forms import EndpointForm
from advising.webhooks.models import EVENT_TYPES, WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


class ActionForm(FlaskForm):
    """A form whose fields are read from ``request.form``: only the CSRF token is checked."""


def _allow_private() -> bool:
    return bool(current_app.config.get("FEED_ALLOW_PRIVATE_ADDRESSES", False))


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _posted(endpoint_id: int) -> WebhookEndpoint:
    """The endpoint a form posted about, once its CSRF token checks out."""
    endpoint = _endpoint(endpoint_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return endpoint


def _index(form: EndpointForm | None = None):
    if form is None:
        form = EndpointForm(formdata=None)
    if _allow_private():
        form.url.description = "Where each event is posted, starting with http:// or https://."
    return render_template("webhooks/index.html", endpoints=services.endpoints(), form=form)


@bp.get("")
@role_required(Role.ADMIN)
def index() -> str:
    return _index()


@bp.post("")
@role_required(Role.ADMIN)
def create() -> tuple[str, int] | str:
    form = EndpointForm()
    if not form.validate_on_submit():
        return _index(form), 422
    try:
        endpoint = services.create_endpoint(
            form.url.data, form.events.data, allow_private=_allow_private()
        )
    except services.EndpointError as error:
        form[error.field].errors.append(str(error))
        return _index(form), 422
    # The secret is shown on this answer only (never flashed into the session cookie).
    return render_template("webhooks/created.html", endpoint=endpoint)


@bp.get("/<int:endpoint_id>")
@role_required(Role.ADMIN)
def endpoint_page(endpoint_id: int) -> str:
    endpoint = _endpoint(endpoint_id)
    return render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        deliveries=services.deliveries(endpoint.id),
        event_types=EVENT_TYPES,
        form=ActionForm(),
        zone=zone_of(current_user),
    )


@bp.post("/<int:endpoint_id>/enabled")
@role_required(Role.ADMIN)
def set_enabled(endpoint_id: int) -> Response:
    endpoint = _posted(endpoint_id)
    enable = request.form.get("enabled") == "1"
    services.set_enabled(endpoint, enable)
    flash("Endpoint enabled." if enable else "Endpoint disabled: it gets no new events.")
    return redirect(url_for("webhooks.endpoint_page", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/events")
@role_required(Role.ADMIN)
def set_events(endpoint_id: int) -> Response:
    endpoint = _posted(endpoint_id)
    try:
        services.set_events(endpoint, request.form.getlist("events"))
    except services.EndpointError as error:
        flash(str(error), "error")
    else:
        flash("Events saved.")
    return redirect(url_for("webhooks.endpoint_page", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/delete")
@role_required(Role.ADMIN)
def delete(endpoint_id: int) -> Response:
    endpoint = _posted(endpoint_id)
    services.delete_endpoint(endpoint)
    flash("Endpoint deleted with its deliveries.")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/deliveries/<int:message_id>/redeliver")
@role_required(Role.ADMIN)
def redeliver(endpoint_id: int, message_id: int) -> Response:
    _posted(endpoint_id)
    if services.redeliver(endpoint_id, message_id):
        flash("Delivery queued again: the worker sends it now.")
    else:
        flash("That delivery was already sent or is being sent.", "error")
    return redirect(url_for("webhooks.endpoint_page", endpoint_id=endpoint_id))
