"""Someone who wants remote work is told, on the dated milestones, how remote work is
reached: on-site roles for a first job, remote ones after about a year of coding (reference
notes: first remote jobs are rarer than adverts suggest)."""

from __future__ import annotations

from advising.roadmap.engine import build_roadmap, load_content
from tests.roadmap.personas import hospital_career_changer, milestone

CONTENT = load_content()


def remote_seeker(**changes):
    return hospital_career_changer(target_setting="remote", worries=("job_search",), **changes)


def test_the_first_job_and_the_year_after_say_how_remote_work_is_reached():
    roadmap = build_roadmap(remote_seeker(), CONTENT)
    assert "apply for on-site roles too" in milestone(roadmap, "first_job").description
    assert "remote roles open up" in milestone(roadmap, "specialization").description
    (job_search,) = roadmap.worries
    assert any("on-site roles included" in s for s in job_search.strategies)
    assert not any("many roles are remote" in s for s in job_search.strategies)


def test_a_coder_wanting_remote_work_is_pointed_at_their_own_employer_first():
    roadmap = build_roadmap(remote_seeker(coding_months=6), CONTENT)
    first_job = milestone(roadmap, "first_job").description
    assert "ask your employer about coding from home once you hold the CPC" in first_job
    assert "{" not in first_job and "on-site roles too" not in first_job


def test_other_settings_get_none_of_it():
    roadmap = build_roadmap(hospital_career_changer(worries=("job_search",)), CONTENT)
    text = " ".join(m.description for m in roadmap.milestones)
    assert "remote" not in text.replace("remote testing", "")
    # not yet a coder: remote work is for later, said plainly
    assert any("first jobs are more often on site" in s for s in roadmap.worries[0].strategies)
    assert not any("many roles are remote" in s for s in roadmap.worries[0].strategies)
