"""Password policy: length and commonness, no composition rules."""

from advising.accounts.passwords import (
    common_passwords,
    hash_password,
    password_problem,
    verify_password,
)


def test_the_shipped_list_holds_ten_thousand_common_passwords():
    words = common_passwords()
    assert len(words) >= 9_900
    assert {"password", "123456", "qwerty", "iloveyou"} <= words


def test_policy():
    assert password_problem("short") == "Use at least 8 characters."
    assert "commonly used" in password_problem("Password")
    assert password_problem("x" * 64 + " more") is None
    assert password_problem("alllowercaseletters") is None  # no composition rules
    assert "email" in password_problem("me@example.org", email="me@example.org")


def test_hash_is_scrypt_and_verifies():
    hashed = hash_password("a perfectly fine passphrase")
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "a perfectly fine passphrase")
    assert not verify_password(hashed, "another passphrase")
