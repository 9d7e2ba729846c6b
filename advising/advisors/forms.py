"""The advisor's profile form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, ValidationError

from advising.advisors.services import NAME_REFUSED
from advising.database import utcnow
from advising.forms import RememberedSelect, zone_select_choices
from advising.shared.text import has_control_characters
from advising.shared.zones import is_zone


def _with_scheme(text: str | None) -> str | None:
    """A link typed without its scheme ("meet.google.com/abc-defg-hij") gets https://."""
    text = (text or "").strip()
    return f"https://{text}" if text and "://" not in text else text or None


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        "Public address",
        validators=[
            DataRequired(),
            Length(min=3, max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lower-case letters, digits and hyphens."
            ),
        ],
        description="Your booking page is /advisors/<this>.",
    )
    bio = TextAreaField("Short bio", validators=[Optional(), Length(max=2000)])
    specialties = StringField(
        "Specialties",
        validators=[Optional(), Length(max=300)],
        description="Separate with commas, for example: CPC, risk adjustment, auditing.",
    )
    timezone = SelectField(
        "Time zone",
        validators=[DataRequired()],
        render_kw={"data-zone-search": ""},
        widget=RememberedSelect(),
    )
    video_url = URLField(
        "Video-call link",
        filters=[_with_scheme],
        validators=[
            Optional(),
            URL(require_tld=False, message="Enter a full https:// address."),
            Length(max=500),
        ],
    )
    active = BooleanField("Show me on the advisors page and accept bookings")
    submit = SubmitField("Save profile")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_select_choices(utcnow())

    def validate_display_name(self, field: StringField) -> None:
        if has_control_characters(field.data):
            raise ValidationError(NAME_REFUSED)

    def validate_timezone(self, field: SelectField) -> None:
        if not is_zone(field.data or ""):
            raise ValidationError("Choose a time zone from the list.")

    def validate_video_url(self, field: URLField) -> None:
        if field.errors:  # said once already
            return
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full https:// address.")

    def specialty_list(self) -> list[str]:
        data = self.specialties.data or ""
        if isinstance(data, list):  # not sent: the profile's own list stands (was a 500)
            return [str(s).strip() for s in data if str(s).strip()]
        return [s.strip() for s in data.split(",") if s.strip()]
