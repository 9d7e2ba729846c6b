"""When the database is down, people get a 503 with Retry-After (never a 500), /healthz stays
a liveness probe and /readyz says the app is not ready."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import free_port, make_test_app


@pytest.fixture
def down_client(tmp_path: Path):
    """The app pointed at a PostgreSQL port on loopback where nothing listens."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none?connect_timeout=2"
    app = make_test_app(url, tmp_path / "instance")
    return app.test_client()


def test_pages_answer_503_with_retry_after_when_the_database_is_down(down_client):
    response = down_client.get("/advisors")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "try again in a few seconds" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_the_api_answers_503_json_when_the_database_is_down(down_client):
    response = down_client.get("/api/v1/advisors")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0  # the API's limiter may name a later time
    assert response.get_json()["code"] == 503


def test_healthz_is_liveness_and_readyz_checks_the_database(down_client, client):
    assert down_client.get("/healthz").status_code == 200
    not_ready = down_client.get("/readyz")
    assert not_ready.status_code == 503 and not_ready.get_json()["database"] == "unreachable"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.postgres
def test_a_pooled_connection_the_server_closed_is_replaced_without_an_error(tmp_path: Path):
    """A database restart or an idle timeout ends pooled connections on the server's side; the
    next requests get fresh ones (no 503), without a ping before every request."""
    import time

    import sqlalchemy as sa

    from advising.extensions import db
    from tests.conftest import mark_postgres_schema_dirty, require_postgres, reset_postgres_schema
    from tests.factories import make_advisor

    url = require_postgres()
    reset_postgres_schema(url)
    mark_postgres_schema_dirty()  # the next test's app makes its tables again
    app = make_test_app(url, tmp_path / "instance")
    with app.app_context():
        db.create_all()
        make_advisor(slug="maria")
    client = app.test_client()  # each request in its own app context, as when served
    assert client.get("/api/v1/advisors/maria/slots").status_code == 200
    assert client.get("/advisors/maria").status_code in (200, 302)
    # Autocommit: each look at pg_stat_activity is a fresh snapshot.
    killer = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        pooled = list(
            conn.scalars(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                )
            )
        )
        for pid in pooled:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and conn.scalar(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
            {"pids": pooled},
        ):
            time.sleep(0.05)
    killer.dispose()
    assert pooled
    for _ in range(3):  # every pooled connection the server ended is replaced
        assert client.get("/api/v1/advisors/maria/slots").status_code == 200
        assert client.get("/advisors/maria").status_code in (200, 302)
    with app.app_context():
        db.engine.dispose()
