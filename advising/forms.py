"""Form pieces shared by every feature's forms."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from advising.shared.zones import US_ZONES, zone_choices, zone_search_words

_OPTION_LISTS = 256  # option lists kept, one per choices tuple, selected value and select kind
_CLOSE = Markup("</select>")


@lru_cache(maxsize=8192)
def _option(value: Any, label: str, selected: bool) -> Markup:
    choice = SelectChoice(value, label)
    choice.selected = selected
    return Select.render_option(choice)


class RememberedSelect(Select):
    """A select whose plain options are written once per process and then looked up: the
    zone picker lists some 400 zones on every form that shows it. When the field's choices
    are a tuple kept for the process (:func:`zone_select_choices`), the whole option list is
    kept too, per selected value, so a page showing the picker does not walk the zones."""

    # Each entry holds its choices tuple: while it is kept, no other tuple can have its id.
    _lists: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Markup]] = OrderedDict()
    _lock = threading.Lock()

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        if self.multiple or not isinstance(choices, tuple) or not _hashable(field.data):
            return super().__call__(field, **kwargs)
        coerce = getattr(field, "coerce", str)
        key = (type(self), id(choices), field.data, coerce)
        with self._lock:
            kept = self._lists.get(key)
            if kept is not None:
                self._lists.move_to_end(key)
        tags = super().__call__(_WithoutOptions(field), **kwargs)  # <select ...></select>
        if kept is not None:
            return tags[: -len(_CLOSE)] + kept[1] + _CLOSE
        whole = super().__call__(field, **kwargs)
        # Only a value that is one of the choices (or none) is kept: anything else a visitor
        # sends is written afresh rather than filling the cache.
        if field.data is None or any(coerce(c.value) == field.data for c in choices):
            with self._lock:
                self._lists[key] = (choices, whole[len(tags) - len(_CLOSE) : -len(_CLOSE)])
                while len(self._lists) > _OPTION_LISTS:
                    self._lists.popitem(last=False)
        return whole

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        return _option(choice.value, choice.label, bool(getattr(choice, "selected", False)))


class _WithoutOptions:
    """A field as :meth:`Select.__call__` sees it, with no options: the opening and closing
    tags alone."""

    def __init__(self, field: Any) -> None:
        self._field = field

    def __getattr__(self, name: str) -> Any:
        return getattr(self._field, name)

    def has_groups(self) -> bool:
        return False

    def _iter_choices_normalized(self) -> list[SelectChoice]:
        return []


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


US_GROUP = "United States"
OTHER_GROUP = "All time zones"


def zone_select_choices(at: datetime) -> tuple[SelectChoice, ...]:
    """Every offered zone as select choices labelled with its offset at ``at``, the US ones
    in a group of their own first: one tuple per date for the process, which
    :class:`RememberedSelect` keeps the written options of."""
    return _zone_select_choices_on(at.date())


@lru_cache(maxsize=4)
def _zone_select_choices_on(day: date) -> tuple[SelectChoice, ...]:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return tuple(
        SelectChoice(
            name,
            label,
            render_kw={"data-words": zone_search_words(name, day.year)},  # for the search
            optgroup=US_GROUP if name in US_ZONES else OTHER_GROUP,
        )
        for name, label in zone_choices(noon)
    )
