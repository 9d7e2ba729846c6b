"""The visual timeline: phases and milestones on a dated axis, on the page and in the PDF."""

from __future__ import annotations

from datetime import date

from advising.roadmap.engine import build_roadmap
from advising.roadmap.timeline import WIDE_LEFT, WIDE_RIGHT, build_timeline, short_date
from tests.intake.helpers import answers, submit_intake, token_of


def test_the_layout_places_every_phase_and_milestone_in_date_order(content):
    roadmap = build_roadmap(answers(start_date=date(2027, 1, 4)), content)
    tl = build_timeline(roadmap)
    assert tl is not None
    assert [m.key for m in tl.markers] == [m.key for m in roadmap.milestones]
    assert [b.key for b in tl.bars] == [p.key for p in roadmap.phases]
    xs = [m.x for m in tl.markers]
    assert xs == sorted(xs) and xs[0] >= WIDE_LEFT and xs[-1] <= WIDE_RIGHT
    assert all(b.x >= WIDE_LEFT and b.x + b.width <= WIDE_RIGHT + 2 for b in tl.bars)
    # Month ticks: at most about a dozen, each the first of a month, in order.
    assert 2 <= len(tl.ticks) <= 13
    assert all(t.day.day == 1 for t in tl.ticks)
    assert tl.ticks[0].label.endswith(str(tl.ticks[0].day.year))
    # Narrow layout: labels never overlap however close two milestones are.
    for above, below in zip(tl.markers, tl.markers[1:], strict=False):
        assert below.label_y >= above.label_y + 15 * (len(above.lines) + 1)
    assert tl.narrow_height >= tl.markers[-1].label_y
    for m in roadmap.milestones:
        assert f"{short_date(m.date)}: {m.title}." in tl.description


def test_a_short_plan_spreads_its_month_ticks_apart(content):
    roadmap = build_roadmap(answers(hours_per_week=40), content)
    tl = build_timeline(roadmap)
    gaps = [b.y - a.y for a, b in zip(tl.ticks, tl.ticks[1:], strict=False)]
    assert min(gaps) >= 20


def test_the_roadmap_page_draws_the_timeline_as_labelled_images(client, ctx):
    token = token_of(submit_intake(client))
    html = client.get(f"/roadmap/{token}").get_data(as_text=True)
    for layout in ("wide", "narrow"):
        assert f'class="tl-{layout}"' in html
        assert f'aria-labelledby="tl-{layout}-title tl-{layout}-desc"' in html
        assert f'<title id="tl-{layout}-title">Timeline from ' in html
    assert html.count('role="img"') >= 2
    assert "Sit the CCA exam</text>" in html
    assert 'class="tl-legend"' in html
    assert '<ol class="timeline">' in html  # the text version stays
