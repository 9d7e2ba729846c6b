"""The insights page in a real browser at phone and desktop widths: nothing scrolls sideways,
every chart is an image with a title and description, every table has a caption and headers.

axe-core is not part of this project (no test loads it and no npm tooling is added), so
instead of an axe run these tests check the structure axe would look at for charts and tables.
"""

from __future__ import annotations

import pytest

from advising.accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.staff.fixture import seed

pytestmark = pytest.mark.browser

STRUCTURE = """() => {
  const problems = [];
  const svgs = [...document.querySelectorAll('main svg')];
  for (const svg of svgs) {
    const title = svg.querySelector(':scope > title');
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (svg.getAttribute('role') !== 'img') problems.push('svg without role=img');
    if (!title || !title.textContent.trim()) problems.push('svg without a title');
    if (ids.length === 0 || ids.some(id => !document.getElementById(id)))
      problems.push('svg labelled by a missing element');
  }
  const tables = [...document.querySelectorAll('main table')];
  for (const table of tables) {
    if (!table.caption || !table.caption.textContent.trim()) problems.push('table without caption');
    if (table.querySelectorAll('thead th[scope=col]').length === 0) problems.push('no headers');
  }
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  if (new Set(ids).size !== ids.length) problems.push('duplicate ids');
  return {svgs: svgs.length, tables: tables.length, problems};
}"""

OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest('.table-wrap'))
    .map(e => e.tagName + '.' + e.className);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(0, 5)};
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_insights_page_fits_the_screen_and_labels_its_charts(live_server, browser_page, width):
    with live_server.app.app_context():
        seed()
        make_user(Role.STAFF, email="sam@example.org")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    if width < 640:  # on a phone the signed-in menu is folded
        page.locator("summary.site-menu-toggle").click()
    page.get_by_role("link", name="Insights").first.click()
    page.wait_for_url("**/staff/insights")
    page.get_by_label("From", exact=True).fill("2030-01-07")
    page.get_by_label("To (included)", exact=True).fill("2030-01-13")
    page.get_by_role("button", name="Show insights").click()
    page.wait_for_url("**/staff/insights?from=2030-01-07&to=2030-01-13")

    assert page.get_by_role("img", name="Funnel: intakes, bookings").is_visible()
    assert "Tuesday" in page.locator(".insight-figures").inner_text()
    structure = page.evaluate(STRUCTURE)
    assert structure == {"svgs": 4, "tables": 6, "problems": []}
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["client"], overflow
    assert overflow["wide"] == [], overflow

    page.get_by_label("To (included)", exact=True).fill("2029-01-01")
    page.get_by_role("button", name="Show insights").click()
    assert "on or after the first day" in page.locator("#to-error").inner_text()
    assert page.evaluate(OVERFLOW)["wide"] == []
