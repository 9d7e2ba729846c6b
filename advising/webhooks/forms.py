"""The form that registers a webhook endpoint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from advising.intake.forms import MultiCheckboxField
from advising.webhooks.models import EVENT_TYPES
from advising.webhooks.services import MAX_URL


class EndpointForm(FlaskForm):
    url = URLField(
        "Address",
        validators=[DataRequired(message="Enter the address to post to."), Length(max=MAX_URL)],
        description="Where each event is posted, starting with https://.",
        render_kw={"autocomplete": "url", "spellcheck": "false"},
    )
    events = MultiCheckboxField(
        "Events",
        choices=[SelectChoice(name, name) for name in EVENT_TYPES],
        validators=[DataRequired(message="Choose at least one event.")],
        validate_choice=False,  # names we do not know are left out by the service
    )
    submit = SubmitField("Add endpoint")
