"""Sign in, sign out, password change and reset, the signed-in landing page and the
administrators' account pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from advising.accounts import devices, services
from advising.accounts.access import role_required
from advising.accounts.forms import (
    ActiveForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    RoleForm,
    SetPasswordForm,
    TimeZoneForm,
)
from advising.accounts.models import INVITE, Role, User
from advising.accounts.sessions import SIGNED_IN_AT, start_session
from advising.extensions import db, limiter
from advising.shared.zones import zone_name
from advising.web import dashboard_panels, deactivation_notes, mark_private

bp = Blueprint("accounts", __name__)

# Sign-in attempts: /login and the current-password check on the password page share the same
# counters, per address and per account. A browser holding a device cookie for the account it
# tries counts against its own cookie instead of the account (see ``devices``).


def _account_key(email: str) -> str:
    nonce = devices.trusted_nonce(email)
    if nonce is not None:
        return "sign-in-device:" + nonce
    return "sign-in-account:" + services.account_ref(email)


def _attempt_failed(response: Response) -> bool:
    """A login that did not sign in, or a wrong current password on the password page."""
    if request.endpoint == "accounts.change_password":
        return bool(g.get("current_password_refused"))
    return response.status_code != 302


def _per_address():
    return limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        scope="sign-in-address",
        methods=["POST"],
        deduct_when=_attempt_failed,
    )


def _per_account(email: Callable[[], str]):
    return limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        scope="sign-in-account",
        key_func=lambda: _account_key(email()),
        methods=["POST"],
        deduct_when=_attempt_failed,
    )


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@_per_address()
@_per_account(lambda: request.form.get("email", ""))
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            start_session(user)
            flash(f"Welcome back, {user.name}.", "success")
            response = redirect(next_url or url_for("accounts.dashboard"))
            devices.issue(response, user.email)
            return response
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    services.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@_per_address()
@_per_account(lambda: current_user.email if current_user.is_authenticated else "")
def change_password() -> str | Response:
    user = current_user._get_current_object()
    form = PasswordChangeForm(user_email=user.email, user_name=user.name)
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            g.current_password_refused = error.field == "current_password"
            getattr(form, error.field or "new_password").errors.append(str(error))
        else:
            # this session carries on under the new generation, from its original sign-in
            start_session(user, signed_in_at=session.get(SIGNED_IN_AT))
            flash("Your password is changed. Other sessions were signed out.", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/password.html", form=form)


@bp.route("/account/timezone", methods=["GET", "POST"])
@login_required
def time_zone() -> str | Response:
    user = current_user._get_current_object()
    if user.role == Role.ADVISOR.value:  # one zone per person: an advisor's is their profile's
        flash("Your time zone is part of your profile: every advisor page uses it.", "info")
        return redirect(url_for("advisors.edit_profile", _anchor="timezone"))
    form = TimeZoneForm()
    if not form.is_submitted():
        form.timezone.data = user.timezone or "UTC"
    if form.validate_on_submit():
        services.set_timezone(user, form.timezone.data)
        flash(f"Times are now shown in {zone_name(form.timezone.data)}.", "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/timezone.html", form=form)


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    return render_template("accounts/dashboard.html", panels=dashboard_panels())


# --- forgotten passwords --------------------------------------------------------------------
# Every request for a link counts, per address and per email (keyed, never the address).


def _reset_limits(view: Callable) -> Callable:
    per_address = limiter.shared_limit(
        lambda: current_app.config.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "10 per hour"),
        scope="password-reset-address",
        methods=["POST"],
    )
    per_email = limiter.shared_limit(
        lambda: current_app.config.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3 per hour"),
        scope="password-reset-email",
        key_func=lambda: "password-reset:" + services.account_ref(request.form.get("email", "")),
        methods=["POST"],
    )
    return per_address(per_email(view))


@bp.route("/password/forgot", methods=["GET", "POST"])
@_reset_limits
def forgot_password() -> str:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, request.remote_addr)
        return render_template("accounts/forgot.html", form=None, sent=True)
    return render_template("accounts/forgot.html", form=form, sent=False)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | Response | tuple[str, int]:
    mark_private()  # the page belongs to the link's holder: never kept by a cache
    try:
        row, user = services.check_link(token)
    except services.LinkError as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 410
    form = SetPasswordForm(user_email=user.email, user_name=user.name)
    if form.validate_on_submit():
        try:
            services.set_password_with_link(token, form.new_password.data)
        except services.LinkError as error:
            return render_template("accounts/link_invalid.html", message=str(error)), 410
        except services.AccountError as error:
            form.new_password.errors.append(str(error))
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password is set. Sign in with it.", "success")
            return redirect(url_for("accounts.login"))
    return render_template(
        "accounts/set_password.html", form=form, invited=row.purpose == INVITE, user=user
    )


# --- administrators: accounts ------------------------------------------------------------------


@bp.get("/admin/users")
@role_required(Role.ADMIN)
def admin_users() -> str:
    return _admin_page(InviteForm())


def _admin_page(invite_form: InviteForm, status: int = 200):
    users = services.list_users()
    role_forms = {u.id: RoleForm(prefix=f"u{u.id}", role=u.role) for u in users}
    return render_template(
        "accounts/admin_users.html",
        users=users,
        role_forms=role_forms,
        invite_form=invite_form,
        active_form=ActiveForm(),
        events=services.recent_events(),
        zone=services.zone_of(current_user),
    ), status


@bp.post("/admin/users/invite")
@role_required(Role.ADMIN)
def admin_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite_user(
                form.email.data, form.name.data, form.role.data, current_user._get_current_object()
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            flash(f"Invited {user.name}; they were mailed a link to set a password.", "success")
            return redirect(url_for("accounts.admin_users"))
    return _admin_page(form, 400)


@bp.post("/admin/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def admin_change_role(user_id: int) -> Response:
    form = RoleForm(prefix=f"u{user_id}")
    if form.validate_on_submit():
        try:
            user = services.change_role(user_id, form.role.data, current_user._get_current_object())
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            flash(f"{user.name} is now {user.role}.", "success")
    else:
        flash("That role change could not be made; please try again.", "error")
    return redirect(url_for("accounts.admin_users"))


@bp.get("/admin/users/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def admin_confirm_deactivate(user_id: int) -> str | Response:
    """Deactivating asks first, saying what the account leaves behind (an advisor's upcoming
    consultations, say): one click used to do it."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.id == current_user.id:
        return redirect(url_for("accounts.admin_users"))
    return render_template(
        "accounts/deactivate.html",
        user=user,
        form=ActiveForm(active="0"),
        notes=deactivation_notes(user.id),
    )


@bp.post("/admin/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def admin_set_active(user_id: int) -> Response:
    form = ActiveForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        try:
            user = services.set_active(user_id, active, current_user._get_current_object())
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            state = "reactivated" if active else "deactivated; their sessions have ended"
            flash(f"{user.name} is {state}.", "success")
    else:
        flash("That change could not be made; please try again.", "error")
    return redirect(url_for("accounts.admin_users"))
