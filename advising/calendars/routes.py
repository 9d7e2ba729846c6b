"""Advisor pages for calendars: sources, upload, feeds and sync (the week is a scheduling page)."""

from __future__ import annotations

from typing import TypeVar

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
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from advising.accounts.access import role_required
from advising.accounts.models import Role
from advising.advisors.access import own_profile_or_404
from advising.advisors.models import AdvisorProfile
from advising.advisors.services import profile_for_user
from advising.calendars import services, sync
from advising.calendars.forms import FeedForm, MarkersForm, UploadForm, too_large_message
from advising.calendars.models import CalendarSource
from advising.extensions import db
from advising.shared import timefmt as display
from advising.web import NavItem, add_nav, render_error

bp = Blueprint("calendars", __name__)
AddForm = TypeVar("AddForm", UploadForm, FeedForm)


def _own_source(advisor: AdvisorProfile, source_id: int) -> CalendarSource:
    source = services.source_of(advisor, source_id)
    if source is None:
        abort(404)
    return source


def _blank(form_class: type[AddForm], prefix: str) -> AddForm:
    """A form not being sent now, with the default availability keywords filled in."""
    form = form_class(prefix=prefix, formdata=None)
    form.keywords.data = ", ".join(services.default_keywords())
    form.categories.data = ", ".join(services.default_categories())
    return form


def _render_index(advisor: AdvisorProfile, upload: UploadForm, feed: FeedForm) -> str:
    return render_template(
        "calendars/index.html",
        advisor=advisor,
        sources=services.sources_for(advisor),
        upload_form=upload,
        feed_form=feed,
        display=display,
    )


@bp.get("/me/calendars")
@role_required(Role.ADVISOR)
def index() -> str:
    """Every calendar of the advisor with its status, and the forms to add one."""
    advisor = own_profile_or_404()
    return _render_index(advisor, _blank(UploadForm, "upload"), _blank(FeedForm, "feed"))


@bp.post("/me/calendars/upload")
@role_required(Role.ADVISOR)
def upload() -> Response | str:
    advisor = own_profile_or_404()
    upload_form = UploadForm(prefix="upload")
    if upload_form.validate_on_submit():
        try:
            source = services.import_upload(
                advisor,
                upload_form.file_bytes(),
                upload_form.label_or_filename(),
                upload_form.keyword_list(),
                upload_form.category_list(),
            )
        except services.CalendarError as error:
            upload_form.file.errors.append(str(error))
        else:
            flash(f"{source.label}: {source.block_count} blocks imported.", "success")
            _flash_skipped(source)
            return redirect(url_for("calendars.index"))
    return _render_index(advisor, upload_form, _blank(FeedForm, "feed"))


def _flash_skipped(source: CalendarSource) -> None:
    """Tell the advisor which damaged events the import left out."""
    summary = services.skipped_summary(source.import_warnings)
    if summary:
        flash(f"{source.label}: {summary}", "warning")


@bp.post("/me/calendars/feeds")
@role_required(Role.ADVISOR)
def add_feed() -> Response | str:
    advisor = own_profile_or_404()
    feed_form = FeedForm(prefix="feed")
    if feed_form.validate_on_submit():
        try:
            source = services.add_feed(
                advisor,
                feed_form.url.data,
                feed_form.label.data,
                feed_form.keyword_list(),
                feed_form.category_list(),
            )
        except services.CalendarError as error:
            feed_form.url.errors.append(str(error))
        else:
            flash(f"{source.label}: feed added, {source.block_count} blocks imported.", "success")
            _flash_skipped(source)
            return redirect(url_for("calendars.index"))
    return _render_index(advisor, _blank(UploadForm, "upload"), feed_form)


@bp.route("/me/calendars/<int:source_id>", methods=["GET", "POST"])
@role_required(Role.ADVISOR)
def source_page(source_id: int) -> Response | str:
    """One calendar: its status, its availability keywords and, for uploads, a new file."""
    advisor = own_profile_or_404()
    source = _own_source(advisor, source_id)
    form = MarkersForm(prefix="markers")
    if not form.is_submitted():
        form.keywords.data = ", ".join(source.keywords or [])
        form.categories.data = ", ".join(source.categories or [])
    if form.validate_on_submit():
        try:
            services.update_markers(source, form.keyword_list(), form.category_list())
        except services.CalendarError as error:
            form.keywords.errors.append(str(error))
        else:
            flash("Keywords saved and your calendar re-read with them.", "success")
            return redirect(url_for("calendars.source_page", source_id=source_id))
    return _render_source(advisor, source, form, UploadForm(prefix="upload", formdata=None))


def _render_source(
    advisor: AdvisorProfile,
    source: CalendarSource,
    markers: MarkersForm,
    upload: UploadForm,
) -> str:
    return render_template(
        "calendars/source.html",
        advisor=advisor,
        source=source,
        markers_form=markers,
        upload_form=upload,
        display=display,
    )


@bp.post("/me/calendars/<int:source_id>/replace")
@role_required(Role.ADVISOR)
def replace(source_id: int) -> Response | str:
    """A new export of an uploaded calendar: replaces its blocks, or keeps them on error."""
    advisor = own_profile_or_404()
    source = _own_source(advisor, source_id)
    form = UploadForm(prefix="upload")
    if form.validate_on_submit():
        try:
            services.import_upload(
                advisor, form.file_bytes(), source.label, None, None, source=source
            )
        except services.CalendarError as error:
            form.file.errors.append(str(error))
        else:
            flash(f"{source.label}: {source.block_count} blocks imported.", "success")
            _flash_skipped(source)
            return redirect(url_for("calendars.source_page", source_id=source_id))
    return _render_source(advisor, source, _markers_form(source), form)


def _markers_form(source: CalendarSource) -> MarkersForm:
    markers = MarkersForm(prefix="markers", formdata=None)
    markers.keywords.data = ", ".join(source.keywords or [])
    markers.categories.data = ", ".join(source.categories or [])
    return markers


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A file over the request limit never reaches its form: the page again with the limit
    next to the file field (it was a bare error page with no way back). What else was typed
    cannot be read back from a body that was refused."""
    uploads = ("calendars.upload", "calendars.replace")
    advisor = (
        profile_for_user(current_user)
        if current_user.is_authenticated and current_user.role == Role.ADVISOR.value
        else None
    )
    if request.endpoint not in uploads or advisor is None:
        return render_error(413)
    message = too_large_message(current_app.config["CALENDAR_MAX_BYTES"])
    if request.endpoint == "calendars.replace":
        # no abort() in an error handler (it is a 500): someone else's calendar is a 413 too
        source = db.session.get(CalendarSource, (request.view_args or {}).get("source_id", 0))
        if source is None or source.advisor_id != advisor.id:
            return render_error(413)
        form = UploadForm(prefix="upload", formdata=None)
        form.file.errors = [message]
        return _render_source(advisor, source, _markers_form(source), form), 413
    form = _blank(UploadForm, "upload")
    form.file.errors = [message]
    return _render_index(advisor, form, _blank(FeedForm, "feed")), 413


@bp.post("/me/calendars/<int:source_id>/sync")
@role_required(Role.ADVISOR)
def sync_now(source_id: int) -> Response:
    advisor = own_profile_or_404()
    source = _own_source(advisor, source_id)
    result = sync.sync_source(source.id)
    if result.status == sync.FAILED:
        flash(f"{result.label}: the sync failed. {result.message}", "error")
    elif result.status == sync.SKIPPED:
        flash(f"{result.label} is being synced right now; look again in a minute.", "warning")
    elif result.status == sync.UPDATED:
        flash(f"{result.label}: synced, {result.blocks} blocks imported.", "success")
    else:
        flash(f"{result.label}: synced, no changes since last time.", "success")
    if request.form.get("back") == "source":
        return redirect(url_for("calendars.source_page", source_id=source_id))
    return redirect(url_for("calendars.index"))


@bp.route("/me/calendars/<int:source_id>/remove", methods=["GET", "POST"])
@role_required(Role.ADVISOR)
def remove(source_id: int) -> Response | str:
    """Ask first (GET), then remove the calendar and its blocks (POST)."""
    advisor = own_profile_or_404()
    source = _own_source(advisor, source_id)
    if request.method == "POST":
        label = source.label
        services.remove_source(source)
        flash(f"{label} was removed; its busy and available times no longer count.", "success")
        return redirect(url_for("calendars.index"))
    return render_template("calendars/remove.html", source=source)


@bp.get("/me/calendars/week")
@role_required(Role.ADVISOR)
def week() -> Response:
    """The old week list: the advisor's calendar page (a scheduling page) supersedes it."""
    start = request.args.get("start", "")
    return redirect(url_for("scheduling.advisor_calendar", start=start or None))


def register(app: Flask) -> None:
    from advising.calendars import models  # noqa: F401
    from advising.calendars.cli import calendars_cli

    app.register_blueprint(bp)
    app.cli.add_command(calendars_cli)
    add_nav(
        app,
        NavItem(
            "My calendars",
            "calendars.index",
            ("advisor",),
            tile="Upload a calendar export or add a feed; see your busy and available week.",
        ),
    )
