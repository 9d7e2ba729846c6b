"""Password policy (NIST SP 800-63B style) and hashing."""

from __future__ import annotations

from functools import cache
from importlib import resources

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, lower-cased, from the shipped data file."""
    text = (
        resources.files("advising.accounts")
        .joinpath("data/common-passwords.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("# ")
    )


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """Why ``password`` is not acceptable, or None; length and commonness, no composition rules."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords():
        return "This password is one of the most commonly used and easy to guess. Choose another."
    if email and lowered == email.lower():
        return "Do not use your email address as your password."
    if name and lowered == name.lower():
        return "Do not use your name as your password."
    return None


def hash_password(password: str) -> str:
    """Hash with scrypt (werkzeug's default), salted."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
