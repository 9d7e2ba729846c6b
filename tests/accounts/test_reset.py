"""Forgotten passwords: a one-time link by mail (through a real SMTP server on loopback), used
once, within the hour, for an active account; the same answer whether the address exists."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select, update

from advising.accounts.models import PasswordToken, User
from advising.accounts.passwords import verify_password
from advising.database import utcnow
from advising.extensions import db
from advising.invites import outbox
from advising.invites.models import OutboxMessage
from tests.conftest import client_after_commit, post_form
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.invites import test_smtp

NEW = "a brand new passphrase for ana"
SAME_ANSWER = "If an account exists for that address, we sent a link"
LINK_RE = re.compile(r"https?://\S+/password/reset/([A-Za-z0-9_-]+)")

# The loopback SMTP server and its mailbox, as the invites tests use them.
mailbox = test_smtp.mailbox
smtp_server = test_smtp.smtp_server


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "MAIL_TIMEOUT_SECONDS": 5,
        "PASSWORD_RESET_LIMIT_PER_EMAIL": "2 per hour",
        "PASSWORD_RESET_LIMIT_PER_ADDRESS": "4 per hour",
    }


def _ask(client, email: str):
    return post_form(client, "/password/forgot", {"email": email})


def _sign_in(client, email: str, password: str):
    return post_form(client, "/login", {"email": email, "password": password})


def _link_in(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=default)
    match = LINK_RE.search(message.get_body(("plain",)).get_content())
    assert match, "the mail carries no reset link"
    return "/password/reset/" + match.group(1)


def _outbox_rows() -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage)))


def test_reset_by_mail_end_to_end_signs_out_everywhere_and_works_once(
    app, ctx, smtp_server, mailbox
):
    user = make_user(email="ana@example.org", name="Ana Diaz")
    elsewhere = client_after_commit(app)
    assert _sign_in(elsewhere, "ana@example.org", DEFAULT_PASSWORD).status_code == 302
    client = client_after_commit(app)

    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page and "Forgot your password?" in login_page
    response = _ask(client, "ANA@example.org")
    assert response.status_code == 200
    assert SAME_ANSWER in response.get_data(as_text=True)

    smtp_server.start()
    assert outbox.deliver().sent == 1
    (raw,) = mailbox.received
    assert mailbox.envelopes[0][1] == ["ana@example.org"]
    link = _link_in(raw)
    token = link.rsplit("/", 1)[1]
    row = db.session.scalar(select(PasswordToken))
    assert row.token_hash != token and token not in row.token_hash  # stored hashed
    assert row.expires_at - row.created_at <= timedelta(hours=1)

    page = client.get(link)
    assert page.status_code == 200 and "Set a new password" in page.get_data(as_text=True)
    weak = post_form(client, link, {"new_password": "password", "confirm_password": "password"})
    assert weak.status_code == 200 and "most commonly used" in weak.get_data(as_text=True)
    done = post_form(client, link, {"new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert elsewhere.get("/dashboard").status_code == 302  # every session ended
    assert "do not match" in _sign_in(client, "ana@example.org", DEFAULT_PASSWORD).get_data(
        as_text=True
    )
    signed_in = _sign_in(client, "ana@example.org", NEW)
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/dashboard")
    db.session.rollback()
    assert db.session.scalar(select(PasswordToken.used_at)) is not None

    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    before = db.session.get(User, user.id).password_hash
    other = "another passphrase entirely"
    reused = post_form(
        client, link, {"new_password": other, "confirm_password": other}, page="/password/forgot"
    )
    assert reused.status_code == 410
    db.session.rollback()
    assert db.session.get(User, user.id).password_hash == before


def test_unknown_or_deactivated_address_gets_the_same_answer_and_no_mail(
    app, ctx, smtp_server, mailbox
):
    make_user(email="gone@example.org", active=False)
    client = client_after_commit(app)
    for email in ("nobody@example.org", "gone@example.org"):
        response = _ask(client, email)
        assert response.status_code == 200
        assert SAME_ANSWER in response.get_data(as_text=True)
    assert _outbox_rows() == []
    smtp_server.start()
    assert outbox.deliver().sent == 0
    assert mailbox.received == []


def _issued_link(client) -> str:
    (row,) = _outbox_rows()
    return _link_in(row.message)


def test_an_expired_link_is_refused_and_changes_nothing(app, ctx):
    user = make_user(email="bea@example.org")
    client = client_after_commit(app)
    _ask(client, "bea@example.org")
    link = _issued_link(client)
    db.session.execute(update(PasswordToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    page = client.get(link)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    response = post_form(
        client, link, {"new_password": NEW, "confirm_password": NEW}, page="/password/forgot"
    )
    assert response.status_code == 410
    db.session.rollback()
    assert verify_password(db.session.get(User, user.id).password_hash, DEFAULT_PASSWORD)


def test_a_link_for_a_deactivated_account_is_refused(app, ctx, runner):
    user = make_user(email="cy@example.org")
    client = client_after_commit(app)
    _ask(client, "cy@example.org")
    link = _issued_link(client)
    assert runner.invoke(args=["users", "deactivate", "cy@example.org"]).exit_code == 0

    page = client.get(link)
    assert page.status_code == 410 and "deactivated" in page.get_data(as_text=True)
    response = post_form(
        client, link, {"new_password": NEW, "confirm_password": NEW}, page="/password/forgot"
    )
    assert response.status_code == 410
    db.session.rollback()
    assert verify_password(db.session.get(User, user.id).password_hash, DEFAULT_PASSWORD)
    assert db.session.get(User, user.id).active is False


def test_a_malformed_or_unknown_link_is_refused(client):
    assert client.get("/password/reset/short").status_code == 410
    assert client.get("/password/reset/" + "A1" * 20).status_code == 410


def test_requests_are_limited_per_email_and_per_address(app, ctx):
    make_user(email="dee@example.org")
    client = client_after_commit(app)
    assert _ask(client, "dee@example.org").status_code == 200
    assert _ask(client, "dee@example.org").status_code == 200
    assert _ask(client, "DEE@example.org").status_code == 429  # per email: 2 per hour
    assert len(_outbox_rows()) == 2
    assert _ask(client, "other@example.org").status_code == 200
    assert _ask(client, "third@example.org").status_code == 200
    assert _ask(client, "fourth@example.org").status_code == 429  # per address: 4 per hour
