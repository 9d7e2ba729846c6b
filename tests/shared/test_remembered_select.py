"""The zone pickers' select writes its options once per selected zone and then looks them
up: what it writes must be what WTForms' own select writes, for every field and state."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired
from wtforms.widgets import Select

from advising.database import utcnow
from advising.forms import RememberedSelect, zone_select_choices

DAY = datetime(2026, 7, 1, 15, tzinfo=UTC)


class _PickerForm(FlaskForm):
    class Meta:
        csrf = False

    tz = SelectField("Zone", validators=[DataRequired()], widget=RememberedSelect())
    plain = SelectField("Zone", validators=[DataRequired()], widget=Select())


def _form(app, data: dict[str, str]) -> _PickerForm:
    with app.test_request_context("/", query_string=data):
        form = _PickerForm(formdata=None, data=data)
    form.tz.choices = form.plain.choices = zone_select_choices(DAY)
    return form


def test_kept_options_are_written_as_wtforms_writes_them(app):
    with app.test_request_context("/"):
        for zone in ("America/Chicago", "Europe/London", "America/Chicago", "", "no/such"):
            form = _form(app, {"tz": zone, "plain": zone})
            for attributes in ({}, {"class_": "wide", "data-zone-search": ""}, {}):
                mine, theirs = form.tz(**attributes), form.plain(**attributes)
                assert str(mine).replace('name="tz"', 'name="plain"').replace(
                    'id="tz"', 'id="plain"'
                ) == str(theirs)
            selected = [line for line in str(form.tz()).split("<option") if "selected" in line]
            if zone in ("America/Chicago", "Europe/London"):
                assert len(selected) == 1 and f'value="{zone}"' in selected[0]
            else:
                assert selected == []


def test_one_option_list_per_selected_zone_and_none_for_what_is_not_a_zone(app):
    with app.test_request_context("/"):
        RememberedSelect._lists.clear()
        for zone in ("America/Chicago", "America/Chicago", "Europe/London"):
            _form(app, {"tz": zone, "plain": zone}).tz()
        assert len(RememberedSelect._lists) == 2
        for junk in ("Mars/Olympus", "x" * 300, "<b>"):  # a visitor's values fill nothing
            assert "selected" not in str(_form(app, {"tz": junk, "plain": junk}).tz())
        assert len(RememberedSelect._lists) == 2
        # a list of choices (not kept by its caller) is written afresh each time
        form = _form(app, {"tz": "Europe/London", "plain": ""})
        form.tz.choices = list(form.tz.choices)
        assert re.search(r'<option[^>]* selected value="Europe/London">', str(form.tz()))
        assert len(RememberedSelect._lists) == 2


def test_zone_choices_are_one_tuple_per_day():
    assert zone_select_choices(DAY) is zone_select_choices(DAY.replace(hour=23))
    winter = {c.value: c.label for c in zone_select_choices(datetime(2026, 1, 5, tzinfo=UTC))}
    summer = {c.value: c.label for c in zone_select_choices(DAY)}
    assert winter["America/Chicago"] == "Central Time (CST, UTC-6)"
    assert summer["America/Chicago"] == "Central Time (CDT, UTC-5)"


def test_the_intake_picker_with_its_groups_is_written_as_wtforms_writes_it(app):
    from advising.intake.forms import IntakeForm

    with app.test_request_context("/intake"):
        for zone in ("", "America/Chicago", "Asia/Tokyo", "America/Chicago", "nowhere", ""):
            form = IntakeForm(formdata=None, data={"timezone": zone})
            mine = str(form.timezone())
            plain = Select()(form.timezone, **(form.timezone.render_kw or {}))
            assert mine == str(plain)
            assert mine.count("<optgroup") == 2


def test_every_zone_picker_uses_the_kept_choices(app):
    """Each form passes the day's tuple itself: a copied list would be written afresh."""
    from advising.accounts.forms import TimeZoneForm
    from advising.advisors.forms import ProfileForm
    from advising.intake.forms import IntakeForm
    from advising.scheduling.forms import ZoneForm

    with app.test_request_context("/"):
        today = zone_select_choices(utcnow())
        assert ZoneForm().tz.choices is today
        assert TimeZoneForm().timezone.choices is today
        assert ProfileForm().timezone.choices is today
        intake = IntakeForm().timezone.choices
        assert intake is IntakeForm().timezone.choices and isinstance(intake, tuple)
