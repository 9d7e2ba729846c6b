"""Sign-in and password forms; validation lives here, not in views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from advising.accounts.passwords import MAX_LENGTH, password_problem


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


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
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
    submit = SubmitField("Change password")

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
