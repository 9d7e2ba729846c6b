"""Roadmap engine: determinism, the JSON round trip, and a property over any valid answers."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advising.roadmap.engine import (
    BUDGETS,
    EDUCATION_LEVELS,
    HEALTHCARE_EXPERIENCE,
    LEARNING_FORMATS,
    TARGET_SETTINGS,
    IntakeAnswers,
    build_roadmap,
    credential_codes_from_dict,
    load_content,
    roadmap_from_dict,
    roadmap_to_dict,
)
from tests.roadmap.personas import (
    PERSONAS,
    all_strings,
    medical_assistant,
)

# ---------------------------------------------------------------------------
# Determinism and serialisation
# ---------------------------------------------------------------------------


def test_same_answers_and_content_give_the_same_roadmap(content):
    for make in PERSONAS.values():
        first = build_roadmap(make(), content)
        again = build_roadmap(make(), load_content())
        assert first == again
        assert json.dumps(roadmap_to_dict(first)) == json.dumps(roadmap_to_dict(again))


def test_roadmap_dict_round_trip_through_json(content):
    for make in PERSONAS.values():
        roadmap = build_roadmap(make(), content)
        data = roadmap_to_dict(roadmap)
        text = json.dumps(data)  # JSON-safe
        assert data["start_date"] == roadmap.start_date.isoformat()
        assert data["milestones"][0]["date"] == roadmap.milestones[0].date.isoformat()
        assert roadmap_from_dict(json.loads(text)) == roadmap


def test_credential_codes_are_read_from_the_stored_roadmap_as_the_roadmap_names_them(content):
    later_seen = False
    for make in PERSONAS.values():
        roadmap = build_roadmap(make(), content)
        stored = json.loads(json.dumps(roadmap_to_dict(roadmap)))
        recommended = sorted(roadmap.credentials, key=lambda rec: rec.role != "primary")
        named = [rec.credential.code for rec in (*recommended, *roadmap.later_credentials)]
        codes = credential_codes_from_dict(stored)
        assert codes == tuple(dict.fromkeys(named))
        primary = next(rec for rec in roadmap.credentials if rec.role == "primary")
        assert codes[0] == primary.credential.code
        later_seen = later_seen or bool(roadmap.later_credentials)
    assert later_seen  # the personas cover later credentials too


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("credentials"),
        lambda d: d.update(later_credentials=None),
        lambda d: d["credentials"][0].pop("credential"),
        lambda d: d["credentials"][0]["credential"].update(code=7),
        lambda d: d.update(roadmap_format=1),
        lambda d: d.pop("pathway"),
        lambda d: d.update(unknown_field=True),
    ],
)
def test_credential_codes_refuse_what_is_not_a_stored_roadmap(content, damage):
    stored = roadmap_to_dict(build_roadmap(medical_assistant(), content))
    damage(stored)
    with pytest.raises(ValueError, match="roadmap"):
        credential_codes_from_dict(stored)


def test_roadmap_from_dict_rejects_damaged_data(content):
    data = roadmap_to_dict(build_roadmap(medical_assistant(), content))
    broken = json.loads(json.dumps(data))
    del broken["pathway"]["duration_weeks"]
    with pytest.raises(ValueError, match=r"roadmap\.pathway\.duration_weeks"):
        roadmap_from_dict(broken)
    bad_date = json.loads(json.dumps(data))
    bad_date["milestones"][2]["date"] = "soon"
    with pytest.raises(ValueError, match=r"roadmap\.milestones\[2\]\.date"):
        roadmap_from_dict(bad_date)


def test_a_roadmap_stored_before_the_costs_title_still_loads(content):
    """The costs' title came later, with a default: a roadmap stored without it reads with
    none, while a field without a default is still required."""
    data = roadmap_to_dict(build_roadmap(medical_assistant(budget_min=0, budget_max=0), content))
    assert data["costs"]["title"] == "Paying for it comes first"
    older = json.loads(json.dumps(data))
    del older["costs"]["title"]
    assert roadmap_from_dict(older).costs.title == ""
    del older["costs"]["verdict"]
    with pytest.raises(ValueError, match=r"roadmap\.costs\.verdict"):
        roadmap_from_dict(older)


# ---------------------------------------------------------------------------
# Property: any valid answers give a consistent roadmap
# ---------------------------------------------------------------------------

CONTENT = load_content()
WORRIES = tuple(CONTENT.worries)
SPECIALTIES = tuple(CONTENT.specialties)

answers_strategy = st.builds(
    IntakeAnswers,
    name=st.just("Alex Doe"),
    email=st.just("alex@example.com"),
    timezone=st.sampled_from(["UTC", "America/Denver", "Asia/Manila"]),
    education=st.sampled_from(EDUCATION_LEVELS),
    current_work=st.sampled_from(["", "Cashier", "Nurse aide {not a placeholder}"]),
    healthcare_experience=st.sampled_from(HEALTHCARE_EXPERIENCE),
    target_setting=st.sampled_from(TARGET_SETTINGS),
    hours_per_week=st.integers(1, 60),
    budget=st.sampled_from(BUDGETS),
    employer_may_pay=st.booleans(),
    learning_format=st.sampled_from(LEARNING_FORMATS),
    start_date=st.dates(date(2025, 1, 1), date(2035, 12, 31)),
    worries=st.lists(st.sampled_from(WORRIES), unique=True).map(tuple),
    specialties=st.lists(st.sampled_from(SPECIALTIES), unique=True).map(tuple),
    goals=st.sampled_from(["", "lead a team one day", "get hired fast"]),
)


@settings(max_examples=150, deadline=None, database=None)
@given(answers_strategy)
def test_any_valid_answers_build_a_consistent_roadmap(answers):
    roadmap = build_roadmap(answers, CONTENT)
    dates = [m.date for m in roadmap.milestones]
    # Roadmap 2.0: the first milestone is the start date or the next business day/term.
    assert dates == sorted(dates) and dates[0] >= answers.start_date
    assert len(set(dates)) == len(dates)
    # the weekly plan holds the hours given, or the fewer a program at its minimum length
    # needs, and then says so
    plan = roadmap.study_plan
    assert sum(b.hours for b in plan.blocks) == plan.hours_per_week
    capped = any("is your own" in note for note in plan.notes)
    assert plan.hours_per_week == answers.hours_per_week or (
        capped and plan.hours_per_week <= answers.hours_per_week - 5
    )
    assert (
        roadmap.pathway.duration_weeks
        >= math.ceil(roadmap.pathway.total_hours / answers.hours_per_week)
        or roadmap.pathway.duration_weeks == CONTENT.pathways[roadmap.pathway.key].min_weeks
    )
    assert roadmap.next_steps[-1].key == "book_consultation"
    assert [w.key for w in roadmap.worries] == list(answers.worries)
    assert bool(roadmap.comparison) == (answers.target_setting == "undecided")
    for text in all_strings(roadmap_to_dict(roadmap)):  # every placeholder was filled
        assert "{" not in text.replace("{not a placeholder}", ""), text
    assert roadmap_from_dict(json.loads(json.dumps(roadmap_to_dict(roadmap)))) == roadmap
