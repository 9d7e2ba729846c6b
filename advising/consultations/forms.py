"""Forms on the advisor's consultation page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from advising.consultations.services import MAX_NOTE_LENGTH, MAX_RECOMMENDATION_LENGTH, OUTCOMES


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Private note",
        validators=[
            DataRequired(message="Write something before saving."),
            Length(max=MAX_NOTE_LENGTH),
        ],
        description="Only you and administrators can read this. Every saved version is kept.",
        render_kw={"rows": 8},
    )
    based_on = HiddenField()
    submit = SubmitField("Save note")

    def validate_based_on(self, field: HiddenField) -> None:
        if field.data and not field.data.isdigit():
            raise ValidationError("The form was changed; reload the page.")

    @property
    def based_on_id(self) -> int | None:
        return int(self.based_on.data) if (self.based_on.data or "").isdigit() else None


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        "How did it go?",
        choices=[SelectChoice(value, label) for value, label in OUTCOMES.items()],
        validators=[InputRequired(message="Choose completed or no-show.")],
    )
    submit = SubmitField("Record outcome")


class RecommendationForm(FlaskForm):
    body = TextAreaField(
        "Recommendation for the visitor",
        validators=[
            DataRequired(message="Write the recommendation first."),
            Length(max=MAX_RECOMMENDATION_LENGTH),
        ],
        description="Shown to the visitor under “From your advisor” on their roadmap and PDF.",
        render_kw={"rows": 4},
    )
    submit = SubmitField("Add recommendation")
