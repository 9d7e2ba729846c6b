"""The condition language of the content file's ``when`` clauses.

A condition is ``[not] field [op value]``: ``budget = tight``, ``target_setting !=
hospital``, ``hours < 10``, ``employer_may_pay``, ``worry = cost``, ``has_specialties``.
Values are checked against the vocabulary (or the content file's own worry and specialty
keys) when the file is loaded, so a typo fails at load time, not when a roadmap is built.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .answers import IntakeAnswers
from .phrasing import is_uk
from .toml_schema import Node
from .vocabulary import FIXED_CHOICES, HELD_ROUTES

_CONDITION_FIELDS = (
    *FIXED_CHOICES,
    "pathway",
    "credential",
    "route",
    "worry",
    "specialty",
)


@dataclass(frozen=True)
class Facts:
    """What conditions in the content file can test."""

    answers: IntakeAnswers
    pathway: str
    credential: str
    route: str = "train"  # vocabulary.ROUTES
    learns_inpatient: bool = False  # an inpatient exam ahead of an outpatient credential
    capped: bool = False  # the weekly plan holds fewer hours than given: the program's pace


@dataclass(frozen=True)
class Condition:
    """One ``when`` clause from the content file, e.g. ``budget = tight``."""

    text: str
    test: Callable[[Facts], bool] = dataclasses.field(compare=False, repr=False)


def holds(when: tuple[Condition, ...], facts: Facts) -> bool:
    """True when every condition holds (an empty ``when`` always holds)."""
    return all(c.test(facts) for c in when)


def parse_conditions(
    node: Node, key: str, content_keys: Mapping[str, tuple[str, ...]]
) -> tuple[Condition, ...]:
    """``node[key]``: one condition or a list of them, all of which must hold."""
    value = node.raw(key)
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise node.fail(key, "must be a condition or a list of conditions")
    return tuple(_parse_condition(node, key, item, content_keys) for item in items)


_CONDITION_RE = re.compile(
    r"^\s*(not\s+)?([a-z_]+)\s*(?:(==|=|!=|<=|>=|<|>)\s*([A-Za-z0-9_]+))?\s*$"
)
_COMPARE: Mapping[str, Callable[[int, int], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
}


def _parse_condition(
    node: Node, key: str, text: str, content_keys: Mapping[str, tuple[str, ...]]
) -> Condition:
    help_text = (
        "conditions look like 'budget = tight', 'hours < 10', 'coding_months >= 12', "
        "'route = retake', 'worry = cost', "
        + ", ".join(f"'{flag}'" for flag in _FLAGS)
        + " or a flag with 'not'"
    )
    match = _CONDITION_RE.match(text)
    if not match:
        raise node.fail(key, f"has an unreadable condition {text!r} ({help_text})")
    negate, field, op, operand = match.groups()
    test: Callable[[Facts], bool]
    if field in _FLAGS and op is None:
        test = _FLAGS[field]
    elif field in _NUMBER_FIELDS and op is not None:
        if not operand.isdigit():
            raise node.fail(key, f"condition {text!r} must compare {field} with a whole number")
        test = _number_test(_NUMBER_FIELDS[field], _COMPARE[op], int(operand))
    elif field in _CONDITION_FIELDS and op in ("=", "==", "!="):
        allowed = FIXED_CHOICES.get(field) or content_keys[field]
        if operand not in allowed:
            raise node.fail(
                key, f"condition {text!r}: {operand!r} is not one of {', '.join(allowed)}"
            )
        test = _choice_test(field, operand, op == "!=")
    else:
        raise node.fail(key, f"has an unknown condition {text!r} ({help_text})")
    if negate:
        test = _negated(test)
    return Condition(text=text.strip(), test=test)


def _employer_may_pay(f: Facts) -> bool:
    return f.answers.employer_may_pay


def _needs_program(f: Facts) -> bool:
    """False when coding at work, a credential held or an exam sat stands in for a program."""
    return f.route == "train"


def _codes_at_work(f: Facts) -> bool:
    """True for someone whose job already has them assign codes."""
    return f.answers.codes_now


def _hours_capped(f: Facts) -> bool:
    """True when the program's minimum length, not the person's hours, sets the pace."""
    return f.capped


def _outside_us(f: Facts) -> bool:
    """True for someone who said they live outside the United States."""
    return f.answers.outside_us


def _learns_inpatient(f: Facts) -> bool:
    """True for a holder of outpatient credentials only, with an inpatient exam ahead."""
    return f.learns_inpatient


def _sits_exam(f: Facts) -> bool:
    """False for someone who already holds the plan's credential."""
    return f.route not in HELD_ROUTES


def _in_uk(f: Facts) -> bool:
    """True for someone who said they live in the United Kingdom (NHS coding is its own)."""
    return f.answers.outside_us and is_uk(f.answers.country)


def _nothing_to_spend(f: Facts) -> bool:
    """True for someone who said they can spend $0 themselves: the funders come first."""
    return f.answers.budget_max == 0


def _has_specialties(f: Facts) -> bool:
    return bool(f.answers.specialties)


#: Conditions that are true or false of a person and their plan: "sits_exam".
_FLAGS: Mapping[str, Callable[[Facts], bool]] = {
    "employer_may_pay": _employer_may_pay,
    "has_specialties": _has_specialties,
    "needs_program": _needs_program,
    "sits_exam": _sits_exam,
    "codes_at_work": _codes_at_work,
    "learns_inpatient": _learns_inpatient,
    "outside_us": _outside_us,
    "hours_capped": _hours_capped,
    "nothing_to_spend": _nothing_to_spend,
    "in_uk": _in_uk,
}

#: Conditions that compare a number: "hours < 10", "coding_months >= 12".
_NUMBER_FIELDS: Mapping[str, str] = {"hours": "hours_per_week", "coding_months": "coding_months"}


def _number_test(
    attribute: str, compare: Callable[[int, int], bool], limit: int
) -> Callable[[Facts], bool]:
    def test(f: Facts) -> bool:
        return compare(getattr(f.answers, attribute), limit)

    return test


def _negated(inner: Callable[[Facts], bool]) -> Callable[[Facts], bool]:
    def test(f: Facts) -> bool:
        return not inner(f)

    return test


def _choice_test(field: str, value: str, negate: bool) -> Callable[[Facts], bool]:
    def test(f: Facts) -> bool:
        if field == "worry":
            result = value in f.answers.worries
        elif field == "specialty":
            result = value in f.answers.specialties
        elif field in ("pathway", "credential", "route"):
            result = getattr(f, field) == value
        else:
            result = getattr(f.answers, field) == value
        return result != negate

    return test
