"""Factory, configuration, security headers, error pages and the UTC column type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from advising.config import ConfigError, load_config
from advising.database import UTCDateTime
from advising.extensions import db
from tests.factories import make_user


def test_development_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ADVISING_ENV", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISING_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigError):
        load_config(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_url_defaults_to_sqlite_in_instance_and_accepts_postgres_urls(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert (
        load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'advising.db'}"
    )
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/advising")
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/advising"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_logged_in_pages_are_not_cached(client, auth, ctx):
    make_user(email="ann@example.org")
    auth.login("ann@example.org")
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
    assert client.get("/advisors").headers["Cache-Control"] == "no-store"


def test_error_pages_are_friendly(client, app):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'href="/"' in html

    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/login", data={"email": "x" * 500})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_unexpected_errors_render_the_500_page(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_utc_column_returns_aware_utc_on_every_engine(app):
    table = Table(
        "instants", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime())
    )
    new_york = timezone(timedelta(hours=-5))
    with app.app_context():
        table.create(db.engine)
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    insert(table).values(id=1, at=datetime(2026, 11, 1, 1, 30, tzinfo=new_york))
                )
                stored = conn.execute(select(table.c.at)).scalar_one()
        finally:
            table.drop(db.engine)
    assert stored == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


@pytest.mark.postgres
def test_postgresql_connections_speak_utc_and_hand_back_utc_itself(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("a session time zone is PostgreSQL's")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW TIME ZONE").scalar_one() == "UTC"
            conn.exec_driver_sql("SET TIME ZONE 'America/New_York'")  # as a server default might
            conn.rollback()
        db.engine.dispose()  # a fresh connection: set up again, whatever the server's default
        with db.engine.connect() as conn:
            instant = conn.exec_driver_sql("SELECT TIMESTAMPTZ '2026-11-01 06:30Z'").scalar_one()
            assert conn.exec_driver_sql("SHOW TIME ZONE").scalar_one() == "UTC"
    assert instant == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert instant.tzinfo is UTC  # nothing for UTCDateTime to convert


def test_naive_datetimes_are_refused(app):
    with app.app_context(), pytest.raises(ValueError, match="naive datetime"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), db.engine.dialect)
