"""The header: one account menu (profile, password, sign out) in place of top-level links; the
dashboard: one tile per page."""

from __future__ import annotations

import re

from advising.accounts.models import Role
from tests.factories import make_advisor, make_user

TOP_LEVEL = re.compile(r'<ul class="nav">(.*?)<li class="account-menu-item">', re.S)
MENU = re.compile(r'<details class="account-menu">(.*?)</details>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


def _header(html: str) -> tuple[list[str], str]:
    top = TOP_LEVEL.search(html)
    menu = MENU.search(html)
    assert top and menu, "no account menu in the header"
    return HREF.findall(top.group(1)), menu.group(1)


def test_a_signed_in_advisor_has_an_account_menu_and_fewer_top_level_links(client, auth, ctx):
    make_advisor(email="ada@example.org", name="Ada Lovelace")
    auth.login("ada@example.org")
    html = client.get("/dashboard").get_data(as_text=True)
    top, menu = _header(html)

    assert "<summary>" in menu and "Ada Lovelace" in menu
    assert 'href="/account/password"' in menu and ">Password<" in menu
    assert ">My profile<" in menu
    assert 'action="/logout"' in menu and "Sign out" in menu
    assert "/account/password" not in top
    assert not any(
        href.startswith("/advisor/profile") or href == "/account/profile" for href in top
    )
    assert len(top) == len(set(top))
    assert "/logout" not in html.split('<details class="account-menu">')[0]
    # the top level keeps the feature pages: dashboard, consultations and the like
    assert "/dashboard" in top and len(top) >= 3


def test_the_dashboard_shows_each_tile_once(client, auth, ctx):
    make_advisor(email="bo@example.org")
    auth.login("bo@example.org")
    html = client.get("/dashboard").get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1]
    tiles = re.findall(r'<a class="card tile" href="([^"]+)"', main)
    assert tiles and len(tiles) == len(set(tiles))
    assert tiles.count("/account/password") == 1
    assert main.count("<h2>Password</h2>") == 1


def test_staff_and_signed_out_visitors_get_the_right_header(client, auth, ctx):
    html = client.get("/").get_data(as_text=True)
    assert 'class="account-menu"' not in html and ">Sign in<" in html
    make_user(Role.STAFF, email="sue@example.org")
    auth.login("sue@example.org")
    _top, menu = _header(client.get("/dashboard").get_data(as_text=True))
    assert 'href="/account/password"' in menu and "My profile" not in menu
