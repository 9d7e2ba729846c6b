"""The roadmap's private link by email: asked for on the intake form or on the roadmap page,
queued with the request's commit and delivered through a real SMTP server."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from advising.extensions import db
from advising.invites import outbox
from advising.invites.models import OutboxMessage
from advising.invites.roadmap_mail import KIND_ROADMAP_LINK
from tests.conftest import post_form
from tests.intake.helpers import submit_intake, token_of
from tests.invites.test_smtp import Mailbox, Server


@pytest.fixture
def mailbox():
    return Mailbox()


@pytest.fixture
def smtp_server(mailbox):
    server = Server(mailbox).start()
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {"MAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}", "MAIL_TIMEOUT_SECONDS": 5}


def _link_mails() -> list[OutboxMessage]:
    db.session.rollback()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == KIND_ROADMAP_LINK))
    )


def test_the_intake_sends_the_link_only_when_asked(client, ctx):
    token_of(submit_intake(client, email="dana@example.com"))
    assert _link_mails() == []

    response = submit_intake(client, email="dana@example.com", email_link="y")
    token = token_of(response)
    (mail,) = _link_mails()
    assert mail.recipient == "dana@example.com"
    message = message_from_bytes(mail.message, policy=default)
    assert message["Subject"] == "Your medical coding roadmap"
    assert message["To"] == "Dana Reyes <dana@example.com>"
    body = message.get_content()
    assert f"http://127.0.0.1:5000/roadmap/{token}" in body
    assert "keep it to yourself" in body
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We are emailing you its link too" in page


@pytest.mark.parametrize("app_config", [{"ROADMAP_LINK_MAIL_LIMIT": "2 per hour"}])
def test_the_roadmap_page_mails_its_link_a_few_times_at_most(client, ctx, app_config):
    token = token_of(submit_intake(client, email="dana@example.com"))
    page = f"/roadmap/{token}"
    unknown = post_form(client, f"/roadmap/{'B' * 43}/email-link", {}, page="/intake")
    assert unknown.status_code == 404  # (counted against the limit too)
    sent = post_form(client, f"{page}/email-link", {}, page=page)
    assert sent.status_code == 302 and sent.headers["Location"] == page
    shown = client.get(page).get_data(as_text=True)
    assert "We are sending the link to dana@example.com." in shown
    assert len(_link_mails()) == 1
    assert post_form(client, f"{page}/email-link", {}, page=page).status_code == 429
    assert len(_link_mails()) == 1
    # no CSRF token, no mail
    assert client.post(f"{page}/email-link").status_code == 400
    assert len(_link_mails()) == 1


def test_the_link_arrives_through_smtp(client, ctx, mailbox):
    token = token_of(submit_intake(client, email="dana@example.com", email_link="y"))
    assert outbox.deliver().sent >= 1  # (the PDF pre-render job goes through the outbox too)
    (raw,) = mailbox.received
    message = message_from_bytes(raw, policy=default)
    assert message["To"] == "Dana Reyes <dana@example.com>"
    assert f"/roadmap/{token}" in message.get_content()


def test_an_address_mail_cannot_carry_is_refused_next_to_the_field(client, ctx):
    from tests.intake.test_form import _error_of

    page = submit_intake(client, email="user%x@example.com", email_link="y")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert _error_of(text, "email").startswith("Enter a plain address like name@example.org")
    assert _link_mails() == []


def test_a_name_on_several_lines_is_refused_so_no_line_reaches_the_mail(client, ctx):
    from tests.intake.test_form import _error_of

    page = submit_intake(
        client, name="Dana\n\nYour account is locked: https://evil.example", email_link="y"
    ).get_data(as_text=True)
    assert _error_of(page, "name") == "Use letters, digits and ordinary punctuation only."
    assert _link_mails() == []


def test_deleting_the_roadmap_deletes_its_link_mail(client, ctx):
    token = token_of(submit_intake(client, email="dana@example.com", email_link="y"))
    assert len(_link_mails()) == 1
    response = post_form(client, f"/roadmap/{token}/delete", {}, page=f"/roadmap/{token}")
    assert response.status_code == 302
    assert _link_mails() == []


def test_deleting_one_roadmap_keeps_the_link_mail_of_another_from_the_same_address(
    client, ctx
):
    kept = token_of(submit_intake(client, email="dana@example.com", email_link="y"))
    deleted = token_of(submit_intake(client, email="dana@example.com", email_link="y"))
    assert len(_link_mails()) == 2
    post_form(client, f"/roadmap/{deleted}/delete", {}, page=f"/roadmap/{deleted}")
    [mail] = _link_mails()
    assert f"/roadmap/{kept}" in message_from_bytes(mail.message, policy=default).get_content()


def test_a_link_mail_queued_before_mails_named_their_roadmap_goes_with_the_address(
    client, ctx
):
    token = token_of(submit_intake(client, email="dana@example.com", email_link="y"))
    [mail] = _link_mails()
    mail.intake_id = None
    db.session.commit()
    post_form(client, f"/roadmap/{token}/delete", {}, page=f"/roadmap/{token}")
    assert _link_mails() == []
