"""Views that only read run their statements without a transaction around them; they cannot
write, and the connection they used goes back to the pool as it was."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from flask import jsonify, request
from sqlalchemy import delete, func, select, text

from advising.accounts.models import User
from advising.database import WriteInReadOnlyView, read_only
from advising.extensions import db
from advising.web import reads_only
from tests.factories import make_advisor


def _in_transaction_after_a_read() -> bool:
    """Whether the request's connection is inside a transaction after one SELECT."""
    db.session.execute(select(func.count()).select_from(User))
    if db.engine.dialect.name == "sqlite":
        return db.session.connection().connection.dbapi_connection.in_transaction
    # Each statement in autocommit is a transaction of its own: two txids differ.
    first = db.session.execute(text("SELECT txid_current()")).scalar()
    second = db.session.execute(text("SELECT txid_current()")).scalar()
    return first == second


@pytest.fixture
def probe_routes(app):
    def reading():
        return jsonify(in_transaction=_in_transaction_after_a_read())

    def writing():
        db.session.add(User(email="sneaky@example.com", name="Sneaky", role="visitor"))
        db.session.commit()
        return jsonify(written=True)

    def bulk_writing():
        db.session.execute(delete(User).where(User.email != "nobody@example.com"))
        return jsonify(written=True)

    app.add_url_rule("/_probe/plain", "probe_plain", reading)
    app.add_url_rule("/_probe/read", "probe_read", reads_only(reading))
    app.add_url_rule("/_probe/write", "probe_write", reads_only(writing))
    app.add_url_rule("/_probe/bulk", "probe_bulk", reads_only(bulk_writing))
    return app


def test_a_read_only_view_runs_each_statement_on_its_own(client, probe_routes):
    assert client.get("/_probe/plain").json == {"in_transaction": True}
    assert client.get("/_probe/read").json == {"in_transaction": False}
    # The pooled connection came back with its usual isolation: a transaction again.
    for _ in range(3):
        assert client.get("/_probe/plain").json == {"in_transaction": True}


def test_a_write_in_a_read_only_view_is_refused_and_nothing_is_written(
    app, client, probe_routes, ctx, caplog
):
    @contextmanager
    def caplog_at_error():
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            yield caplog.records

    make_advisor(slug="kept")
    db.session.commit()
    users = db.session.scalar(select(func.count()).select_from(User))
    for path in ("/_probe/write", "/_probe/bulk"):
        with caplog_at_error() as records:
            assert client.get(path).status_code == 500  # a bug in the view, never a write
        assert any(isinstance(r.exc_info[1], WriteInReadOnlyView) for r in records if r.exc_info)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert not db.session.scalar(select(User.id).where(User.email == "sneaky@example.com"))


def test_a_session_holding_changes_cannot_become_read_only(app, ctx):
    db.session.add(User(email="pending@example.com", name="Pending", role="visitor"))
    with pytest.raises(WriteInReadOnlyView):
        read_only(db.session)
    db.session.rollback()


def test_the_public_booking_pages_and_the_slots_api_read_only(client, ctx, monkeypatch):
    import advising.web

    made_read_only: list[str] = []
    real = advising.web.read_only

    def recording(session):
        made_read_only.append(request.path)
        real(session)

    monkeypatch.setattr(advising.web, "read_only", recording)
    make_advisor(slug="dana")
    db.session.commit()
    paths = ["/advisors/dana", "/book/any", "/api/v1/advisors/dana/slots"]
    for path in paths:
        assert client.get(path).status_code in (200, 302), path
    assert made_read_only == paths
