"""Intake submissions are rate-limited per address (each one stores personal data)."""

from __future__ import annotations

import pytest

from tests.intake.helpers import submit_intake


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"INTAKE_LIMIT_PER_ADDRESS": "2 per hour"}


def test_only_stored_intakes_count_toward_the_limit(client, ctx):
    assert submit_intake(client, hours_per_week="0").status_code == 200  # refused: not counted
    assert submit_intake(client).status_code == 302
    assert submit_intake(client).status_code == 302
    response = submit_intake(client)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
