"""The staff bookings filter (a GET form, shared by the list, the CSV and the .ics range)."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from advising.scheduling.models import BOOKING_STATUSES

MAX_RANGE = timedelta(days=366)
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years bookings can have; date arithmetic stays safe


def _within_years(_form: FlaskForm, field: DateField) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
STATUS_LABELS = {s: s.replace("_", " ").capitalize() for s in BOOKING_STATUSES}


class BookingFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: reading only

    advisor = SelectField("Advisor", validators=[Optional()])
    start = DateField("From (UTC date)", validators=[Optional(), _within_years])
    end = DateField("To (UTC date, included)", validators=[Optional(), _within_years])
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

    start = DateField(
        "From (UTC date)", validators=[InputRequired("Choose the first day."), _within_years]
    )
    end = DateField(
        "To (UTC date, included)", validators=[InputRequired("Choose the last day."), _within_years]
    )
