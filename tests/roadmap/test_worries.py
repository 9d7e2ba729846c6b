"""Answers to worries fit the person: a working coder is not told how to get hired without
experience, nor a holder with nothing to pay how to price a program."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from advising.roadmap.engine import build_roadmap, load_content
from tests.roadmap.personas import hospital_career_changer, medical_assistant
from tests.roadmap.test_roadmap2 import answers_strategy

CONTENT = load_content()
EVERY_WORRY = tuple(CONTENT.worries)


def worry(roadmap, key: str):
    return next(w for w in roadmap.worries if w.key == key)


def test_a_working_coder_worried_about_the_job_search_is_not_told_coders_start_with_none():
    coder = medical_assistant(credentials_held=("cpc",), coding_months=72, worries=EVERY_WORRY)
    roadmap = build_roadmap(coder, CONTENT)
    job_search = worry(roadmap, "job_search")
    assert "no coding job on their résumé" not in job_search.summary
    assert "a move, not a first job" in job_search.summary
    career = worry(roadmap, "career_change")
    assert "already changed careers" in career.summary
    assert not any("before you commit" in s for s in career.strategies)
    assert any("72 months of coding first on your résumé" in s for s in career.strategies)
    # the same worries for someone starting out keep their first-job answers
    newcomer = build_roadmap(medical_assistant(worries=EVERY_WORRY), CONTENT)
    assert "no coding job on their résumé" in worry(newcomer, "job_search").summary
    assert any("before you commit" in s for s in worry(newcomer, "career_change").strategies)


def test_a_holder_with_nothing_to_pay_is_told_what_keeping_the_credential_costs():
    holder = hospital_career_changer(credentials_held=("ccs",), coding_months=24, worries=("cost",))
    roadmap = build_roadmap(holder, CONTENT)
    assert roadmap.costs.verdict == "none" and not roadmap.costs.lines
    cost = worry(roadmap, "cost")
    assert "no training or exam to pay for" in cost.summary
    assert not any("costs section" in s for s in cost.strategies)  # there is none to point at
    assert any("recertification fee" in s for s in cost.strategies)
    # they said their employer will not pay for training: dues and fees are still worth asking
    assert any("Even if your employer does not pay" in s for s in cost.strategies)
    assert not any("future employers" in s for s in cost.strategies)


def test_a_review_route_budgets_for_review_not_training():
    holder = medical_assistant(credentials_held=("cca",), worries=("cost",))
    roadmap = build_roadmap(holder, CONTENT)
    summary = worry(roadmap, "cost").summary
    assert summary.startswith("With no program to pay for") and "training" not in summary


@settings(max_examples=150, deadline=None, database=None)
@given(answers_strategy, st.lists(st.sampled_from(EVERY_WORRY), min_size=1, unique=True))
def test_every_worry_ticked_gets_an_answer_with_something_to_do(answers, worries):
    answers = dataclasses.replace(answers, worries=tuple(worries))
    roadmap = build_roadmap(answers, CONTENT)
    assert [w.key for w in roadmap.worries] == worries
    for answer in roadmap.worries:
        assert answer.summary and answer.strategies, answer.key
        for text in (answer.summary, *answer.strategies):
            assert "{" not in text and "}" not in text, text
