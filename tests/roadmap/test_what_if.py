"""The roadmap page's "what if" panel: other hours, budget or start date, shown at once,
saved only when the person asks."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import format_date, roadmap_of
from advising.roadmap.engine import example_start_date
from tests.conftest import csrf_token_from
from tests.intake.helpers import submit_intake, token_of

NOTE = "This is a what-if; your saved plan is unchanged."


def _stored() -> Intake:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(select(Intake))


def _exam(roadmap):
    return next(m.date for m in roadmap.milestones if m.key == "exam")


def test_the_page_offers_the_panel_filled_with_the_saved_answers(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10", budget_amount="1500"))
    html = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert f'action="/roadmap/{token}"' in html and 'method="get"' in html
    assert re.search(r'id="wi-hours" name="hours" value="10"', html)
    assert re.search(r'id="wi-budget" name="budget" value="1500"', html)
    assert NOTE not in html and ">Save this version</button>" not in html


def test_a_what_if_re_renders_the_page_with_the_overrides_and_saves_nothing(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10", budget_amount="1500"))
    before = roadmap_of(_stored())
    start = utcnow().date() + timedelta(days=60)
    response = client.get(f"/roadmap/{token}?hours=20&budget=9000&start={start.isoformat()}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert NOTE in html and "Save this version" in html
    assert "20 hours a week you said you can give" in html
    assert 'name="hours" value="20"' in html and 'name="budget" value="9000"' in html
    assert "a budget of $9,000 and a start on" in html  # amounts worded as everywhere else
    ranged = client.get(f"/roadmap/{token}?hours=20&budget=$1,000-2000&start={start}")
    assert "a budget of $1,000 to $2,000 and" in ranged.get_data(as_text=True)
    # the downloads say they are the saved plan while a what-if shows (page and fragment)
    assert "Download the saved plan (PDF)" in html and ">Download PDF<" not in html
    fragment = client.get(f"/roadmap/{token}?hours=20&budget=&start={start}&fragment=1")
    assert 'id="roadmap-downloads"' in fragment.get_data(as_text=True)
    assert "Download the saved plan (PDF)" in fragment.get_data(as_text=True)
    assert ">Download PDF<" in client.get(f"/roadmap/{token}").get_data(as_text=True)
    one = client.get(f"/roadmap/{token}?hours=1&budget=&start={start}").get_data(as_text=True)
    assert "show 1 hour a week" in one and "1 hours" not in one
    # The timeline and costs are the what-if's, not the saved plan's.
    stored = _stored()
    assert roadmap_of(stored) == before and stored.answers["hours_per_week"] == 10
    import dataclasses

    from advising.intake.services import answers_of, roadmap_for

    expected = roadmap_for(
        dataclasses.replace(
            answers_of(stored), hours_per_week=20, budget_min=9000, budget_max=9000,
            start_date=start,
        )
    )
    assert _exam(expected) != _exam(before)
    section = html[html.index('id="timeline-section"') : html.index('id="credential"')]
    assert format_date(_exam(expected)) in section
    assert format_date(_exam(before)) not in section
    assert expected.costs.summary in html


def test_what_if_errors_show_beside_the_fields_keep_the_values_and_the_saved_plan(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10"))
    saved = roadmap_of(_stored())
    response = client.get(f"/roadmap/{token}?hours=500&budget=lots&start=soon")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="wi-hours-error">Enter a number from 1 to 60.</p>', html)
    assert 'id="wi-budget-error">Enter dollars like 1200' in html
    example = f"{example_start_date(utcnow().date()):%m/%d/%Y}"
    assert f'id="wi-start-error">Enter a date like {example}.</p>' in html
    assert f'id="wi-start-hint">Like {example}.</p>' in html
    assert 'name="hours" value="500"' in html and 'name="budget" value="lots"' in html
    assert 'aria-invalid="true"' in html and NOTE not in html
    assert "Your saved plan is shown until the what-if answers are fixed." in html
    assert format_date(_exam(saved)) in html
    # A past start date is refused too (the saved one is always accepted).
    past = (utcnow().date() - timedelta(days=10)).isoformat()
    html = client.get(f"/roadmap/{token}?hours=10&budget=&start={past}").get_data(as_text=True)
    assert "Choose today or a later date." in html


def test_the_fragment_holds_only_what_the_script_swaps(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10"))
    response = client.get(f"/roadmap/{token}?hours=25&budget=&start=&fragment=1")
    # an empty start is an error: the fragment says so and keeps the saved plan
    assert response.status_code == 422
    example = f"{example_start_date(utcnow().date()):%m/%d/%Y}"
    assert f'<p data-error-for="start">Enter a date like {example}.</p>' in response.get_data(
        as_text=True
    )
    start = _stored().answers["start_date"]
    response = client.get(f"/roadmap/{token}?hours=25&budget=3000&start={start}&fragment=1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<header" not in html
    for part in ('id="what-if-announce"', 'id="what-if-note"', 'id="timeline-section"',
                 'id="costs-section"', NOTE):
        assert part in html
    assert "What-if shown: exam " in html


def test_save_this_version_stores_the_what_if_as_the_roadmap(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10"))
    before = roadmap_of(_stored())
    start = (utcnow().date() + timedelta(days=45)).isoformat()
    page = client.get(f"/roadmap/{token}?hours=30&budget=2000&start={start}").get_data(
        as_text=True
    )
    form = {"hours": "30", "budget": "2000", "start": start}
    # Without the CSRF token nothing is saved.
    assert client.post(f"/roadmap/{token}/what-if", data=form).status_code == 400
    assert _stored().answers["hours_per_week"] == 10
    response = client.post(
        f"/roadmap/{token}/what-if", data={"csrf_token": csrf_token_from(page), **form}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/roadmap/{token}"
    stored = _stored()
    assert stored.answers["hours_per_week"] == 30
    assert (stored.answers["budget_min"], stored.answers["budget_max"]) == (2000, 2000)
    assert stored.answers["start_date"] == start
    after = roadmap_of(stored)
    assert after.study_plan.hours_per_week == 30 and _exam(after) != _exam(before)
    html = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert "Saved: this version is now your roadmap." in html
    assert 'name="hours" value="30"' in html and NOTE not in html
    # An invalid version is refused and sent back to the panel with what was typed.
    bad = client.post(
        f"/roadmap/{token}/what-if",
        data={"csrf_token": csrf_token_from(html), "hours": "0", "budget": "", "start": start},
    )
    assert bad.status_code == 302 and "hours=0" in bad.headers["Location"]
    assert _stored().answers["hours_per_week"] == 30


def test_with_no_exam_ahead_the_panel_does_not_offer_hours(client, ctx):
    """A credential held: hours move no date, so the panel offers the budget and start date
    only, and keeps the hours for them in a hidden field."""
    token = token_of(
        submit_intake(
            client, hours_per_week="8", credentials_held=["coc_a"], target_setting="hospital"
        )
    )
    html = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert 'id="wi-hours"' not in html
    assert '<input type="hidden" name="hours" value="8">' in html
    assert re.search(r'id="wi-budget" name="budget"', html)
    assert "with no exam ahead, the hours you study move no date" in html
