"""Form pieces shared by every feature's forms."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select


@lru_cache(maxsize=8192)
def _option(value: Any, label: str, selected: bool) -> Markup:
    choice = SelectChoice(value, label)
    choice.selected = selected
    return Select.render_option(choice)


class RememberedSelect(Select):
    """A select whose plain options are written once per process and then looked up: the
    zone picker lists some 400 zones on every form that shows it."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        return _option(choice.value, choice.label, bool(getattr(choice, "selected", False)))
