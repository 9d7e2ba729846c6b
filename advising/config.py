"""Configuration read from environment variables (12-factor), with laptop-friendly defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PRODUCTION = "production"


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can safely run with."""


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}")


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}")
    if not value >= 0:  # also refuses nan
        raise ConfigError(f"{name} must not be negative, not {raw!r}")
    return value


def _bool_env(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key(instance_path: Path) -> str:
    """Return a secret key generated once and kept in the instance folder (development only)."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the Flask configuration from the environment.

    Production (ADVISING_ENV=production) refuses to start without a real SECRET_KEY;
    development generates one and keeps it in ``instance/``.
    """
    env = os.environ.get("ADVISING_ENV", "development").strip().lower()
    production = env == PRODUCTION
    secret_key = os.environ.get("SECRET_KEY", "")
    if production and len(secret_key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not secret_key:
        secret_key = _development_secret_key(instance_path)

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'advising.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    return {
        "ENV_NAME": env,
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # SQL parameters (names, emails, token hashes) stay out of logs and error messages on
        # every engine. A server's pooled connections that dropped are found without a ping
        # (see advising.database.discard_connections_the_server_closed).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "SESSION_COOKIE_HTTPONLY": True,
        # Lax, unless the booking widget is embedded on other sites over HTTPS: a framed
        # booking form then needs its session (CSRF) cookie, which only None lets through.
        "SESSION_COOKIE_SAMESITE": "None"
        if os.environ.get("EMBED_ALLOWED_ORIGINS", "").strip()
        and _bool_env("SESSION_COOKIE_SECURE", production)
        else "Lax",
        "SESSION_COOKIE_SECURE": _bool_env("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_NAME": "advising_session",
        "PERMANENT_SESSION_LIFETIME": _int_env("SESSION_LIFETIME_SECONDS", 12 * 3600),
        # However active, a session ends this long after its sign-in.
        "SESSION_ABSOLUTE_LIFETIME_HOURS": _int_env("SESSION_ABSOLUTE_LIFETIME_HOURS", 12),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Uploads: calendar exports are limited to 5 MiB; the request may carry a little more.
        "CALENDAR_MAX_BYTES": _int_env("CALENDAR_MAX_BYTES", 5 * 1024 * 1024),
        "MAX_CONTENT_LENGTH": _int_env("MAX_CONTENT_LENGTH", 5 * 1024 * 1024 + 64 * 1024),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool_env("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # A browser that signed in to an account before keeps it this long (device cookie).
        "DEVICE_COOKIE_DAYS": _int_env("DEVICE_COOKIE_DAYS", 180),
        # Slot lists and API bodies kept per worker process (0 turns the slot cache off).
        "SLOT_CACHE_SIZE": _int_env("SLOT_CACHE_SIZE", 512),
        "API_LIMIT_PER_ADDRESS": os.environ.get("API_LIMIT_PER_ADDRESS", "120 per minute"),
        "ROADMAP_PDF_LIMIT": os.environ.get("ROADMAP_PDF_LIMIT", "10 per minute"),
        # the roadmap page's "Email me this link": a few a day, never a mail cannon
        "ROADMAP_LINK_MAIL_LIMIT": os.environ.get("ROADMAP_LINK_MAIL_LIMIT", "3 per hour"),
        # The worker renders each new roadmap's PDF ahead of the visitor's download; a download
        # that finds it still to do waits this long for a worker before rendering it itself.
        "ROADMAP_PDF_PRERENDER": _bool_env("ROADMAP_PDF_PRERENDER", True),
        "ROADMAP_PDF_WAIT_SECONDS": _float_env("ROADMAP_PDF_WAIT_SECONDS", 30.0),
        # Bookings (web form and API together): per client address, per visitor e-mail, and
        # the most upcoming consultations one e-mail may hold (0 turns that cap off).
        "BOOKING_LIMIT_PER_ADDRESS": os.environ.get("BOOKING_LIMIT_PER_ADDRESS", "10 per hour"),
        "BOOKING_LIMIT_PER_EMAIL": os.environ.get("BOOKING_LIMIT_PER_EMAIL", "3 per day"),
        "BOOKING_MAX_UPCOMING_PER_EMAIL": _int_env("BOOKING_MAX_UPCOMING_PER_EMAIL", 3),
        "MAIL_URL": os.environ.get("MAIL_URL", f"file://{instance_path / 'outbox'}"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "bookings@advising.example"),
        "MAIL_FROM_NAME": os.environ.get("MAIL_FROM_NAME", "Advising"),
        # The worker (`flask worker`): how often it looks for mail on SQLite (PostgreSQL wakes
        # it with NOTIFY and looks anyway after the listen timeout), and its periodic jobs.
        "WORKER_POLL_SECONDS": _float_env("WORKER_POLL_SECONDS", 0.5),
        # How much lower the worker's CPU priority is than the web server's (os.nice), so
        # background renders never slow a page down; 0 keeps it equal.
        "WORKER_NICE": _int_env("WORKER_NICE", 10),
        "WORKER_LISTEN_TIMEOUT_SECONDS": _float_env("WORKER_LISTEN_TIMEOUT_SECONDS", 60.0),
        "WORKER_REMINDERS_SECONDS": _float_env("WORKER_REMINDERS_SECONDS", 60.0),
        "WORKER_SYNC_MINUTES": _float_env("WORKER_SYNC_MINUTES", 15.0),
        "FEED_ALLOW_PRIVATE_ADDRESSES": _bool_env("FEED_ALLOW_PRIVATE_ADDRESSES", False),
        "FEED_TIMEOUT_SECONDS": _int_env("FEED_TIMEOUT_SECONDS", 15),
        # One webhook delivery's deadline: connecting, the TLS handshake and the answer.
        "WEBHOOK_TIMEOUT_SECONDS": _float_env("WEBHOOK_TIMEOUT_SECONDS", 5.0),
        "CALENDAR_HORIZON_DAYS": _int_env("CALENDAR_HORIZON_DAYS", 180),
        # `calendars sync` fetches this many feeds at once, so one slow feed holds up no other.
        "CALENDAR_SYNC_WORKERS": _int_env("CALENDAR_SYNC_WORKERS", 4),
        # Stored blocks per calendar (after merging); a calendar that needs more is refused.
        "CALENDAR_MAX_BLOCKS": _int_env("CALENDAR_MAX_BLOCKS", 20_000),
        # Wall-clock seconds for one whole import: reading, expanding, merging and storing.
        "CALENDAR_IMPORT_SECONDS": _int_env("CALENDAR_IMPORT_SECONDS", 10),
        "WTF_CSRF_TIME_LIMIT": None,
        "TRUST_PROXY": _bool_env("TRUST_PROXY", False),
        # Sites that may show the booking widget (an iframe of the visitor's booking pages),
        # e.g. "https://www.example-firm.com"; empty: nobody may frame any page.
        "EMBED_ALLOWED_ORIGINS": tuple(
            origin.strip().rstrip("/")
            for origin in os.environ.get("EMBED_ALLOWED_ORIGINS", "").replace(",", " ").split()
            if origin.strip()
        ),
        "HSTS_SECONDS": _int_env("HSTS_SECONDS", 31536000),
    }
