"""Every page of every role, on a phone (360 px) and a desktop (1280 px): nothing scrolls
sideways and axe finds no violation of any impact. Data comes from the demo seed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from advising.extensions import db
from tests.conftest import require_browser
from tests.ui.checks import broken_words

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)


@dataclass(frozen=True)
class Site:
    url: str
    logins: dict[str, str]
    roadmap_token: str
    manage_token: str
    booking_id: int
    source_id: int
    advisor_slug: str
    webhook_id: int
    held_roadmap_token: str  # a CPC-A's: a plan with no program and no exam
    held_manage_token: str  # a booking held until the visitor confirms


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """A live server with the demo data, one roadmap and one booking we hold the links of."""
    from advising.advisors.models import AdvisorProfile
    from advising.calendars.models import CalendarSource
    from advising.demo import seed_demo
    from advising.intake import services as intakes
    from advising.scheduling import services as scheduling
    from advising.scheduling.models import BookingSettings
    from advising.webhooks import services as webhooks
    from tests.conftest import LiveServer, make_test_app
    from tests.intake.helpers import answers

    folder = tmp_path_factory.mktemp("pages")
    app = make_test_app(f"sqlite:///{folder / 'pages.db'}", folder / "instance")
    with app.app_context():
        db.create_all()
        logins = seed_demo()
        hook = webhooks.create_endpoint(  # hears of the booking below: one delivery listed
            "https://hooks.example.org/advising", ("booking.created",), allow_private=True
        )
        intake, roadmap_token = intakes.create_intake(answers(name="Page Walker"))
        _held, held_roadmap_token = intakes.create_intake(
            answers(
                name="Held Walker", target_setting="physician_office", credentials_held=("cpc_a",)
            )
        )
        advisor = db.session.scalar(
            db.select(AdvisorProfile).where(AdvisorProfile.slug == "maria-lopez")
        )
        slot = scheduling.next_available_slots(advisor, days=30)[0]
        visitor = scheduling.VisitorDetails(
            "Page Walker", "walker@example.org", None, "", "America/Chicago", intake_id=intake.id
        )
        booking, manage_token = scheduling.book(advisor, slot.start, visitor)
        holding = db.session.scalar(
            db.select(AdvisorProfile).where(AdvisorProfile.slug != "maria-lopez")
        )
        db.session.get(BookingSettings, holding.id).hold_minutes = 30
        db.session.commit()
        _held_booking, held_manage_token = scheduling.book(
            holding, scheduling.next_available_slots(holding, days=30)[0].start, visitor
        )
        source = db.session.scalar(
            db.select(CalendarSource).where(CalendarSource.advisor_id == advisor.id)
        )
        site = Site(
            "",
            logins,
            roadmap_token,
            manage_token,
            booking.id,
            source.id,
            advisor.slug,
            hook.id,
            held_roadmap_token,
            held_manage_token,
        )
    server = LiveServer(app).start()
    yield Site(server.url, *(getattr(site, f) for f in list(Site.__dataclass_fields__)[1:]))
    server.stop()


PUBLIC = [
    "/",
    "/advisors",
    "/advisors/{advisor_slug}",
    "/advisors/{advisor_slug}?match=1",
    "/book/any",
    "/book/any/times",
    "/book/any/times?intake={roadmap_token}",
    "/intake",
    "/login",
    "/password/forgot",
    "/roadmap/{roadmap_token}",
    "/roadmap/{held_roadmap_token}",
    "/b/{manage_token}",
    "/b/{manage_token}/reschedule",
    "/b/{manage_token}/cancel",
    "/b/{held_manage_token}",
    "/no-such-page",
]
ADVISOR = [
    "/dashboard",
    "/account/password",
    "/me/profile",
    "/me/booking-rules",
    "/me/calendars",
    "/me/calendars/{source_id}",
    "/me/calendar",
    "/me/calendar?view=day",
    "/me/calendar-feed",
    "/me/consultations",
    "/me/consultations/{booking_id}",
    "/me/consultations/{booking_id}/move",
    "/me/consultations/{booking_id}/cancel",
    "/consultations/{booking_id}/notes",
]
STAFF = [
    "/dashboard",
    "/staff/bookings",
    "/staff/mail",
    "/staff/insights",
    "/staff/bookings/{booking_id}",
    "/staff/bookings/{booking_id}/move",
    "/staff/bookings/{booking_id}/cancel",
]
# Forms sent empty or incomplete, to see their error states.
ERROR_STATES = [
    ("/intake", "main form [type=submit]"),
    ("/login", "main form [type=submit]"),
    ("/password/forgot", "main form [type=submit]"),
]

ROLES = {
    None: PUBLIC,
    "maria.lopez@advising.example": ADVISOR,
    "sam.taylor@advising.example": [*STAFF, "/account/timezone"],
    "alex.admin@advising.example": [
        "/dashboard",
        "/consultations/{booking_id}/notes",
        "/admin/webhooks",
        "/admin/webhooks/{webhook_id}",
        "/admin/users",
    ],
}


# A box's label starts on the box's own line, beside it (not wrapped below or above it).
BOXES_APART = """() => [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
  .filter(box => box.offsetParent !== null && box.labels.length)
  .filter(box => {
    const label = box.labels[0], range = document.createRange();
    range.selectNodeContents(label);
    if (label.contains(box)) { range.setStartAfter(box); }
    const line = [...range.getClientRects()].find(r => r.width > 0);
    const at = box.getBoundingClientRect();
    return !line || line.left < at.right || line.top > at.bottom || line.bottom < at.top;
  }).map(box => box.id || box.name)"""

# On a phone, what a thumb taps (buttons, the menu, calendar days, the way back) is at least
# 44 px tall (Apple's and Android's guidance; WCAG 2.5.5).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, .button, .nav a, .link-button, .month-grid a.day, .breadcrumb a')]
  .filter(t => t.offsetParent !== null && !t.closest('.visually-hidden'))
  .filter(t => t.getBoundingClientRect().height < 43.5)
  .map(t => {
    const height = Math.round(t.getBoundingClientRect().height);
    return `${t.textContent.trim().slice(0, 30)} (${height} px)`;
  })"""

# Phones zoom into a field whose text is under 16 px when it takes focus.
SMALL_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(f => f.offsetParent !== null && !['checkbox', 'radio', 'hidden', 'submit', 'button']
    .includes(f.type))
  .filter(f => parseFloat(getComputedStyle(f).fontSize) < 16)
  .map(f => f.id || f.name || f.className)"""


def _problems(page, width: int, path: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        found.append(f"{width}px {path}: {overflow}px wider than the screen")
    for box in page.evaluate(BOXES_APART):
        found.append(f"{width}px {path}: the box {box} is not beside its label")
    # on a wide screen a table cell has room: an address breaking mid-word there is a defect
    # (a study plan's day names never: "Tuesd/ay" on a phone)
    cells = ", td" if width >= 1000 else ", .study-table td"
    for word in broken_words(page, "button, .button, .status, th" + cells):
        found.append(f"{width}px {path}: “{word}” breaks inside the word")
    if width < 400:
        for target in page.evaluate(SMALL_TARGETS):
            found.append(f"{width}px {path}: {target} is under 44 px tall")
        for small in page.evaluate(SMALL_FIELDS):
            found.append(f"{width}px {path}: {small} has text under 16px (phones zoom in)")
    for violation in Axe().run(page).response["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:3]
        found.append(f"{width}px {path}: axe {violation['id']} ({violation['impact']}) {targets}")
    return found


@pytest.mark.parametrize("email", list(ROLES), ids=lambda e: (e or "visitor").split("@")[0])
def test_every_page_fits_a_phone_and_passes_axe(site: Site, email: str | None):
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(timezone_id="America/Chicago", locale="en-US")
        page = context.new_page()
        page.set_default_timeout(10_000)
        if email:
            page.goto(site.url + "/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", site.logins[email])
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state()
        for path in ROLES[email]:
            url = path.format(**site.__dict__)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(site.url + url)
                # what a click shows counts too (the consultation's full roadmap, say)
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                problems += _problems(page, width, url)
        if email is None:  # the visitor's forms sent with mistakes: errors beside the fields
            for url, button in ERROR_STATES:
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(site.url + url.format(**site.__dict__))
                    page.locator(button).first.click()
                    page.wait_for_load_state()
                    shown = page.locator(".form-summary, .error, [aria-invalid=true]").count()
                    assert shown, f"{url}: no error shown after sending it incomplete"
                    problems += _problems(page, width, url + " (sent with mistakes)")
        context.close()
        browser.close()
    assert problems == [], "\n".join(problems)
