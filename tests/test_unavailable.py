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
