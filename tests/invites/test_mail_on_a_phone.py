"""The booking mail read on a phone: no sideways scrolling at 360 px (the video link's bare
address made it 447 px wide), the call a plain link, the visitor's zone without underscores."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from advising.extensions import db
from advising.invites.models import OutboxMessage
from advising.scheduling import services
from tests.factories import make_advisor

VISITOR = services.VisitorDetails(
    "Vic Visitor", "vic@example.org", "+1 555 0100", "CPC questions", "America/Los_Angeles"
)


def _html_mails(ctx) -> dict[str, str]:
    advisor = make_advisor(
        name="Priya Raman",
        video_url="https://meet.advising.example/priya-raman-consultations-room",
    )
    services.book(advisor, services.next_available_slots(advisor)[0].start, VISITOR)
    db.session.rollback()
    mails = {}
    for row in db.session.scalars(select(OutboxMessage)):
        parsed = message_from_bytes(row.message, policy=default)
        mails[row.recipient] = parsed.get_body(("html",)).get_content()
    return mails


def test_the_mail_names_the_call_and_the_zone_as_words(ctx):
    mails = _html_mails(ctx)
    assert ">Join the video call</a>" in mails["vic@example.org"]
    advisor_mail = next(html for who, html in mails.items() if who != "vic@example.org")
    assert "Pacific Time" in advisor_mail and "America/Los_Angeles" not in advisor_mail


@pytest.mark.browser
def test_the_booking_mail_fits_a_phone(ctx, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 800})
    for html in _html_mails(ctx).values():
        page.set_content(html)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, width
