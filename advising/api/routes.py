"""The JSON API under /api/v1, described by /api/v1/openapi.json (flask-smorest).

The API uses no cookies: it is exempt from CSRF and rate-limited per address. Errors are
rendered by the app's error handler (advising.web), which calls :func:`render_json_error` for
paths under /api/, so HTML pages keep their HTML error pages.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, request, url_for
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from advising.advisors import services as advisors
from advising.advisors.models import AdvisorProfile
from advising.api.schemas import (
    SLUG_PATTERN,
    SLUG_RE,
    AdvisorSchema,
    BookingCreatedSchema,
    BookingCreateSchema,
    BookingSchema,
    CancelSchema,
    ConflictSchema,
    ErrorSchema,
    RescheduleSchema,
    SlotsQuerySchema,
    SlotsSchema,
    resolve_range,
)
from advising.database import utcnow
from advising.extensions import csrf, limiter
from advising.scheduling import limits, request_keys, services
from advising.scheduling import slots as engine
from advising.scheduling.models import Actor, Booking
from advising.web import mark_private

ERROR_RENDERER_KEY = "advising.api_errors"


class KeptQueryParser(FlaskParser):
    """webargs' Flask parser that keeps, per process, what each query string parsed to for a
    schema: clients ask for slots with the same few query strings again and again, and parsing
    one was an eighth of a cached slots answer's CPU. A query that fails to parse is parsed
    (and refused) every time; bodies are always parsed."""

    KEPT = 1024  # query strings per process; all are forgotten when more come

    def __init__(self) -> None:
        super().__init__()
        self._kept: dict[tuple[Any, ...], dict[str, Any]] = {}

    def parse(self, argmap: Any, req: Any = None, *, location: str | None = None, **kwargs: Any):
        if location != "query" or not isinstance(argmap, Schema) or kwargs.get("validate"):
            return super().parse(argmap, req, location=location, **kwargs)
        # Left out and None are different asks of webargs ("unknown"), so both are in the key.
        unknown = ("unknown" in kwargs, kwargs.get("unknown"))
        key = (argmap, unknown, (req or request).query_string)
        if (kept := self._kept.get(key)) is not None:
            return dict(kept)
        parsed = super().parse(argmap, req, location=location, **kwargs)
        # Only plain values are kept: a list or an object would be shared between requests.
        if isinstance(parsed, dict) and all(isinstance(v, str | int) for v in parsed.values()):
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            self._kept[key] = dict(parsed)
        return parsed


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = KeptQueryParser()


blp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Advisors, their free slots, and bookings made and managed with a private token.",
)
limiter.shared_limit(lambda: current_app.config["API_LIMIT_PER_ADDRESS"], scope="api")(blp)

ERROR_MESSAGES = {
    400: "The request could not be understood; send a JSON object.",
    404: "Not found.",
    405: "That method is not allowed here.",
    413: "The request is too large.",
    422: "Some fields are missing or invalid.",
    429: "Too many requests from your address; please wait a minute and try again.",
    500: "An unexpected error happened on our side.",
}
ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    404: "Not found.",
    409: "The time is not free (with the nearest free slots), or the booking can no longer change.",
    429: "Too many requests from this address, or too many bookings from it or for the email.",
}
PASSED_HEADERS = {"allow", "retry-after"}
SLUG_PARAMETER = {
    "in": "path",
    "name": "slug",
    "description": "The advisor's slug, as listed by /api/v1/advisors.",
    "schema": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80},
    "example": "maria-lopez",
}
TOKEN_PARAMETER = {
    "in": "path",
    "name": "token",
    "description": "The booking's private `manage_token`.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


class AdvisingApi(Api):
    """flask-smorest's Api without its app-wide HTTPException handler, which would turn every
    HTML error page into JSON; advising.web's handler calls :func:`render_json_error`."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # every status an operation answers is listed

    def _register_error_handlers(self) -> None:
        return None


def render_json_error(error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
    """flask-smorest's error payload: ``{"code", "status", "message", "errors"?}``; a 409
    from a taken slot adds ``alternatives``."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    payload: dict[str, Any] = {
        "code": code,
        "status": error.name,
        "message": data.get("message") or ERROR_MESSAGES.get(code) or error.description or "",
    }
    errors = data.get("errors") or data.get("messages")
    if errors:
        payload["errors"] = errors
    if "alternatives" in data:
        payload["alternatives"] = data["alternatives"]
    headers = {name: value for name, value in error.get_headers() if name.lower() in PASSED_HEADERS}
    headers.update(data.get("headers") or {})
    return payload, code, headers


def documented(*codes: int):
    """Document the error responses of an operation (429 always)."""

    def decorator(func):
        for code in sorted({*codes, 429}, reverse=True):
            schema = ConflictSchema if code == 409 else ErrorSchema
            func = blp.alt_response(code, schema=schema, description=ERROR_DESCRIPTIONS.get(code))(
                func
            )
        return func

    return decorator


# --- helpers ---------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _slot_payload(slot: engine.Slot, zone: str) -> dict[str, Any]:
    tz = _zone(zone)
    return {
        "start": slot.start,
        "end": slot.end,
        "local_start": slot.start.astimezone(tz),
        "local_end": slot.end.astimezone(tz),
        "timezone": zone,
    }


def _advisor_or_404(slug: str) -> advisors.BookableAdvisor:
    advisor = advisors.bookable_advisor(slug) if SLUG_RE.fullmatch(slug) else None
    if advisor is None and SLUG_RE.fullmatch(slug):  # an address the advisor had before
        moved = advisors.advisor_by_former_slug(slug)
        advisor = advisors.bookable_advisor(moved.slug) if moved is not None else None
    if advisor is None:
        abort(404, message="No bookable advisor has that address.")
    return advisor


def _booking_or_404(token: str) -> Booking:
    booking = services.booking_by_token(token)
    if booking is None:
        abort(404, message="No booking has that token.")
    mark_private()
    return booking


def manage_url(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("scheduling.manage", token=token)


def _booking_payload(booking: Booking, token: str) -> dict[str, Any]:
    tz = _zone(booking.visitor_timezone)
    return {
        "status": booking.status,
        "advisor": booking.advisor,
        "start": booking.start_at,
        "end": booking.end_at,
        "timezone": booking.visitor_timezone,
        "local_start": booking.start_at.astimezone(tz),
        "local_end": booking.end_at.astimezone(tz),
        "name": booking.visitor_name,
        "email": booking.visitor_email,
        "phone": booking.visitor_phone,
        "topic": booking.topic or "",
        "created_at": booking.created_at,
        "cancelled_at": booking.cancelled_at,
        "cancel_reason": booking.cancel_reason,
        "hold_expires_at": booking.hold_expires_at,
        "manage_url": manage_url(token),
    }


def _slot_taken(taken: services.SlotTaken, zone: str) -> NoReturn:
    abort(
        409,
        message="That time was just taken.",
        alternatives=ConflictSchema().dump(
            {"alternatives": [_slot_payload(s, zone) for s in taken.alternatives]}
        )["alternatives"],
    )


def _refused(error: services.BookingError) -> NoReturn:
    abort(409, message=str(error))


# --- advisors and slots ----------------------------------------------------------------------


@blp.get("/advisors")
@blp.response(200, AdvisorSchema(many=True))
@documented()
def list_advisors() -> list[AdvisorProfile]:
    """Advisors

    Every advisor who takes bookings, by name.
    """
    return advisors.active_advisors()


@blp.get("/advisors/<slug>/slots", parameters=[{**SLUG_PARAMETER}])
@blp.arguments(SlotsQuerySchema(), location="query")
@blp.response(200, SlotsSchema)
@documented(404)
def advisor_slots(query: dict[str, Any], slug: str) -> Response:
    """Free slots of an advisor

    Bookable slots starting in [start, end), in UTC with local times in `tz`. The range may
    cover at most 62 days.
    """
    advisor = _advisor_or_404(slug)
    zone = query.get("tz") or advisor.timezone
    now = utcnow()
    try:
        # The default start is the current minute: slots lie past now + notice anyway, and a
        # minute's requests then share one cached answer.
        start, end = resolve_range(query, zone, now.replace(second=0, microsecond=0))
    except ValidationError as error:
        abort(422, errors={"query": error.normalized_messages()})

    def render(starts: list[datetime], duration: timedelta) -> bytes:
        return slots_json(advisor.slug, zone, start, end, starts, duration)

    body = services.slots_view(advisor, start, end, now, render, view=("api-json", zone))
    return Response(body, mimetype="application/json")


@lru_cache(maxsize=1 << 15)
def _slot_text(start: datetime, duration: timedelta, zone: str) -> str:
    """One slot of :class:`SlotsSchema` as compact JSON, for an aware UTC ``start`` lasting
    ``duration``, shown in ``zone``, kept per process: slot answers repeat the same grid of
    slots request after request. One lookup per slot writes 28 days of slots in half the time
    that a kept text per instant, two lookups and a format per slot, took; keyed by the length
    rather than the end, a lookup neither makes nor hashes a second instant (a tenth of an
    uncached 28-day answer's instructions)."""
    tz, quoted_zone, end = _zone(zone), json.dumps(zone), start + duration
    return (
        f'{{"end":"{end.isoformat()}","local_end":"{end.astimezone(tz).isoformat()}",'
        f'"start":"{start.isoformat()}","local_start":"{start.astimezone(tz).isoformat()}",'
        f'"timezone":{quoted_zone}}}'
    )


def slots_json(
    slug: str,
    zone: str,
    start: datetime,
    end: datetime,
    starts: list[datetime],
    duration: timedelta,
) -> bytes:
    """The body :class:`SlotsSchema` describes for the slots beginning at ``starts`` (aware
    UTC, sorted, each lasting ``duration``), written directly as compact JSON: a slots answer
    is the API's hottest path, and marshmallow's per-field dump, or even a dict and two
    ``isoformat`` calls per slot for the JSON encoder, would be most of its cost (a test
    checks the document is the one the schema dumps)."""
    quoted_zone = json.dumps(zone)
    items = [_slot_text(s, duration, zone) for s in starts]
    head = f'{{"advisor":{json.dumps(slug)},"end":"{end.isoformat()}","slots":['
    tail = f'],"start":"{start.isoformat()}","timezone":{quoted_zone}}}\n'
    return (head + ",".join(items) + tail).encode()


# --- bookings --------------------------------------------------------------------------------


IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "A key of your choice (for example a UUID) that makes the request safe to "
    "retry: a repeat with the same key and body returns the first answer (the same booking and "
    "`manage_token`) and books nothing more; the same key with another body is refused (422).",
    "schema": {"type": "string", "minLength": 8, "maxLength": 200, "pattern": "^[!-~]+$"},
}
IDEMPOTENCY_KEY_RE = re.compile(r"^[!-~]{8,200}$")


def _request_key(body: dict[str, Any]) -> request_keys.RequestKey | None:
    """The request's Idempotency-Key, checked, as a key for the booking service."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY_RE.fullmatch(key):
        abort(
            422,
            errors={"headers": {"Idempotency-Key": ["Use 8 to 200 visible ASCII characters."]}},
        )
    return request_keys.request_key(
        request_keys.API,
        key,
        current_app.config["SECRET_KEY"],
        *(body[name] for name in ("advisor", "start", "name", "email", "timezone", "topic")),
    )


@blp.post("/bookings", parameters=[IDEMPOTENCY_PARAMETER])
@blp.arguments(BookingCreateSchema)
@blp.response(201, BookingCreatedSchema)
@documented(400, 409)
def create_booking(body: dict[str, Any]) -> dict[str, Any]:
    """Book a consultation

    Books `start` (a free slot) with the advisor. Answers 409 with the nearest free slots
    when the time is no longer free. The `manage_token` in the answer is shown only once,
    unless the request carries an `Idempotency-Key`: then a retry gets the same answer.
    """
    slug = body["advisor"]
    advisor = (
        advisors.advisor_by_slug(slug) or advisors.advisor_by_former_slug(slug)
        if SLUG_RE.fullmatch(slug)
        else None
    )
    if advisor is None:
        abort(422, errors={"json": {"advisor": ["No bookable advisor has that slug."]}})
    keyed = _request_key(body)
    visitor = services.VisitorDetails(
        name=body["name"],
        email=body["email"],
        phone=body["phone"],
        topic=body["topic"],
        timezone=body["timezone"],
    )
    try:
        limits.count_booking_attempt(request.remote_addr, visitor.email)
        booking, token = services.book(advisor, body["start"], visitor, request=keyed)
    except request_keys.KeyReused as error:
        abort(422, errors={"headers": {"Idempotency-Key": [str(error)]}})
    except services.SlotTaken as taken:
        _slot_taken(taken, body["timezone"])
    except limits.BookingLimited as error:
        abort(
            429,
            message=str(error),
            errors={"json": {error.field: [str(error)]}} if error.field else None,
            headers={"Retry-After": str(error.retry_after)},
        )
    except services.TooManyUpcoming as error:
        abort(422, message=str(error), errors={"json": {error.field: [str(error)]}})
    except services.BookingError as error:
        _refused(error)
    mark_private()
    return {**_booking_payload(booking, token), "manage_token": token}


@blp.get("/bookings/<token>", parameters=[{**TOKEN_PARAMETER}])
@blp.response(200, BookingSchema)
@documented(404)
def get_booking(token: str) -> dict[str, Any]:
    """A booking

    The booking the private token belongs to.
    """
    return _booking_payload(_booking_or_404(token), token)


def _reason_from_body(default: str) -> str:
    """DELETE may carry ``{"reason": ...}`` as JSON instead of the query parameter."""
    if not request.is_json or not request.get_data(cache=True):
        return default
    body = request.get_json(silent=True, cache=True)
    if body is None:
        abort(400, errors={"json": ["Invalid JSON body."]})
    try:
        reason = CancelSchema().load(body)["reason"]
    except ValidationError as error:
        abort(422, errors={"json": error.normalized_messages()})
    return reason or default


@blp.delete("/bookings/<token>", parameters=[{**TOKEN_PARAMETER}])
@blp.arguments(CancelSchema, location="query")
@blp.response(200, BookingSchema)
@documented(400, 404, 409)
def cancel_booking(query: dict[str, Any], token: str) -> dict[str, Any]:
    """Cancel a booking

    Cancels the booking (until the advisor's cut-off before it starts; 409 after that, or
    when it is already cancelled). The reason may also come as a JSON body `{"reason": ...}`.
    """
    reason = _reason_from_body(query["reason"])
    booking = _booking_or_404(token)
    try:
        booking = services.cancel(booking, reason=reason, by=Actor.VISITOR)
    except services.BookingError as error:
        _refused(error)
    return _booking_payload(booking, token)


@blp.post("/bookings/<token>/reschedule", parameters=[{**TOKEN_PARAMETER}])
@blp.arguments(RescheduleSchema)
@blp.response(200, BookingSchema)
@documented(400, 404, 409)
def reschedule_booking(body: dict[str, Any], token: str) -> dict[str, Any]:
    """Move a booking

    Moves the booking to `start` (until the advisor's cut-off). Answers 409 with the nearest
    free slots when the new time is not free.
    """
    booking = _booking_or_404(token)
    zone = booking.visitor_timezone
    try:
        booking = services.reschedule(booking, body["start"], by=Actor.VISITOR, manage_token=token)
    except services.SlotTaken as taken:
        _slot_taken(taken, zone)
    except services.BookingError as error:
        _refused(error)
    return _booking_payload(booking, token)


ICS_SCHEMA = {"type": "string", "format": "binary"}


@blp.get("/bookings/<token>/invite.ics", parameters=[{**TOKEN_PARAMETER}])
@blp.response(
    200,
    ICS_SCHEMA,
    content_type="text/calendar",
    description="An iCalendar file: METHOD:PUBLISH, or METHOD:CANCEL once cancelled.",
)
@documented(404)
def booking_invite(token: str) -> Response:
    """Calendar invite of a booking

    The booking as an iCalendar file for the visitor's calendar.
    """
    from advising.invites.downloads import booking_ics  # the invites feature owns the format

    booking = _booking_or_404(token)
    response = Response(booking_ics(booking, token), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="consultation.ics"'
    return response


# --- registration ----------------------------------------------------------------------------


API_DESCRIPTION = (
    "Book consultations with advisors. Times are ISO 8601: instants in UTC, local times with "
    "their UTC offset and IANA zone. No cookies or CSRF tokens; requests are rate-limited per "
    "address. Errors are JSON `{code, status, message, errors?}`; 422 names the fields."
)


def register(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Advising API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": API_DESCRIPTION}})
    api = AdvisingApi(app)
    api.register_blueprint(blp)
    csrf.exempt(blp)
    app.extensions[ERROR_RENDERER_KEY] = render_json_error
