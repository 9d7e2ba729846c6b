"""Password guessing is slowed everywhere it can be tried (the sign-in form and the current
password on the password page share the counters), without locking the owner's own browser
out: a browser that signed in before holds a device cookie and counts on its own."""

from __future__ import annotations

import json
import logging

from itsdangerous import URLSafeTimedSerializer

from advising.accounts import devices, services
from advising.extensions import db
from tests.conftest import AuthActions, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

NEW = "a brand new long passphrase"


def _change_password(client, current: str, new: str = NEW):
    return post_form(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm_password": new},
    )


def _browser_that_signed_in_before(app, email: str):
    """A browser that signed in to ``email`` and out again: it keeps its device cookie."""
    browser = app.test_client()
    assert AuthActions(browser).login(email).status_code == 302
    AuthActions(browser).logout()
    return browser


def _wrong_login(client, email: str):
    return post_form(client, "/login", {"email": email, "password": "wrong password"})


def test_guessing_the_current_password_is_limited_like_sign_in(client, auth, ctx):
    make_user(email="gil@example.org")
    auth.login("gil@example.org")
    for _ in range(5):
        response = _change_password(client, "not my password")
        assert response.status_code == 200
        assert "not your current password" in response.get_data(as_text=True)
    response = _change_password(client, DEFAULT_PASSWORD)  # even the right one, now
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # nothing changed, and the session carries on
    db.session.rollback()
    from advising.accounts.passwords import verify_password

    assert verify_password(services.find_user("gil@example.org").password_hash, DEFAULT_PASSWORD)
    assert client.get("/dashboard").status_code == 200


def test_a_refused_new_password_does_not_count_as_a_guess(client, auth, ctx):
    make_user(email="hana@example.org")
    auth.login("hana@example.org")
    for _ in range(6):
        assert _change_password(client, DEFAULT_PASSWORD, "short").status_code == 200
    assert _change_password(client, DEFAULT_PASSWORD).status_code == 302


def test_password_page_guesses_and_sign_in_guesses_share_the_account_counter(app, ctx):
    """A stolen session without the device cookie: its guesses at the current password
    count against the account, and so lock untrusted sign-ins to it."""
    make_user(email="ida@example.org")
    thief = app.test_client()
    AuthActions(thief).login("ida@example.org")
    thief.delete_cookie(devices.COOKIE)
    for _ in range(3):
        assert _change_password(thief, "guess").status_code == 200
    elsewhere = app.test_client()
    for _ in range(2):
        assert _wrong_login(elsewhere, "ida@example.org").status_code == 200
    assert AuthActions(elsewhere).login("ida@example.org").status_code == 429
    assert _change_password(thief, DEFAULT_PASSWORD).status_code == 429


def test_the_password_page_counts_per_address_too(app, ctx):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    make_user(email="jan@example.org")
    make_user(email="kai@example.org")
    client = app.test_client()
    AuthActions(client).login("jan@example.org")
    for _ in range(3):
        assert _change_password(client, "guess").status_code == 200
    # the same address can no longer try any account
    other = app.test_client()
    assert AuthActions(other).login("kai@example.org").status_code == 429


def test_sign_in_sets_a_signed_device_cookie_naming_the_account_not_its_address(client, auth, ctx):
    make_user(email="lou@example.org")
    auth.login("lou@example.org")
    cookie = client.get_cookie(devices.COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    # the payload is readable by anyone holding the cookie: it names the account by a keyed
    # reference, never by the address (a substring test on the encoded value is chance)
    _, payload = URLSafeTimedSerializer("unused").loads_unsafe(cookie.value)
    assert set(payload) == {"account", "nonce"}
    assert "lou" not in json.dumps(payload).lower()
    with client.application.test_request_context(
        headers={"Cookie": f"{devices.COOKIE}={cookie.value}"}
    ):
        assert devices.trusted_nonce("LOU@example.org ")
        assert devices.trusted_nonce("someone.else@example.org") is None
    forged = cookie.value[:-3] + ("AAA" if not cookie.value.endswith("AAA") else "BBB")
    with client.application.test_request_context(headers={"Cookie": f"{devices.COOKIE}={forged}"}):
        assert devices.trusted_nonce("lou@example.org") is None


def test_guessing_from_anywhere_does_not_lock_out_the_owners_browser(app, ctx):
    make_user(email="mo@example.org")
    owner = _browser_that_signed_in_before(app, "mo@example.org")

    attacker = app.test_client()
    for _ in range(5):
        assert _wrong_login(attacker, "mo@example.org").status_code == 200
    # untrusted attempts are locked, even with the right password
    assert AuthActions(attacker).login("mo@example.org").status_code == 429
    assert AuthActions(app.test_client()).login("mo@example.org").status_code == 429

    # the owner's browser signs in (a typo first does not lock it either)
    assert _wrong_login(owner, "mo@example.org").status_code == 200
    assert AuthActions(owner).login("mo@example.org").status_code == 302


def test_a_device_cookie_has_a_guessing_budget_of_its_own(app, ctx):
    make_user(email="nia@example.org")
    browser = _browser_that_signed_in_before(app, "nia@example.org")
    for _ in range(5):
        assert _wrong_login(browser, "nia@example.org").status_code == 200
    assert AuthActions(browser).login("nia@example.org").status_code == 429
    # its failures did not count against the account: a fresh browser may still try
    assert AuthActions(app.test_client()).login("nia@example.org").status_code == 302


def test_a_device_cookie_for_another_account_is_not_trusted(app, ctx):
    make_user(email="ola@example.org")
    make_user(email="pat@example.org")
    browser = _browser_that_signed_in_before(app, "ola@example.org")
    for _ in range(5):
        assert _wrong_login(browser, "pat@example.org").status_code == 200
    assert AuthActions(browser).login("pat@example.org").status_code == 429


def test_failed_sign_ins_log_a_keyed_reference_not_the_address(client, ctx, caplog):
    with caplog.at_level(logging.INFO):
        _wrong_login(client, "Quinn.Nobody@example.org")
        _wrong_login(client, "QUINN.nobody@example.org")
    failures = [r.getMessage() for r in caplog.records if "login failed" in r.getMessage()]
    assert len(failures) == 2
    assert not any("quinn" in line.lower() or "@" in line for line in failures)
    with client.application.app_context():
        ref = services.account_ref("quinn.nobody@example.org")
    assert all(f"account_ref={ref}" in line for line in failures)  # the same account, twice
    with client.application.app_context():
        client.application.config["SECRET_KEY"] = "another-secret-key-" + "y" * 32
        assert services.account_ref("quinn.nobody@example.org") != ref  # keyed
