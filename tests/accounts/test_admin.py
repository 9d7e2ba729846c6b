"""Administrators' account pages: invite with a role, change roles, deactivate and reactivate,
each change recorded with who made it; nobody else gets in, and no admin locks themselves out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from advising.accounts.models import AccountEvent, PasswordToken, Role, User
from advising.extensions import db
from advising.invites.models import OutboxMessage
from tests.conftest import client_after_commit, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

PASSWORD = "a passphrase chosen on day one"
LINK_RE = re.compile(r"https?://\S+(/password/reset/[A-Za-z0-9_-]+)")


def _sign_in(client, email: str, password: str = DEFAULT_PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


@pytest.fixture
def admin(ctx) -> User:
    return make_user(Role.ADMIN, email="root@example.org", name="Rita Admin")


@pytest.fixture
def admin_client(app, admin):
    client = client_after_commit(app)
    assert _sign_in(client, "root@example.org").status_code == 302
    return client


def _events(user_id: int) -> list[tuple[str, int | None, str]]:
    db.session.rollback()
    rows = db.session.scalars(
        select(AccountEvent).where(AccountEvent.user_id == user_id).order_by(AccountEvent.id)
    )
    return [(e.action, e.actor_id, e.detail) for e in rows]


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.STAFF])
def test_only_admins_see_or_change_accounts(app, ctx, role):
    user = make_user(role, email="someone@example.org")
    other = make_user(Role.ADVISOR, email="other@example.org")
    client = client_after_commit(app)
    anonymous = client.get("/admin/users")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    _sign_in(client, "someone@example.org")
    assert client.get("/admin/users").status_code == 403
    refused = post_form(
        client, f"/admin/users/{other.id}/active", {"active": "0"}, page="/dashboard"
    )
    assert refused.status_code == 403
    invite = post_form(
        client,
        "/admin/users/invite",
        {"email": "x@example.org", "name": "X", "role": "admin"},
        page="/dashboard",
    )
    assert invite.status_code == 403
    db.session.rollback()
    assert db.session.get(User, other.id).active
    assert db.session.get(User, user.id).role == role
    assert "Accounts" not in client.get("/dashboard").get_data(as_text=True)


def test_the_list_shows_each_account(admin_client, ctx):
    make_user(Role.STAFF, email="sam@example.org", name="Sam Staff")
    html = admin_client.get("/admin/users").get_data(as_text=True)
    for text in ("Sam Staff", "sam@example.org", "staff", "active", "never", "Rita Admin"):
        assert text in html
    assert "Accounts" in admin_client.get("/dashboard").get_data(as_text=True)


def test_an_invited_person_sets_a_password_and_signs_in(app, admin_client, admin, ctx):
    response = post_form(
        admin_client,
        "/admin/users/invite",
        {"email": "Nia@Example.org", "name": "Nia New", "role": "staff"},
        page="/admin/users",
    )
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "nia@example.org"))
    assert user.role == "staff" and user.awaiting_password
    token = db.session.scalar(select(PasswordToken).where(PasswordToken.user_id == user.id))
    assert token.purpose == "invite"
    assert token.expires_at - token.created_at == timedelta(days=7)
    assert _events(user.id) == [("invited", admin.id, "as staff")]

    (mail,) = db.session.scalars(select(OutboxMessage))
    assert (mail.kind, mail.recipient) == ("account_invite", "nia@example.org")
    body = message_from_bytes(mail.message, policy=default).get_body(("plain",)).get_content()
    assert "Rita Admin invited you" in body
    link = LINK_RE.search(body).group(1)

    person = client_after_commit(app)
    assert "do not match" in _sign_in(person, "nia@example.org", "!").get_data(as_text=True)
    page = person.get(link).get_data(as_text=True)
    assert "set your password" in page
    done = post_form(person, link, {"new_password": PASSWORD, "confirm_password": PASSWORD})
    assert done.status_code == 302
    signed_in = _sign_in(person, "nia@example.org", PASSWORD)
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/dashboard")
    assert person.get(link).status_code == 410

    html = admin_client.get("/admin/users").get_data(as_text=True)
    assert "invited: as staff" in html and "password set" in html


def test_inviting_an_existing_address_is_refused(admin_client, ctx):
    make_user(email="taken@example.org")
    response = post_form(
        admin_client,
        "/admin/users/invite",
        {"email": "taken@example.org", "name": "Again", "role": "advisor"},
        page="/admin/users",
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_role_changes_and_deactivation_are_recorded_with_the_actor(app, admin_client, admin, ctx):
    user = make_user(Role.ADVISOR, email="val@example.org", name="Val")
    theirs = client_after_commit(app)
    _sign_in(theirs, "val@example.org")
    assert theirs.get("/dashboard").status_code == 200

    response = post_form(
        admin_client,
        f"/admin/users/{user.id}/role",
        {f"u{user.id}-role": "staff"},
        page="/admin/users",
    )
    assert response.status_code == 302
    response = post_form(
        admin_client, f"/admin/users/{user.id}/active", {"active": "0"}, page="/admin/users"
    )
    assert response.status_code == 302
    db.session.rollback()
    changed = db.session.get(User, user.id)
    assert (changed.role, changed.active) == ("staff", False)
    assert theirs.get("/dashboard").status_code == 302  # their session ended
    assert _events(user.id) == [
        ("role_changed", admin.id, "advisor to staff"),
        ("deactivated", admin.id, ""),
    ]
    html = admin_client.get("/admin/users").get_data(as_text=True)
    assert "role changed: advisor to staff" in html and "Rita Admin" in html
    assert "Reactivate" in html

    post_form(admin_client, f"/admin/users/{user.id}/active", {"active": "1"}, page="/admin/users")
    db.session.rollback()
    assert db.session.get(User, user.id).active
    assert _events(user.id)[-1] == ("reactivated", admin.id, "")
    assert _sign_in(theirs, "val@example.org").status_code == 302


def test_an_admin_cannot_demote_or_deactivate_themselves(admin_client, admin, ctx):
    post_form(
        admin_client,
        f"/admin/users/{admin.id}/role",
        {f"u{admin.id}-role": "advisor"},
        page="/admin/users",
    )
    response = post_form(
        admin_client,
        f"/admin/users/{admin.id}/active",
        {"active": "0"},
        page="/admin/users",
        follow_redirects=True,
    )
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    db.session.rollback()
    me = db.session.get(User, admin.id)
    assert (me.role, me.active) == ("admin", True)
    assert _events(admin.id) == []
    assert admin_client.get("/admin/users").status_code == 200


def test_deactivation_voids_open_links_even_after_reactivation(app, admin_client, ctx):
    user = make_user(Role.ADVISOR, email="lin@example.org")
    person = client_after_commit(app)
    post_form(person, "/password/forgot", {"email": "lin@example.org"})
    (mail,) = db.session.scalars(select(OutboxMessage))
    body = message_from_bytes(mail.message, policy=default).get_body(("plain",)).get_content()
    link = LINK_RE.search(body).group(1)
    page = person.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"

    for active in ("0", "1"):
        post_form(
            admin_client, f"/admin/users/{user.id}/active", {"active": active}, page="/admin/users"
        )
    db.session.rollback()
    assert db.session.get(User, user.id).active
    assert person.get(link).status_code == 410


def test_accounts_list_shows_times_in_the_admins_zone(app, ctx):
    """Last sign-in and recent changes in the admin's own zone, 12-hour, zone named."""
    admin = make_user(Role.ADMIN, email="root@example.org", name="Rita Admin")
    admin.timezone = "America/Los_Angeles"
    other = make_user(Role.STAFF, email="sam@example.org", name="Sam Staff")
    other.last_login_at = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 1:30 PM PST
    db.session.add(
        AccountEvent(
            user_id=other.id,
            actor_id=admin.id,
            action="role_changed",
            detail="advisor to staff",
            created_at=datetime(2026, 7, 4, 16, 5, tzinfo=UTC),  # 9:05 AM PDT
        )
    )
    db.session.commit()
    client = client_after_commit(app)
    assert _sign_in(client, "root@example.org").status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "(UTC)" not in page and "2026-12-02" not in page and "2026-07-04" not in page
    assert "Times in your zone, Pacific Time." in page
    assert "Wednesday, December 2, 2026, 1:30 PM PST (Pacific Time)" in page
    assert "Saturday, July 4, 2026, 9:05 AM PDT (Pacific Time)" in page
    assert '<th scope="col">Last sign-in</th>' in page and '<th scope="col">When</th>' in page


ADVISOR_PAGES = ("/me/profile", "/me/calendars", "/me/booking-rules", "/me/consultations")


def test_an_invited_advisor_can_open_every_advisor_page_from_the_first_sign_in(
    app, admin_client, ctx
):
    """They were all 404s: nobody made the advisor's profile."""
    post_form(
        admin_client,
        "/admin/users/invite",
        {"email": "nia@example.org", "name": "Nia New", "role": "advisor"},
        page="/admin/users",
    )
    db.session.rollback()
    (mail,) = db.session.scalars(select(OutboxMessage))
    body = message_from_bytes(mail.message, policy=default).get_body(("plain",)).get_content()
    link = LINK_RE.search(body).group(1)
    person = client_after_commit(app)
    post_form(person, link, {"new_password": PASSWORD, "confirm_password": PASSWORD})
    assert _sign_in(person, "nia@example.org", PASSWORD).status_code == 302
    for page in ADVISOR_PAGES:
        assert person.get(page).status_code == 200, page
    profile = person.get("/me/profile").get_data(as_text=True)
    assert 'value="Nia New"' in profile
    # a draft: hidden from visitors until the advisor chooses to show it
    assert "Nia New" not in client_after_commit(app).get("/advisors").get_data(as_text=True)


def test_a_person_made_an_advisor_gets_a_profile_once(app, admin_client, ctx, runner):
    from advising.advisors.models import AdvisorProfile

    sam = make_user(Role.STAFF, email="sam@example.org", name="Sam Staff")
    for role in ("advisor", "staff", "advisor"):
        post_form(
            admin_client,
            f"/admin/users/{sam.id}/role",
            {f"u{sam.id}-role": role},
            page="/admin/users",
        )
    theirs = client_after_commit(app)
    _sign_in(theirs, "sam@example.org")
    for page in ADVISOR_PAGES:
        assert theirs.get(page).status_code == 200, page
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ana@example.org",
            "--name",
            "Ana Diaz",
            "--role",
            "advisor",
            "--password-stdin",
        ],
        input="a long passphrase for ana\n",
    )
    assert result.exit_code == 0, result.output
    db.session.rollback()
    names = sorted(db.session.scalars(select(AdvisorProfile.display_name)))
    assert names == ["Ana Diaz", "Sam Staff"]


def test_deactivating_an_advisor_asks_first_and_says_what_is_left_behind(app, admin_client, ctx):
    """One click deactivated; the advisor's visitors could still move into their times and
    the advisor link on their page led to a 404."""
    from advising.scheduling import services as scheduling
    from tests.factories import make_advisor

    priya = make_advisor(name="Priya Raman", slug="priya")
    visitor = scheduling.VisitorDetails("Vic", "vic@example.org", None, "", "UTC")
    _booking, token = scheduling.book(
        priya, scheduling.next_available_slots(priya)[0].start, visitor
    )
    users = admin_client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{priya.user.id}/deactivate"' in users  # a link, not a POST
    page = admin_client.get(f"/admin/users/{priya.user.id}/deactivate").get_data(as_text=True)
    assert "Deactivate Priya Raman?" in page
    assert "Priya Raman has 1 upcoming consultation." in page
    db.session.rollback()
    assert db.session.get(User, priya.user.id).active  # asking changed nothing
    post_form(
        admin_client,
        f"/admin/users/{priya.user.id}/active",
        {"active": "0"},
        page=(f"/admin/users/{priya.user.id}/deactivate"),
    )
    db.session.rollback()
    assert not db.session.get(User, priya.user.id).active
    visitor_client = client_after_commit(app)
    manage = visitor_client.get(f"/b/{token}").get_data(as_text=True)
    assert 'href="/advisors/priya"' not in manage and ">Reschedule<" not in manage
    moved = visitor_client.get(f"/b/{token}/reschedule", follow_redirects=True)
    assert "no longer takes new times" in moved.get_data(as_text=True)


def test_an_advisor_sets_one_time_zone_the_one_on_their_profile(client, auth, ctx):
    """The account page offered a second zone that no advisor page used."""
    from tests.factories import make_advisor

    advisor = make_advisor(name="James", timezone="America/Chicago")
    auth.login(advisor.user.email)
    response = client.get("/account/timezone")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/profile#timezone"
    assert "part of your profile" in client.get("/me/profile").get_data(as_text=True)


def test_a_long_name_and_an_older_advisor_account_still_get_a_profile(
    app, admin_client, ctx, runner
):
    """A name longer than the slug column was a 500 on PostgreSQL; an advisor account made
    before drafts came with the role had only 404s."""
    from advising.advisors.models import AdvisorProfile

    long_name = "Maria " + "Alexandra " * 10 + "Lopez"  # 111 characters
    post_form(
        admin_client,
        "/admin/users/invite",
        {"email": "long@example.org", "name": long_name, "role": "advisor"},
        page="/admin/users",
    )
    db.session.rollback()
    (slug,) = db.session.scalars(select(AdvisorProfile.slug))
    assert len(slug) <= 70 and slug.startswith("maria-alexandra")
    older = make_user(Role.ADVISOR, email="old@example.org", name="Olga Older")  # no profile
    theirs = client_after_commit(app)
    _sign_in(theirs, "old@example.org")
    assert theirs.get("/me/profile").status_code == 200
    db.session.rollback()
    assert (
        db.session.scalar(select(AdvisorProfile.active).where(AdvisorProfile.user_id == older.id))
        is False
    )
