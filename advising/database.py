"""Declarative base and the column type that keeps every instant in UTC."""

from __future__ import annotations

import select
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event, exc
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Store an aware datetime as UTC; always return an aware UTC datetime.

    PostgreSQL keeps it as ``timestamptz``; SQLite, which has no zone support, keeps naive
    UTC text. Naive datetimes are refused on the way in: a time without a zone is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; attach a time zone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


READ_ONLY = "advising.read_only"  # Session.info key and connection execution option
_READING = ("SELECT", "WITH", "SHOW", "EXPLAIN")


class WriteInReadOnlySession(RuntimeError):
    """A read-only session (see :func:`begin_read_only`) tried to write."""


def begin_read_only(session: Session | scoped_session[Session]) -> None:
    """Run the session's statements from here on each on its own, with no transaction around
    them (autocommit), for a view that only reads. On PostgreSQL that spares a request the
    BEGIN and ROLLBACK round trips (a third of an uncached slots answer's time on loopback);
    under READ COMMITTED each statement had its own snapshot anyway (on SQLite each statement
    now sees the latest commit, rather than the request's first read). Until
    :func:`end_read_only`, a flush raises :class:`WriteInReadOnlySession`, and so does any
    statement other than a read on the session's connection, ORM or not."""
    current = session() if isinstance(session, scoped_session) else session
    if current.new or current.dirty or current.deleted:
        raise WriteInReadOnlySession("the session holds changes; commit them first")
    if current.in_transaction():
        current.rollback()
    current.info[READ_ONLY] = True
    options = {READ_ONLY: True, **_autocommit(current.get_bind().dialect.name)}
    current.connection(execution_options=options)


def end_read_only(session: Session | scoped_session[Session]) -> None:
    """Let a :func:`begin_read_only` session write again, ending its use of the connection
    (the pool restores the connection's usual isolation); nothing for another session."""
    current = session() if isinstance(session, scoped_session) else session
    if current.info.pop(READ_ONLY, False):
        current.rollback()


def read_rows(session: Session | scoped_session[Session], statement: Any, params: Any) -> list:
    """The rows of ``statement``, a read. With no transaction open in the session (and nothing
    waiting to be flushed), it runs on a connection of its own in autocommit: one statement,
    no BEGIN and ROLLBACK round trips (PostgreSQL), no session set up for a request that may
    need nothing else, such as a cached slots answer. Otherwise it runs in the session, which
    must see its own writes and locks."""
    if (bind := _bind_of_unopened(session)) is not None:
        return _read_alone(bind, statement, params)
    current = session() if isinstance(session, scoped_session) else session
    if current.in_transaction() or current.new or current.dirty or current.deleted:
        return current.execute(statement, params).all()
    return _read_alone(current.get_bind(), statement, params)


def _bind_of_unopened(session: Session | scoped_session[Session]) -> Engine | None:
    """The app's engine when ``session`` is the app's scoped session and none has been opened
    in this context yet: then it holds nothing, and a read need not open one (making a session
    and closing it at teardown was a sixteenth of a cached slots answer's instructions)."""
    from advising.extensions import db

    if session is db.session and not session.registry.has():
        return db.engine
    return None


def _read_alone(bind: Engine, statement: Any, params: Any) -> list:
    """The rows of ``statement`` on a connection of its own, in autocommit."""
    with bind.connect() as connection:
        connection.execution_options(**_autocommit(connection.dialect.name))
        return connection.execute(statement, params).all()


def _autocommit(dialect_name: str) -> dict[str, Any]:
    """Execution options for statements that each stand alone, without BEGIN."""
    if dialect_name == "sqlite":  # its connections are in autocommit already (configure_sqlite)
        return {"sqlite_begin": None}
    return {"isolation_level": "AUTOCOMMIT"}


@event.listens_for(Session, "before_flush")
def _refuse_flush_when_read_only(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY):
        raise WriteInReadOnlySession("a read-only session tried to write")


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes_on_a_read_only_connection(
    connection: Connection, _cursor: Any, statement: str, *_args: Any
) -> None:
    if connection.get_execution_options().get(READ_ONLY) and not (
        statement.lstrip().upper().startswith(_READING)
    ):
        raise WriteInReadOnlySession("a read-only session tried to write")


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base class for every model, with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def discard_connections_the_server_closed(engine: Engine) -> None:
    """Pessimistic disconnect handling without a round trip per request (``pool_pre_ping``
    costs one): an idle pooled connection has nothing to read unless the server has closed it
    or said it is closing it (a restart, ``pg_terminate_backend``, an idle timeout), so a
    connection whose socket is readable at checkout is discarded and the pool opens another.
    """

    closed_errors = (OSError, ValueError, engine.dialect.loaded_dbapi.Error)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        try:
            readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
        except closed_errors as error:  # closed already: no socket left
            raise exc.DisconnectionError(str(error)) from error
        if readable:
            raise exc.DisconnectionError("the database server closed this connection")


def configure_postgresql(engine: Engine) -> None:
    """Each new connection's session speaks UTC (``SET TIME ZONE 'UTC'``, once per
    connection): the driver then hands instants back in ``datetime.UTC`` itself, not in the
    server's zone (often ``Etc/UTC``, a ZoneInfo that :class:`UTCDateTime` would convert value
    by value; a tenth of an uncached 28-day slots answer's CPU), and SQL that reads a date or
    an hour off an instant means the UTC one on every server."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.close()
        dbapi_connection.commit()  # a SET rolled back with its transaction would be undone


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave for concurrent writers.

    pysqlite normally opens transactions itself (and late); taking that over lets a service
    ask for ``BEGIN IMMEDIATE`` (the write lock up front) with the execution option
    ``sqlite_begin="IMMEDIATE"``. WAL journaling lets reads go on during a write; foreign keys
    are enforced and writers wait for the lock.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        mode = options.get("sqlite_begin", _default_begin_mode())
        if mode is None:  # autocommit: every statement is its own transaction
            return
        connection.exec_driver_sql(f"BEGIN {mode}")


def _default_begin_mode() -> str:
    """A request that may write takes the write lock when its transaction starts: a WAL read
    transaction cannot later upgrade to a write once another connection has written."""
    from flask import has_request_context, request

    if has_request_context() and request.method not in {"GET", "HEAD", "OPTIONS"}:
        return "IMMEDIATE"
    return "DEFERRED"


def begin_write_locked(session: Session | scoped_session[Session]) -> None:
    """Start the session's next transaction holding the write lock (SQLite) right away.

    Ends any transaction already open on the session (nothing may be pending), so the check
    and the write that follow see the latest committed state.
    """
    current = session() if isinstance(session, scoped_session) else session
    if current.in_transaction():
        current.commit()
    current.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
