"""Booking, manage-link and booking-rules forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from advising.database import utcnow
from advising.shared.emails import EMAIL_HELP, MAX_EMAIL_LENGTH, normalize_email
from advising.shared.text import has_control_characters
from advising.shared.tokens import well_formed
from advising.shared.zones import is_zone, zone_choices

DURATIONS = (15, 20, 30, 45, 60, 75, 90)
INTERVALS = (10, 15, 20, 30, 60)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RANGES_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$")


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 instant with an offset (as slot links carry), in UTC; None when invalid."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def parse_ranges(text: str) -> list[tuple[time, time]]:
    """'09:00-12:00, 13:00-17:00' -> [(09:00, 12:00), (13:00, 17:00)]; 24:00 ends a day."""
    ranges = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = RANGES_RE.match(part)
        if not match:
            raise ValueError(f"“{part}” is not a range like 09:00-17:00.")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
            raise ValueError(f"“{part}” has an impossible time.")
        start, end = time(h1, m1), time(0) if h2 == 24 else time(h2, m2)
        if end != time(0) and end <= start:
            raise ValueError(f"“{part}” ends before it starts.")
        ranges.append((start, end))
    return ranges


def format_ranges(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{s:%H:%M}-{'24:00' if e == time(0) else f'{e:%H:%M}'}" for s, e in ranges)


CONTROL_CHARACTERS_MESSAGE = "Use letters, digits and ordinary punctuation only."


def _single_line(form: FlaskForm, field: StringField) -> None:
    if has_control_characters(field.data):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE)


def _plain_text(form: FlaskForm, field: StringField) -> None:
    """Text that may span lines, but holds no NUL or other control characters."""
    if has_control_characters(field.data, allow_newlines=True):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE)


def deliverable_email(form: FlaskForm, field: StringField) -> None:
    """The address as mail and invites will carry it (:mod:`advising.shared.emails`)."""
    try:
        field.data = normalize_email(field.data)
    except ValueError:
        raise ValidationError(EMAIL_HELP)


class SlotField(HiddenField):
    """The chosen slot: a hidden input, overridden by the slot button the person clicked.

    Buttons come after the hidden input in the page, so the last non-empty value wins.
    """

    def process_formdata(self, valuelist: list[str]) -> None:
        chosen = [value for value in valuelist if value]
        self.data = chosen[-1] if chosen else ""


class ZoneForm(FlaskForm):
    """The visitor's time-zone picker on slot pages (GET, no CSRF)."""

    class Meta:
        csrf = False

    tz = SelectField("Show times in", validators=[Optional()], render_kw={"data-zone-search": ""})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz.choices = [SelectChoice(z, label) for z, label in zone_choices(utcnow())]


class BookingForm(FlaskForm):
    start = SlotField(validators=[DataRequired()])
    tz = HiddenField()
    name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=MAX_EMAIL_LENGTH), deliverable_email],
        description="We send the confirmation and calendar invitation here.",
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(
        "Phone (optional)",
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9+() .-]+$", message="Use digits, spaces and + ( ) - only."),
        ],
        render_kw={"autocomplete": "tel"},
    )
    topic = TextAreaField(
        "What would you like to discuss?",
        validators=[Optional(), Length(max=2000), _plain_text],
        description="For example: which credential fits me, how to fit study around work.",
    )
    consent = BooleanField(
        "I agree that my details are stored to arrange this consultation.",
        validators=[
            DataRequired(message="We need your agreement to store your details for the booking.")
        ],
    )
    submit = SubmitField("Book this time")
    intake = HiddenField()  # the roadmap's token when booking from it, kept between posts
    form_key = HiddenField()  # one key per form shown: a resubmission books at most once
    # A honeypot: hidden from people (and assistive technology), filled in by form robots.
    website = StringField(
        "Leave this empty",
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )

    validate_name = _single_line

    def validate_intake(self, field: HiddenField) -> None:
        _single_line(self, field)
        if field.data and not well_formed(field.data):
            field.data = ""

    def validate_start(self, field: HiddenField) -> None:
        if parse_instant(field.data) is None:
            raise ValidationError("Choose a time from the list.")

    def validate_tz(self, field: HiddenField) -> None:
        _single_line(self, field)
        if field.data and not is_zone(field.data):
            field.data = ""

    @property
    def start_instant(self) -> datetime | None:
        return parse_instant(self.start.data)

    @property
    def caught_robot(self) -> bool:
        """Whether the honeypot was filled in."""
        return bool((self.website.data or "").strip())


class RescheduleForm(FlaskForm):
    start = SlotField(validators=[DataRequired(message="Choose a new time.")])

    def validate_start(self, field: HiddenField) -> None:
        if parse_instant(field.data) is None:
            raise ValidationError("Choose a time from the list.")

    @property
    def start_instant(self) -> datetime | None:
        return parse_instant(self.start.data)


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm my booking")


class EraseForm(FlaskForm):
    submit = SubmitField("Delete my personal data")


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Reason (optional)",
        validators=[Optional(), Length(max=1000), _plain_text],
        description="It helps your advisor; you can leave it empty.",
    )
    submit = SubmitField("Cancel the consultation")


class BookingRulesForm(FlaskForm):
    duration_minutes = SelectField(
        "Consultation length",
        coerce=int,
        choices=[SelectChoice(m, f"{m} minutes") for m in DURATIONS],
    )
    interval_minutes = SelectField(
        "Start times every",
        coerce=int,
        choices=[SelectChoice(m, f"{m} minutes") for m in INTERVALS],
    )
    buffer_before_minutes = IntegerField(
        "Buffer before (minutes)", validators=[InputRequired(), NumberRange(0, 240)]
    )
    buffer_after_minutes = IntegerField(
        "Buffer after (minutes)", validators=[InputRequired(), NumberRange(0, 240)]
    )
    min_notice_hours = IntegerField(
        "Minimum notice (hours)", validators=[InputRequired(), NumberRange(0, 24 * 30)]
    )
    horizon_days = IntegerField(
        "Bookable up to (days ahead)", validators=[InputRequired(), NumberRange(1, 365)]
    )
    max_per_day = IntegerField(
        "Most consultations per day",
        validators=[Optional(), NumberRange(1, 48)],
        description="Leave empty for no limit.",
    )
    reschedule_cutoff_hours = IntegerField(
        "Visitors may reschedule until (hours before)",
        validators=[InputRequired(), NumberRange(0, 24 * 14)],
    )
    cancel_cutoff_hours = IntegerField(
        "Visitors may cancel until (hours before)",
        validators=[InputRequired(), NumberRange(0, 24 * 14)],
    )
    hold_minutes = IntegerField(
        "Hold new bookings until the visitor confirms (minutes)",
        validators=[Optional(), NumberRange(5, 24 * 60)],
        description="The link in the confirmation mail confirms the booking within this time; "
        "otherwise the time is released. Leave empty to confirm bookings straight away.",
    )
    booking_enabled = BooleanField("Accept new bookings")
    monday = StringField("Monday")
    tuesday = StringField("Tuesday")
    wednesday = StringField("Wednesday")
    thursday = StringField("Thursday")
    friday = StringField("Friday")
    saturday = StringField("Saturday")
    sunday = StringField("Sunday")
    submit = SubmitField("Save booking rules")

    DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for name in self.DAY_FIELDS:
            try:
                parse_ranges(self[name].data)
            except ValueError as error:
                self[name].errors = [*self[name].errors, str(error)]
                ok = False
        return ok

    def weekly(self) -> dict[int, list[tuple[time, time]]]:
        return {i: parse_ranges(self[name].data) for i, name in enumerate(self.DAY_FIELDS)}


class DateOverrideForm(FlaskForm):
    day = DateField("Date", validators=[DataRequired(message="Pick a date.")])
    day_off = BooleanField("Day off (no consultations)")
    hours = StringField(
        "Hours that day",
        validators=[Optional(), Length(max=200)],
        description="For example 10:00-14:00. Replaces your weekly hours on that date.",
    )
    submit = SubmitField("Add date")

    def validate_hours(self, field: StringField) -> None:
        if not self.day_off.data:
            if not (field.data or "").strip():
                raise ValidationError("Enter hours, or tick “Day off”.")
            try:
                parse_ranges(field.data)
            except ValueError as error:
                raise ValidationError(str(error))
