"""Fixtures for the worker tests: a worker in a thread, worker processes, a hanging server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from advising.worker.loop import Worker

ROOT = Path(__file__).resolve().parent.parent.parent


class WorkerThread:
    """A :class:`Worker` (no periodic jobs unless given) running in a thread of the test."""

    def __init__(self, app: Flask, jobs=None):
        self.worker = Worker(app, jobs=[] if jobs is None else jobs)
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.worker.run()
        except BaseException as error:  # shown by stop()
            self.errors.append(error)

    def start(self) -> WorkerThread:
        self.thread.start()
        assert self.worker.started.wait(10), "the worker did not start"
        return self

    def stop(self) -> None:
        self.worker.stop()
        self.thread.join(15)
        assert not self.thread.is_alive(), "the worker did not stop"
        assert self.errors == []


@pytest.fixture
def worker_thread(app: Flask) -> Iterator[WorkerThread]:
    """The app's worker, started; stopped (and checked for errors) after the test."""
    running = WorkerThread(app).start()
    yield running
    if running.thread.is_alive():
        running.stop()


def process_env(database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a `flask --app wsgi ...` process on the test's database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "ADVISING_ENV": "development",
            "PYTHONUNBUFFERED": "1",
            "PYTHONFAULTHANDLER": "1",  # a hung process killed with SIGABRT shows its stacks
        }
    )
    env.update({key: str(value) for key, value in settings.items()})
    return env


def start_flask(args: list[str], env: dict[str, str], log: Path, **kwargs) -> subprocess.Popen:
    """`python -m flask --app wsgi <args>` in the project, output into ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            **kwargs,
        )


@pytest.fixture
def hanging_smtp_port() -> Iterator[int]:
    """A loopback port that accepts TCP connections and never says a word."""
    held: list[socket.socket] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    done.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()
