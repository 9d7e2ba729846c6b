"""Sign-in and password forms; validation lives here, not in views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length, ValidationError

from advising.accounts.models import Role
from advising.accounts.passwords import MAX_LENGTH, password_problem
from advising.database import utcnow
from advising.forms import RememberedSelect, zone_select_choices
from advising.shared.zones import is_zone


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


# Made before the new-password fields, so the change form shows it first.
_CURRENT_PASSWORD = PasswordField(
    "Current password",
    validators=[DataRequired()],
    render_kw={"autocomplete": "current-password"},
)


class SetPasswordForm(FlaskForm):
    """A new password, twice, checked against the rules for this person."""

    new_password = PasswordField(
        "New password",
        validators=[DataRequired()],
        description="At least 8 characters. Long passphrases are welcome.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set password")

    def __init__(
        self, *args, user_email: str | None = None, user_name: str | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._user_email = user_email
        self._user_name = user_name

    def validate_new_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._user_email, name=self._user_name)
        if problem:
            raise ValidationError(problem)


class PasswordChangeForm(SetPasswordForm):
    current_password = _CURRENT_PASSWORD
    submit = SubmitField("Change password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField("Send me a link")


ROLE_CHOICES = [SelectChoice(r.value, r.value.capitalize()) for r in Role]


class InviteForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    submit = SubmitField("Invite")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    submit = SubmitField("Change role")


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class TimeZoneForm(FlaskForm):
    """The zone a staff member or admin reads dates and times in."""

    timezone = SelectField(
        "Your time zone",
        widget=RememberedSelect(),
        validators=[DataRequired(message="Choose your time zone.")],
        description="Dates and times on the staff pages are shown in this zone.",
        render_kw={"data-zone-search": ""},
    )
    submit = SubmitField("Save time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_select_choices(utcnow())

    def validate_timezone(self, field: SelectField) -> None:
        if not is_zone(field.data or ""):
            raise ValidationError("Choose a time zone from the list.")
