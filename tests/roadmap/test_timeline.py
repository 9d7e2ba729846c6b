"""The visual timeline: phases and milestones on a dated axis, on the page and in the PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from itertools import pairwise

from pypdf import PdfReader
from sqlalchemy import select

from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import roadmap_of
from advising.roadmap.engine import build_roadmap
from advising.roadmap.prerender import print_html
from advising.roadmap.timeline import WIDE_LEFT, WIDE_RIGHT, Marker, build_timeline, short_date
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


def test_the_pdf_lays_its_timeline_labels_over_the_drawing_as_text(client, ctx):
    """WeasyPrint lays SVG text out one letter at a time (a tenth of a render, and letters a
    reader cannot copy as words): the PDF's drawing has shapes only, its labels are text
    placed where the drawing's own labels sit."""
    token = token_of(submit_intake(client, name="Dana Reyes"))
    intake = db.session.scalar(select(Intake))
    tl = build_timeline(roadmap_of(intake))
    with ctx.test_request_context("/"):
        html = print_html(intake, token)
    chart = html[html.index('<figure class="tl">') : html.index("</figure>")]
    assert "<text" not in chart
    # each label's words sit on a white halo, so the month lines do not cross them
    labels = re.findall(
        r'<span class="tl-label[^"]*" style="([^"]*)"><span class="tl-halo">(.*?)</span></span>',
        chart,
    )
    assert len(labels) == len(tl.ticks) + len(tl.bars) + len(tl.markers)
    placed = zip(
        [*tl.ticks, *tl.bars, *tl.markers],
        [*([20] * len(tl.ticks)), *(b.y + 11 for b in tl.bars), *(m.y + 5 for m in tl.markers)],
        [*([14] * (len(tl.ticks) + len(tl.bars))), *([15] * len(tl.markers))],
        labels,
        strict=True,
    )
    for item, baseline, size, (style, text) in placed:
        x = getattr(item, "text_x", getattr(item, "x", None))
        top = round((baseline - 0.85 * size) / tl.wide_height * 100, 3)
        assert style.startswith(f"top: {top}%;")
        anchor = getattr(item, "anchor", None)
        if anchor == "end":
            assert f"right: {round(100 - round(x / 10, 2), 2)}%" in style
        elif anchor == "start":
            assert f"left: {round(x / 10, 2)}%" in style
        if isinstance(item, Marker):
            assert text == f"<b>{short_date(item.day)}</b> {item.title}"
    # In the PDF each label reads as words, on the timeline's page.
    data = client.get(f"/roadmap/{token}.pdf").data
    page = re.sub(r"\s+", " ", PdfReader(io.BytesIO(data)).pages[1].extract_text())
    for marker in tl.markers:
        assert f"{short_date(marker.day)} {marker.title}" in page
    for bar in tl.bars:
        assert bar.label in page


def test_a_plan_of_many_years_has_at_most_a_dozen_ticks_a_year_or_more_apart():
    from advising.roadmap.timeline import _month_ticks

    ticks = _month_ticks(date(2027, 1, 4), date(2041, 6, 1))  # 1 hour a week: 14 years
    assert 2 <= len(ticks) <= 12
    gaps = {(b.year - a.year) * 12 + b.month - a.month for a, b in pairwise(ticks)}
    assert gaps == {24}
    assert len(_month_ticks(date(2027, 1, 4), date(2028, 1, 4))) >= 6  # a year: monthly-ish


def test_on_screen_the_timeline_labels_have_a_halo_over_the_month_lines(client, ctx):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    wide = page[page.index('<svg class="tl-wide"') : page.index("</svg>")]
    labels = re.findall(r'<text [^>]*font-size="1[45]" fill="#1f2937"[^>]*>', wide)
    assert labels and all('paint-order="stroke" stroke="#ffffff"' in t for t in labels)
