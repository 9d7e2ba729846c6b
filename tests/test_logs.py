"""No personal data and no URL secrets in any log line: SQL parameters and result rows are
hidden, token-shaped path segments and email addresses are redacted from access, app and error
logs (in-process and under gunicorn's logger config), failed sign-ins log a keyed reference."""

from __future__ import annotations

import html as html_lib
import importlib.util
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from advising.extensions import db
from advising.invites.feeds import rotate_feed
from advising.shared.tokens import hash_token
from advising.web import REDACTED, RedactSecrets, redact
from tests.conftest import client_after_commit, csrf_token_from, post_form
from tests.factories import make_advisor, make_user
from tests.intake.helpers import submit_intake, token_of

ROOT = Path(__file__).resolve().parent.parent
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
TOKEN = "Zq3_x-9dK2mWv7RtB4nLp0sYc8HfJg1AeUoIiQwE5yT"  # the shape of secrets.token_urlsafe(32)

NAME = "Quentina Marlowe-Okafor"
EMAIL = "q.marlowe@example.net"
PHONE = "+1 (555) 010-7788"
API_NAME = "Rosalind Vantongeren"
API_EMAIL = "rosalind.v@example.net"
API_PHONE = "+44 20 7946 0321"
GUESSED_EMAIL = "not.an.account@example.net"


@contextmanager
def capture_everything(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every record at DEBUG: the root logger, werkzeug, SQLAlchemy (SQL and rows) and the
    rate limiter."""
    with ExitStack() as stack:
        stack.enter_context(caplog.at_level(logging.DEBUG))
        for name in ("werkzeug", "sqlalchemy", "flask-limiter", "advising"):
            stack.enter_context(caplog.at_level(logging.DEBUG, logger=name))
        yield


def logged_lines(caplog: pytest.LogCaptureFixture) -> str:
    """What any handler would write: formatted text with tracebacks, plus each message."""
    return caplog.text + "\n" + "\n".join(record.getMessage() for record in caplog.records)


def assert_clean(logged: str, values: list[str]) -> None:
    leaked = [value for value in values if value in logged]
    assert leaked == [], f"leaked into the logs: {leaked}"
    assert EMAIL_RE.search(logged) is None, EMAIL_RE.search(logged)


@pytest.fixture
def client(app, ctx):
    return client_after_commit(app, buffered=True)


def test_a_visitors_journey_leaves_no_personal_data_or_secrets_in_the_logs(client, ctx, caplog):
    make_advisor(name="Maria Lopez", slug="maria", email="maria@example.org")
    make_user(email="staff.person@example.org")
    advisor_feed_token = rotate_feed(make_advisor(slug="james").id)
    db.session.commit()

    with capture_everything(caplog):
        # The intake form, the roadmap, and a booking made from it.
        intake_token = token_of(submit_intake(client, name=NAME, email=EMAIL))
        roadmap = html_lib.unescape(client.get(f"/roadmap/{intake_token}").get_data(as_text=True))
        assert client.get(f"/roadmap/{intake_token}/milestones.ics").status_code == 200
        book_any = re.search(r'href="(/book/any\?intake=[^"]+)"', roadmap).group(1)
        advisor_page = client.get(book_any).get_data(as_text=True)
        link = html_lib.unescape(
            re.search(r'href="(/advisors/maria/book\?start=[^"]+)"', advisor_page).group(1)
        )
        form_page = client.get(link).get_data(as_text=True)
        booked = client.post(
            "/advisors/maria/book",
            data={
                "csrf_token": csrf_token_from(form_page),
                "start": re.search(r'name="start" type="hidden" value="([^"]+)"', form_page)[1],
                "tz": re.search(r'name="tz" type="hidden" value="([^"]*)"', form_page)[1],
                "intake": intake_token,
                "name": NAME,
                "email": EMAIL,
                "phone": PHONE,
                "consent": "y",
            },
        )
        assert booked.status_code == 302, booked.get_data(as_text=True)
        manage_url = booked.headers["Location"]
        manage_token = manage_url.rsplit("/", 1)[1]

        # The manage link: view, reschedule, cancel.
        assert client.get(manage_url).status_code == 200
        assert client.get(manage_url + "/invite.ics").status_code == 200
        reschedule_page = client.get(manage_url + "/reschedule").get_data(as_text=True)
        new_start = re.findall(r'name="choose" value="([^"]+)"', reschedule_page)[-1]
        moved = client.post(
            manage_url + "/reschedule",
            data={"csrf_token": csrf_token_from(reschedule_page), "start": ["", new_start]},
        )
        assert moved.status_code == 302
        assert post_form(client, manage_url + "/cancel", {"reason": "Moving"}).status_code == 302

        # Failed sign-ins: an unknown address, then a known one guessed until the limit.
        response = post_form(client, "/login", {"email": GUESSED_EMAIL, "password": "guess-1"})
        assert "do not match" in response.get_data(as_text=True)
        for _ in range(6):
            response = post_form(
                client, "/login", {"email": "staff.person@example.org", "password": "guess-2"}
            )
        assert response.status_code == 429

        # The JSON API: book with a phone number, read it back by its token.
        slot = client.get("/api/v1/advisors/maria/slots").get_json()["slots"][2]
        created = client.post(
            "/api/v1/bookings",
            json={
                "advisor": "maria",
                "start": slot["start"],
                "name": API_NAME,
                "email": API_EMAIL,
                "phone": API_PHONE,
                "timezone": "Europe/London",
                "consent": True,
            },
        )
        assert created.status_code == 201, created.get_json()
        api_token = created.get_json()["manage_token"]
        assert client.get(f"/api/v1/bookings/{api_token}").status_code == 200
        assert client.get(f"/api/v1/bookings/{api_token}/invite.ics").status_code == 200

        # The advisor's private feed.
        assert client.get(f"/feeds/{advisor_feed_token}.ics").status_code == 200

    logged = logged_lines(caplog)
    assert "SELECT" in logged  # SQLAlchemy's DEBUG lines were captured
    tokens = [intake_token, manage_token, api_token, advisor_feed_token]
    assert_clean(
        logged,
        [NAME, "Marlowe", EMAIL, PHONE, API_NAME, API_EMAIL, API_PHONE, GUESSED_EMAIL]
        + ["staff.person", "Moving"]
        + tokens
        + [hash_token(token) for token in tokens],
    )


def test_an_unhandled_database_error_logs_neither_parameters_nor_the_token(app, caplog):
    """The error line names the path with the token redacted; the SQL error in the traceback
    carries no parameters (the engine hides them)."""

    def failing_view(token: str) -> str:
        db.session.execute(
            text("INSERT INTO no_such_table (name, email, token_hash) VALUES (:n, :e, :h)"),
            {"n": NAME, "e": EMAIL, "h": hash_token(token)},
        )
        return "unreachable"

    app.add_url_rule("/b/<token>/explode", "explode", failing_view)
    with capture_everything(caplog):
        response = app.test_client().get(f"/b/{TOKEN}/explode")
    assert response.status_code == 500
    logged = logged_lines(caplog)
    assert "unhandled error on GET /b/[redacted]/explode" in logged
    assert "no_such_table" in logged  # the traceback is there, only without the values
    assert_clean(logged, [NAME, EMAIL, TOKEN, hash_token(TOKEN)])


def test_every_engine_hides_sql_parameters(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    with app.app_context():
        assert db.engine.hide_parameters is True


def test_the_filter_redacts_a_werkzeug_access_log_record():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        "%s - - [%s] %s",
        (
            "127.0.0.1",
            "01/Dec/2026 10:00:00",
            f'"GET /b/{TOKEN}/reschedule?intake={TOKEN} HTTP/1.1" 302 -',
        ),
        None,
    )
    assert RedactSecrets().filter(record) is True
    line = record.getMessage()
    assert TOKEN not in line
    assert line == (
        '127.0.0.1 - - [01/Dec/2026 10:00:00] "GET /b/[redacted]/reschedule?intake=[redacted] '
        'HTTP/1.1" 302 -'
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/roadmap/{TOKEN}", "/roadmap/[redacted]"),
        (f"/roadmap/{TOKEN}.pdf", "/roadmap/[redacted].pdf"),
        (f"/feeds/{TOKEN}.ics", "/feeds/[redacted].ics"),
        (f"/api/v1/bookings/{TOKEN}/reschedule", "/api/v1/bookings/[redacted]/reschedule"),
        ("/b/short", "/b/[redacted]"),  # a path's secret is redacted whatever its shape
        ("/advisors/maria-lopez/book?start=2026-12-01T10:00:00Z", None),  # nothing secret
        ("/api/v1/bookings", None),
        ("hash " + "ab12" * 16, "hash [redacted]"),
        ("login failed email=ana@example.org", "login failed email=[email]"),
    ],
)
def test_redact(path: str, expected: str | None):
    assert redact(path) == (expected or path)


SAMPLE_ARGUMENTS = {"service": "google"}  # path arguments beside the token that need a value


def test_every_url_rule_with_a_token_is_redacted(app):
    """A new route carrying a secret in its path must be covered by the redaction."""
    adapter = app.url_map.bind("127.0.0.1")
    rules = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert len(rules) >= 10
    for rule in rules:
        for token in ("x", TOKEN):
            others = {name: SAMPLE_ARGUMENTS.get(name, "1") for name in rule.arguments}
            values = {**others, "token": token}
            url = adapter.build(rule.endpoint, values, method=next(iter(rule.methods)))
            assert REDACTED in redact(url) and (token not in redact(url)), url


def test_the_redaction_filter_is_on_the_loggers_that_write_paths(app):
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        assert any(isinstance(f, RedactSecrets) for f in logging.getLogger(name).filters), name


def test_the_dev_servers_access_log_is_redacted(live_server, caplog):
    with capture_everything(caplog):
        for path in (f"/roadmap/{TOKEN}", f"/b/{TOKEN}/cancel"):
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(live_server.url + path, timeout=10)
            missing.value.close()
            assert missing.value.code == 404
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /roadmap/[redacted] HTTP/1.1" in line for line in access), access
    assert_clean(logged_lines(caplog), [TOKEN])


def _gunicorn_config() -> dict[str, object]:
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def test_the_gunicorn_config_redacts_the_access_and_error_logs():
    from gunicorn.glogging import SafeAtoms

    config = _gunicorn_config()
    logconfig = config["logconfig_dict"]
    assert logconfig["filters"]["redact"]["()"] == "advising.web.RedactSecrets"
    for name in ("gunicorn.access", "gunicorn.error"):
        assert "redact" in logconfig["loggers"][name]["filters"]
    for handler in logconfig["handlers"].values():
        assert "redact" in handler["filters"]
    assert "redact" in logconfig["root"].get("filters", []) or logconfig["root"]["handlers"]

    # An access line as gunicorn builds it: the format with the request's atoms.
    atoms = SafeAtoms(
        {
            "h": "127.0.0.1",
            "t": "[01/Dec/2026:10:00:00 +0000]",
            "r": f"GET /b/{TOKEN}?intake={TOKEN} HTTP/1.1",
            "m": "GET",
            "U": f"/b/{TOKEN}",
            "q": f"intake={TOKEN}",
            "H": "HTTP/1.1",
            "s": "200",
            "B": 1234,
            "b": "1234",
            "f": f"https://advising.example/roadmap/{TOKEN}",
            "a": "Mozilla/5.0",
            "M": 12,
            "L": "0.012000",
        }
    )
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, config["access_log_format"], (atoms,), None
    )
    assert RedactSecrets().filter(record) is True
    line = record.getMessage()
    assert "GET /b/[redacted] HTTP/1.1" in line and TOKEN not in line


@pytest.mark.slow
def test_gunicorn_with_the_shipped_config_writes_redacted_access_and_error_lines(tmp_path):
    """The real server: an access line and an error line (this database has no tables, so the
    lookup fails) for a roadmap address, neither with its token."""
    from tests.conftest import free_port

    port = free_port()
    env = {
        **os.environ,
        "ADVISING_ENV": "development",
        "SECRET_KEY": "gunicorn-test-secret-" + "z" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "MAIL_URL": f"file://{tmp_path / 'outbox'}",
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):
                        break
                except OSError:
                    assert time.monotonic() < deadline and server.poll() is None, err.read_text()
                    time.sleep(0.1)
            with pytest.raises(urllib.error.HTTPError) as failed:
                urllib.request.urlopen(f"{base}/roadmap/{TOKEN}?intake={TOKEN}", timeout=10)
            failed.value.close()
            assert failed.value.code == 500
        finally:
            server.terminate()
            server.wait(timeout=20)
    access, errors = out.read_text(), err.read_text()
    assert '"GET /roadmap/[redacted] HTTP/1.1" 500' in access
    assert "unhandled error on GET /roadmap/[redacted]" in errors
    assert "[SQL parameters hidden due to hide_parameters=True]" in errors
    assert TOKEN not in access + errors and hash_token(TOKEN) not in access + errors
