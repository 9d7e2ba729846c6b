"""Waking the workers when a message becomes due.

On PostgreSQL, queueing a message (or making one due again) runs ``pg_notify('advising_outbox')``
in the caller's transaction: listeners hear it when, and only if, that transaction commits. A
worker listens on a connection of its own (:class:`PostgresListener`). SQLite has no such
signal: a worker looks again every ``WORKER_POLL_SECONDS`` (:class:`Poller`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger("advising.outbox")

CHANNEL = "advising_outbox"
SLICE = 0.5  # longest wait before looking at the stop flag again
RECONNECT_PAUSE = 5.0  # after the listening connection failed


def notify_workers(session: Session | scoped_session[Session]) -> None:
    """Wake the listening workers when the session's transaction commits (PostgreSQL only;
    notifications of one transaction are folded into one)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class Wakeup(Protocol):
    def wait(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds; True when something may have become due."""
        ...

    def close(self) -> None: ...


class Poller:
    """SQLite: nothing announces a new message, so look every ``interval`` seconds."""

    def __init__(self, interval: float, stopping: threading.Event):
        self.interval = max(interval, 0.01)
        self.stopping = stopping

    def wait(self, timeout: float) -> bool:
        self.stopping.wait(max(min(timeout, self.interval), 0))
        return False

    def close(self) -> None:
        pass

    def __str__(self) -> str:
        return f"polling every {self.interval:g} s"


class PostgresListener:
    """``LISTEN advising_outbox`` on a connection of its own (autocommit), reconnecting when
    it drops. Listening starts in the constructor, before the first delivery run, so nothing
    committed after that run is missed."""

    def __init__(self, url: str, stopping: threading.Event):
        self.url = url
        self.stopping = stopping
        self._conn: Any = None
        self._connect_or_log()

    def _connect(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.url, autocommit=True)
            self._conn.execute(f"LISTEN {CHANNEL}")
        return self._conn

    def _connect_or_log(self) -> bool:
        import psycopg

        try:
            self._connect()
        except psycopg.Error as error:
            log.warning("cannot listen for outbox notifications: %s", error)
            self.close()
            return False
        return True

    def wait(self, timeout: float) -> bool:
        import psycopg

        deadline = time.monotonic() + timeout
        while not self.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._conn is None and not self._connect_or_log():
                self.stopping.wait(min(remaining, RECONNECT_PAUSE))
                return True  # notifications may have been missed: look now
            try:
                heard = list(self._conn.notifies(timeout=min(remaining, SLICE), stop_after=1))
                if heard:
                    list(self._conn.notifies(timeout=0))  # fold the ones already waiting
                    return True
            except psycopg.Error as error:
                log.warning("outbox notifications interrupted: %s", error)
                self.close()
                return True
        return False

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __str__(self) -> str:
        return f"listening for {CHANNEL} notifications"


def open_wakeup(engine: Engine, stopping: threading.Event, poll_seconds: float) -> Wakeup:
    """How a worker on ``engine``'s database learns of new messages."""
    if engine.dialect.name == "postgresql":
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresListener(url, stopping)
    return Poller(poll_seconds, stopping)
