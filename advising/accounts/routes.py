"""Sign in, sign out, password change and the signed-in landing page."""

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
from advising.accounts.forms import LoginForm, PasswordChangeForm
from advising.accounts.sessions import SIGNED_IN_AT, start_session
from advising.extensions import limiter

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


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    return render_template("accounts/dashboard.html")
