"""Views that only read run their statements without a transaction around them; they cannot
write, and the connection they used goes back to the pool as it was."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from flask import jsonify, request
from sqlalchemy import delete, func, select, text

from advising.accounts.models import User
from advising.database import READ_ONLY, WriteInReadOnlySession, begin_read_only, read_rows
from advising.extensions import db
from advising.web import read_only_view
from tests.factories import make_advisor, make_user
from tests.intake.helpers import make_intake


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
        in_transaction = _in_transaction_after_a_read()
        connection = db.session.connection().connection.dbapi_connection
        return jsonify(in_transaction=in_transaction, connection=id(connection))

    def writing():
        db.session.add(User(email="sneaky@example.com", name="Sneaky", role="visitor"))
        db.session.commit()
        return jsonify(written=True)

    def bulk_writing():
        db.session.execute(delete(User).where(User.email != "nobody@example.com"))
        return jsonify(written=True)

    def core_writing():
        db.session.connection().execute(delete(User))
        return jsonify(written=True)

    def text_writing():
        db.session.execute(text("UPDATE users SET name = 'Changed'"))
        return jsonify(written=True)

    app.add_url_rule("/_probe/plain", "probe_plain", reading)
    app.add_url_rule("/_probe/read", "probe_read", read_only_view(reading))
    app.add_url_rule("/_probe/write", "probe_write", read_only_view(writing))
    app.add_url_rule("/_probe/bulk", "probe_bulk", read_only_view(bulk_writing))
    app.add_url_rule("/_probe/core", "probe_core", read_only_view(core_writing))
    app.add_url_rule("/_probe/text", "probe_text", read_only_view(text_writing))
    return app


def test_a_read_only_view_runs_each_statement_on_its_own(client, probe_routes):
    answers = [client.get("/_probe/plain").json, client.get("/_probe/read").json]
    answers += [client.get("/_probe/plain").json for _ in range(3)]
    assert [a["in_transaction"] for a in answers] == [True, False, True, True, True]
    # One pooled connection served them all: it came back with its usual isolation.
    assert len({a["connection"] for a in answers}) == 1


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
    for path in ("/_probe/write", "/_probe/bulk", "/_probe/core", "/_probe/text"):
        with caplog_at_error() as records:
            assert client.get(path).status_code == 500  # a bug in the view, never a write
        assert any(isinstance(r.exc_info[1], WriteInReadOnlySession) for r in records if r.exc_info)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert not db.session.scalar(select(User.id).where(User.email == "sneaky@example.com"))
    assert not db.session.scalar(select(User.id).where(User.name == "Changed"))


def test_a_session_holding_changes_cannot_become_read_only(app, ctx):
    db.session.add(User(email="pending@example.com", name="Pending", role="visitor"))
    with pytest.raises(WriteInReadOnlySession):
        begin_read_only(db.session)
    db.session.rollback()


def test_the_public_booking_pages_read_only_to_the_end(app, client, ctx, auth):
    """Each of them runs its statements without a transaction from start to finish, for a
    visitor with a roadmap and for a signed-in person alike (nothing on the way writes, and
    nothing ends the read-only connection early)."""
    read_only_at_the_end: list[tuple[str, bool]] = []

    @app.teardown_request
    def record(_error):  # runs before the app's own teardown ends read-only mode
        options = db.session.connection().get_execution_options()
        read_only_at_the_end.append((request.full_path.rstrip("?"), bool(options.get(READ_ONLY))))

    make_advisor(slug="dana")
    db.session.commit()
    _intake, token = make_intake()
    paths = [
        "/advisors/dana",
        f"/advisors/dana?match=1&intake={token}",
        f"/book/any?intake={token}",
    ]
    for path in paths:  # late in a month an advisor's page may redirect to the next one
        assert client.get(path).status_code in (200, 302), path
    assert read_only_at_the_end == [(path, True) for path in paths]
    make_user(email="sam@example.com", role="staff")
    db.session.commit()
    assert auth.login("sam@example.com").status_code == 302
    read_only_at_the_end.clear()  # the sign-in pages are not read-only views
    assert client.get(paths[0]).status_code in (200, 302)
    assert read_only_at_the_end == [(paths[0], True)]


def _txid_or_none(session) -> list:
    if db.engine.dialect.name == "sqlite":
        return read_rows(session, text("SELECT 1"), {})
    return read_rows(session, text("SELECT txid_current()"), {})


def test_a_read_outside_a_transaction_runs_on_its_own_and_leaves_the_session_idle(app, ctx):
    make_advisor(slug="dana")
    db.session.commit()
    rows = read_rows(db.session, select(User.email).where(User.role == "advisor"), {})
    assert [row.email for row in rows] == [db.session.scalar(select(User.email))]
    db.session.rollback()
    first, second = _txid_or_none(db.session), _txid_or_none(db.session)
    assert not db.session().in_transaction()  # the session was never used
    if db.engine.dialect.name != "sqlite":
        assert first != second  # autocommit: each statement is a transaction of its own


def test_a_read_where_no_session_was_opened_opens_none(app, ctx):
    make_advisor(slug="dana")
    db.session.commit()
    email = db.session.scalar(select(User.email))
    with app.test_request_context("/"):
        rows = read_rows(db.session, select(User.email).where(User.role == "advisor"), {})
        assert [row.email for row in rows] == [email]
        assert not db.session.registry.has()  # the read made no session, so none to close
        db.session.add(User(email="new@example.com", name="New", role="visitor", password_hash="x"))
        # Once one is open, reads go through it and see what it holds.
        assert len(read_rows(db.session, select(User.email), {})) == 2
        db.session.rollback()


def test_a_read_inside_a_transaction_sees_the_sessions_own_writes(app):
    count = select(func.count()).select_from(User)
    with app.app_context():
        before = read_rows(db.session, count, {})[0][0]
        db.session.add(User(email="new@example.com", name="New", role="visitor", password_hash="x"))
        # Not flushed yet: the read flushes it, in the session's transaction.
        assert read_rows(db.session, count, {})[0][0] == before + 1
        assert db.session().in_transaction()
        db.session.rollback()
        assert read_rows(db.session, count, {})[0][0] == before


def test_the_slots_api_reads_without_a_transaction(app, client, ctx):
    in_transaction: list[bool] = []

    opened: list[bool] = []

    @app.teardown_request
    def record(_error):
        opened.append(db.session.registry.has())
        in_transaction.append(db.session.registry.has() and db.session().in_transaction())

    make_advisor(slug="dana")
    db.session.commit()
    first = client.get("/api/v1/advisors/dana/slots")
    again = client.get("/api/v1/advisors/dana/slots")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert in_transaction == [False, False]  # its reads ran on connections of their own
    assert opened == [False, False]  # and no session was made for them
