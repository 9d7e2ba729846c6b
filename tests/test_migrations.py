"""Migrations build the whole schema from an empty database, and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from advising.extensions import db
from tests.conftest import (
    make_test_app,
    mark_postgres_schema_dirty,
    require_postgres,
    reset_postgres_schema,
)


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_upgrade_from_empty_matches_models(engine: str, tmp_path: Path):
    if engine == "postgresql":
        url = require_postgres()
        reset_postgres_schema(url)
        mark_postgres_schema_dirty()
    else:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = make_test_app(url, tmp_path / "instance")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            if engine == "postgresql":
                constraint = conn.execute(
                    sa.text(
                        "SELECT contype FROM pg_constraint WHERE conname = 'bookings_no_overlap'"
                    )
                ).scalar()
                assert constraint == "x"  # an exclusion constraint guards against double bookings
        db.engine.dispose()
    assert differences == []
    if engine == "postgresql":
        reset_postgres_schema(url)


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_advisors_from_before_settings_rows_get_the_default_rules_and_hours(
    engine: str, tmp_path: Path
):
    if engine == "postgresql":
        url = require_postgres()
        reset_postgres_schema(url)
        mark_postgres_schema_dirty()
    else:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = make_test_app(url, tmp_path / "instance")
    with app.app_context():
        upgrade(revision="5c3d4e5f6071")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, name, role, password_hash, active, "
                    "session_version, created_at) VALUES (1, 'a@example.org', 'A', 'advisor', "
                    "'x', true, 1, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO advisor_profiles (id, user_id, display_name, slug, bio, "
                    "specialties, timezone, active, availability_version) VALUES "
                    "(1, 1, 'A', 'a', '', '[]', 'UTC', true, 0)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            settings = conn.execute(
                sa.text(
                    "SELECT buffer_after_minutes, duration_minutes, closed_on_holidays "
                    "FROM booking_settings"
                )
            ).all()
            weekdays = (
                conn.execute(
                    sa.text(
                        "SELECT weekday FROM weekly_hours WHERE advisor_id = 1 ORDER BY weekday"
                    )
                )
                .scalars()
                .all()
            )
        db.engine.dispose()
    # the hours they published stay open on holidays (new advisors start closed on them)
    assert [(after, length, bool(closed)) for after, length, closed in settings] == [
        (15, 45, False)
    ]
    assert weekdays == [0, 1, 2, 3, 4]
    if engine == "postgresql":
        reset_postgres_schema(url)


@pytest.mark.postgres
def test_the_exclusion_constraint_counts_held_bookings_after_upgrade_and_not_after_downgrade(
    tmp_path: Path,
):
    from flask_migrate import downgrade

    url = require_postgres()
    reset_postgres_schema(url)
    mark_postgres_schema_dirty()
    app = make_test_app(url, tmp_path / "instance")
    definition = sa.text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'bookings_no_overlap'"
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert "'held'" in conn.execute(definition).scalar()
        downgrade(revision="8f607182a3b4")
        with db.engine.connect() as conn:
            after = conn.execute(definition).scalar()
            assert "'confirmed'" in after and "'held'" not in after
        db.engine.dispose()
    reset_postgres_schema(url)
