"""Shared fixtures: the app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
a client, a CLI runner, login helpers and a live server with a real browser."""

from __future__ import annotations

import functools
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from werkzeug.serving import make_server

from advising import create_app
from advising.extensions import db
from benchmarks.common import ensure_database

# Property tests check behaviour, not speed (benchmarks/ measure that): no per-example time
# limit and no "too slow" check, which a loaded shared machine would turn into failures.
settings.register_profile(
    "advising", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("advising")

SHARED_POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
CHROMIUM = "/usr/bin/chromium"


def database_of_this_worker(url: str) -> str:
    """Under pytest-xdist each worker has a database of its own (test_gw0, test_gw1, ...) beside
    TEST_DATABASE_URL's, so workers never drop or truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    shared = sa.engine.make_url(url)
    return shared.set(database=f"{shared.database}_{worker}").render_as_string(
        hide_password=False
    )


POSTGRES_URL = database_of_this_worker(SHARED_POSTGRES_URL)


@functools.cache
def postgres_reachable() -> bool:
    """Whether this worker's PostgreSQL database answers; creates it beside the shared one."""
    if not POSTGRES_URL:
        return False
    try:
        if POSTGRES_URL != SHARED_POSTGRES_URL:
            ensure_database(POSTGRES_URL)
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def require_postgres() -> str:
    """The PostgreSQL URL, or skip (fail under CI, where REQUIRE_POSTGRES is set)."""
    if postgres_reachable():
        return POSTGRES_URL
    reason = (
        "PostgreSQL tests skipped: set TEST_DATABASE_URL to a reachable database"
        if not POSTGRES_URL
        else f"PostgreSQL at TEST_DATABASE_URL is not reachable ({POSTGRES_URL})"
    )
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)


def require_browser() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"browser tests skipped: {CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = []
    lines.append(
        "PostgreSQL: "
        + (f"on ({SHARED_POSTGRES_URL})" if POSTGRES_URL else "off (set TEST_DATABASE_URL)")
    )
    lines.append(
        "browser: " + ("chromium found" if Path(CHROMIUM).exists() else "chromium missing")
    )
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say plainly which groups of tests were skipped and why."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}", yellow=True)


def reset_postgres_schema(url: str) -> None:
    """Drop everything in the public schema so the next test starts empty."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


_postgres_schema_ready = False


def mark_postgres_schema_dirty() -> None:
    global _postgres_schema_ready
    _postgres_schema_ready = False


def make_test_app(database_url: str, instance_path: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
        "MAIL_URL": f"file://{instance_path / 'outbox'}",
        "FEED_ALLOW_PRIVATE_ADDRESSES": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Tests book many times from one address and e-mail; tests of the booking limits set
        # their own (the defaults are in advising.config and checked there).
        "BOOKING_LIMIT_PER_ADDRESS": "10000 per hour",
        "BOOKING_LIMIT_PER_EMAIL": "10000 per hour",
        "BOOKING_MAX_UPCOMING_PER_EMAIL": 0,
        # No worker runs beside most tests: a PDF download runs its render job at once.
        "ROADMAP_PDF_WAIT_SECONDS": 0,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each app test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "postgresql":
        return require_postgres()
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict[str, object]) -> Iterator[Flask]:
    global _postgres_schema_ready
    app = make_test_app(database_url, tmp_path / "instance", **app_config)
    with app.app_context():
        if database_url.startswith("postgresql"):
            if not _postgres_schema_ready:
                reset_postgres_schema(database_url)
                db.create_all()
                _postgres_schema_ready = True
        else:
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if database_url.startswith("postgresql"):
            _truncate_all(app)
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def client_after_commit(app: Flask, *, buffered: bool = False) -> FlaskClient:
    """A test client for tests that also use ``ctx``: before each request the test's own
    session ends its transaction, so SQLite never has the test's read lock standing in the way
    of the app's writes. ``buffered`` responses run the work they do when closed (mail
    delivery) within their request, not whenever the response is garbage-collected."""
    client = app.test_client()
    open_request = client.open

    def open_after_commit(*args, **kwargs):
        db.session.commit()
        if buffered:
            kwargs.setdefault("buffered", True)
        return open_request(*args, **kwargs)

    client.open = open_after_commit  # type: ignore[method-assign]
    return client


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for factories and services, on a twin of ``app``.

    The twin shares the database but not ``g``: a request from ``client`` pushes its own
    context, so cached per-request values (CSRF token, current user) never leak between
    requests the way they would under one long-lived context of the same app.
    """
    config = dict(app.config)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Autocommit: the test's own reads never pin an old snapshot of the database.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **config["SQLALCHEMY_ENGINE_OPTIONS"],
            "execution_options": {"sqlite_begin": None},
        }
    twin = create_app(config)
    with twin.app_context():
        yield twin
        db.session.remove()
    with twin.app_context():
        db.engine.dispose()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kwargs):
    """Load the form page like a browser, then post ``data`` with its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token_from(html), **data}, **kwargs)


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, email: str, password: str = "", **kwargs):
        from tests.factories import DEFAULT_PASSWORD

        return post_form(
            self._client,
            "/login",
            {"email": email, "password": password or DEFAULT_PASSWORD},
            **kwargs,
        )

    def logout(self):
        return post_form(self._client, "/logout", {}, page="/dashboard")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


# --- live server and browser -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, app: Flask):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a free loopback port, backed by its own SQLite file."""
    app = make_test_app(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "live-instance")
    with app.app_context():
        db.create_all()
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def device_zone() -> str:
    """The zone the browser's device is set to (a test parametrizes it to change it)."""
    return "Europe/London"


@pytest.fixture
def browser_page(tmp_path: Path, device_zone: str):
    """A Playwright page in Debian's chromium (headless), its device set to ``device_zone``."""
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(timezone_id=device_zone, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def pdf_renders(monkeypatch) -> list[str]:
    """Every WeasyPrint run of a roadmap PDF, by the name of the thread that ran it (the
    worker's or a request's)."""
    import threading

    from advising.roadmap import prerender

    seen: list[str] = []
    real = prerender.render_pdf

    def counting(html, **kwargs):
        seen.append(threading.current_thread().name)
        return real(html, **kwargs)

    monkeypatch.setattr(prerender, "render_pdf", counting)
    return seen
