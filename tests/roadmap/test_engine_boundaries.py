"""Roadmap engine, thresholds at their exact boundary: each test fails if a comparison
is loosened or tightened by one (``>=`` vs ``>``, ``<`` vs ``<=``).

Pathway points (rules.py): high school +2, hospital +1, employer may pay +1; "some"
healthcare experience, a payer setting, a moderate budget and goals without keywords count
0. Hours carry no points, but a degree that would take longer than ``feasible_max_weeks`` at
the person's hours (156: 3,120 hours at 20 hours a week) is not chosen.
"""

from __future__ import annotations

import pytest

from advising.roadmap.engine import (
    ASSOCIATE_THRESHOLD,
    MAX_HOURS_PER_WEEK,
    MIN_HOURS_PER_WEEK,
    IntakeAnswers,
    Roadmap,
    build_roadmap,
    rules,
)
from tests.roadmap.personas import medical_assistant, school_leaver


def scored(education: str, target_setting: str, hours: int = 30, **changes) -> IntakeAnswers:
    """Answers whose pathway score comes only from education, setting, hours and changes."""
    neutral = {
        "healthcare_experience": "some",
        "budget": "moderate",
        "employer_may_pay": False,
        "goals": "",
    }
    return medical_assistant(
        education=education,
        target_setting=target_setting,
        hours_per_week=hours,
        **{**neutral, **changes},
    )


def pathway(answers: IntakeAnswers, content) -> str:
    return build_roadmap(answers, content).pathway.key


def test_the_point_values_these_tests_rely_on():
    assert ASSOCIATE_THRESHOLD == 3
    # Roadmap 2.0: hours are named as reasons but carry no points (more hours a week must
    # never lengthen the plan by tipping the choice to the two-year degree).
    assert (rules._LOW_HOURS, rules._HIGH_HOURS) == (10, 20)
    assert rules._EMPLOYER_PAYS_POINTS == 1


@pytest.mark.parametrize(
    "answers",
    [
        scored("high_school", "hospital"),  # 2 + 1
        scored("high_school", "payer", employer_may_pay=True),  # 2 + 1
    ],
)
def test_a_score_exactly_at_the_threshold_chooses_the_associate_degree(content, answers):
    """Advising rule: three points towards the degree recommend the associate degree; a
    score that only just reaches the bar still counts (the tie goes to the degree)."""
    roadmap = build_roadmap(answers, content)
    assert roadmap.pathway.key == "associate_degree"
    assert "an associate degree gives you" in " ".join(roadmap.pathway.reasons)


@pytest.mark.parametrize(
    "answers",
    [
        scored("high_school", "payer"),  # 2
        scored("some_college", "hospital"),  # 1 + 1
    ],
)
def test_one_point_below_the_threshold_chooses_the_certificate(content, answers):
    """Advising rule: below three points the shorter, cheaper certificate is recommended."""
    roadmap = build_roadmap(answers, content)
    assert roadmap.pathway.key == "certificate"
    assert roadmap.pathway.reasons == (content.reasons["pathway_default_certificate"],)


def test_fewer_than_10_hours_a_week_is_named_for_the_certificate(content):
    """Advising rule: under 10 study hours a week a two-year degree would stretch over
    many years, so the reason is named; exactly 10 hours is not. Hours no longer decide
    the pathway (more hours must never lengthen the plan)."""
    at_ten = build_roadmap(scored("some_college", "payer", hours=10), content)
    assert "At 10 hours" not in " ".join(at_ten.pathway.reasons)
    at_nine = build_roadmap(scored("some_college", "payer", hours=9), content)
    assert at_nine.pathway.key == "certificate"
    assert "At 9 hours a week even a certificate is a long project" in " ".join(
        at_nine.pathway.reasons
    )


def test_20_hours_a_week_or_more_is_named_for_the_degree(content):
    """Advising rule: 20 or more study hours a week can carry a degree program (named as a
    reason when the degree is chosen); hours never make a degree of a score that does not
    recommend one."""
    assert pathway(scored("high_school", "payer", hours=30), content) == "certificate"
    at_thirty = build_roadmap(scored("high_school", "hospital", hours=30), content)
    assert at_thirty.pathway.key == "associate_degree"
    assert "You can give 30 hours a week" in " ".join(at_thirty.pathway.reasons)


def test_a_degree_longer_than_three_years_at_the_persons_hours_is_not_chosen(content):
    """Advising rule (from a certified advisor's review): a degree the score recommends is
    chosen only when the whole plan to a first coding job fits in three years
    (``feasible_max_weeks``) at the person's hours: the wait for the term, 3,120 hours of
    degree, the exam and the job search. Otherwise the certificate comes first, and the
    reason says how far the degree would put the first job and that it can follow."""
    assert content.feasible_max_weeks == 156
    fits = scored("high_school", "hospital", hours=26)
    assert rules.degree_plan_weeks(fits, content, "cca") == 153
    assert pathway(fits, content) == "associate_degree"
    # the program alone is 120 weeks at 26 hours, 125 at 25: it is the whole plan that tips
    too_long = scored("high_school", "hospital", hours=25)
    assert rules.degree_plan_weeks(too_long, content, "cca") == 158
    at_25 = build_roadmap(too_long, content)
    assert at_25.pathway.key == "certificate"
    assert at_25.pathway.reasons[0].startswith(
        "A degree would suit you, but at 25 hours a week it would put your first coding job "
        "about 37 months away."
    )
    assert not at_25.feasibility  # the plan chosen is no plan longer than three years
    # the low-hours reason does not repeat it
    at_five = build_roadmap(scored("high_school", "hospital", hours=5), content)
    assert at_five.pathway.key == "certificate"
    assert not any("even a certificate is a long project" in r for r in at_five.pathway.reasons)


def test_the_minimum_program_length_applies_only_when_the_pace_would_beat_it(content):
    """Rule: a program cannot be finished faster than its minimum length (certificate:
    520 hours, at least 20 weeks). At 27 h/week the pace gives exactly 20 weeks, so the
    normal formula is shown; at 28 h/week it would give 19, so the minimum applies."""
    exact = build_roadmap(medical_assistant(hours_per_week=27), content).pathway
    assert (exact.key, exact.duration_weeks) == ("certificate", 20)
    assert "cannot be completed in under" not in exact.formula
    clamped = build_roadmap(medical_assistant(hours_per_week=28), content).pathway
    assert (clamped.key, clamped.duration_weeks) == ("certificate", 20)
    assert "cannot be completed in under 20 weeks" in clamped.formula


def _notes(roadmap: Roadmap) -> str:
    return " ".join(roadmap.study_plan.notes)


def test_study_notes_hours_conditions_compare_exactly(content):
    """Content rules 'hours < 8' (keep steady slots) and 'hours >= 30' (plan lighter
    weeks): the condition language compares hours exactly as written."""
    steady = "steadiness matters more than intensity"
    lighter = "plan a lighter week every month"
    assert steady in _notes(build_roadmap(school_leaver(hours_per_week=7), content))
    assert steady not in _notes(build_roadmap(school_leaver(hours_per_week=8), content))
    assert lighter not in _notes(build_roadmap(school_leaver(hours_per_week=29), content))
    assert lighter in _notes(build_roadmap(school_leaver(hours_per_week=30), content))


@pytest.mark.parametrize("hours", [MIN_HOURS_PER_WEEK, MAX_HOURS_PER_WEEK])
def test_the_hours_limits_themselves_are_accepted(content, hours):
    """Intake rule: between 1 and 60 study hours a week, both ends included."""
    roadmap = build_roadmap(medical_assistant(hours_per_week=hours), content)
    assert sum(b.hours for b in roadmap.study_plan.blocks) == roadmap.study_plan.hours_per_week
    assert roadmap.study_plan.hours_per_week <= hours
