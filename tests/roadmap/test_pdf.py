"""The roadmap PDF: WeasyPrint renders the page's own template, offline."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import format_date, roadmap_of
from advising.roadmap.pdf import StaticFilesOnly, render_pdf
from tests.intake.helpers import submit_intake, token_of


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_holds_the_persons_name_and_dated_milestones(client, ctx, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    token = token_of(submit_intake(client, name="Dana Reyes"))
    response = client.get(f"/roadmap/{token}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="roadmap-dana-reyes.pdf"'  # Roadmap 2.0: named after the person
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "Dana Reyes, your route into medical coding" in text
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    for milestone in roadmap.milestones:
        assert f"{format_date(milestone.date)} {milestone.title}" in text
    assert "Job outlook" in text and "U.S. Bureau of Labor Statistics" in text
    # Print version: no site navigation, buttons or the delete form.
    for absent in ("Sign in", "Download PDF", "Delete my answers", "Book a consultation"):
        assert absent not in text
    assert "Book from your roadmap page on our website." in text
    assert "Page 1 of" in text  # the stylesheet's @page rules were applied
    assert not [r for r in caplog.records if "app.css" in r.getMessage()]


def test_the_pdf_fetches_only_the_apps_own_static_files(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "app.css").write_text("h1 { color: rgb(1, 2, 3); }")
    (tmp_path / "secret.txt").write_text("not for PDFs")
    fetcher = StaticFilesOnly("http://localhost/", "/static", static)
    found = fetcher.fetch("http://localhost/static/css/app.css")
    assert found.read() == b"h1 { color: rgb(1, 2, 3); }"
    assert found.content_type == "text/css"
    found.close()
    for url in (
        "https://fonts.example.com/static/css/app.css",  # another host: no network
        "http://localhost/static/../secret.txt",
        "http://localhost/static/css/missing.css",
        "file:///etc/passwd",
        "http://localhost/other/app.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    html = (
        '<link rel="stylesheet" href="/static/css/app.css">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        "<h1>Offline</h1>"
    )
    pdf = render_pdf(
        html, base_url="http://localhost/", static_url_path="/static", static_folder=static
    )
    assert "Offline" in pdf_text(pdf)


def test_the_pdf_is_rendered_once_per_version_of_what_it_shows(client, ctx, pdf_renders):
    """WeasyPrint runs on the first download and again only when the page's content changes
    (here: an advisor's recommendation); repeated downloads serve the stored bytes."""
    calls = pdf_renders
    token = token_of(submit_intake(client, name="Dana Reyes"))
    first = client.get(f"/roadmap/{token}.pdf").data
    assert client.get(f"/roadmap/{token}.pdf").data == first
    assert len(calls) == 1
    db.session.rollback()
    intake = db.session.scalar(select(Intake))
    from advising.consultations.models import AdvisorRecommendation
    from tests.factories import make_advisor
    from tests.intake.helpers import make_booking

    booking = make_booking(make_advisor(), intake=intake)
    db.session.add(
        AdvisorRecommendation(
            booking_id=booking.id, author_id=booking.advisor.user_id, body="Try CRC"
        )
    )
    db.session.commit()
    changed = client.get(f"/roadmap/{token}.pdf").data
    assert len(calls) == 2 and changed != first and "Try CRC" in pdf_text(changed)


@pytest.mark.parametrize("app_config", [{"ROADMAP_PDF_LIMIT": "2 per minute"}])
def test_pdf_downloads_are_rate_limited_per_address(client, ctx, app_config):
    token = token_of(submit_intake(client, name="Dana Reyes"))
    codes = [client.get(f"/roadmap/{token}.pdf").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


LONGEST_NAME = (
    "Maria Guadalupe Fernanda de los Angeles Villanueva-Castellanos y Rodriguez-Montenegro Sr."
)


@pytest.mark.parametrize("name", ["Dana Reyes", LONGEST_NAME])
def test_the_pdf_is_us_letter_and_opens_with_a_one_page_summary(client, ctx, name):
    token = token_of(submit_intake(client, name=name, budget_amount="1500"))
    data = client.get(f"/roadmap/{token}.pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    primary = roadmap.primary_credential
    assert "Your plan at a glance" in first
    assert f"Recommended credential {primary.code}: {primary.name}" in first
    for key in ("program_start", "exam", "first_job"):
        milestone = next(m for m in roadmap.milestones if m.key == key)
        assert f"{milestone.title} {format_date(milestone.date)}" in first
    # the key dates in date order (registration came after the training's end, before it)
    shown = [
        m
        for m in roadmap.milestones
        if m.key in ("program_start", "program_complete", "exam_registration", "exam")
    ]
    places = [first.index(f"{m.title} {format_date(m.date)}") for m in shown]
    assert len(shown) == 4 and places == sorted(places)
    assert [m.date for m in shown] == sorted(m.date for m in shown)
    costs = roadmap.costs
    assert f"Total cost (priced items) ${costs.total_low:,} to ${costs.total_high:,}" in first
    assert "Your budget $1,500" in first
    for step in roadmap.next_steps[:3]:
        assert f"{step.title}." in first
    assert roadmap.next_steps[3].title not in first
    assert f"Keep this address private: http://127.0.0.1:5000/roadmap/{token}" in first
    assert "Page 1 of" in first
    # The full plan starts on page 2, with the visual timeline.
    second = re.sub(r"\s+", " ", reader.pages[1].extract_text())
    assert second.lstrip().startswith("Your timeline")
    phase = roadmap.phases[0]
    assert "Foundations: " in second and "Sit the CCA exam" in second
    assert phase.name in second


def test_print_stylesheets_are_parsed_once_per_process_and_must_exist(tmp_path):
    from advising.roadmap import pdf as pdf_module

    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "print.css").write_text("@page { size: letter; } h1 { color: #123456; }")
    before = pdf_module._stylesheet.cache_info()
    for _ in range(3):
        data = render_pdf(
            "<h1>Styled</h1>",
            base_url="http://localhost/",
            static_url_path="/static",
            static_folder=static,
            stylesheets=("css/print.css",),
        )
        assert "Styled" in pdf_text(data)
        assert PdfReader(io.BytesIO(data)).pages[0].mediabox.height == 792  # the sheet applied
    after = pdf_module._stylesheet.cache_info()
    assert after.misses - before.misses == 1 and after.hits - before.hits == 2
    for missing in ("css/none.css", "../secret.css"):
        with pytest.raises(ValueError):
            render_pdf(
                "<h1>x</h1>",
                base_url="http://localhost/",
                static_url_path="/static",
                static_folder=static,
                stylesheets=(missing,),
            )


def test_a_new_print_stylesheet_renders_kept_pdfs_again(app, client, ctx, pdf_renders):
    """Kept PDFs follow the print stylesheets too, not only the roadmap's content."""
    import shutil

    folder = Path(app.static_folder)
    copy = Path(app.instance_path) / "static"
    shutil.copytree(folder, copy)
    app.static_folder = str(copy)
    calls = pdf_renders
    token = token_of(submit_intake(client, name="Dana Reyes"))
    client.get(f"/roadmap/{token}.pdf")
    client.get(f"/roadmap/{token}.pdf")
    assert len(calls) == 1
    sheet = copy / "css" / "roadmap.css"
    sheet.write_text(sheet.read_text() + "\n.print-brand { letter-spacing: .01em; }\n")
    assert client.get(f"/roadmap/{token}.pdf").status_code == 200
    assert len(calls) == 2


def test_a_render_collects_young_objects_seldom_and_restores_the_collector(monkeypatch):
    import gc

    from advising.roadmap import pdf as pdf_module

    seen = []

    class RecordingHTML(pdf_module.HTML):
        def write_pdf(self, *args, **kwargs):
            seen.append(gc.get_threshold())
            return super().write_pdf(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "HTML", RecordingHTML)
    usual = gc.get_threshold()
    data = render_pdf(
        "<p>Seldom</p>", base_url="http://localhost/", static_url_path="/static", static_folder="."
    )
    assert "Seldom" in pdf_text(data)
    assert seen == [(pdf_module.RENDER_GC_THRESHOLD, *usual[1:])]
    assert gc.get_threshold() == usual

    def broken(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(RecordingHTML, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        render_pdf(
            "<p>x</p>", base_url="http://localhost/", static_url_path="/static", static_folder="."
        )
    assert gc.get_threshold() == usual
    gc.set_threshold(50_000, *usual[1:])  # a process collecting more seldom already keeps it
    try:
        with pdf_module.fewer_collections():
            assert gc.get_threshold()[0] == 50_000
    finally:
        gc.set_threshold(*usual)


def _fonttools_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("weasyprint") and "fontTools instead" in record.getMessage()
    ]


def test_the_font_subsetter_probe_says_what_weasyprint_does(monkeypatch, caplog):
    """``fonts_subset_by_harfbuzz`` is true exactly when WeasyPrint subsets with HarfBuzz: on
    this machine as it is, and with HarfBuzz's subsetter taken away."""
    import weasyprint.pdf.fonts
    import weasyprint.text.ffi

    from advising.roadmap.pdf import fonts_subset_by_harfbuzz

    def render() -> bytes:
        return render_pdf(
            "<p>Subset me</p>",
            base_url="http://localhost/",
            static_url_path="/static",
            static_folder=".",
        )

    caplog.set_level(logging.WARNING, logger="weasyprint")
    assert "Subset me" in pdf_text(render())
    assert bool(_fonttools_warnings(caplog)) is not fonts_subset_by_harfbuzz()

    caplog.clear()
    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    assert fonts_subset_by_harfbuzz() is False
    assert "Subset me" in pdf_text(render())
    assert _fonttools_warnings(caplog)


@pytest.mark.parametrize("harfbuzz", [True, False])
def test_a_process_says_at_start_up_when_its_renders_will_be_slow(
    app, monkeypatch, caplog, harfbuzz
):
    from advising.roadmap import prerender

    monkeypatch.setattr(prerender, "fonts_subset_by_harfbuzz", lambda: harfbuzz)
    caplog.set_level(logging.WARNING, logger="advising.roadmap")
    prerender.warm_up(app)
    said = [r.getMessage() for r in caplog.records if r.name == "advising.roadmap"]
    if harfbuzz:
        assert said == []
    else:
        assert len(said) == 1
        assert "apt-get install libharfbuzz-subset0" in said[0] and "1.8x" in said[0]


@pytest.mark.parametrize("hours", ["10", "1"])
def test_the_cost_table_and_each_next_step_stay_on_one_page(client, ctx, hours):
    """A reader never meets a cost table cut after its first row (with the total repeated
    under the break) or a next step's title at a page's foot with its text overleaf."""
    token = token_of(submit_intake(client, hours_per_week=hours, budget_amount="1500"))
    reader = PdfReader(io.BytesIO(client.get(f"/roadmap/{token}.pdf").data))
    pages = [re.sub(r"\s+", " ", page.extract_text()).lower() for page in reader.pages[1:]]
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))

    def pages_with(text: str) -> list[int]:
        return [i for i, page in enumerate(pages) if text.lower() in page]

    (table,) = pages_with("What it costs")  # the heading with its table
    assert table in pages_with("Priced items")
    for line in roadmap.costs.lines:
        assert table in pages_with(line.label[:30]), line.label
    for step in roadmap.next_steps:
        first_words = " ".join(step.description.split()[:6])
        assert set(pages_with(step.title)) & set(pages_with(first_words)), step.title


def test_a_credential_card_runs_on_instead_of_leaving_half_a_page_empty(client, ctx):
    """The recommended credential's card follows the timeline on its page, its reasons
    running on overleaf, instead of moving whole to a new page."""
    token = token_of(submit_intake(client, budget_amount="1500"))
    reader = PdfReader(io.BytesIO(client.get(f"/roadmap/{token}.pdf").data))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    before = next(i for i, page in enumerate(pages) if "With more hours a week" in page)
    assert "Recommended for you".upper() in pages[before].upper()
    # the reasons are kept whole: no reason's first words on one page and its end on the next
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    for reason in roadmap.credentials[0].reasons:
        start, end = " ".join(reason.split()[:5]), " ".join(reason.split()[-4:])
        assert any(start in page and end in page for page in pages), reason


@pytest.mark.parametrize(
    ("held", "coding", "note"),
    [
        ("cpc_a", None, "No exam ahead: you passed the CPC."),
        ("cpc", "72", "No exam ahead: you hold the CPC and already code."),
    ],
)
def test_a_holders_pdf_says_what_stands_in_for_the_program(client, ctx, held, coding, note):
    token = token_of(
        submit_intake(
            client,
            target_setting="physician_office",
            credentials_held=[held],
            assigns_codes="yes" if coding else None,
            coding_months=coding,
        )
    )
    text = pdf_text(client.get(f"/roadmap/{token}.pdf").data)
    assert f"Pathway {note}" in text
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    assert not roadmap.phases
    for milestone in roadmap.milestones:
        assert f"{format_date(milestone.date)} {milestone.title}" in text
    assert "Sit the CPC exam" not in text
