"""Webhooks: signed deliveries through the outbox, retried, never twice; admin pages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from sqlalchemy import select

from advising.accounts.models import Role
from advising.database import utcnow
from advising.extensions import db
from advising.intake.services import create_intake
from advising.outbox.delivery import deliver, enqueue
from advising.outbox.errors import PermanentFailure
from advising.outbox.models import FAILED, PENDING, SENT, OutboxMessage
from advising.scheduling import services as scheduling
from advising.scheduling.models import Actor, Booking
from advising.webhooks import services
from advising.webhooks.channel import WebhookSender
from advising.webhooks.models import WebhookEndpoint
from tests.conftest import AuthActions, client_after_commit, csrf_token_from, post_form
from tests.factories import make_advisor, make_user
from tests.intake.helpers import answers


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WEBHOOK_TIMEOUT_SECONDS": 0.5}


class Receiver:
    """A webhook receiver on loopback: answers each request with the next planned status
    (after the planned delay), 200 once the plan is used up, and records every request."""

    def __init__(self) -> None:
        self.plan: list[tuple[int, float]] = []
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, delay = receiver.plan.pop(0) if receiver.plan else (200, 0.0)
                receiver.requests.append(
                    ({k.lower(): v for k, v in self.headers.items()}, body, status)
                )
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def accepted(self) -> list[dict]:
        return [json.loads(body) for _, body, status in self.requests if 200 <= status < 300]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiving side of the Standard Webhooks signature, written independently."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [
        s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")
    ]
    fresh = abs(time.time() - int(headers["webhook-timestamp"])) < 300
    return fresh and any(hmac.compare_digest(expected, g) for g in given)


def visitor() -> scheduling.VisitorDetails:
    return scheduling.VisitorDetails("Bob Visitor", "bob@example.org", "555-0100", "CPC?", "UTC")


def book(advisor, index: int = 0) -> tuple[Booking, str]:
    start = scheduling.next_available_slots(advisor)[index].start
    return scheduling.book(advisor, start, visitor())


def endpoint(url: str, *events: str) -> WebhookEndpoint:
    return services.create_endpoint(url, events, allow_private=True)


def webhook_rows(endpoint_id: int | None = None) -> list[OutboxMessage]:
    db.session.rollback()
    query = select(OutboxMessage).where(OutboxMessage.channel == "webhook")
    if endpoint_id is not None:
        query = query.where(OutboxMessage.recipient == f"webhook-endpoint:{endpoint_id}")
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def later(minutes: int) -> object:
    return utcnow() + timedelta(minutes=minutes)


def test_receiver_verifies_the_signature_and_gets_each_event_once_after_a_500(ctx, receiver):
    hook = endpoint(receiver.url, "booking.created")
    secret = hook.secret
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    booking, _ = book(make_advisor(slug="maria"))
    [row] = webhook_rows()
    assert row.status == PENDING and row.booking_id == booking.id and row.kind == "booking.created"

    receiver.plan = [(500, 0.0)]
    first = deliver()
    assert first.retrying == 1 and len(receiver.requests) == 1
    assert webhook_rows()[0].last_error == "the endpoint answered 500"
    assert receiver.accepted() == []

    second = deliver(now=later(2))  # after the outbox's backoff (1 minute)
    assert second.sent == 1
    third = deliver(now=later(60))
    assert third.sent == 0 and len(receiver.requests) == 2
    assert webhook_rows()[0].status == SENT and webhook_rows()[0].attempts == 2

    (h1, b1, _), (h2, b2, _) = receiver.requests
    assert verify(secret, h1, b1) and verify(secret, h2, b2)
    assert h1["webhook-id"] == h2["webhook-id"]  # the same message, retried
    assert not verify("whsec_" + base64.b64encode(b"x" * 32).decode(), h2, b2)
    assert h2["content-type"] == "application/json"
    [event] = receiver.accepted()
    assert event["type"] == "booking.created"
    data = event["data"]
    assert data["booking_id"] == booking.id and data["advisor"] == "maria"
    assert data["start"] == booking.start_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["end"] == booking.end_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["status"] == booking.status
    for personal in (b"Bob", b"bob@example.org", b"555-0100", b"CPC?"):
        assert personal not in b2


def test_an_endpoint_subscribed_to_cancelled_only_gets_cancelled(ctx, receiver):
    only_cancelled = endpoint(receiver.url, "booking.cancelled")
    everything = endpoint(receiver.url + "/all", *services.EVENT_TYPES)
    booking, _ = book(make_advisor())
    scheduling.cancel(booking, reason="Found a job", by=Actor.STAFF)
    assert [r.kind for r in webhook_rows(only_cancelled.id)] == ["booking.cancelled"]
    assert [r.kind for r in webhook_rows(everything.id)] == ["booking.created", "booking.cancelled"]
    assert deliver().sent >= 3
    types = sorted(e["type"] for e in receiver.accepted())
    assert types == ["booking.cancelled", "booking.cancelled", "booking.created"]


def test_a_timeout_is_retried_and_the_endpoint_page_says_why(app, ctx, receiver):
    hook = endpoint(receiver.url, "booking.created")
    book(make_advisor())
    receiver.plan = [(200, 1.5)]  # answers after the 0.5 s deadline
    started = time.monotonic()
    assert deliver().retrying == 1
    assert time.monotonic() - started < 1.4
    [row] = webhook_rows()
    assert row.status == PENDING and row.attempts == 1
    assert row.last_error == "no answer within 0.5 seconds"

    client = client_after_commit(app)
    AuthActions(client).login(make_user(Role.ADMIN).email)
    page = client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert "no answer within 0.5 seconds" in page and "Redeliver" in page
    response = post_form(
        client,
        f"/admin/webhooks/{hook.id}/deliveries/{row.id}/redeliver",
        {},
        page=f"/admin/webhooks/{hook.id}",
    )
    assert response.status_code == 302
    assert deliver().sent == 1  # due again now, without waiting for the backoff
    assert webhook_rows()[0].status == SENT
    assert len(receiver.requests) == 2  # the receiver saw the first one too late to answer


def test_a_refused_event_fails_for_good_and_can_be_redelivered(ctx, receiver):
    hook = endpoint(receiver.url, "booking.created")
    book(make_advisor())
    receiver.plan = [(400, 0.0)]
    assert deliver().failed == 1
    [row] = webhook_rows()
    assert row.status == FAILED and "400" in (row.last_error or "")
    assert services.redeliver(hook.id, row.id)
    assert deliver().sent == 1 and not services.redeliver(hook.id, row.id)


@pytest.mark.parametrize("status", [408, 429, 503])
def test_retried_answers(ctx, receiver, status):
    endpoint(receiver.url, "booking.created")
    book(make_advisor())
    receiver.plan = [(status, 0.0)]
    assert deliver().retrying == 1


def test_private_addresses_are_refused_without_connecting(ctx, monkeypatch):
    for url in (
        "https://10.0.0.5/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "https://localhost/hook",
        "http://hooks.example.org/hook",  # plain http only when private addresses are allowed
        "ftp://hooks.example.org/",
        "https://user:pw@hooks.example.org/",
    ):
        with pytest.raises(services.EndpointError):
            services.check_url(url, allow_private=False)
    assert services.check_url("https://hooks.example.org/x", allow_private=False)

    def no_connecting(*args: object) -> None:
        raise AssertionError("connected")

    monkeypatch.setattr(socket.socket, "connect", no_connecting)
    hook = endpoint("http://127.0.0.1:9/hook", "booking.created")
    sender = WebhookSender(timeout=0.5, allow_private=False)
    with pytest.raises(PermanentFailure, match="private or local"):
        sender.send(hook.recipient, b"{}", "message-1")


def test_a_booking_request_only_writes_rows(app, ctx, receiver):
    hook = endpoint(receiver.url, "booking.created")
    receiver.plan = [(200, 5.0)]  # a slow receiver would hold up a request that sent
    advisor = make_advisor(slug="maria")
    start = scheduling.next_available_slots(advisor)[0].start.isoformat()
    client = client_after_commit(app)
    page = client.get(f"/advisors/maria/book?start={quote(start)}").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token_from(page),
        "start": start,
        "tz": "UTC",
        "name": "Bob Visitor",
        "email": "bob@example.org",
        "consent": "y",
    }
    started = time.monotonic()
    assert client.post("/advisors/maria/book", data=form).status_code == 302
    assert time.monotonic() - started < 2
    assert receiver.requests == []
    assert [r.status for r in webhook_rows(hook.id)] == [PENDING]


def test_disabled_and_deleted_endpoints_get_nothing(ctx, receiver):
    hook = endpoint(receiver.url, "booking.created")
    services.set_enabled(hook, False)
    book(make_advisor())
    assert webhook_rows() == []
    services.set_enabled(hook, True)
    book(make_advisor())
    assert len(webhook_rows()) == 1
    services.set_enabled(hook, False)
    assert deliver().failed == 1 and receiver.requests == []
    services.delete_endpoint(db.session.get(WebhookEndpoint, hook.id))
    assert webhook_rows() == []


def test_intake_created_carries_no_answers(ctx, receiver):
    endpoint(receiver.url, "intake.created")
    intake, token = create_intake(answers())
    [row] = webhook_rows()
    assert row.kind == "intake.created" and row.booking_id is None
    assert deliver(ids=[row.id]).sent == 1
    [event] = receiver.accepted()
    assert event["type"] == "intake.created" and event["data"]["intake_id"] == intake.id
    for personal in ("Dana", "dana@example.com", "Retail", "steady job", token):
        assert personal not in json.dumps(event)


def test_webhook_pages_are_for_admins_only(client, auth, ctx):
    hook = endpoint("https://hooks.example.org/x", "booking.created")
    pages = ["/admin/webhooks", f"/admin/webhooks/{hook.id}"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in (Role.ADVISOR, Role.STAFF):
        auth.login(make_user(role).email)
        for page in pages:
            assert client.get(page).status_code == 403, (role, page)
        assert client.post(f"/admin/webhooks/{hook.id}/delete").status_code in (400, 403)
        assert 'href="/admin/webhooks"' not in client.get("/dashboard").get_data(as_text=True)
        auth.logout()
    auth.login(make_user(Role.ADMIN).email)
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert 'href="/admin/webhooks"' in client.get("/dashboard").get_data(as_text=True)
    assert hook.secret not in client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)


def test_admin_adds_an_endpoint_and_sees_its_secret_once(client, auth, ctx):
    auth.login(make_user(Role.ADMIN).email)
    response = post_form(
        client,
        "/admin/webhooks",
        {"url": "https://hooks.example.org/in", "events": ["booking.cancelled", "nonsense"]},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    db.session.rollback()
    [hook] = db.session.scalars(select(WebhookEndpoint)).all()
    assert hook.secret in html and hook.event_types == ["booking.cancelled"]
    assert hook.secret not in client.get("/admin/webhooks").get_data(as_text=True)

    refused = post_form(client, "/admin/webhooks", {"url": "https://hooks.example.org/in"})
    assert refused.status_code == 422 and "Choose at least one event" in refused.get_data(
        as_text=True
    )

    hook_id = hook.id
    page = f"/admin/webhooks/{hook_id}"
    post_form(client, f"{page}/enabled", {"enabled": "0"}, page=page)
    db.session.rollback()
    assert db.session.get(WebhookEndpoint, hook_id).enabled is False
    post_form(client, f"{page}/delete", {}, page=page)
    db.session.expunge_all()
    assert db.session.get(WebhookEndpoint, hook_id) is None


def test_endpoint_form_errors_stand_beside_their_fields_and_keep_the_input(client, auth, ctx):
    auth.login(make_user(Role.ADMIN).email)
    refused = post_form(client, "/admin/webhooks", {"url": "https://hooks.example.org/in"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="events-error"' in html
    assert 'value="https://hooks.example.org/in"' in html
    refused = post_form(
        client, "/admin/webhooks", {"url": "ftp://hooks.example.org", "events": ["booking.created"]}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="url-error"' in html and "https://" in html
    assert re.search(r'<input checked[^>]*value="booking.created"', html)


def test_endpoint_page_shows_delivery_times_in_the_admins_zone(client, auth, ctx):
    """Queued, next try and sent times in the admin's own zone, 12-hour, zone named."""
    hook = endpoint("https://hooks.example.org/x", "booking.created")
    queued = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 1:30 PM PST
    rows = [
        enqueue(
            b"{}",
            kind="booking.created",
            recipient=services.recipient_of(hook.id),
            subject="booking.created",
            channel="webhook",
        )
        for _ in range(2)
    ]
    rows[0].created_at = queued
    rows[0].next_attempt_at = queued + timedelta(minutes=35)
    rows[1].created_at = queued
    rows[1].status, rows[1].sent_at = SENT, queued + timedelta(hours=8, minutes=1, seconds=30)
    admin = make_user(Role.ADMIN)
    admin.timezone = "America/Los_Angeles"
    db.session.commit()
    auth.login(admin.email)
    page = client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert "(UTC)" not in page and "2026-12-0" not in page
    assert "times in your zone, Pacific Time." in page
    assert page.count("Wednesday, December 2, 2026, 1:30 PM PST (Pacific Time)") == 2
    assert "next try Wednesday, December 2, 2026, 2:05 PM PST (Pacific Time)" in page
    assert "sent Wednesday, December 2, 2026, 9:31 PM PST (Pacific Time)" in page
    assert '<th scope="col">Queued</th>' in page
