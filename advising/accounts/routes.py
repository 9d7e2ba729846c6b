"""Sign in, sign out, password change and the signed-in landing page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from advising.accounts import services
from advising.accounts.forms import LoginForm, PasswordChangeForm
from advising.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_account_key() -> str:
    return "login-account:" + services.normalize_email(request.form.get("email", ""))


def _login_failed(response: Response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-address",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account",
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session (and CSRF token) at every sign-in
            login_user(user)
            session.permanent = True
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(next_url or url_for("accounts.dashboard"))
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
def change_password() -> str | Response:
    user = current_user._get_current_object()
    form = PasswordChangeForm(user_email=user.email, user_name=user.name)
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            getattr(form, error.field or "new_password").errors.append(str(error))
        else:
            session.clear()
            login_user(user)  # this session carries on under the new generation
            session.permanent = True
            flash("Your password is changed. Other sessions were signed out.", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/password.html", form=form)


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    return render_template("accounts/dashboard.html")
