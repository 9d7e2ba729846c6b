"""The roadmap page in a real browser: the "what if" panel with JavaScript, and every page
state at phone and desktop widths without sideways scrolling or axe violations."""

from __future__ import annotations

import pytest

from advising.intake import services
from advising.intake.services import format_date
from tests.intake.helpers import answers

pytestmark = pytest.mark.browser


def _roadmap(live_server, **changes) -> tuple[str, object]:
    with live_server.app.app_context():
        intake, token = services.create_intake(answers(**changes))
        return token, services.roadmap_of(intake)


def _exam(roadmap):
    return next(m.date for m in roadmap.milestones if m.key == "exam")


def test_changing_hours_in_the_what_if_panel_swaps_in_the_new_timeline_and_costs(
    live_server, browser_page
):
    token, saved = _roadmap(live_server, hours_per_week=10, budget_min=1500, budget_max=1500)
    page = browser_page
    page.goto(f"{live_server.url}/roadmap/{token}")
    timeline = page.locator("#timeline-section")
    assert format_date(_exam(saved)) in timeline.inner_text()
    assert page.locator("#what-if-note").inner_text().strip() == ""

    page.get_by_label("Hours a week").fill("30")
    page.get_by_label("Hours a week").press("Tab")  # change event: fetch and swap
    note = page.locator("#what-if-note")
    note.get_by_text("This is a what-if; your saved plan is unchanged.").wait_for()
    assert "30 hours a week" in page.locator("#timeline-section").inner_text()
    # the rest of the page follows too: the summary and the weekly study plan
    assert "at 30 hours a week" in page.locator("#roadmap-summary").inner_text()
    study = page.locator("#roadmap-body .study-table tfoot").inner_text()
    assert "30" in study and "10" not in study
    downloads = page.locator("#roadmap-downloads")
    assert "Download the saved plan (PDF)" in downloads.inner_text()  # swapped in as well
    assert format_date(_exam(saved)) not in page.locator(".timeline").inner_text()
    status = page.locator("#what-if-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text().startswith("What-if shown: exam ")
    assert "hours=30" in page.url  # the address holds the what-if (reload, back, share)
    assert page.locator("#costs-section").is_visible()
    before = page.locator("#costs-section .cost-verdict").inner_text()

    page.get_by_label("Budget in dollars (optional)").fill("100")
    page.get_by_label("Budget in dollars (optional)").press("Tab")
    page.wait_for_function(
        "b => document.querySelector('#costs-section .cost-verdict').innerText !== b", arg=before
    )
    assert "$100" in page.locator("#what-if-note").inner_text()

    # A wrong value: the error appears beside the field, the page keeps what it showed.
    page.get_by_label("Hours a week").fill("99")
    page.get_by_label("Hours a week").press("Tab")
    page.locator("#wi-hours-error").get_by_text("Enter a number from 1 to 60.").wait_for()
    assert page.get_by_label("Hours a week").get_attribute("aria-invalid") == "true"
    assert status.inner_text().startswith("Check the what-if")

    # The button applies it in place too: no page load, and the keyboard stays on it.
    page.get_by_label("Hours a week").fill("30")
    page.evaluate("window.notReloaded = true")
    show = page.get_by_role("button", name="Show this what-if")
    show.focus()
    page.keyboard.press("Enter")
    page.locator("#wi-hours-error").wait_for(state="hidden")
    assert page.evaluate("window.notReloaded === true")
    assert page.evaluate("document.activeElement.textContent") == "Show this what-if"
    page.get_by_role("button", name="Save this version").click()
    page.get_by_text("Saved: this version is now your roadmap.").wait_for()
    assert page.get_by_label("Hours a week").input_value() == "30"
    with live_server.app.app_context():
        from sqlalchemy import select

        from advising.extensions import db
        from advising.intake.models import Intake

        assert db.session.scalar(select(Intake)).answers["hours_per_week"] == 30


OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest('.visually-hidden, .skip-link'))
    .map(e => e.tagName + '.' + e.className);
  const scrolling = [...document.querySelectorAll('main *')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
    .map(e => e.tagName + '.' + e.className);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(0, 5), scrolling};
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_every_roadmap_state_fits_the_screen_and_has_no_axe_violations(
    live_server, browser_page, width
):
    from axe_playwright_python.sync_playwright import Axe

    token, saved = _roadmap(
        live_server, hours_per_week=10, budget_min=1500, budget_max=1500, target_setting="undecided"
    )
    start = saved.start_date.isoformat()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    states = {
        "saved": "",
        "what-if": f"?hours=25&budget=900&start={start}",
        "what-if with errors": "?hours=0&budget=lots&start=soon",
    }
    for state, query in states.items():
        page.goto(f"{live_server.url}/roadmap/{token}{query}")
        if state == "what-if":
            assert page.get_by_text("This is a what-if").is_visible()
        if state == "what-if with errors":
            assert page.locator("#wi-hours-error").is_visible()
        assert page.get_by_role("img", name="Timeline from").is_visible()
        overflow = page.evaluate(OVERFLOW)
        assert overflow["scroll"] <= overflow["client"], (state, overflow)
        assert overflow["wide"] == [], (state, overflow)
        assert overflow["scrolling"] == [], (state, overflow)
        violations = axe.run(page).response["violations"]
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], state
