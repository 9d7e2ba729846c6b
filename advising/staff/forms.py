"""Staff GET forms: the bookings filter (shared by the list, the CSV and the .ics range) and
the insights period."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from advising.scheduling.models import BOOKING_STATUSES
from advising.shared.zones import zone_name

MAX_RANGE = timedelta(days=366)
MAX_INSIGHT_DAYS = 731  # two years, a leap day included
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years bookings can have; date arithmetic stays safe


def _within_years(_form: FlaskForm, field: DateField) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
STATUS_LABELS = {s: s.replace("_", " ").capitalize() for s in BOOKING_STATUSES}


class BookingFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: reading only

    q = StringField(
        "Visitor name or email",
        validators=[Optional(), Length(max=200, message="Use at most 200 characters.")],
    )
    advisor = SelectField("Advisor", validators=[Optional()])
    # short labels keep the filter row in line; the note under the form names the zone
    start = DateField("From", validators=[Optional(), _within_years])
    end = DateField("To", validators=[Optional(), _within_years])
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(value, label) for value, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )

    def __init__(self, *args, advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.advisor.choices = [SelectChoice("", "All advisors")] + [
            SelectChoice(str(a.id), a.display_name) for a in advisors
        ]

    @property
    def advisor_id(self) -> int | None:
        return int(self.advisor.data) if self.advisor.data else None

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data:
            if field.data < self.start.data:
                raise ValidationError("The end date is before the start date.")
            if field.data - self.start.data > MAX_RANGE:
                raise ValidationError("Choose at most a year.")


class RangeDownloadForm(BookingFilterForm):
    """The same filter, with both dates required: one .ics file for a date range."""

    # the same local days as the list's (the note under the form names the zone)
    start = DateField("From", validators=[InputRequired("Choose the first day."), _within_years])
    end = DateField("To", validators=[InputRequired("Choose the last day."), _within_years])


class InsightsPeriodForm(FlaskForm):
    """The insights period: local dates in the staff member's zone, both included.

    A date left out (or blank) takes its default: the last ``DEFAULT_DAYS`` days.
    """

    class Meta:
        csrf = False  # a GET form: reading only

    start = DateField("From", name="from", validators=[InputRequired(), _within_years])
    end = DateField("To (included)", name="to", validators=[InputRequired(), _within_years])

    def __init__(self, formdata, *, defaults: tuple[date, date], zone: str, **kwargs):
        values = MultiDict(formdata)
        for key, default in zip(("from", "to"), defaults, strict=True):
            if not values.get(key, "").strip():
                values[key] = default.isoformat()
        super().__init__(values, **kwargs)
        hint = f"Dates in {zone_name(zone)}."
        self.start.description = self.end.description = hint

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and not self.start.errors:
            if field.data < self.start.data:
                raise ValidationError("Choose a last day on or after the first day.")
            if (field.data - self.start.data).days + 1 > MAX_INSIGHT_DAYS:
                raise ValidationError(f"Choose at most two years ({MAX_INSIGHT_DAYS} days).")
