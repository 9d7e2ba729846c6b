"""The visitor's journey in a real browser: intake form -> roadmap -> PDF download."""

from __future__ import annotations

from datetime import timedelta

import pytest

from advising.database import utcnow
from advising.intake.services import format_date

pytestmark = pytest.mark.browser


def test_visitor_fills_the_intake_reads_the_roadmap_and_downloads_the_pdf(
    live_server, browser_page, tmp_path
):
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Get my free roadmap").click()
    page.wait_for_url("**/intake")

    page.get_by_label("Your name").fill("Dana Reyes")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Your time zone").select_option("America/Chicago")
    page.get_by_label("High school diploma or equivalent").check()
    page.get_by_label("Your current work").fill("Retail store manager")
    page.get_by_label("None yet").check()
    page.get_by_label("Hospital").check()
    page.get_by_label("Hours a week you can study").fill("8")
    # Submitting too early keeps what was typed and shows the errors next to the fields.
    page.get_by_role("button", name="Get my roadmap").click()
    start_error = page.locator("#start_date-error").inner_text()
    assert start_error.endswith("Enter the first day you could start.")
    assert page.locator("#consent-error").is_visible()
    assert page.get_by_label("Your name").input_value() == "Dana Reyes"
    assert page.get_by_label("Hospital").is_checked()

    start = utcnow().date() + timedelta(days=40)
    page.get_by_label("Earliest start date").fill(start.isoformat())
    page.get_by_label("Tight: every dollar counts").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Online").check()
    page.get_by_label("Paying for training and exams").check()
    page.get_by_label("I agree that my answers are stored").check()
    page.get_by_role("button", name="Get my roadmap").click()

    page.wait_for_url("**/roadmap/*")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Dana Reyes, your route into medical coding"
    )
    assert page.locator(".timeline li").count() >= 8
    # Roadmap 2.0: a start on a weekend or US federal holiday moves to the next business day.
    from advising.roadmap.engine.dates import next_business_day

    assert format_date(next_business_day(start)) in page.locator(".timeline").inner_text()
    assert page.get_by_role("heading", name="What worries you, answered").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "roadmap-dana-reyes.pdf"
    target = tmp_path / "roadmap.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-")
