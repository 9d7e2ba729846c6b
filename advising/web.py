"""The web shell: home page, security headers, caching rules and error pages."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import NullSession, SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from advising.database import begin_read_only, end_read_only
from advising.shared import zones
from advising.shared.tokens import well_formed

log = logging.getLogger("advising.web")

bp = Blueprint("web", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

ERROR_TEXT = {
    400: ("Bad request", "We could not understand that request. Please go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "We could not find that page. It may have moved or been removed."),
    405: ("Not allowed", "That action is not available here."),
    413: ("File too large", "That upload is larger than we accept. Please send a smaller file."),
    429: (
        "Too many attempts",
        "You have tried this too many times in a short while. Please wait a few minutes "
        "and try again.",
    ),
    500: ("Something went wrong", "An unexpected error happened on our side. Please try again."),
    503: (
        "Back in a moment",
        "We cannot reach our records right now. Nothing was changed; please try again in a "
        "few seconds.",
    ),
}
RETRY_AFTER_SECONDS = 5
API_PATH_PREFIX = "/api/"  # the JSON API: errors as JSON, no cookies


@dataclass(frozen=True)
class NavItem:
    """A link a feature adds to the header (and, with ``tile``, to the dashboard); with
    ``menu="account"`` it goes into the signed-in person's account menu instead of the top
    level."""

    label: str
    endpoint: str
    roles: tuple[str, ...] = ()  # empty: shown to everyone, signed in or not
    tile: str | None = None
    menu: str | None = None


ACCOUNT_MENU = "account"


@dataclass(frozen=True)
class DashboardPanel:
    """A section a feature adds to the dashboard of the roles it names: ``template`` with
    what ``context()`` returns (None: nothing to show this person)."""

    template: str
    context: Callable[[], dict[str, Any] | None]
    roles: tuple[str, ...]


def add_dashboard_panel(app: Flask, panel: DashboardPanel) -> None:
    """Register a dashboard section; features call this from their ``register``."""
    app.extensions.setdefault("advising.dashboard", []).append(panel)


def dashboard_panels() -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each panel the signed-in person sees, in registration order."""
    shown = []
    for panel in current_app.extensions.get("advising.dashboard", []):
        if current_user.is_authenticated and current_user.has_role(*panel.roles):
            context = panel.context()
            if context is not None:
                shown.append((panel.template, context))
    return shown


def add_deactivation_note(app: Flask, note: Callable[[int], str | None]) -> None:
    """Register what deactivating an account would leave behind in a feature (``note(user_id)``
    says it, or returns None): the administrator reads every note before confirming."""
    app.extensions.setdefault("advising.deactivation_notes", []).append(note)


def deactivation_notes(user_id: int) -> list[str]:
    """What each feature says deactivating ``user_id`` would leave behind."""
    registered = current_app.extensions.get("advising.deactivation_notes", [])
    return [text for note in registered if (text := note(user_id))]


def add_nav(app: Flask, item: NavItem) -> None:
    """Register a navigation entry; features call this from their ``register``."""
    app.extensions.setdefault("advising.nav", []).append(item)


def _visible(item: NavItem) -> bool:
    if not item.roles:
        return True
    return current_user.is_authenticated and current_user.has_role(*item.roles)


def navigation() -> dict[str, object]:
    from flask import current_app

    items: list[NavItem] = []
    seen: set[str] = set()
    for item in current_app.extensions.get("advising.nav", []):
        if item.endpoint not in seen and _visible(item):  # one link per page
            seen.add(item.endpoint)
            items.append(item)
    return {
        "nav_items": [(i.label, url_for(i.endpoint)) for i in items if i.menu is None],
        "account_menu": [(i.label, url_for(i.endpoint)) for i in items if i.menu == ACCOUNT_MENU],
        "dashboard_tiles": [(i.label, url_for(i.endpoint), i.tile) for i in items if i.tile],
    }


# --- the roadmap a visitor opened in this browser -------------------------------------------
# Kept in their session cookie (which ends when the browser closes), so the pages they reach
# another way, the menu or the advisors list, still book with it, and the intake form offers
# it back instead of a second roadmap.

REMEMBERED_ROADMAP_KEY = "roadmap"


def remember_roadmap(token: str) -> None:
    """Keep ``token`` (a roadmap the visitor just opened) for this browser session."""
    if session.get(REMEMBERED_ROADMAP_KEY) != token:
        session[REMEMBERED_ROADMAP_KEY] = token


def forget_roadmap(token: str) -> None:
    """Drop ``token`` if it is the one kept (its roadmap was deleted)."""
    if session.get(REMEMBERED_ROADMAP_KEY) == token:
        session.pop(REMEMBERED_ROADMAP_KEY)


def remembered_roadmap() -> str | None:
    """The roadmap token kept for this browser session, if any."""
    token = session.get(REMEMBERED_ROADMAP_KEY)
    return token if isinstance(token, str) and well_formed(token) else None


@bp.get("/")
def home() -> str:
    """Landing page: what the firm offers and where to start."""
    return render_template("home.html")


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness probe: the process answers (it does not touch the database)."""
    return {"status": "ok"}


@bp.get("/zones/aliases.json")
def zone_aliases() -> Response:
    """Old zone names with the names the pickers offer (Asia/Calcutta: Asia/Kolkata), for the
    pages' zone detection when a browser reports an old name; the same for everyone."""
    response = jsonify(zones.zone_aliases())
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """Readiness probe: the database answers a query."""
    from advising.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """Render the shared error page for an HTTP status code."""
    title, default_message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    return render_template(
        "error.html", code=code, title=title, message=message or default_message
    ), code


def _wants_json() -> bool:
    return request.path.startswith(API_PATH_PREFIX)


def handle_http_error(
    error: HTTPException,
) -> Response | tuple[str, int] | tuple[dict, int] | tuple[dict, int, dict]:
    code = error.code or 500
    if _wants_json():
        render_json = current_app.extensions.get("advising.api_errors")  # the API's format
        if render_json is not None:
            return render_json(error)
        return {
            "code": code,
            "status": ERROR_TEXT.get(code, ("Error", ""))[0],
            "message": ERROR_TEXT.get(code, ("", error.description))[1],
        }, code
    if isinstance(error, CSRFError):
        return render_error(
            400,
            "Your form expired or was sent from elsewhere. Please reload the page and try again.",
        )
    return render_error(code)


# SQLite reports a missing table as an OperationalError too: only these mean "try again".
SQLITE_TRANSIENT = ("database is locked", "disk i/o error", "unable to open database")


def _is_unavailable(error: Exception) -> bool:
    """Whether ``error`` says the database cannot be reached or is busy (not a bug)."""
    if isinstance(error, DisconnectionError) or getattr(error, "connection_invalidated", False):
        return True
    orig = getattr(error, "orig", None)
    if type(orig).__module__.startswith("sqlite3"):
        return any(text in str(orig).lower() for text in SQLITE_TRANSIENT)
    return True


def handle_database_unavailable(error: Exception) -> Any:
    """The database cannot be reached (or is busy): 503 with Retry-After, never a 500."""
    from advising.extensions import db

    if not _is_unavailable(error):
        return handle_unexpected_error(error)
    current_app.logger.warning(
        "database unavailable on %s %s: %s",
        request.method,
        redact(request.path),
        type(error).__name__,
    )
    db.session.rollback()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_json():
        return (
            {"code": 503, "status": "Service Unavailable", "message": ERROR_TEXT[503][1]},
            503,
            headers,
        )
    html, code = render_error(503)
    return html, code, headers


def handle_unexpected_error(error: Exception) -> tuple[str, int] | tuple[dict, int]:
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, redact(request.path))
    if _wants_json():
        return {"code": 500, "status": "Internal Server Error"}, 500
    return render_error(500)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def _embedding_origins() -> str:
    """The origins allowed to frame this response (the visitor's booking pages only)."""
    if not getattr(request, "embeddable", False):
        return ""
    from flask import current_app

    return " ".join(current_app.config.get("EMBED_ALLOWED_ORIGINS") or ())


def set_security_headers(response: Response) -> Response:
    """Headers every response carries; logged-in pages are never cached. Only the visitor's
    booking pages may be framed, and only by the origins listed in EMBED_ALLOWED_ORIGINS."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    origins = _embedding_origins()
    for name, value in SECURITY_HEADERS:
        if name.lower() in present:
            continue
        if origins and name == "X-Frame-Options":
            continue  # frame-ancestors below decides, and names who may frame
        if origins and name == "Content-Security-Policy":
            value = value.replace("frame-ancestors 'none'", f"frame-ancestors 'self' {origins}")
        headers.add(name, value)
    if request.is_secure and "strict-transport-security" not in present:
        from flask import current_app

        headers.add(
            "Strict-Transport-Security",
            f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains",
        )
    # Only a response that looked at the user can be personal; loading the user just to ask
    # would cost every anonymous request (the API's above all) a session read.
    user = g.get("_login_user")
    if getattr(request, "private_page", False) or (user is not None and user.is_authenticated):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


class NoCookieSession(NullSession):
    """The session of a JSON API request: always empty; writing to it is a bug, said plainly."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The JSON API uses no cookies, so its requests have no session.")

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _refuse


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per set of keys instead of
    on every request (a tenth of an anonymous API request's time went there). The JSON API's
    requests get none: it uses no cookies, so nothing is read or written for them and its
    answers do not vary by cookie (no ``Vary: Cookie``); that spares a cached slots answer
    about a sixteenth of its CPU."""

    null_session_class = NoCookieSession

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PATH_PREFIX):
            return None  # Flask then hands the request a NoCookieSession and saves nothing
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = app.extensions.get("advising.session_signer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["advising.session_signer"] = cached
        return cached[1]


# --- logs: no URL secrets and no email addresses in any line ---------------------------------

REDACTED = "[redacted]"
# Routes whose next path segment is a secret (manage links, roadmaps, the API's booking
# tokens, advisors' feeds); tests/test_logs.py checks every rule with a <token> is covered.
TOKEN_ROUTE_PREFIXES = ("/b/", "/roadmap/", "/api/v1/bookings/", "/feeds/", "/password/reset/")
_SECRET_IN_PATH = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in TOKEN_ROUTE_PREFIXES) + r")[^/?#\s\"'.]+"
)
# Anything else shaped like a URL secret or its hash: 32 or more URL-safe characters with a
# digit or a capital (query strings, referers, tracebacks); lower-case names are left alone.
_TOKEN_SHAPED = re.compile(r"(?<![\w-])(?=[\w-]*[0-9A-Z])[\w-]{32,}(?![\w-])", re.ASCII)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
# The loggers that write request paths: the dev server's and gunicorn's access and error logs.
PATH_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """``text`` with secrets in paths, token-shaped strings and email addresses replaced."""
    text = _SECRET_IN_PATH.sub(lambda m: m.group(1) + REDACTED, text)
    text = _TOKEN_SHAPED.sub(REDACTED, text)
    return _EMAIL.sub("[email]", text)


class RedactSecrets(logging.Filter):
    """A logging filter that rewrites each record it sees through :func:`redact`: the message
    (formatted with its arguments), the traceback and the stack. SQLAlchemy's result rows
    (logged at DEBUG) are dropped from the message altogether. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("sqlalchemy.engine") and record.msg == "Row %r":
            record.args = ("[row hidden]",)
        try:
            message = record.getMessage()
        except Exception:  # a broken format: let the handler report it as usual
            return True
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_log_redaction(*loggers: logging.Logger | logging.Handler) -> None:
    """Put one :class:`RedactSecrets` on each logger or handler (again: no duplicate)."""
    for target in loggers:
        if not any(isinstance(f, RedactSecrets) for f in target.filters):
            target.addFilter(RedactSecrets())


def mark_embeddable() -> None:
    """Let this response be framed by the origins in EMBED_ALLOWED_ORIGINS (the booking
    widget on the firm's own site); every other page refuses framing."""
    request.embeddable = True  # type: ignore[attr-defined]


def read_only_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """For a view that only reads the database: its statements run without a transaction
    around them (:func:`advising.database.begin_read_only`), sparing two round trips a
    request on PostgreSQL; a write in it raises."""

    @functools.wraps(view)
    def reading(*args: Any, **kwargs: Any) -> Any:
        from advising.extensions import db

        begin_read_only(db.session)
        return view(*args, **kwargs)

    return reading


def _end_read_only_view(_error: BaseException | None) -> None:
    from advising.extensions import db

    if not db.session.registry.has():  # no session in this request: nothing to end
        return
    try:
        end_read_only(db.session)
    except SQLAlchemyError:  # the connection broke meanwhile: the pool discards it anyway
        log.warning("could not end a read-only session cleanly", exc_info=True)


def mark_private() -> None:
    """Mark the current response as personal data: never stored by caches."""
    request.private_page = True  # type: ignore[attr-defined]


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(DisconnectionError, handle_database_unavailable)
    app.session_interface = CookieSessionInterface()
    app.after_request(set_security_headers)
    app.teardown_request(_end_read_only_view)
    app.context_processor(navigation)
