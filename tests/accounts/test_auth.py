"""Sign in, sign out, sessions, roles, CSRF and rate limits."""

from __future__ import annotations

import logging

import pytest

from advising.accounts.models import Role, User
from advising.extensions import db
from tests.conftest import csrf_token_from, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

COOKIE = "advising_session"


def test_login_shows_dashboard_and_logout_returns_to_login(client, auth, ctx):
    user = make_user(Role.ADVISOR, email="ada@example.org", name="Ada Lovelace")
    response = auth.login("ADA@example.org", follow_redirects=True)
    assert response.status_code == 200
    assert "Hello, Ada Lovelace" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None

    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_is_shown_next_to_the_field_and_email_is_kept(client, ctx):
    make_user(email="bob@example.org")
    response = post_form(
        client, "/login", {"email": "bob@example.org", "password": "not-the-password"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="password-error"' in html
    assert "do not match an active account" in html
    assert 'value="bob@example.org"' in html
    assert "not-the-password" not in html


def test_session_cookie_captured_before_logout_is_refused_after(client, auth, ctx):
    make_user(email="carol@example.org")
    auth.login("carol@example.org")
    captured = client.get_cookie(COOKIE).value
    assert client.get("/dashboard").status_code == 200

    auth.logout()
    client.set_cookie(COOKIE, captured)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_session_identifier_changes_at_login(client, ctx):
    make_user(email="dan@example.org")
    client.get("/login")
    before = client.get_cookie(COOKIE).value
    post_form(client, "/login", {"email": "dan@example.org", "password": DEFAULT_PASSWORD})
    after = client.get_cookie(COOKIE).value
    assert before != after
    # the pre-login CSRF token is gone with the old session
    assert csrf_token_from(client.get("/account/password").get_data(as_text=True))


def test_deactivating_a_user_ends_their_sessions(client, auth, runner, ctx):
    make_user(email="erin@example.org")
    auth.login("erin@example.org")
    assert client.get("/dashboard").status_code == 200
    result = runner.invoke(args=["users", "deactivate", "erin@example.org"])
    assert result.exit_code == 0, result.output
    assert client.get("/dashboard").status_code == 302
    response = auth.login("erin@example.org")
    assert "do not match an active account" in response.get_data(as_text=True)


def test_password_change_requires_current_password_and_refuses_common_ones(client, auth, ctx):
    user = make_user(email="fay@example.org")
    auth.login("fay@example.org")
    captured_elsewhere = client.get_cookie(COOKIE).value

    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "wrong",
            "new_password": "a new long passphrase",
            "confirm_password": "a new long passphrase",
        },
    )
    assert "not your current password" in response.get_data(as_text=True)

    response = post_form(
        client,
        "/account/password",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "iloveyou1",
            "confirm_password": "iloveyou1",
        },
    )
    html = response.get_data(as_text=True)
    assert 'id="new_password-error"' in html and "most commonly used" in html

    response = post_form(
        client,
        "/account/password",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert "at least 8 characters" in response.get_data(as_text=True)

    long_passphrase = "tangerine submarine " * 4  # 80 characters, no composition rules
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": long_passphrase,
            "confirm_password": long_passphrase,
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session carries on

    other = client.application.test_client()
    other.set_cookie(COOKIE, captured_elsewhere)
    assert other.get("/dashboard").status_code == 302  # the older session ended

    db.session.rollback()  # a fresh snapshot of the database
    from advising.accounts.passwords import verify_password

    assert verify_password(db.session.get(User, user.id).password_hash, long_passphrase)


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/me/profile")
    assert response.status_code == 302
    assert "/login?next=%2Fme%2Fprofile" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_advisor_only_page_refuses_other_roles(client, auth, ctx, role):
    make_user(role, email=f"{role}@example.org")
    auth.login(f"{role}@example.org")
    response = client.get("/me/profile")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, ctx):
    make_user(email="gus@example.org")
    response = client.post(
        "/login", data={"email": "gus@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_failed_logins_are_rate_limited_per_account(client, ctx):
    make_user(email="hal@example.org")
    for _ in range(5):
        response = post_form(
            client, "/login", {"email": "hal@example.org", "password": "wrong password"}
        )
        assert response.status_code == 200
    response = post_form(
        client, "/login", {"email": "hal@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # another account from the same address is not locked by this one's failures
    make_user(email="ivy@example.org")
    response = post_form(
        client, "/login", {"email": "ivy@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_failed_logins_are_rate_limited_per_address(client, ctx):
    for n in range(20):
        post_form(
            client, "/login", {"email": f"nobody{n}@example.org", "password": "wrong password"}
        )
    response = post_form(
        client, "/login", {"email": "other@example.org", "password": "wrong password"}
    )
    assert response.status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, auth, ctx):
    make_user(email="jo@example.org")
    for _ in range(7):
        assert auth.login("jo@example.org").status_code == 302
        auth.logout()


def test_login_outcomes_are_logged_without_passwords(client, ctx, caplog):
    make_user(email="kim@example.org")
    with caplog.at_level(logging.INFO, logger="advising.accounts"):
        post_form(client, "/login", {"email": "kim@example.org", "password": "secret-guess-123"})
        post_form(client, "/login", {"email": "kim@example.org", "password": DEFAULT_PASSWORD})
    messages = [r.getMessage() for r in caplog.records]
    assert any("login failed" in m for m in messages)
    assert any("login succeeded" in m for m in messages)
    assert not any("secret-guess-123" in m or DEFAULT_PASSWORD in m for m in messages)


def test_open_redirect_after_login_is_ignored(client, ctx):
    make_user(email="lee@example.org")
    html = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    response = client.post(
        "/login?next=https://evil.example/",
        data={
            "csrf_token": csrf_token_from(html),
            "email": "lee@example.org",
            "password": DEFAULT_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/dashboard"
