"""Booking, manage-link and booking-rules forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

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
from advising.forms import RememberedSelect, zone_select_choices
from advising.shared.emails import EMAIL_HELP, MAX_EMAIL_LENGTH, normalize_email
from advising.shared.instants import in_range
from advising.shared.text import has_control_characters
from advising.shared.tokens import well_formed
from advising.shared.zones import offered_zone

DURATIONS = (15, 20, 30, 45, 60, 75, 90)
INTERVALS = (10, 15, 20, 30, 60)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(?:([ap])\.?\s*m?\.?)?"
RANGE_RE = re.compile(
    rf"^\s*{_CLOCK}\s*(?:[-\u2013\u2014]|to)\s*{_CLOCK}\s*$", re.IGNORECASE
)


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 instant with an offset (as slot links carry), in UTC; None when invalid or
    outside the years 2000-2099 (a typed link must not overflow the date arithmetic)."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return in_range(parsed)


# A range typed without AM/PM that starts before 7 is read in the afternoon ('1-5', '5-9');
# '05:00-09:00' (a leading zero) stays a 24-hour morning.
EARLIEST_BARE_HOUR = 7


def parse_ranges(text: str) -> list[tuple[time, time]]:
    """Hours typed as ranges, 12-hour or 24-hour: '9:00 AM-12:00 PM, 1pm-5pm' or
    '09:00-12:00, 13:00-17:00' -> [(09:00, 12:00), (13:00, 17:00)]. One side's AM/PM serves
    the other where that reads as a range ('9-11 AM', '11-1 PM'), '9-5' is 9 AM to 5 PM and
    '1-5' 1 PM to 5 PM (see EARLIEST_BARE_HOUR);
    24:00 or 12 AM at the end ends the day. ValueError says which range is wrong and why
    (overlapping ranges included)."""
    ranges = []
    typed = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = RANGE_RE.match(part)
        if not match:
            raise ValueError(f"“{part}” is not a range like 9:00 AM-5:00 PM.")
        h1, m1, half1, h2, m2, half2 = match.groups()
        half1, half2 = _bare_halves(h1, m1, half1, h2, m2, half2)
        start_minutes, end_minutes = _range_minutes(
            (int(h1), int(m1 or 0), (half1 or "").lower()),
            (int(h2), int(m2 or 0), (half2 or "").lower()),
        )
        if start_minutes is None or end_minutes is None:
            raise ValueError(f"“{part}” has an impossible time.")
        if end_minutes <= start_minutes:
            raise ValueError(f"“{part}” ends before it starts.")
        start = time(start_minutes // 60, start_minutes % 60)
        end = time(0) if end_minutes == 24 * 60 else time(end_minutes // 60, end_minutes % 60)
        ranges.append((start, end))
        typed.append(part)
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    for before, after in pairwise(order):
        end = ranges[before][1]
        if end == time(0) or end > ranges[after][0]:
            raise ValueError(f"“{typed[before]}” and “{typed[after]}” overlap.")
    return ranges


def _bare_halves(
    h1: str, m1: str | None, half1: str | None, h2: str, m2: str | None, half2: str | None
) -> tuple[str | None, str | None]:
    """AM/PM for a range typed with neither, on a 12-hour clock face (no leading zero, no
    hour over 12): one starting before EARLIEST_BARE_HOUR is the afternoon ('1-5', '5-9'),
    and one whose end comes round past its start ends in the afternoon ('9-5', '8:30-4:30')."""
    if half1 or half2 or h1.startswith("0") or h2.startswith("0"):
        return half1, half2
    start, end = int(h1), int(h2)
    if not (1 <= start <= 12 and 1 <= end <= 12):
        return half1, half2
    if start < EARLIEST_BARE_HOUR and start < end:
        return "p", "p"
    if end * 60 + int(m2 or 0) <= start * 60 + int(m1 or 0):
        return half1, "p"
    return half1, half2


def _range_minutes(
    start: tuple[int, int, str], end: tuple[int, int, str]
) -> tuple[int | None, int | None]:
    """Minutes after midnight of a range's two ends (the end may be 24:00), or None for an
    end that is no time of day."""
    if start[2] and not end[2]:
        first = _clock_minutes(*start)
        end = _guess_half(end, start[2], lambda e: first is not None and e > first)
    elif end[2] and not start[2]:
        last = _clock_minutes(*end, ends_range=True)
        start = _guess_half(start, end[2], lambda s: last is not None and s < last)
    return _clock_minutes(*start), _clock_minutes(*end, ends_range=True)


def _guess_half(clock: tuple[int, int, str], other: str, fits) -> tuple[int, int, str]:
    """A side typed without AM/PM, beside one typed with it: the other side's half of the day
    if the range then reads forwards, else the other half; a 24-hour time stays as it is."""
    hour, minute, _ = clock
    if not 1 <= hour <= 12:
        return clock
    for half in (other, "p" if other == "a" else "a"):
        minutes = _clock_minutes(hour, minute, half)
        if minutes is not None and fits(minutes):
            return hour, minute, half
    return hour, minute, other


def _clock_minutes(hour: int, minute: int, half: str, ends_range: bool = False) -> int | None:
    """Minutes after midnight of a clock time ('' for 24-hour, 'a' or 'p'), or None."""
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
        if ends_range and hour == 0 and minute == 0:
            return 24 * 60  # "to 12 AM": the end of the day
        return hour * 60 + minute
    if hour == 24 and minute == 0 and ends_range:
        return 24 * 60
    return hour * 60 + minute if hour <= 23 else None


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

    tz = SelectField(
        "Show times in",
        validators=[Optional()],
        render_kw={"data-zone-search": ""},
        widget=RememberedSelect(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz.choices = zone_select_choices(utcnow())


class BookingForm(FlaskForm):
    start = SlotField(
        "Your time", validators=[DataRequired(message="Choose a time from the list.")]
    )
    tz = HiddenField()
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Enter your name."), Length(max=120)],
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
    # Off: the advisor sees the intake and roadmap the booking comes from (a form without the
    # box, the API's or an embedding site's, shares it as before).
    private_roadmap = BooleanField("Keep my roadmap to myself")
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
        field.data = offered_zone(field.data or "") or ""

    @property
    def start_instant(self) -> datetime | None:
        return parse_instant(self.start.data)

    @property
    def caught_robot(self) -> bool:
        """Whether the honeypot was filled in."""
        return bool((self.website.data or "").strip())


class RescheduleForm(FlaskForm):
    start = SlotField("New time", validators=[DataRequired(message="Choose a new time.")])

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
    submit = SubmitField("Cancel the consultation", render_kw={"class": "button button-danger"})


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
    closed_on_holidays = BooleanField(
        "Closed on US federal holidays",
        description="No consultations on the eleven federal holidays, nor on the Friday or "
        "Monday federal offices close for one that falls on a weekend. Special hours set "
        "for a date open it anyway.",
    )
    submit = SubmitField("Save booking rules")


# --- weekly hours as rows of start and end times -----------------------------------------------

ROWS_PER_DAY = 8  # the most rows one day may have
BLANK_ROWS = 2  # blank rows shown after a day's rows (without JavaScript, to add hours)
TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass
class HoursRow:
    """One row of weekly hours as typed, and what is wrong with it (shown beside it)."""

    start: str = ""
    end: str = ""
    error: str = ""
    parsed: tuple[time, time] | None = None

    @property
    def blank(self) -> bool:
        return not self.start.strip() and not self.end.strip()


def _parse_time(text: str, *, end: bool) -> time | None:
    match = TIME_RE.match(text or "")
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if end and (hours, minutes) == (24, 0):
        return time(0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _clock(moment: time, *, end: bool = False) -> str:
    if end and moment == time(0):
        return "midnight"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def rows_field(weekday: int, index: int, part: str) -> str:
    """The input name of one time of one row: hours-<weekday>-<row>-<start|end>."""
    return f"hours-{weekday}-{index}-{part}"


def rows_from_ranges(weekly: dict[int, list[tuple[time, time]]]) -> dict[int, list[HoursRow]]:
    """Rows showing saved hours (end 00:00 is midnight at the end of the day)."""
    return {
        day: [
            HoursRow(f"{start:%H:%M}", f"{end:%H:%M}", parsed=(start, end))
            for start, end in weekly.get(day, [])
        ]
        for day in range(7)
    }


def rows_from_formdata(formdata) -> dict[int, list[HoursRow]]:
    """The rows as sent (blank rows dropped; at most ``ROWS_PER_DAY`` a day)."""
    rows: dict[int, list[HoursRow]] = {}
    for day in range(7):
        sent = [
            HoursRow(
                (formdata.get(rows_field(day, i, "start")) or "")[:10],
                (formdata.get(rows_field(day, i, "end")) or "")[:10],
            )
            for i in range(ROWS_PER_DAY)
        ]
        rows[day] = [row for row in sent if not row.blank]
    return rows


def check_rows(rows: dict[int, list[HoursRow]]) -> bool:
    """Validate every row, writing the error beside it; True when all are fine."""
    ok = True
    for day_rows in rows.values():
        for row in day_rows:
            row.error, row.parsed = "", None
            start = _parse_time(row.start, end=False)
            end = _parse_time(row.end, end=True)
            if not row.start.strip() or not row.end.strip():
                row.error = "Enter both a start and an end time."
            elif start is None or end is None:
                row.error = "Enter times like 9:00 AM (or 09:00)."
            elif end != time(0) and end <= start:
                row.error = f"Ends at {_clock(end)}, before it starts at {_clock(start)}."
            else:
                row.parsed = (start, end)
        valid = [row for row in day_rows if row.parsed]
        for i, row in enumerate(valid):
            assert row.parsed is not None
            for other in valid[:i]:
                assert other.parsed is not None
                if _overlap(row.parsed, other.parsed):
                    s, e = other.parsed
                    row.error = f"Overlaps {_clock(s)} to {_clock(e, end=True)}."
                    break
        ok = ok and not any(row.error for row in day_rows)
    return ok


def _minutes(moment: time, *, end: bool) -> int:
    return 24 * 60 if end and moment == time(0) else moment.hour * 60 + moment.minute


def _overlap(a: tuple[time, time], b: tuple[time, time]) -> bool:
    a0, a1 = _minutes(a[0], end=False), _minutes(a[1], end=True)
    b0, b1 = _minutes(b[0], end=False), _minutes(b[1], end=True)
    return a0 < b1 and b0 < a1


def ranges_of(rows: dict[int, list[HoursRow]]) -> dict[int, list[tuple[time, time]]]:
    """The checked rows as (start, end) pairs per weekday, in time order."""
    return {
        day: sorted((row.parsed for row in day_rows if row.parsed), key=lambda r: r[0])
        for day, day_rows in rows.items()
    }


COPY_TARGETS = {"weekdays": range(5), "all": range(7)}


def copy_rows(rows: dict[int, list[HoursRow]], request: str) -> str | None:
    """Apply a copy button ("<weekday>:weekdays" or "<weekday>:all"); its message, or None."""
    source, _, target = (request or "").partition(":")
    if not source.isdigit() or int(source) not in range(7) or target not in COPY_TARGETS:
        return None
    day = int(source)
    for other in COPY_TARGETS[target]:
        if other != day:
            rows[other] = [HoursRow(r.start, r.end) for r in rows[day]]
    where = "the other weekdays" if target == "weekdays" else "every other day"
    return f"{WEEKDAYS[day]}'s hours were copied to {where}. Save to keep them."


class DateOverrideForm(FlaskForm):
    day = DateField("Date", validators=[DataRequired(message="Pick a date.")])
    day_off = BooleanField("Day off (no consultations)")
    hours = StringField(
        "Hours that day",
        validators=[Optional(), Length(max=200)],
        description=(
            "For example 10:00 AM-2:00 PM, or 9am-12pm, 1pm-5pm. "
            "Replaces your weekly hours on that date."
        ),
    )
    submit = SubmitField("Add date")

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today  # in the advisor's zone: earlier dates are refused

    def validate_day(self, field: DateField) -> None:
        if self.today is not None and field.data is not None and field.data < self.today:
            raise ValidationError("That date has passed. Pick today or a later date.")

    def validate_hours(self, field: StringField) -> None:
        if not self.day_off.data:
            if not (field.data or "").strip():
                raise ValidationError("Enter hours, or tick “Day off”.")
            try:
                parse_ranges(field.data)
            except ValueError as error:
                raise ValidationError(str(error))
