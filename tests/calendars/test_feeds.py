"""Feeds against a real HTTP server on loopback: validators, limits, errors, concurrent syncs."""

from __future__ import annotations

import contextlib
import shutil
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from advising.calendars import feeds, services, sync
from advising.calendars.forms import FeedForm
from advising.calendars.models import CalendarSource
from advising.extensions import db
from tests.calendars.test_services import blocks_of, calendar, soon, vevent
from tests.factories import make_advisor

ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    send_length: bool = True


@dataclass
class FeedServer:
    """A calendar server on 127.0.0.1 that counts requests and keeps their headers."""

    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    most_in_flight: int = 0  # the most requests it was answering at once

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url + path


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.hits[self.path] += 1
                server.headers.append(dict(self.headers))
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
            route = server.routes.get(self.path, Route(status=404))
            time.sleep(route.delay)
            with server.lock:
                server.in_flight -= 1
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.location:
                self.send_header("Location", route.location)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

    return Handler


def _serve(tls: ssl.SSLContext | None = None) -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    scheme = "https" if tls else "http"
    state.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    yield from _serve()


@pytest.fixture
def tls_feed_server(tmp_path, monkeypatch) -> Iterator[FeedServer]:
    """The same server over HTTPS, with a throwaway certificate for 127.0.0.1 that the
    fetcher trusts through SSL_CERT_FILE."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext"),
            *("subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    yield from _serve(context)


def two_meetings() -> bytes:
    return calendar(
        vevent("a", soon(1), soon(1, 16), "Board meeting"),
        vevent("b", soon(2), soon(2, 16), "Available"),
    )


# --- addresses (pure) --------------------------------------------------------------------------


def test_addresses_are_normalised_and_only_http_is_accepted():
    assert feeds.normalize_url("webcal://example.org/cal.ics") == "https://example.org/cal.ics"
    assert feeds.normalize_url(" https://example.org ") == "https://example.org/"
    for bad in ("ftp://example.org/c.ics", "file:///etc/passwd", "example.org/c.ics", ""):
        with pytest.raises(feeds.FeedError, match="must start with https://"):
            feeds.normalize_url(bad)
    with pytest.raises(feeds.FeedError, match="user name"):
        feeds.normalize_url("https://me:secret@example.org/c.ics")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to check, not to bind
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("100.127.255.254", False),
        ("192.0.0.8", False),  # IETF protocol assignments
        ("192.0.2.1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
        ("2002:7f00:1::1", False),  # 6to4 around 127.0.0.1
        ("2002:5db8:d822::1", False),  # 6to4 is refused whatever it embeds
        ("64:ff9b::a00:1", False),  # NAT64 around 10.0.0.1
        ("64:ff9b::6440:1", False),  # NAT64 around 100.64.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 around a public address
        ("64:ff9b:1::1", False),  # local-use NAT64
        ("::ffff:100.64.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("::a00:1", False),  # IPv4-compatible (deprecated)
        ("2001::1", False),  # Teredo
        ("2001:db8::1", False),
        ("fc00::1", False),
        ("224.0.1.1", False),  # globally scoped multicast is still multicast
        ("ff0e::1", False),
        ("fe80::1%eth0", False),
    ],
)
def test_private_and_special_addresses_are_not_public(address: str, public: bool):
    assert feeds.is_public_address(address) is public


@pytest.mark.parametrize(
    "resolved", ["100.64.3.4", "192.0.0.170", "2002:a00:1::1", "64:ff9b::c0a8:1", "::ffff:10.0.0.1"]
)
def test_a_host_name_resolving_to_a_special_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, resolved: str
):
    """Offline: the resolver is replaced, and opening any socket would fail the test."""
    family = feeds.socket.AF_INET6 if ":" in resolved else feeds.socket.AF_INET
    answers = [
        (feeds.socket.AF_INET, feeds.socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
        (family, feeds.socket.SOCK_STREAM, 6, "", (resolved, 443)),
    ]
    monkeypatch.setattr(feeds.socket, "getaddrinfo", lambda *args, **kwargs: answers)

    def no_sockets(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(feeds.socket, "socket", no_sockets)
    with pytest.raises(feeds.FeedError, match="private or local network address"):
        feeds.fetch("https://calendar.example/c.ics", timeout=1)
    allowed = answers[:1]
    monkeypatch.setattr(feeds.socket, "getaddrinfo", lambda *args, **kwargs: allowed)
    with pytest.raises(AssertionError, match="a connection was attempted"):
        feeds._guarded_create_connection(("calendar.example", 443), 1, allow_private=False)


def test_a_webcal_feed_is_fetched_over_https(ctx, tls_feed_server):
    url = tls_feed_server.serve("/cal.ics", Route(two_meetings()))
    webcal = url.replace("https://", "webcal://")
    source = services.add_feed(make_advisor(), webcal, "Phone", None, None)
    assert source.feed_url == url and source.block_count == 2
    assert sync.sync_source(source.id).status == sync.UPDATED
    assert tls_feed_server.hits["/cal.ics"] == 2


def test_the_feed_form_accepts_webcal_addresses(app):
    with app.test_request_context(method="POST", data={"url": "webcal://calendar.example/x.ics"}):
        form = FeedForm(meta={"csrf": False})
        assert form.validate(), form.errors
    with app.test_request_context(method="POST", data={"url": "ftp://calendar.example/x.ics"}):
        form = FeedForm(meta={"csrf": False})
        assert not form.validate() and "https://" in form.url.errors[0]


# --- fetching ----------------------------------------------------------------------------------


def test_add_feed_then_sync_sends_validators_and_reexpands_on_304(ctx, feed_server):
    url = feed_server.serve(
        "/cal.ics", Route(two_meetings(), etag=ETAG, last_modified=LAST_MODIFIED)
    )
    advisor = make_advisor(timezone="UTC")
    now = datetime.now(UTC)
    source = services.add_feed(advisor, url, "Work", ["available"], [], now=now)
    assert (source.etag, source.last_modified) == (ETAG, LAST_MODIFIED)
    assert [b[2:] for b in blocks_of(source.id)] == [("busy", "a"), ("available", "b")]
    assert b"Board meeting" not in source.content

    later = now + timedelta(days=2)  # the first event is now in the past
    result = sync.sync_source(source.id, later)
    assert result.status == sync.UNCHANGED and feed_server.hits["/cal.ics"] == 2
    sent = feed_server.headers[-1]
    assert sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == LAST_MODIFIED
    db.session.expire_all()
    assert [b[2:] for b in blocks_of(source.id)] == [("available", "b")]  # horizon re-expanded
    saved = db.session.get(CalendarSource, source.id)
    assert saved.last_synced_at == later and saved.last_error is None


def test_sync_picks_up_a_changed_feed(ctx, feed_server):
    route = Route(two_meetings())
    url = feed_server.serve("/cal.ics", route)
    source = services.add_feed(make_advisor(), url, "", None, None)
    assert source.label == "Feed from 127.0.0.1"
    route.body = calendar(vevent("c", soon(3), soon(3, 18), "Dentist"))
    result = sync.sync_source(source.id)
    assert (result.status, result.blocks) == (sync.UPDATED, 1)
    assert "If-None-Match" not in feed_server.headers[-1]  # the server sent no validators
    assert [b[3] for b in blocks_of(source.id)] == ["c"]


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, object]:
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"FEED_TIMEOUT_SECONDS": 0.3}], indirect=True)
def test_a_slow_feed_times_out_and_keeps_the_last_good_data(ctx, feed_server):
    route = Route(two_meetings())
    url = feed_server.serve("/cal.ics", route)
    source = services.add_feed(make_advisor(), url, "Work", None, None)
    good = blocks_of(source.id)
    route.delay = 1.0
    started = time.monotonic()
    result = sync.sync_source(source.id)
    assert time.monotonic() - started < 0.9
    assert result.status == sync.FAILED
    assert result.message == "The feed took longer than 0.3 seconds to answer."
    db.session.expire_all()
    assert db.session.get(CalendarSource, source.id).last_error == result.message
    assert blocks_of(source.id) == good


@pytest.mark.parametrize("app_config", [{"CALENDAR_MAX_BYTES": 2048}], indirect=True)
def test_an_oversize_feed_is_refused_while_reading(ctx, feed_server):
    big = calendar(*(vevent(f"e{i}", soon(1), soon(1, 16)) for i in range(40)))
    assert len(big) > 4096
    without_length = feed_server.serve("/stream.ics", Route(big, send_length=False))
    with_length = feed_server.serve("/big.ics", Route(big))
    advisor = make_advisor()
    for url in (without_length, with_length):
        with pytest.raises(services.CalendarError, match="The feed is larger than 2 KB"):
            services.add_feed(advisor, url, "Big", None, None)
    assert db.session.query(CalendarSource).count() == 0


def test_a_failing_feed_keeps_the_last_good_data_and_says_why(ctx, feed_server):
    route = Route(two_meetings(), etag=ETAG)
    url = feed_server.serve("/cal.ics", route)
    source = services.add_feed(make_advisor(), url, "Work", None, None)
    good, content = blocks_of(source.id), source.content
    route.status, route.etag, route.body = 500, None, b"oops"
    result = sync.sync_source(source.id)
    assert result.status == sync.FAILED
    assert result.message == "The feed answered 500 (internal server error)."
    db.session.expire_all()
    saved = db.session.get(CalendarSource, source.id)
    assert saved.last_error == result.message and saved.sync_lease_until is None
    assert saved.content == content and saved.etag == ETAG and blocks_of(source.id) == good

    route.status, route.body = 200, b"<html>not a calendar</html>"
    result = sync.sync_source(source.id)
    assert result.status == sync.FAILED
    assert result.message.startswith("The feed is not a calendar we can read. Line 1: ")
    assert blocks_of(source.id) == good


def test_redirects_are_followed_a_few_times_only(ctx, feed_server):
    feed_server.serve("/cal.ics", Route(two_meetings()))
    moved = feed_server.serve("/old.ics", Route(status=301, location="/cal.ics"))
    source = services.add_feed(make_advisor(), moved, "Work", None, None)
    assert source.block_count == 2
    loop = feed_server.serve("/loop/0", Route(status=302, location="/loop/1"))
    for n in range(1, 6):
        feed_server.serve(f"/loop/{n}", Route(status=302, location=f"/loop/{n + 1}"))
    with pytest.raises(services.CalendarError, match="redirected more than 3 times"):
        services.add_feed(make_advisor(), loop, "Loop", None, None)
    ping = feed_server.serve("/ping", Route(status=302, location="/pong"))
    feed_server.serve("/pong", Route(status=307, location="/ping"))
    with pytest.raises(services.CalendarError, match="redirected more than 3 times"):
        services.add_feed(make_advisor(), ping, "Ping-pong", None, None)
    assert feed_server.hits["/ping"] + feed_server.hits["/pong"] == 4
    for target in ("ftp://example.org/c.ics", "file:///etc/passwd"):
        elsewhere = feed_server.serve("/elsewhere", Route(status=302, location=target))
        with pytest.raises(services.CalendarError, match="to an address that is not http"):
            services.add_feed(make_advisor(), elsewhere, "Elsewhere", None, None)


@pytest.mark.parametrize("app_config", [{"FEED_ALLOW_PRIVATE_ADDRESSES": False}], indirect=True)
def test_a_feed_on_a_loopback_address_is_refused_unless_allowed(ctx, feed_server):
    url = feed_server.serve("/cal.ics", Route(two_meetings()))
    with pytest.raises(services.CalendarError) as caught:
        services.add_feed(make_advisor(), url, "Local", None, None)
    assert str(caught.value) == (
        "The feed address 127.0.0.1 points to a private or local network address, "
        "which is not allowed."
    )
    localhost = url.replace("127.0.0.1", "localhost")
    with pytest.raises(services.CalendarError, match="private or local network"):
        services.add_feed(make_advisor(), localhost, "Local", None, None)
    assert feed_server.hits["/cal.ics"] == 0


def test_an_unreachable_or_missing_feed_is_told_plainly(ctx, feed_server):
    with pytest.raises(services.CalendarError, match=r"The feed answered 404 \(not found\)"):
        services.add_feed(make_advisor(), feed_server.url + "/missing.ics", "", None, None)
    with pytest.raises(services.CalendarError, match="could not be found"):
        services.add_feed(make_advisor(), "https://no-such-host.invalid/c.ics", "", None, None)
    with pytest.raises(services.CalendarError, match="already added"):
        url = feed_server.serve("/cal.ics", Route(two_meetings()))
        advisor = make_advisor()
        services.add_feed(advisor, url, "", None, None)
        services.add_feed(advisor, url, "", None, None)


# --- several syncs at once ---------------------------------------------------------------------


def test_concurrent_sync_runs_fetch_each_feed_exactly_once(app, ctx, feed_server):
    paths = [f"/feed{n}.ics" for n in range(3)]
    for n, path in enumerate(paths):
        url = feed_server.serve(path, Route(two_meetings(), delay=0.15))
        services.add_feed(make_advisor(), url, f"Feed {n}", None, None)
    feed_server.hits.clear()
    db.session.commit()  # this thread holds no transaction while the runs go
    now = datetime.now(UTC) + timedelta(seconds=1)
    runs = 4
    barrier = threading.Barrier(runs)
    summaries: list[sync.SyncSummary] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait()
                summaries.append(sync.sync_all(now))
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert {path: feed_server.hits[path] for path in paths} == dict.fromkeys(paths, 1)
    statuses = Counter(r.status for s in summaries for r in s.results)
    assert statuses[sync.UPDATED] == 3
    assert statuses[sync.SKIPPED] == 3 * (runs - 1)
    db.session.expire_all()
    assert all(s.sync_lease_until is None for s in db.session.query(CalendarSource))


def test_a_held_lease_is_skipped_and_an_expired_one_taken_over(ctx, feed_server):
    url = feed_server.serve("/cal.ics", Route(two_meetings()))
    source = services.add_feed(make_advisor(), url, "Work", None, None)
    now = datetime.now(UTC) + timedelta(seconds=1)
    source.sync_lease_until = now + timedelta(minutes=2)
    db.session.commit()
    assert sync.sync_source(source.id, now).status == sync.SKIPPED
    later = now + timedelta(minutes=3)
    assert sync.sync_source(source.id, later).status == sync.UPDATED


def test_a_sync_never_overwrites_what_the_advisor_changed_meanwhile(ctx, feed_server, monkeypatch):
    url = feed_server.serve("/cal.ics", Route(two_meetings()))
    source = services.add_feed(make_advisor(), url, "Work", ["available"], [])
    real_fetch = sync.fetch_feed

    def fetch_while_the_advisor_edits(*args, **kwargs):
        response = real_fetch(*args, **kwargs)
        services.update_markers(db.session.get(CalendarSource, source.id), [], [])
        return response

    monkeypatch.setattr(sync, "fetch_feed", fetch_while_the_advisor_edits)
    result = sync.sync_source(source.id)
    assert (result.status, result.message) == (sync.SKIPPED, "changed meanwhile")
    assert [b[2] for b in blocks_of(source.id)] == ["busy", "busy"]  # the advisor's new keywords
    assert db.session.get(CalendarSource, source.id).sync_lease_until is None
