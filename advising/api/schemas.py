"""Marshmallow schemas of the JSON API: they validate requests and describe the OpenAPI document.

Every schema ignores unknown fields. Every string has a length limit; text fields refuse
control characters and lone surrogates, so nothing odd reaches the database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, post_load, validate

from advising.scheduling import slots as engine
from advising.scheduling.models import BookingStatus
from advising.shared.emails import EMAIL_HELP, MAX_EMAIL_LENGTH, normalize_email
from advising.shared.instants import EARLIEST, LATEST, OUT_OF_RANGE, in_range
from advising.shared.zones import zone_names

MAX_SLOT_RANGE_DAYS = 62
DEFAULT_SLOT_RANGE_DAYS = 14

SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MULTILINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
PHONE_PATTERN = r"^[0-9+() .-]*$"
# A date, or a date and time with a UTC offset (ISO 8601 / RFC 3339).
# Years 2000-2099 only: the pattern states the range the API accepts.
WHEN_PATTERN = (
    r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}"
    r"([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,6})?)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
)
WHEN_RE = re.compile(WHEN_PATTERN.removesuffix("$"))
WHEN_HELP = (
    "Use a date (2026-03-02) or a date and time with a UTC offset (2026-03-02T09:00:00Z); "
    "in a URL, write + as %2B."
)
ZONE_ERROR = "Not a known IANA time zone (for example Europe/London or America/New_York)."


class Schema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE


# --- fields ----------------------------------------------------------------------------------


class Text(fields.String):
    """A string of at most ``max_length`` characters, trimmed, without control characters."""

    def __init__(
        self,
        *,
        max_length: int,
        min_length: int | None = None,
        multiline: bool = False,
        **kwargs: Any,
    ) -> None:
        extra = kwargs.pop("validate", None)
        validators: list[Any] = [validate.Length(min=min_length, max=max_length)]
        if extra is not None:
            validators.append(extra)
        # The control characters refused below, stated in the OpenAPI document as a pattern.
        bad = (MULTILINE_BAD if multiline else SINGLE_LINE_BAD).pattern
        kwargs["metadata"] = {"pattern": f"^[^{bad[1:-1]}]*$", **kwargs.get("metadata", {})}
        super().__init__(validate=validators, **kwargs)
        self.max_length = max_length
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        if (MULTILINE_BAD if self.multiline else SINGLE_LINE_BAD).search(text):
            raise ValidationError("Use letters, digits and ordinary punctuation only.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Not valid Unicode text.")
        return text.strip()


class EmailAddress(fields.Email):
    """An address mail and invites can carry (:mod:`advising.shared.emails`), normalised."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or len(value) > MAX_EMAIL_LENGTH:
            raise ValidationError(EMAIL_HELP)
        try:
            return normalize_email(value)
        except ValueError:
            raise ValidationError(EMAIL_HELP)


class StrictBoolean(fields.Boolean):
    """JSON true or false only (not 1, "yes" or "true")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Instant(fields.AwareDateTime):
    """An ISO 8601 date and time with a UTC offset, returned in UTC."""

    default_error_messages = {
        "invalid": "Not a valid date and time: use ISO 8601 with an offset, e.g. "
        "2026-03-02T14:00:00Z.",
        "invalid_awareness": "Include a UTC offset, e.g. 2026-03-02T14:00:00Z or "
        "2026-03-02T09:00:00-05:00.",
    }

    def __init__(self, **kwargs: Any) -> None:
        # The years 2000-2099 and the length, stated in the OpenAPI document.
        metadata = {"pattern": r"^20[0-9]{2}-", "maxLength": 40, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str):
            if len(value) > 40 or SINGLE_LINE_BAD.search(value):
                raise self.make_error("invalid")
            value = value.upper()  # RFC 3339 allows a lower-case t and z
        parsed = super()._deserialize(value, attr, data, **kwargs)
        return within_bounds(parsed)


def within_bounds(value: datetime) -> datetime:
    instant = in_range(value)
    if instant is None:
        raise ValidationError(OUT_OF_RANGE)
    return instant


def zone_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(zone_names(), error=ZONE_ERROR), **kwargs)


def utc_field(description: str) -> fields.DateTime:
    return fields.DateTime(required=True, metadata={"description": description})


# --- advisors and slots ----------------------------------------------------------------------


class AdvisorSchema(Schema):
    slug = fields.String(required=True)
    display_name = fields.String(required=True)
    bio = fields.String(required=True)
    specialties = fields.List(fields.String(), required=True)
    timezone = fields.String(
        required=True, metadata={"description": "The advisor's IANA time zone."}
    )


class SlotsQuerySchema(Schema):
    start = fields.String(
        validate=[validate.Length(max=40), validate.Regexp(WHEN_PATTERN, error=WHEN_HELP)],
        metadata={
            "description": "First instant (a date means local midnight in `tz`); "
            "default the current minute. A day the calendar does not have (2026-02-31) is a "
            "422 naming the field.",
            "example": "2026-03-02",
        },
    )
    end = fields.String(
        validate=[validate.Length(max=40), validate.Regexp(WHEN_PATTERN, error=WHEN_HELP)],
        metadata={
            "description": "Last instant, exclusive (a date means the end of that day in `tz`); "
            f"default {DEFAULT_SLOT_RANGE_DAYS} days after start; must be after `start` and at "
            f"most {MAX_SLOT_RANGE_DAYS} days after it (422 naming `end` otherwise).",
            "example": "2026-03-15",
        },
    )
    tz = zone_field(
        metadata={
            "description": "IANA zone for `local_start`/`local_end` and for dates; "
            "default the advisor's zone."
        }
    )

    @post_load
    def _resolve(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Leaves ``start``/``end`` as raw strings plus ``tz``; the view resolves them with the
        advisor's zone (see :func:`resolve_range`). Syntax is checked here."""
        for name in ("start", "end"):
            if name in data and not WHEN_RE.fullmatch(data[name]):
                raise ValidationError(WHEN_HELP, field_name=name)
        return data


@lru_cache(maxsize=4096)
def _parse_when(raw: str, zone: str, *, end: bool, field_name: str) -> datetime:
    """The UTC instant a ``start``/``end`` value names (a date: its local midnight in ``zone``,
    or the next one for an ``end``), kept per process: slot queries repeat the same few
    values; one that fails is checked again each time."""
    if not WHEN_RE.fullmatch(raw):
        raise ValidationError(WHEN_HELP, field_name=field_name)
    if len(raw) == 10:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise ValidationError("Not a valid date.", field_name=field_name)
        if not EARLIEST.year <= day.year < LATEST.year:
            raise ValidationError(OUT_OF_RANGE, field_name=field_name)
        first, after = engine.local_day_bounds(day, zone)
        return after if end else first
    try:
        parsed = datetime.fromisoformat(raw.replace(",", ".").upper())
    except ValueError:
        raise ValidationError("Not a valid date and time.", field_name=field_name)
    try:
        return within_bounds(parsed)
    except ValidationError as error:
        raise ValidationError(error.messages, field_name=field_name)


def resolve_range(query: dict[str, Any], zone: str, now: datetime) -> tuple[datetime, datetime]:
    """The UTC ``[start, end)`` a slots query asks for, or a ValidationError naming the field."""
    errors: dict[str, list[str]] = {}
    start = end = None
    try:
        start = (
            _parse_when(query["start"], zone, end=False, field_name="start")
            if "start" in query
            else now
        )
    except ValidationError as error:
        errors.update(error.normalized_messages())
    try:
        if "end" in query:
            end = _parse_when(query["end"], zone, end=True, field_name="end")
        elif start is not None:
            end = start + timedelta(days=DEFAULT_SLOT_RANGE_DAYS)
    except ValidationError as error:
        errors.update(error.normalized_messages())
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    if end <= start:
        raise ValidationError({"end": ["Must be after start."]})
    # An hour of slack: a range of local days may include a daylight-saving change.
    if end - start > timedelta(days=MAX_SLOT_RANGE_DAYS, hours=1):
        raise ValidationError({"end": [f"The range may cover at most {MAX_SLOT_RANGE_DAYS} days."]})
    return start, end


class SlotSchema(Schema):
    start = utc_field("Start in UTC.")
    end = utc_field("End in UTC.")
    local_start = fields.DateTime(
        required=True, metadata={"description": "Start in `timezone`, with its UTC offset."}
    )
    local_end = fields.DateTime(
        required=True, metadata={"description": "End in `timezone`, with its UTC offset."}
    )
    timezone = fields.String(required=True)


class SlotsSchema(Schema):
    advisor = fields.String(required=True, metadata={"description": "The advisor's slug."})
    timezone = fields.String(required=True)
    start = utc_field("Start of the range asked for, in UTC.")
    end = utc_field("End of the range asked for, in UTC.")
    slots = fields.List(fields.Nested(SlotSchema), required=True)


# --- bookings --------------------------------------------------------------------------------


class BookingCreateSchema(Schema):
    advisor = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=80), validate.Regexp(SLUG_PATTERN)],
        metadata={
            "description": "The slug of a bookable advisor (see `GET /advisors`); another "
            "slug is a 422 naming `advisor`.",
            "example": "maria-lopez",
        },
    )
    start = Instant(
        required=True,
        metadata={
            "description": "Start of a free slot, ISO 8601 with a UTC offset.",
            "example": "2026-03-02T14:00:00Z",
        },
    )
    name = Text(required=True, min_length=1, max_length=120)
    email = EmailAddress(
        required=True,
        validate=validate.Length(max=MAX_EMAIL_LENGTH),
        metadata={"description": "A plain address; the confirmation and invitation go here."},
    )
    phone = Text(
        max_length=40,
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(PHONE_PATTERN, error="Use digits, spaces and + ( ) - only."),
    )
    topic = Text(max_length=2000, multiline=True, load_default="")
    timezone = zone_field(required=True, metadata={"description": "The visitor's IANA time zone."})
    consent = StrictBoolean(
        required=True,
        validate=validate.Equal(
            True, error="We need your agreement to store your details for the booking."
        ),
        metadata={"description": "Agreement to store the details; must be true."},
    )

    @post_load
    def _clean(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["phone"] = data.get("phone") or None
        return data


class RescheduleSchema(Schema):
    start = Instant(
        required=True,
        metadata={
            "description": "The new start, ISO 8601 with a UTC offset.",
            "example": "2026-03-03T15:00:00Z",
        },
    )


class CancelSchema(Schema):
    reason = Text(
        max_length=1000,
        multiline=True,
        load_default="",
        metadata={"description": "Why (optional); may also be sent as a JSON body."},
    )


class AdvisorSummarySchema(Schema):
    slug = fields.String(required=True)
    display_name = fields.String(required=True)
    timezone = fields.String(required=True)


class BookingSchema(Schema):
    status = fields.String(
        required=True,
        validate=validate.OneOf([status.value for status in BookingStatus]),
    )
    advisor = fields.Nested(AdvisorSummarySchema, required=True)
    start = utc_field("Start in UTC.")
    end = utc_field("End in UTC.")
    timezone = fields.String(required=True, metadata={"description": "The visitor's zone."})
    local_start = fields.DateTime(
        required=True, metadata={"description": "Start in the visitor's zone."}
    )
    local_end = fields.DateTime(
        required=True, metadata={"description": "End in the visitor's zone."}
    )
    name = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True, allow_none=True)
    topic = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    cancelled_at = fields.DateTime(required=True, allow_none=True)
    cancel_reason = fields.String(required=True, allow_none=True)
    hold_expires_at = fields.DateTime(
        required=True,
        allow_none=True,
        metadata={
            "description": "A `held` booking is released unless the visitor confirms it "
            "with the link in the confirmation mail (which carries a key; `manage_url` "
            "alone does not confirm) before this instant; "
            "null otherwise."
        },
    )
    manage_url = fields.String(
        required=True, metadata={"description": "The visitor's private page for this booking."}
    )


class BookingCreatedSchema(BookingSchema):
    manage_token = fields.String(
        required=True,
        metadata={
            "description": "Secret for /api/v1/bookings/{token}; shown only once, keep it private."
        },
    )


# --- errors ----------------------------------------------------------------------------------


class ErrorSchema(Schema):
    """Every error response (flask-smorest's format)."""

    code = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = fields.String(required=True, metadata={"description": "HTTP status name"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for people"})
    errors = fields.Dict(
        metadata={
            "description": "Field errors by location, then field: "
            '{"json": {"email": ["Not a valid email address."]}}'
        }
    )


class ConflictSchema(ErrorSchema):
    """The time asked for is not free (or the booking can no longer change)."""

    alternatives = fields.List(
        fields.Nested(SlotSchema),
        metadata={"description": "The nearest free slots, when the time was taken."},
    )
