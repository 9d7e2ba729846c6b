"""A feed fetch has one hard deadline, whatever the server does; `calendars sync` fetches feeds
side by side so one slow feed holds up no other. Servers run on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from advising.calendars import feeds, services, sync
from advising.calendars.models import CalendarSource
from advising.extensions import db
from tests.calendars.test_feeds import Route, feed_server, two_meetings  # noqa: F401 (fixture)
from tests.calendars.test_pages import advisor, client, text  # noqa: F401 (fixtures)
from tests.conftest import post_form
from tests.factories import make_advisor

DRIBBLE_EVERY = 0.2  # well inside any per-read timeout
DRIBBLE_FOR = 8.0  # the old fetcher would have waited this long (or for 100 headers)


@dataclass
class SlowServer:
    """Answers every connection slowly on 127.0.0.1: in ``mode`` "headers" it sends the
    status line and then one header line every DRIBBLE_EVERY seconds; in "body" it sends
    complete headers and then the body one byte at a time."""

    mode: str = "headers"
    body: bytes = b""
    url: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    connections: int = 0

    def handle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(DRIBBLE_FOR)
            conn.recv(65536)  # the request
            started = time.monotonic()
            if self.mode == "headers":
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                number = 0
                while not self.stop.is_set() and time.monotonic() - started < DRIBBLE_FOR:
                    number += 1
                    conn.sendall(f"X-Slow-{number}: still here\r\n".encode())
                    time.sleep(DRIBBLE_EVERY)
                return
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(self.body)}\r\n\r\n"
            conn.sendall(head.encode())
            for byte in self.body:
                if self.stop.is_set() or time.monotonic() - started > DRIBBLE_FOR:
                    return
                conn.sendall(bytes([byte]))
                time.sleep(DRIBBLE_EVERY / 4)


@contextlib.contextmanager
def slow_server(mode: str = "headers", body: bytes = b"") -> Iterator[SlowServer]:
    state = SlowServer(mode, body)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    state.url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow.ics"

    def accept() -> None:
        while not state.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            state.connections += 1
            threading.Thread(target=state.handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_a_dribbling_server_cannot_stretch_the_deadline(mode: str):
    with slow_server(mode, body=two_meetings()) as server:
        started = time.monotonic()
        with pytest.raises(feeds.FeedError) as caught:
            feeds.fetch(server.url, timeout=1, allow_private=True)
        elapsed = time.monotonic() - started
    assert str(caught.value) == "The feed took longer than 1 seconds to answer."
    assert 0.9 < elapsed < 3, f"the fetch went on for {elapsed:.2f}s"  # not DRIBBLE_FOR


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"FEED_TIMEOUT_SECONDS": 1}


def test_adding_a_dribbling_feed_shows_a_clear_error(client, advisor):  # noqa: F811
    with slow_server() as server:
        form = {"feed-url": server.url, "feed-label": "Slow"}
        started = time.monotonic()
        response = post_form(client, "/me/calendars/feeds", form, page="/me/calendars")
        elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 4  # not DRIBBLE_FOR
    assert 'id="feed-url-error">The feed took longer than 1 seconds to answer.' in text(response)
    assert db.session.query(CalendarSource).count() == 0


def test_sync_now_of_a_dribbling_feed_says_it_failed(client, advisor, feed_server):  # noqa: F811
    url = feed_server.serve("/cal.ics", Route(two_meetings()))
    source = services.add_feed(advisor, url, "Work", None, None)
    with slow_server() as server:
        source.feed_url = server.url
        db.session.commit()
        started = time.monotonic()
        response = post_form(client, f"/me/calendars/{source.id}/sync", {}, page="/me/calendars")
        elapsed = time.monotonic() - started
    assert response.status_code == 302 and elapsed < 4  # not DRIBBLE_FOR
    html = text(client.get("/me/calendars"))
    assert "Work: the sync failed. The feed took longer than 1 seconds to answer." in html
    assert db.session.get(CalendarSource, source.id).block_count == 2  # the last good data


def test_sync_all_fetches_side_by_side_so_a_slow_feed_holds_up_no_other(
    ctx,
    feed_server,  # noqa: F811
):
    fast = feed_server.serve("/fast.ics", Route(two_meetings()))
    other_slow = feed_server.serve("/slow.ics", Route(two_meetings()))
    with slow_server() as dribbling:
        ids = {}
        for name, url in (("dribbling", fast), ("slow", other_slow), ("fast", fast)):
            # Added while answering quickly; pointed at the slow servers afterwards.
            source = services.add_feed(make_advisor(), url, name, None, None)
            ids[name] = source.id
        db.session.get(CalendarSource, ids["dribbling"]).feed_url = dribbling.url
        feed_server.routes["/slow.ics"].delay = 3
        db.session.commit()
        reported: dict[str, float] = {}
        started = time.monotonic()

        def progress(done: int, total: int, result: sync.SyncResult) -> None:
            reported[result.label] = time.monotonic() - started

        summary = sync.sync_all(progress=progress)
        elapsed = time.monotonic() - started
    statuses = {result.label: result.status for result in summary.results}
    assert statuses == {"dribbling": sync.FAILED, "slow": sync.FAILED, "fast": sync.UPDATED}
    assert [result.source_id for result in summary.results] == sorted(ids.values())
    assert reported["fast"] < min(reported["dribbling"], reported["slow"]), reported
    assert elapsed < 1.8, f"one deadline, not the sum: {elapsed:.2f}s"
    db.session.expire_all()
    assert all(s.sync_lease_until is None for s in db.session.query(CalendarSource))


@pytest.mark.parametrize("workers", [1, 3])
def test_sync_workers_come_from_the_configuration(app, ctx, feed_server, workers):  # noqa: F811
    app.config["CALENDAR_SYNC_WORKERS"] = workers
    ctx.config["CALENDAR_SYNC_WORKERS"] = workers
    for n in range(3):
        url = feed_server.serve(f"/f{n}.ics", Route(two_meetings(), delay=0.5))
        services.add_feed(make_advisor(), url, f"Feed {n}", None, None)
    summary = sync.sync_all()
    assert summary.count(sync.UPDATED) == 3
    assert feed_server.most_in_flight == workers  # the feeds were fetched that many at a time
