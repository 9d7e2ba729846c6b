"""The booking journey through the web pages: slots in the visitor's zone, book, manage."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from advising.database import utcnow
from advising.extensions import db
from advising.scheduling import services
from advising.scheduling.models import CANCELLED, CONFIRMED, Booking
from tests.conftest import csrf_token_from, post_form
from tests.factories import make_advisor, make_user

SLOT_LINK = re.compile(r'href="(/advisors/[a-z0-9-]+/book\?start=[^"]+)"')


def _slot_links(client, slug: str, tz: str | None = None) -> list[str]:
    query = f"?tz={tz}" if tz else ""
    page = client.get(f"/advisors/{slug}{query}", follow_redirects=True).get_data(as_text=True)
    return [html_lib.unescape(link) for link in SLOT_LINK.findall(page)]


def get_any_advisor_page(client, url: str, advisor, zone: str):
    """GET "any advisor" (``url``): one request answers with ``advisor``'s page, opened on the
    day of their first free time in ``zone``, whichever month that falls in. Returns the
    response."""
    soonest = services.next_available_slots(advisor, days=services.ANY_ADVISOR_DAYS)[0]
    first_day = soonest.start.astimezone(ZoneInfo(zone))
    response = client.get(url)
    assert response.status_code == 200
    assert f'id="day-{first_day.date().isoformat()}"' in response.get_data(as_text=True)
    return response


def _book(client, link: str, **fields):
    page = client.get(link).get_data(as_text=True)
    start = re.search(r'name="start" type="hidden" value="([^"]+)"', page).group(1)
    tz = re.search(r'name="tz" type="hidden" value="([^"]*)"', page).group(1)
    data = {
        "csrf_token": csrf_token_from(page),
        "start": start,
        "tz": tz,
        "name": "Bob Visitor",
        "email": "bob@example.org",
        "topic": "Which credential?",
        "consent": "y",
        **fields,
    }
    slug = link.split("/")[2]
    return client.post(f"/advisors/{slug}/book", data=data), start


def test_slots_are_shown_in_the_visitors_zone_and_named(client, ctx):
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    page = client.get("/advisors/maria?tz=Asia/Kolkata", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Times are shown in Asia/Kolkata (UTC+05:30)" in page
    # the zone named once per time: "9:30 PM to 10:15 PM UTC+05:30", with an en dash
    assert re.search(
        r">\d{1,2}:\d\d [AP]M<span class=\"slot-end\"> \u2013 \d{1,2}:\d\d [AP]M UTC\+05:30<",
        page,
    )
    assert not re.search(r"[AP]M UTC\+05:30<span", page)
    page = client.get("/advisors/maria", follow_redirects=True).get_data(as_text=True)
    assert "Eastern Time" in page and "time zone; pick yours" in page
    assert re.search(r" \u2013 \d{1,2}:\d\d [AP]M E[SD]T<", page)


def test_booking_journey_book_view_reschedule_cancel(client, ctx):
    advisor = make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    links = _slot_links(client, "maria", "Europe/London")
    assert links
    confirm_page = client.get(links[0]).get_data(as_text=True)
    assert "(Europe/London)" in confirm_page and "(Eastern Time)" in confirm_page
    # how long, and until when, before the visitor commits
    assert re.search(
        r"<dt>Length</dt><dd>45 minutes, until \d{1,2}:\d\d [AP]M (GMT|BST)</dd>", confirm_page
    )

    response, start = _book(client, links[0])
    assert response.status_code == 302
    manage_url = response.headers["Location"]
    assert re.fullmatch(r"/b/[A-Za-z0-9_-]{43}", manage_url)
    page = client.get(manage_url)
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Your consultation is booked" in text and "(Europe/London)" in text

    db.session.rollback()
    booking = db.session.scalar(select(Booking))
    assert booking.status == CONFIRMED and booking.start_at == datetime.fromisoformat(start)
    assert booking.visitor_timezone == "Europe/London"
    token = manage_url.rsplit("/", 1)[1]
    assert booking.manage_token_hash != token and len(booking.manage_token_hash) == 64

    # The taken slot is gone from the public page; buffers hide the neighbours too.
    assert links[0] not in _slot_links(client, "maria", "Europe/London")

    reschedule_page = client.get(manage_url + "/reschedule").get_data(as_text=True)
    new_start = re.findall(r'name="choose" value="([^"]+)"', reschedule_page)[-1]
    # Choosing a time only asks to confirm it: nothing moves on one click.
    chose = client.post(
        manage_url + "/reschedule",
        data={"csrf_token": csrf_token_from(reschedule_page), "start": "", "choose": new_start},
    )
    # the confirmation is a page of its own (GET), so Back after moving never re-posts a form
    assert chose.status_code == 302 and "choose=" in chose.headers["Location"]
    confirm_page = client.get(chose.headers["Location"]).get_data(as_text=True)
    assert "Move to this time?" in confirm_page and f'value="{new_start}"' in confirm_page
    db.session.rollback()
    assert db.session.get(Booking, booking.id).sequence == 0
    response = client.post(
        chose.headers["Location"],  # the confirmation's own address, as the browser posts it
        # as a browser sends it: the empty hidden "start" first, then the clicked slot button
        data={"csrf_token": csrf_token_from(confirm_page), "start": ["", new_start]},
    )
    assert response.status_code == 302
    db.session.rollback()
    moved = db.session.get(Booking, booking.id)
    assert moved.start_at == datetime.fromisoformat(new_start) and moved.sequence == 1
    # Back to the confirmation after the move: nothing to confirm, and no second move
    again = client.get(chose.headers["Location"])
    assert again.status_code == 302 and again.headers["Location"].endswith(manage_url)
    assert "at this time already" in client.get(manage_url).get_data(as_text=True)
    client.post(
        chose.headers["Location"],
        data={"csrf_token": csrf_token_from(confirm_page), "start": new_start},
    )
    db.session.rollback()
    assert db.session.get(Booking, booking.id).sequence == 1
    # a query key named like the address's own argument is not passed on (it was a 500)
    odd = client.post(
        manage_url + "/reschedule?token=x&_external=1&tz=Europe/London",
        data={"csrf_token": csrf_token_from(reschedule_page), "start": "", "choose": new_start},
    )
    assert odd.status_code == 302 and "tz=Europe" in odd.headers["Location"]
    assert "_external" not in odd.headers["Location"]

    # GET never changes anything; cancelling asks first, by POST.
    assert client.get(manage_url + "/cancel").status_code == 200
    db.session.rollback()
    assert db.session.get(Booking, booking.id).status == CONFIRMED
    response = post_form(client, manage_url + "/cancel", {"reason": "Found a job!"})
    assert response.status_code == 302
    db.session.rollback()
    cancelled = db.session.get(Booking, booking.id)
    assert cancelled.status == CANCELLED and cancelled.cancel_reason == "Found a job!"
    assert cancelled.cancelled_by == "visitor" and cancelled.sequence == 2
    assert advisor.id == cancelled.advisor_id
    after = client.get(manage_url).get_data(as_text=True)
    assert "Nothing here can be changed any more" in after
    assert "anyone with it can change your booking" not in after


def test_lost_race_offers_nearest_times_and_keeps_input(client, ctx):
    make_advisor(slug="maria")
    link = _slot_links(client, "maria")[0]
    page = client.get(link).get_data(as_text=True)
    first, _ = _book(client, link)
    assert first.status_code == 302
    data = {
        "csrf_token": csrf_token_from(page),
        "start": re.search(r'name="start" type="hidden" value="([^"]+)"', page).group(1),
        "tz": "",
        "name": "Late Larry",
        "email": "larry@example.org",
        "consent": "y",
        "topic": "Risk adjustment",
    }
    response = client.post("/advisors/maria/book", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("That time was just taken") == 1  # said once, by the time (was 3)
    assert "Please correct" not in html  # nothing for the visitor to correct
    assert 'value="Late Larry"' in html and "Risk adjustment" in html
    assert len(re.findall(r'type="submit" name="start" value="', html)) == 3
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(Booking.id))) == 1


def test_booking_form_errors_are_next_to_fields(client, ctx):
    make_advisor(slug="maria")
    link = _slot_links(client, "maria")[0]
    response, _ = _book(
        client, link, email="not-an-email", consent="", name="Eve\r\nBcc: x@evil.example"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for field in ("email", "consent", "name"):
        assert f'id="{field}-error"' in html
    # the summary names the consent field without its sentence's own period before the colon
    assert "this consultation</a>:" in html and ".</a>:" not in html
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(Booking.id))) == 0


def test_stale_or_forged_slot_link_goes_back_to_the_times(client, ctx):
    make_advisor(slug="maria")
    response = client.get("/advisors/maria/book?start=2020-01-01T10:00:00%2B00:00")
    assert response.status_code == 302 and "/advisors/maria" in response.headers["Location"]
    response = client.get("/advisors/maria/book?start=nonsense")
    assert response.status_code == 302


def test_unknown_manage_token_is_404(client):
    unknown = client.get("/b/" + "x" * 43)
    assert unknown.status_code == 404 and unknown.headers["Cache-Control"] == "no-store"
    assert "This booking link is not valid" in unknown.get_data(as_text=True)


def test_visitor_cut_offs_are_enforced(client, ctx):
    advisor = make_advisor(slug="maria")
    services.update_rules(
        advisor.id,
        services.weekly_ranges(advisor.id) | {d: [(time(0), time(0))] for d in range(7)},
        min_notice_hours=0,
        cancel_cutoff_hours=48,
        reschedule_cutoff_hours=48,
    )
    start = services.next_available_slots(advisor)[0].start
    assert start - utcnow() < timedelta(hours=2)
    _, token = services.book(
        advisor, start, services.VisitorDetails("Al", "al@example.org", None, "", "UTC")
    )
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "Online changes close 48 hours" in page and ">Cancel<" not in page
    response = post_form(client, f"/b/{token}/cancel", {"reason": ""})
    assert "until 48 hours before" in response.get_data(as_text=True)


def test_advisor_sees_consultations_in_own_zone_and_can_cancel_for_visitor(client, auth, ctx):
    advisor = make_advisor(
        slug="maria", timezone="America/Chicago", video_url="https://meet.example.org/maria"
    )
    start = services.next_available_slots(advisor)[0].start
    booking, _ = services.book(
        advisor,
        start,
        services.VisitorDetails(
            "Visitor Vic", "vic@example.org", "+1 555 0100", "Career change at 40", "Asia/Kolkata"
        ),
    )
    auth.login(advisor.user.email)
    listing = client.get("/me/consultations").get_data(as_text=True)
    assert "Visitor Vic" in listing and "(Central Time)" in listing
    page = client.get(f"/me/consultations/{booking.id}").get_data(as_text=True)
    assert "Career change at 40" in page and "(Asia/Kolkata)" in page
    # the call and the phone one tap away (the visitor's page had the link, the advisor's not)
    assert f'href="{advisor.video_url}">Join the video call</a>' in page
    assert 'href="tel:+15550100">+1 555 0100</a>' in page
    # the advisor's cancel page: their zone, words for them, a button that looks destructive
    cancel_page = client.get(f"/me/consultations/{booking.id}/cancel").get_data(as_text=True)
    assert "(Central Time)" in cancel_page and "(Asia/Kolkata)" not in cancel_page
    assert "The visitor reads it in the cancellation email." in cancel_page
    assert "helps your advisor" not in cancel_page
    assert 'class="button button-danger"' in cancel_page
    response = post_form(
        client, f"/me/consultations/{booking.id}/cancel", {"reason": "Advisor ill"}
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Booking, booking.id).cancelled_by == "advisor"


def test_advisor_cannot_open_another_advisors_consultation(client, auth, ctx):
    mine, theirs = make_advisor(), make_advisor()
    booking, _ = services.book(
        theirs,
        services.next_available_slots(theirs)[0].start,
        services.VisitorDetails("X", "x@example.org", None, "", "UTC"),
    )
    auth.login(mine.user.email)
    assert client.get(f"/me/consultations/{booking.id}").status_code == 404
    make_user("staff", email="staff@example.org")


def hours_rows(weekday: int, *rows: tuple[str, str]) -> dict[str, str]:
    """The weekly-hours inputs of one day as the rules form sends them."""
    data = {}
    for index, (start, end) in enumerate(rows):
        data[f"hours-{weekday}-{index}-start"] = start
        data[f"hours-{weekday}-{index}-end"] = end
    return data


def test_booking_rules_form_saves_hours_and_shows_errors_by_field(client, auth, ctx):
    advisor = make_advisor(slug="maria")
    auth.login(advisor.user.email)
    page = client.get("/me/booking-rules").get_data(as_text=True)
    assert 'name="hours-0-0-start" value="09:00"' in page
    assert 'name="hours-0-0-end" value="17:00"' in page
    form = {
        "duration_minutes": "30",
        "interval_minutes": "30",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "10",
        "min_notice_hours": "4",
        "horizon_days": "30",
        "max_per_day": "3",
        "reschedule_cutoff_hours": "12",
        "cancel_cutoff_hours": "2",
        "booking_enabled": "y",
        **hours_rows(0, ("09:00", "12:00"), ("13:00", "17:00")),
        **hours_rows(1, ("25:00", "26:00")),
        **hours_rows(4, ("10:00", "09:00")),
    }
    html = post_form(client, "/me/booking-rules", form).get_data(as_text=True)
    assert 'id="hours-1-0-error"' in html and 'id="hours-4-0-error"' in html
    assert 'name="hours-0-1-start" value="13:00"' in html
    response = post_form(
        client,
        "/me/booking-rules",
        {**form, **hours_rows(1, ("", "")), **hours_rows(4, ("08:00", "24:00"))},
    )
    assert response.status_code == 302
    db.session.rollback()
    settings = services.settings_for(advisor.id)
    assert (settings.duration_minutes, settings.max_per_day) == (30, 3)
    assert services.weekly_ranges(advisor.id)[0] == [(time(9), time(12)), (time(13), time(17))]
    assert services.weekly_ranges(advisor.id)[4] == [(time(8), time(0))]

    day_off = utcnow().date() + timedelta(days=30)  # the page lists dates from today on
    response = post_form(
        client,
        "/me/booking-rules/dates",
        {"override-day": day_off.isoformat(), "override-day_off": "y"},
        page="/me/booking-rules",
    )
    assert response.status_code == 302
    listed = f"{day_off:%B} {day_off.day}, {day_off.year}</strong>: Day off"
    assert listed in client.get("/me/booking-rules").get_data(as_text=True)


def test_any_advisor_picks_the_least_busy_with_free_time(client, ctx):
    busy = make_advisor(name="Aaron Busy", slug="aaron")
    free = make_advisor(name="Zoe Free", slug="zoe")
    services.book(
        busy,
        services.next_available_slots(busy)[0].start,
        services.VisitorDetails("A", "a@example.org", None, "", "UTC"),
    )
    response = get_any_advisor_page(client, "/book/any?tz=Europe/London", free, "Europe/London")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/advisors/zoe" in page.split('rel="canonical"')[1][:80]
    assert "Why Zoe Free" in page and "Aaron Busy" in page


def test_any_advisor_opens_next_month_in_one_request_when_this_month_is_full(
    client, ctx, monkeypatch
):
    """Late in a month an advisor may have nothing left before the 1st: "any advisor" still
    answers in one request, on the month and day of the first free time it names."""
    monkeypatch.setattr(services, "ANY_ADVISOR_DAYS", 45)  # however early in the month it is
    advisor = make_advisor(name="Zoe Free", slug="zoe")
    zone = ZoneInfo(advisor.timezone)
    today = utcnow().astimezone(zone).date()
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    day = today
    while day < next_month:
        services.set_override(advisor.id, day, [])  # a day off
        day += timedelta(days=1)

    response = get_any_advisor_page(client, f"/book/any?tz={advisor.timezone}", advisor, zone.key)
    first = services.next_available_slots(advisor, days=45)[0].start.astimezone(zone)
    assert first.date() >= next_month
    page = response.get_data(as_text=True)
    assert f'id="month-heading">{first:%B %Y}</h3>' in page
    assert "/advisors/zoe/book?start=" in page


def test_dst_new_york_advisor_seen_from_london_between_the_two_changes(app, ctx):
    """In the weeks when the US has changed clocks but the UK has not, 09:00 in New York is 13:00
    in London (not 14:00): times must follow each zone's own rules."""
    from advising.shared.timefmt import format_time

    instant = datetime(2026, 3, 16, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert format_time(instant, "America/New_York") == "9:00 AM EDT"
    assert format_time(instant, "Europe/London") == "1:00 PM GMT"
    assert format_time(instant, "Asia/Kolkata") == "6:30 PM UTC+05:30"


def test_a_cancelled_booking_shows_its_state_and_book_again_but_no_picker(client, ctx):
    advisor = make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    slot = services.next_available_slots(advisor, days=14)[0]
    visitor = services.VisitorDetails("Ann", "ann@example.org", None, "", "America/Chicago")
    booking, token = services.book(advisor, slot.start, visitor)
    from advising.scheduling.models import Actor

    services.cancel(booking, reason="", by=Actor.VISITOR)
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "This consultation was cancelled." in page
    assert (
        "Book again with Maria Lopez" in page
        and 'href="/advisors/maria?tz=America/Chicago"' in page
    )
    assert f"/b/{token}/reschedule" not in page and "Google Calendar" not in page
    response = client.get(f"/b/{token}/reschedule")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/b/{token}")
    assert "slot-list" not in client.get(response.headers["Location"]).get_data(as_text=True)
    # the cancel page too: back to the booking with a note, not a form to cancel it again
    response = client.get(f"/b/{token}/cancel")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/b/{token}")
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "This consultation is cancelled: nothing to cancel." in page


def test_a_booking_moves_to_any_day_of_the_horizon_opening_on_its_own_day(client, ctx):
    """Rescheduling pages through the advisor's whole booking horizon, month by month, as
    booking does; it opens on the booking's own day, and never offers its own time."""
    advisor = make_advisor(slug="maria", timezone="America/New_York")
    zone = ZoneInfo("America/New_York")
    horizon = services.rules_of(advisor).horizon
    far = (utcnow() + horizon - timedelta(days=10)).astimezone(zone).date()
    while far.weekday() >= 5:
        far -= timedelta(days=1)
    page = client.get(f"/advisors/maria?month={far:%Y-%m}&day={far.isoformat()}")
    links = [html_lib.unescape(link) for link in SLOT_LINK.findall(page.get_data(as_text=True))]
    assert links, "the advisor has free times on a weekday ten days before the horizon"
    response, start = _book(client, links[1])
    manage_url = response.headers["Location"]

    page = client.get(manage_url + "/reschedule").get_data(as_text=True)
    assert f'id="day-{far.isoformat()}"' in page and 'aria-current="date"' in page
    offered = re.findall(r'name="choose" value="([^"]+)"', page)
    assert offered and start not in offered
    assert all(datetime.fromisoformat(s).astimezone(zone).date() == far for s in offered)
    # the month before, through its link, and a day in it near today
    previous = re.search(r'href="([^"]+)" rel="prev"', page)
    soon = (utcnow() + timedelta(days=3)).astimezone(zone).date()
    if previous:
        assert client.get(html_lib.unescape(previous.group(1))).status_code == 200
    page = client.get(
        f"{manage_url}/reschedule?month={soon:%Y-%m}&day={soon.isoformat()}"
    ).get_data(as_text=True)
    near = re.findall(r'name="choose" value="([^"]+)"', page)
    assert near and all(datetime.fromisoformat(s) < datetime.fromisoformat(start) for s in near)

    confirm = client.post(
        manage_url + "/reschedule",
        data={"csrf_token": csrf_token_from(page), "start": "", "choose": near[0]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Move to this time?" in confirm


def test_a_booking_sent_with_an_old_zone_name_keeps_its_current_name(client, ctx):
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    link = _slot_links(client, "maria", "Europe/London")[0]
    response, _ = _book(client, link, tz="Europe/Kiev")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Booking)).visitor_timezone == "Europe/Kyiv"
    assert "(Europe/Kyiv)" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_move_page_shows_times_in_the_zone_picked_there(client, ctx):
    """Moving opens in the booking's zone; another zone picked on the page carries through
    its month links and its confirmation, and the booking's own zone is unchanged."""
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    link = _slot_links(client, "maria", "Europe/London")[0]
    response, _ = _book(client, link)
    move_url = response.headers["Location"] + "/reschedule"

    page = client.get(move_url).get_data(as_text=True)
    assert re.search(r'<option[^>]* selected value="Europe/London">', page)
    assert "Times are shown in Europe/London" in page

    page = client.get(move_url + "?tz=Asia/Tokyo").get_data(as_text=True)
    assert re.search(r'<option[^>]* selected value="Asia/Tokyo">', page)
    assert "Times are shown in Asia/Tokyo" in page and "data-detect-tz" not in page
    assert re.search(r" \u2013 \d{1,2}:\d\d [AP]M JST<", page)
    month_links = re.findall(r'href="([^"]+)" rel="next"', page)
    assert month_links and "tz=Asia/Tokyo" in html_lib.unescape(month_links[0])
    offered = re.findall(r'name="choose" value="([^"]+)"', page)
    confirm = client.post(
        move_url + "?tz=Asia/Tokyo",
        data={"csrf_token": csrf_token_from(page), "start": "", "choose": offered[0]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "JST" in confirm and "tz=Asia/Tokyo" in confirm
    db.session.rollback()
    assert db.session.scalar(select(Booking)).visitor_timezone == "Europe/London"
    # moved: the booking keeps the zone the visitor picked the time in (it switched back to
    # London, so the day shown could differ from the day picked)
    confirm_url = html_lib.unescape(re.search(r'<form method="post"[^>]*>', confirm).group(0))
    # posts back to its own address, tz included (and no "#times" carried on after it)
    action = re.search(r'action="([^"]+)"', confirm_url).group(1)
    assert action.startswith(move_url + "?") and "tz=Asia/Tokyo" in action
    moved = client.post(
        move_url + f"?tz=Asia/Tokyo&choose={offered[0]}",
        data={"csrf_token": csrf_token_from(confirm), "start": offered[0]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The consultation is moved" in moved and "(Asia/Tokyo)" in moved
    db.session.rollback()
    assert db.session.scalar(select(Booking)).visitor_timezone == "Asia/Tokyo"


def test_a_topic_keeps_its_lines_where_it_is_shown(client, ctx):
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    link = _slot_links(client, "maria", "Europe/London")[0]
    response, _ = _book(client, link, topic="Which credential?\nAnd how long?")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<dd class="preserve-lines">Which credential?\nAnd how long?</dd>' in page


def test_back_to_the_booking_form_after_booking_leads_to_the_booking(client, ctx):
    """The browser's Back after booking reloads the form for a time that is now taken: by
    this visitor, who is sent to their booking, not told the time is gone."""
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    links = _slot_links(client, "maria", "America/Chicago")
    response, _start = _book(client, links[0])
    assert response.status_code == 302
    manage = response.headers["Location"]
    back = client.get(links[0])
    assert back.status_code == 302 and back.headers["Location"] == manage
    page = client.get(manage).get_data(as_text=True)
    assert "You booked this time. Here is your consultation." in page
    # someone else, in another browser, is told the time is gone
    with client.session_transaction() as session:
        session.clear()
    other = client.get(links[0], follow_redirects=True).get_data(as_text=True)
    assert "That time is no longer available" in other


def test_the_advisors_dashboard_opens_on_their_next_consultations(client, auth, ctx):
    advisor = make_advisor(slug="maria", timezone="America/Chicago")
    auth.login(advisor.user.email)
    empty = client.get("/dashboard").get_data(as_text=True)
    assert "Your next consultations" in empty and "No upcoming consultations." in empty
    start = services.next_available_slots(advisor)[0].start
    booking, _ = services.book(
        advisor, start, services.VisitorDetails("Vic Visitor", "vic@example.org", None, "", "UTC")
    )
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/me/consultations/{booking.id}"' in page and "Vic Visitor" in page
    assert "(Central Time)" in page
    auth.logout()
    auth.login(make_user("staff", email="staff@example.org").email)
    assert "Your next consultations" not in client.get("/dashboard").get_data(as_text=True)


def _add_bookings(
    advisor, first: datetime, count: int, step: timedelta, status: str, name: str
) -> None:
    """``count`` one-hour bookings ``step`` apart from ``first``, named "{name} 0", "{name} 1", …"""
    for n in range(count):
        start = first + n * step
        db.session.add(
            Booking(
                advisor_id=advisor.id,
                status=status,
                start_at=start,
                end_at=start + timedelta(hours=1),
                blocked_start=start,
                blocked_end=start + timedelta(hours=1),
                visitor_name=f"{name} {n}",
                visitor_email=f"v{n}@example.org",
                visitor_timezone="UTC",
                consent_at=first,
                manage_token_hash=f"{name}-{n:050d}",
            )
        )
    db.session.commit()


def test_every_consultation_is_in_reach_of_the_advisor_page_by_page(client, auth, ctx):
    advisor = make_advisor(slug="maria", timezone="America/Chicago")
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    _add_bookings(advisor, now - timedelta(days=400), 120, timedelta(days=3), "completed", "Past")
    _add_bookings(advisor, now + timedelta(days=2), 260, timedelta(hours=2), CONFIRMED, "Next")
    auth.login(advisor.user.email)
    first = client.get("/me/consultations").get_data(as_text=True)
    # the latest past consultation first; the oldest was out of reach past 200 before
    assert "Past 119<" in first and "Past 0<" not in first
    assert "1 to 50 of 120" in first and "1 to 50 of 260" in first
    assert 'href="/me/consultations?past=2#past">Older →' in first
    older = client.get("/me/consultations?past=3").get_data(as_text=True)
    assert "101 to 120 of 120" in older and "Past 0<" in older and "Past 119<" not in older
    assert 'href="/me/consultations?past=2#past">← More recent' in older
    assert "Older →" not in older
    # both lists keep their own page
    both = client.get("/me/consultations?past=3&upcoming=2").get_data(as_text=True)
    assert "51 to 100 of 260" in both and "101 to 120 of 120" in both
    # a page past the end shows the last one; nonsense shows the first
    assert "251 to 260 of 260" in client.get("/me/consultations?upcoming=99").get_data(as_text=True)
    assert "1 to 50 of 120" in client.get("/me/consultations?past=x").get_data(as_text=True)
    # a page number past any offset, and query keys that are not pages (both were 500s)
    huge = client.get("/me/consultations?past=99999999999999999999&_anchor=x&_method=DELETE")
    assert huge.status_code == 200 and "101 to 120 of 120" in huge.get_data(as_text=True)
    assert "_anchor=" not in huge.get_data(as_text=True)
    # the dashboard counts them all (it read 200 and so said "195 more")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "255 more upcoming" in dashboard and "Next 0<" in dashboard


def test_times_at_night_in_the_visitors_zone_are_marked(client, ctx):
    """A New York working day seen from India runs past midnight there: those times say
    "night", and a line says what it means; in New York none do."""
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    page = client.get("/advisors/maria?tz=Asia/Kolkata", follow_redirects=True).get_data(
        as_text=True
    )
    slots = re.findall(r'<li><a class="button button-small"[^>]*>(.*?)</a></li>', page)
    night = [s for s in slots if '<span class="slot-night">night</span>' in s]
    assert night and len(night) < len(slots)
    def at_night(clock: str) -> bool:  # 10 PM to 6 AM
        hour, minute, meridiem = re.match(r"(\d{1,2}):(\d\d) ([AP]M)", clock).groups()
        hour = int(hour) % 12 + (12 if meridiem == "PM" else 0)
        return hour >= 22 or hour < 6 or (hour, minute) == (6, "00")

    for slot in night:  # starts or ends at night
        times = re.findall(r"\d{1,2}:\d\d [AP]M", slot)
        assert at_night(times[0]) or at_night(times[1]), slot
    for slot in set(slots) - set(night):
        times = re.findall(r"\d{1,2}:\d\d [AP]M", slot)
        assert not at_night(times[0]), slot
    assert "fall between 10 PM and 6 AM in Asia/Kolkata" in page
    home = client.get("/advisors/maria?tz=America/New_York", follow_redirects=True)
    assert "slot-night" not in home.get_data(as_text=True)


def test_another_zone_keeps_the_month_and_day_on_show(client, ctx):
    """"Show times" in another zone stays on the day the visitor opened (it went back to the
    first free day); a page opened without a day lets the zone choose its own."""
    make_advisor(name="Maria Lopez", slug="maria", timezone="America/New_York")
    days = re.findall(
        r'href="[^"]*day=(\d{4}-\d\d-\d\d)[^"]*"',
        client.get("/advisors/maria?tz=America/Chicago").get_data(as_text=True),
    )
    later = sorted(set(days))[-1]
    page = client.get(
        f"/advisors/maria?tz=America/Chicago&month={later[:7]}&day={later}"
    ).get_data(as_text=True)
    form = re.search(r'<form method="get"[^>]*zone-form.*?</form>', page, re.S).group(0)
    assert f'name="day" value="{later}"' in form
    assert f'name="month" value="{later[:7]}"' in form
    switched = client.get(
        f"/advisors/maria?tz=Asia/Manila&month={later[:7]}&day={later}"
    ).get_data(as_text=True)
    assert f'id="day-{later}"' in switched
    fresh = client.get("/advisors/maria").get_data(as_text=True)
    form = re.search(r'<form method="get"[^>]*zone-form.*?</form>', fresh, re.S).group(0)
    assert 'name="day"' not in form and 'name="month"' not in form
