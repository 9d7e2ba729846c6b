"""The booking widget: the firm's own site frames the booking flow; only the origins in
EMBED_ALLOWED_ORIGINS may, and every other page still refuses framing."""

from __future__ import annotations

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from advising.extensions import db
from tests.conftest import LiveServer, free_port, make_test_app, require_browser
from tests.factories import make_advisor

FIRM = "https://www.firm.example"


@pytest.fixture
def app_config():
    return {"EMBED_ALLOWED_ORIGINS": (FIRM,)}


def test_only_the_booking_flow_may_be_framed_and_only_by_listed_origins(client, ctx):
    make_advisor(slug="maria")
    page = client.get("/advisors/maria", follow_redirects=True)
    assert f"frame-ancestors 'self' {FIRM}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    login = client.get("/login")
    assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]
    assert login.headers["X-Frame-Options"] == "DENY"


def _site(folder: Path, html: str) -> tuple[ThreadingHTTPServer, str]:
    """A page of "the firm's site" on another origin (another loopback port)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(html)
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.mark.browser
def test_the_widget_books_from_an_allowed_site_and_a_stranger_cannot_frame_it(tmp_path):
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    allowed_port = free_port()
    allowed = f"http://127.0.0.1:{allowed_port}"
    app = make_test_app(
        f"sqlite:///{tmp_path / 'embed.db'}",
        tmp_path / "instance",
        EMBED_ALLOWED_ORIGINS=(allowed,),
    )
    with app.app_context():
        db.create_all()
        make_advisor(name="Maria Lopez", slug="maria-lopez")
        db.session.remove()
    booking_host = LiveServer(app).start()
    snippet = (
        "<!doctype html><title>Firm</title><h1>Become a medical coder</h1>"
        f'<script src="{booking_host.url}/static/js/embed.js" data-advisor="maria-lopez" async>'
        "</script>"
    )
    firm = ThreadingHTTPServer(
        ("127.0.0.1", allowed_port), partial(_QuietHandler, directory=str(tmp_path / "firm"))
    )
    (tmp_path / "firm").mkdir()
    (tmp_path / "firm" / "index.html").write_text(snippet)
    threading.Thread(target=firm.serve_forever, daemon=True).start()
    stranger, stranger_url = _site(tmp_path / "stranger", snippet)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(timezone_id="America/Chicago", locale="en-US")
            page.set_default_timeout(10_000)
            page.goto(allowed + "/index.html")
            widget = page.frame_locator("iframe")
            widget.locator(".slot-list a").first.click()
            widget.get_by_label("Your name").fill("Bob Visitor")
            widget.get_by_label("Email").fill("bob@example.org")
            widget.get_by_label("I agree that my details are stored").check()
            widget.get_by_role("button", name="Book this time").click()
            widget.locator(".flashes").wait_for()
            assert "Your consultation is booked" in widget.locator(".flashes").inner_text()
            height = page.eval_on_selector("iframe", "f => f.getBoundingClientRect().height")
            assert height > 480  # the frame grew with the page it shows

            page.goto(stranger_url + "/index.html")
            page.wait_for_function("document.querySelector('iframe') !== null")
            page.wait_for_timeout(1500)
            framed = [f for f in page.frames if f != page.main_frame]
            # the browser refuses to show it (frame-ancestors): an error page, not the app
            assert framed and framed[0].url.startswith("chrome-error://")
            assert not re.search(r"Maria Lopez", framed[0].content() or "")
            browser.close()
    finally:
        for server in (firm, stranger):
            server.shutdown()
            server.server_close()
        booking_host.stop()
