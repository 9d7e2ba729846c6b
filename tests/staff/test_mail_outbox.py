"""The staff mail outbox page: times in the staff member's own zone (US style, zone named),
and only the mail channel's rows (webhook deliveries and roadmap PDF render jobs stay off it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from advising.accounts.models import Role
from advising.extensions import db
from advising.outbox import delivery
from advising.outbox.models import FAILED, MAIL, PENDING, SENT, OutboxMessage
from advising.roadmap.prerender import CHANNEL as ROADMAP_PDF
from advising.webhooks.channel import CHANNEL as WEBHOOK
from tests.conftest import csrf_token_from
from tests.factories import make_user

QUEUED = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 1:30 PM in Los Angeles (PST)
NEXT_TRY = datetime(2026, 12, 2, 22, 5, tzinfo=UTC)
SENT_AT = datetime(2026, 12, 3, 5, 15, tzinfo=UTC)  # still December 2 in Los Angeles


def row(channel: str, status: str, recipient: str, subject: str, **fields) -> OutboxMessage:
    message = delivery.enqueue(
        b"body", kind="test", recipient=recipient, subject=subject, channel=channel
    )
    values = {"status": status, "created_at": QUEUED, "next_attempt_at": NEXT_TRY, **fields}
    for name, value in values.items():
        setattr(message, name, value)
    db.session.commit()
    return message


def staff_in(zone: str | None, role: Role = Role.STAFF):
    user = make_user(role)
    user.timezone = zone
    db.session.commit()
    return user


def mixed_outbox() -> dict[str, OutboxMessage]:
    return {
        "mail_waiting": row(MAIL, PENDING, "ann@example.org", "Your consultation"),
        "mail_failed": row(MAIL, FAILED, "ben@example.org", "Reminder", last_error="550"),
        "mail_sent": row(MAIL, SENT, "cat@example.org", "Moved", sent_at=SENT_AT),
        "pdf_waiting": row(ROADMAP_PDF, PENDING, "4711", "Roadmap PDF render"),
        "pdf_failed": row(ROADMAP_PDF, FAILED, "4712", "Roadmap PDF broke"),
        "hook_failed": row(WEBHOOK, FAILED, "webhook-endpoint:9", "booking.created"),
        "hook_sent": row(WEBHOOK, SENT, "webhook-endpoint:9", "booking.moved", sent_at=SENT_AT),
    }


def test_mail_page_shows_times_in_the_staff_members_zone(client, auth, ctx):
    mixed_outbox()
    auth.login(staff_in("America/Los_Angeles").email)
    page = client.get("/staff/mail").get_data(as_text=True)
    assert "(UTC)" not in page and "2026-12-02" not in page
    assert "Times in your zone, Pacific Time." in page
    queued = "Wednesday, December 2, 2026, 1:30 PM PST (Pacific Time)"
    assert page.count(queued) == 3  # each mail row: waiting, failed, sent
    assert "next try Wednesday, December 2, 2026, 2:05 PM PST (Pacific Time)" in page
    assert "sent Wednesday, December 2, 2026, 9:15 PM PST (Pacific Time)" in page
    assert re.search(r"<th scope=\"col\">Queued</th>", page)


def test_mail_page_falls_back_to_utc_and_says_so(client, auth, ctx):
    row(MAIL, PENDING, "ann@example.org", "Your consultation")
    auth.login(staff_in(None, Role.ADMIN).email)
    page = client.get("/staff/mail").get_data(as_text=True)
    assert "Times in your zone, UTC." in page
    assert "Wednesday, December 2, 2026, 9:30 PM UTC (UTC)" in page


def test_mail_page_lists_and_counts_only_mail(client, auth, ctx):
    rows = mixed_outbox()
    auth.login(staff_in("America/Los_Angeles").email)
    page = client.get("/staff/mail").get_data(as_text=True)
    assert "1 failed" in page and "1 waiting" in page and "1 sent" in page
    for name in ("ann@example.org", "ben@example.org", "cat@example.org"):
        assert name in page
    for other in ("4711", "4712", "webhook-endpoint:9", "Roadmap PDF", "booking.created"):
        assert other not in page
    for name in ("pdf_waiting", "pdf_failed", "hook_failed"):
        assert f'action="/staff/mail/{rows[name].id}/retry"' not in page


def test_retry_all_failed_retries_only_mail(client, auth, ctx):
    rows = mixed_outbox()
    auth.login(staff_in("America/Los_Angeles").email)
    token = csrf_token_from(client.get("/staff/mail").get_data(as_text=True))
    response = client.post("/staff/mail/retry-failed", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Trying 1 failed message again now." in client.get("/staff/mail").get_data(as_text=True)
    # a webhook delivery or a render job posted by id is not the mail page's to retry
    response = client.post(
        f"/staff/mail/{rows['hook_failed'].id}/retry", data={"csrf_token": token}
    )
    assert response.status_code == 302
    db.session.rollback()
    status = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.status)).all())
    assert status[rows["mail_failed"].id] == PENDING
    assert status[rows["pdf_failed"].id] == FAILED
    assert status[rows["hook_failed"].id] == FAILED


def test_channel_filters_of_the_outbox_queries(ctx):
    mixed_outbox()
    assert delivery.status_counts() == {PENDING: 2, SENT: 2, FAILED: 3}
    assert delivery.status_counts(channel=MAIL) == {PENDING: 1, SENT: 1, FAILED: 1}
    assert delivery.status_counts(channel=ROADMAP_PDF) == {PENDING: 1, SENT: 0, FAILED: 1}
    assert len(delivery.messages([FAILED])) == 3
    assert [m.recipient for m, _ in delivery.messages([FAILED], channel=MAIL)] == [
        "ben@example.org"
    ]
    assert len(delivery.retry_now(None, channel=WEBHOOK)) == 1
    assert delivery.status_counts(channel=MAIL)[FAILED] == 1
