"""Forms of the calendar pages: upload a file, add a feed, set the availability markers."""

from __future__ import annotations

import os

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from advising.calendars import feeds
from advising.calendars.services import split_markers
from advising.shared.text import size_in_words

KEYWORDS_HINT = (
    "Events whose title contains one of these words or phrases (separate with commas) are "
    "times you are available; every other event is busy."
)
CATEGORIES_HINT = "Events in one of these categories (separate with commas) are also available."


class MarkersMixin:
    """Availability keywords and categories, typed comma-separated."""

    keywords = StringField(
        "Availability keywords",
        validators=[Optional(), Length(max=1000)],
        description=KEYWORDS_HINT,
    )
    categories = StringField(
        "Availability categories",
        validators=[Optional(), Length(max=1000)],
        description=CATEGORIES_HINT,
    )

    def keyword_list(self) -> list[str]:
        return split_markers(self.keywords.data)  # type: ignore[attr-defined]

    def category_list(self) -> list[str]:
        return split_markers(self.categories.data)  # type: ignore[attr-defined]


def too_large_message(limit: int) -> str:
    """What an advisor reads when a calendar file is over ``limit`` bytes."""
    return (
        f"That file is larger than {size_in_words(limit)}. Export a shorter period or only the "
        "calendar you need."
    )


class UploadForm(MarkersMixin, FlaskForm):
    file = FileField(
        "Calendar file (.ics)",
        validators=[FileRequired("Choose an .ics file exported from your calendar.")],
        description="A file uploaded under a name you already use replaces that calendar.",
    )
    label = StringField(
        "Name",
        validators=[Optional(), Length(max=200)],
        description="For example: Work calendar. Leave empty to use the file's name.",
    )
    submit = SubmitField("Upload calendar")

    def validate_file(self, field: FileField) -> None:
        stream = field.data.stream
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        limit = current_app.config["CALENDAR_MAX_BYTES"]
        if size > limit:
            raise ValidationError(too_large_message(limit))
        if size == 0:
            raise ValidationError("That file is empty.")

    def file_bytes(self) -> bytes:
        return self.file.data.read()

    def label_or_filename(self) -> str:
        label = (self.label.data or "").strip()
        if label:
            return label
        name = os.path.basename(self.file.data.filename or "").rsplit(".", 1)[0]
        return name.replace("_", " ").strip()[:200] or "Uploaded calendar"


class FeedForm(MarkersMixin, FlaskForm):
    url = StringField(
        "Feed address",
        validators=[DataRequired("Paste the feed's address."), Length(max=2000)],
        description=(
            'Google: "Secret address in iCal format"; Outlook: "Publish calendar", ICS link. '
            "Starts with https:// or webcal://."
        ),
    )
    label = StringField(
        "Name", validators=[Optional(), Length(max=200)], description="For example: Work calendar."
    )
    submit = SubmitField("Add feed")

    def validate_url(self, field: StringField) -> None:
        try:
            feeds.normalize_url(field.data or "")
        except feeds.FeedError as error:
            raise ValidationError(str(error))


class MarkersForm(MarkersMixin, FlaskForm):
    submit = SubmitField("Save keywords")
