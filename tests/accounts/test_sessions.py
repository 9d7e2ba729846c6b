"""A session ends a fixed time after its sign-in, however busy it has been."""

from __future__ import annotations

from advising.accounts import sessions
from advising.accounts.models import Role
from advising.config import load_config
from tests.conftest import post_form
from tests.factories import DEFAULT_PASSWORD, make_user

HOUR = 3600


def _signed_in_at(client) -> int:
    with client.session_transaction() as session:
        return session[sessions.SIGNED_IN_AT]


def test_sign_in_records_when_the_session_began(client, auth, ctx):
    make_user(email="ana@example.org")
    before = int(sessions.now())
    auth.login("ana@example.org")
    assert before <= _signed_in_at(client) <= sessions.now()


def test_a_session_older_than_the_absolute_lifetime_is_signed_out(client, auth, ctx, monkeypatch):
    make_user(email="ben@example.org")
    auth.login("ben@example.org")
    signed_in = _signed_in_at(client)

    # Busy all day: every request refreshes the cookie, the sign-in time stays.
    for hours in (1, 6, 11, 11.99):
        monkeypatch.setattr(sessions, "now", lambda h=hours: signed_in + h * HOUR)
        assert client.get("/dashboard").status_code == 200
        assert _signed_in_at(client) == signed_in

    monkeypatch.setattr(sessions, "now", lambda: signed_in + 12 * HOUR + 1)
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # signed out for good: going back in time does not revive the cookie
    monkeypatch.setattr(sessions, "now", lambda: signed_in + HOUR)
    assert client.get("/dashboard").status_code == 302


def test_the_lifetime_is_measured_from_the_stored_sign_in_time(client, auth, ctx):
    make_user(email="cy@example.org")
    auth.login("cy@example.org")
    with client.session_transaction() as session:
        session[sessions.SIGNED_IN_AT] = int(sessions.now()) - 13 * HOUR
    assert client.get("/dashboard").status_code == 302


def test_a_session_without_a_sign_in_time_is_signed_out(client, auth, ctx):
    """Sessions from before sign-in times were kept (or tampered ones) do not live forever."""
    make_user(email="di@example.org")
    auth.login("di@example.org")
    with client.session_transaction() as session:
        del session[sessions.SIGNED_IN_AT]
    assert client.get("/dashboard").status_code == 302


def test_the_absolute_lifetime_is_configurable(client, auth, ctx, monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_ABSOLUTE_LIFETIME_HOURS", "2")
    assert load_config(tmp_path)["SESSION_ABSOLUTE_LIFETIME_HOURS"] == 2
    monkeypatch.delenv("SESSION_ABSOLUTE_LIFETIME_HOURS")
    assert load_config(tmp_path)["SESSION_ABSOLUTE_LIFETIME_HOURS"] == 12

    client.application.config["SESSION_ABSOLUTE_LIFETIME_HOURS"] = 2
    make_user(Role.STAFF, email="ed@example.org")
    auth.login("ed@example.org")
    signed_in = _signed_in_at(client)
    monkeypatch.setattr(sessions, "now", lambda: signed_in + 2 * HOUR - 5)
    assert client.get("/dashboard").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: signed_in + 2 * HOUR + 5)
    assert client.get("/dashboard").status_code == 302


def test_changing_the_password_keeps_the_original_sign_in_time(client, auth, ctx):
    make_user(email="flo@example.org")
    auth.login("flo@example.org")
    with client.session_transaction() as session:
        session[sessions.SIGNED_IN_AT] -= 11 * HOUR
    signed_in = _signed_in_at(client)
    new = "a brand new long passphrase"
    response = post_form(
        client,
        "/account/password",
        {"current_password": DEFAULT_PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 302
    assert _signed_in_at(client) == signed_in
