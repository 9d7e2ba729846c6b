"""The credential catalogue (credentials.toml): each credential's body, fit, eligibility
rules, exam, fees and upkeep, every fact with its source and the date it was checked.

``load_catalogue`` refuses a file with a missing required fact, a fact without a source, or
a rule naming an unknown credential, with a ``ContentError`` naming file, key and reason.
A fact nobody could verify is listed in its table's ``to_verify`` instead of being guessed.
"""

from __future__ import annotations

import re
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .phrasing import spoken_list
from .toml_schema import ContentError, Node

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "credentials.toml"

_SETTINGS = ("physician_office", "hospital", "payer", "remote", "undecided")
#: Where an exam is sat: at home with a remote proctor or in person, or at a test center only.
EXAM_SITTINGS = ("online_or_in_person", "test_center")
_REQUIREMENT_RE = re.compile(
    r"^(open|high_school|coursework|him_degree|holds ([a-z_]+)|coding_months >= (\d+))$"
)
_FACT_TABLES = {
    "exam": ("questions", "hours", "format"),
    "fees": ("member", "non_member"),
    "upkeep": ("ceus", "cycle_years"),
    "eligibility": ("required",),
}


@dataclass(frozen=True)
class Sourced:
    """Where a table of facts was read, and when."""

    source: str
    checked_on: date
    to_verify: tuple[str, ...]


@dataclass(frozen=True)
class Eligibility:
    required: tuple[tuple[str, ...], ...]  # any alternative, all of its requirements
    recommended: tuple[tuple[str, ...], ...]
    text: str
    sourced: Sourced


@dataclass(frozen=True)
class Exam:
    questions: int | None
    hours: float | None
    format: str
    sourced: Sourced
    # where the exam is sat, as the format says: one of EXAM_SITTINGS, "" when it does not say
    sitting: str = ""


@dataclass(frozen=True)
class Fees:
    member: int | None
    non_member: int | None
    note: str
    sourced: Sourced
    with_retake: int | None = None  # a package with a second attempt, where one is sold


@dataclass(frozen=True)
class Upkeep:
    ceus: int | None
    cycle_years: int | None
    text: str
    sourced: Sourced


@dataclass(frozen=True)
class CatalogueCredential:
    key: str
    code: str
    name: str
    body: str
    fits: str
    settings: tuple[str, ...]
    specialties: tuple[str, ...]
    apprentice: bool
    prep_hours: float | None
    eligibility: Eligibility
    exam: Exam
    fees: Fees
    upkeep: Upkeep
    sourced: Sourced


@dataclass(frozen=True)
class CostItem:
    key: str
    label: str
    low: int | None
    high: int | None
    note: str
    sourced: Sourced


@dataclass(frozen=True)
class Catalogue:
    credentials: Mapping[str, CatalogueCredential]
    costs: Mapping[str, CostItem]

    def stale_facts(self, today: date, older_than_days: int = 365) -> list[tuple[str, date, str]]:
        """(dotted key, checked_on, source) of every fact table checked too long ago."""
        limit = today - timedelta(days=older_than_days)
        found: list[tuple[str, date, str]] = []
        for key, c in self.credentials.items():
            for part, sourced in (
                ("", c.sourced),
                (".eligibility", c.eligibility.sourced),
                (".exam", c.exam.sourced),
                (".fees", c.fees.sourced),
                (".upkeep", c.upkeep.sourced),
            ):
                if sourced.checked_on < limit:
                    found.append((key + part, sourced.checked_on, sourced.source))
        for key, item in self.costs.items():
            if item.sourced.checked_on < limit:
                found.append((f"costs.{key}", item.sourced.checked_on, item.sourced.source))
        return sorted(found, key=lambda f: (f[1], f[0]))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    file = Path(path) if path is not None else DEFAULT_CATALOGUE_PATH
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{file.name}: cannot be read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{file.name}: is not valid TOML ({exc})") from exc
    return parse_catalogue(raw, source=file.name)


def parse_catalogue(raw: Mapping[str, Any], *, source: str = "credentials.toml") -> Catalogue:
    top = Node(dict(raw), "", source)
    keys = [k for k in top.data if k != "costs"]
    credentials = {key: _credential(key, top.table(key), keys) for key in keys}
    if not credentials:
        raise top.fail(None, "must define at least one credential")
    costs_node = top.table("costs")
    costs = {key: _cost(key, node) for key, node in costs_node.sub_tables()}
    return Catalogue(
        credentials=types.MappingProxyType(credentials), costs=types.MappingProxyType(costs)
    )


def _sourced(node: Node, facts: tuple[str, ...] = ()) -> Sourced:
    """A fact table's source and date; every fact either given or listed in to_verify."""
    if not node.has("source"):
        raise node.fail("source", "is missing (every fact needs the place it was read)")
    to_verify = node.text_list("to_verify", template=False) if node.has("to_verify") else ()
    for fact in facts:
        if not node.has(fact) and fact not in to_verify:
            raise node.fail(
                fact, "is missing (give the fact with its source, or list it in to_verify)"
            )
    return Sourced(node.label("source"), node.date("checked_on"), to_verify)


def _optional_int(node: Node, key: str, *, minimum: int = 1) -> int | None:
    return node.integer(key, minimum=minimum) if node.has(key) else None


def _rules(node: Node, key: str, known: list[str]) -> tuple[tuple[str, ...], ...]:
    if not node.has(key):
        return ()
    value = node.raw(key)
    if not isinstance(value, list) or not all(
        isinstance(alt, list) and alt and all(isinstance(r, str) for r in alt) for alt in value
    ):
        raise node.fail(key, 'must be a list of alternatives, like [["coding_months >= 12"]]')
    for i, alternative in enumerate(value):
        for requirement in alternative:
            match = _REQUIREMENT_RE.match(requirement)
            if not match:
                raise node.fail(f"{key}[{i}]", f"has an unknown requirement {requirement!r}")
            if match.group(2) and match.group(2) not in known:
                raise node.fail(
                    f"{key}[{i}]", f"names an unknown credential {match.group(2)!r}"
                )
    return tuple(tuple(alt) for alt in value)


def _credential(key: str, node: Node, known: list[str]) -> CatalogueCredential:
    node.only(
        "code", "name", "body", "fits", "settings", "specialties", "apprentice", "prep_hours",
        "source", "checked_on", "eligibility", "exam", "fees", "upkeep",
    )
    settings = node.text_list("settings", template=False, allow_empty=True)
    for s in settings:
        if s not in _SETTINGS:
            raise node.fail("settings", f"{s!r} is not one of {', '.join(_SETTINGS)}")
    tables = {part: node.table(part) for part in _FACT_TABLES}
    el = tables["eligibility"]
    el.only("required", "recommended", "text", "to_verify", "source", "checked_on")
    eligibility = Eligibility(
        required=_rules(el, "required", known),
        recommended=_rules(el, "recommended", known),
        text=el.label("text"),
        sourced=_sourced(el, _FACT_TABLES["eligibility"]),
    )
    ex = tables["exam"]
    ex.only("questions", "hours", "format", "sitting", "to_verify", "source", "checked_on")
    sitting = ex.label("sitting") if ex.has("sitting") else ""
    if sitting and sitting not in EXAM_SITTINGS:
        raise ex.fail("sitting", f"{sitting!r} is not one of {', '.join(EXAM_SITTINGS)}")
    exam = Exam(
        questions=_optional_int(ex, "questions"),
        hours=ex.number("hours") if ex.has("hours") else None,
        format=ex.label("format") if ex.has("format") else "",
        sourced=_sourced(ex, _FACT_TABLES["exam"]),
        sitting=sitting,
    )
    fe = tables["fees"]
    fe.only("member", "non_member", "with_retake", "note", "to_verify", "source", "checked_on")
    fees = Fees(
        member=_optional_int(fe, "member"),
        non_member=_optional_int(fe, "non_member"),
        with_retake=_optional_int(fe, "with_retake"),
        note=fe.label("note") if fe.has("note") else "",
        sourced=_sourced(fe, _FACT_TABLES["fees"]),
    )
    up = tables["upkeep"]
    up.only("ceus", "cycle_years", "text", "to_verify", "source", "checked_on")
    upkeep = Upkeep(
        ceus=_optional_int(up, "ceus"),
        cycle_years=_optional_int(up, "cycle_years"),
        text=up.label("text"),
        sourced=_sourced(up, _FACT_TABLES["upkeep"]),
    )
    apprentice = node.raw("apprentice") if node.has("apprentice") else False
    if not isinstance(apprentice, bool):
        raise node.fail("apprentice", "must be true or false")
    return CatalogueCredential(
        key=key,
        code=node.label("code"),
        name=node.label("name"),
        body=node.label("body"),
        fits=node.label("fits"),
        settings=settings,
        specialties=node.text_list("specialties", template=False, allow_empty=True)
        if node.has("specialties")
        else (),
        apprentice=apprentice,
        prep_hours=node.number("prep_hours") if node.has("prep_hours") else None,
        eligibility=eligibility,
        exam=exam,
        fees=fees,
        upkeep=upkeep,
        sourced=_sourced(node),
    )


def _cost(key: str, node: Node) -> CostItem:
    node.only("label", "low", "high", "note", "to_verify", "source", "checked_on")
    low = _optional_int(node, "low", minimum=0)
    high = _optional_int(node, "high", minimum=0)
    if low is not None and high is not None and low > high:
        raise node.fail("high", f"({high}) must not be below low ({low})")
    return CostItem(
        key=key,
        label=node.text("label"),
        low=low,
        high=high,
        note=node.text("note") if node.has("note") else "",
        sourced=_sourced(node, ("low", "high")),
    )


#: Who publishes each site a source names (by its address, or by the name it starts with).
_PUBLISHERS = (
    (("aapc.com", "AAPC"), "AAPC (aapc.com)"),
    (("ahima.org", "AHIMA"), "AHIMA (ahima.org)"),
    (("acdis.org", "ACDIS"), "ACDIS (acdis.org)"),
    (("bls.gov", "U.S. Bureau of Labor Statistics"), "U.S. Bureau of Labor Statistics (bls.gov)"),
    (("collegeboard.org", "College Board"), "College Board"),
)
_THIRD_PARTY = re.compile(r"third-party|exam-prep|collegelearners", re.IGNORECASE)
_NOT_CHECKED = " (not checked)"


def public_source(source: str) -> str:
    """A fact's source as a client should read it: the publishers it names, and "published
    exam-prep and career guides" for the rest, without addresses or staff notes. The full
    source stays in the file for staff who re-check it."""
    if source.endswith(_NOT_CHECKED):  # a price nobody has checked: who sets it
        return source.removesuffix(_NOT_CHECKED)
    if not re.search(r"http|\(|via the firm", source) and not _THIRD_PARTY.search(source):
        return source
    named = [
        shown
        for (address, name), shown in _PUBLISHERS
        if address in source.lower() or source.startswith(name)
    ]
    if _THIRD_PARTY.search(source) or not named:
        named.append("published exam-prep and career guides")
    return spoken_list(named)
