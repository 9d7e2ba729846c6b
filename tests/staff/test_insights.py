"""Staff insights: each figure against a hand-counted fixture (tests/staff/fixture.py), the
CSV downloads, access, and the period form's errors beside its fields."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from advising.accounts.models import Role
from advising.extensions import db
from advising.scheduling.models import COMPLETED, WeeklyHoursRange
from advising.staff import insights
from advising.staff.charts import LABEL_WIDTH, VALUE_ROOM, WIDTH, bar_chart
from tests.factories import make_advisor, make_user
from tests.staff.fixture import FIRST, LAST, make_booking, seed

PERIOD = "from=2030-01-07&to=2030-01-13"
HOUR = 3600


def _period(zone: str = "UTC") -> insights.Period:
    return insights.Period(FIRST, LAST, zone)


def test_funnel_and_rates_count_the_bookings_made_in_the_period(ctx):
    seed()
    found = insights.compute(_period())
    assert found.funnel == insights.Funnel(
        intakes=3, bookings=6, from_intake=3, completed=3, no_shows=1, cancelled=1, confirmed=1
    )
    assert found.funnel.no_show_rate == pytest.approx(0.25)
    assert found.funnel.cancellation_rate == pytest.approx(1 / 6)


def test_lead_time_median_and_p90(ctx):
    seed()
    lead = insights.compute(_period()).lead_time
    assert lead.count == 5
    assert round(lead.median_seconds) == 29 * HOUR
    assert round(lead.p90_seconds) == round(191.4 * HOUR)
    assert insights.format_duration(lead.median_seconds) == "1 day 5 hours"


def test_booked_share_of_open_hours_per_advisor(ctx):
    seed()
    shares = {a.name: a for a in insights.compute(_period()).advisors}
    assert list(shares) == ["=cmd Harper", "James Okafor", "Maria Lopez", "Priya Raman"]
    assert (shares["Maria Lopez"].open_minutes, shares["Maria Lopez"].booked_minutes) == (2040, 150)
    assert (shares["James Okafor"].open_minutes, shares["James Okafor"].booked_minutes) == (240, 60)
    assert (shares["Priya Raman"].open_minutes, shares["Priya Raman"].booked_minutes) == (120, 60)
    assert shares["Maria Lopez"].consultations == 3
    assert shares["James Okafor"].share == pytest.approx(0.25)
    assert shares["Priya Raman"].share == pytest.approx(0.5)
    assert shares["=cmd Harper"].share is None


def test_busiest_days_and_hours_in_utc(ctx):
    seed()
    found = insights.compute(_period())
    assert found.by_weekday == (1, 3, 0, 1, 0, 0, 1)  # Mon 8, Tue 1 4 7, Thu 2, Sun 11
    expected_hours = [0] * 24
    for hour, count in {0: 1, 13: 1, 15: 2, 18: 1, 23: 1}.items():
        expected_hours[hour] = count
    assert found.by_hour == tuple(expected_hours)
    assert (found.busiest_weekday, found.busiest_hour) == ("Tuesday", "3 PM")


def test_a_zone_moves_the_period_and_the_hours(ctx):
    """In New York (UTC-5) the period starts at 05:00Z: booking 8 (00:00Z on the 7th) falls
    out, and every start moves five hours back."""
    seed()
    found = insights.compute(_period("America/New_York"))
    assert found.by_weekday == (0, 3, 0, 1, 0, 0, 1)
    assert {h: n for h, n in enumerate(found.by_hour) if n} == {8: 1, 10: 2, 13: 1, 18: 1}


def test_local_hours_follow_daylight_saving_within_the_period(ctx):
    """New York moves to EDT on 10 March 2030: 15:00Z is 10 AM before and 11 AM after."""
    advisor = make_advisor()
    made = datetime(2030, 3, 1, tzinfo=UTC)
    make_booking(advisor, datetime(2030, 3, 9, 15, tzinfo=UTC), 30, COMPLETED, made)
    make_booking(advisor, datetime(2030, 3, 11, 15, tzinfo=UTC), 30, COMPLETED, made)
    db.session.commit()
    period = insights.Period(date(2030, 3, 4), date(2030, 3, 17), "America/New_York")
    found = insights.compute(period)
    assert {h: n for h, n in enumerate(found.by_hour) if n} == {10: 1, 11: 1}
    assert found.by_weekday == (1, 0, 0, 0, 0, 1, 0)


def test_open_hours_keep_local_times_across_daylight_saving():
    """A 09:00-17:00 week in New York is 8 hours a day on both sides of the change."""
    period = insights.Period(date(2030, 3, 4), date(2030, 3, 17), "UTC")
    weekly = {d: [(time(9), time(17))] for d in range(5)}
    assert insights.open_minutes("America/New_York", weekly, {}, period) == 10 * 480


def test_empty_period_has_no_rates_and_no_busiest_times(ctx):
    found = insights.compute(_period())
    assert found.funnel.no_show_rate is None and found.funnel.cancellation_rate is None
    assert found.lead_time == insights.LeadTime(0, None, None)
    assert (found.busiest_weekday, found.busiest_hour) == (None, None)


# --- pure helpers -------------------------------------------------------------------------


def test_percentile_cont_interpolates_like_postgresql():
    assert insights.percentile_cont([], 0.5) is None
    assert insights.percentile_cont([7.0], 0.9) == 7.0
    assert insights.percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert insights.percentile_cont([0.25, 3, 29, 75, 269], 0.9) == pytest.approx(191.4)


def test_hour_labels_and_durations():
    assert [insights.hour_label(h) for h in (0, 9, 12, 17)] == ["12 AM", "9 AM", "12 PM", "5 PM"]
    assert insights.format_duration(None) == "n/a"
    assert insights.format_duration(15 * 60) == "15 minutes"
    assert insights.format_duration(HOUR + 60) == "1 hour 1 minute"
    assert insights.format_duration(191.4 * HOUR) == "7 days 23 hours"
    assert insights.format_rate(1 / 6) == "16.7%"
    assert [insights.format_hours(m) for m in (0, 60, 150, 2040)] == [
        "0 hours",
        "1 hour",
        "2.5 hours",
        "34 hours",
    ]


def test_offset_runs_find_the_change_to_the_minute():
    start = datetime(2030, 3, 1, tzinfo=UTC)
    runs = insights.offset_runs("America/New_York", start, start + timedelta(days=30))
    assert runs == [(start, -300), (datetime(2030, 3, 10, 7, tzinfo=UTC), -240)]
    assert insights.offset_runs("UTC", start, start + timedelta(days=30)) == [(start, 0)]


def test_bar_geometry_scales_to_the_largest_value():
    chart = bar_chart([("a", 2, "2"), ("b", 4, "4"), ("c", 0, "0")])
    assert [bar.width for bar in chart.bars] == [(WIDTH - LABEL_WIDTH - VALUE_ROOM) / 2, 224, 0]
    assert chart.bars[1].y > chart.bars[0].y and chart.height > chart.bars[2].y
    assert all(bar.x == LABEL_WIDTH for bar in chart.bars)
    assert [bar.width for bar in bar_chart([("a", 0, "0")]).bars] == [0.0]


def test_shares_draw_against_the_whole_unless_one_passes_it():
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    small = bar_chart([("a", 0.001, "0.1%"), ("b", 0.5, "50.0%")], full=1.0)
    assert [bar.width for bar in small.bars] == [round(span * 0.001, 2), span / 2]
    over = bar_chart([("a", 1.5, "150.0%"), ("b", 0.75, "75.0%")], full=1.0)
    assert [bar.width for bar in over.bars] == [span, span / 2]


# --- pages, CSV and access ------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_page_shows_figures_charts_and_tables(client, auth, ctx):
    seed()
    auth.login(make_user(Role.STAFF).email)
    page = client.get(f"/staff/insights?{PERIOD}").get_data(as_text=True)
    assert "25.0%" in page and "16.7%" in page and "1 day 5 hours" in page
    assert "Tuesday" in page and "3 PM" in page
    assert page.count('role="img"') == 4
    for name in ("funnel", "advisors", "weekdays", "hours"):
        assert f'aria-labelledby="chart-{name}-title chart-{name}-desc"' in page
        assert f'<title id="chart-{name}-title">' in page
    assert page.count("<caption>") == 6
    advisors_chart = page.split('id="chart-advisors-title"')[1].split("</svg>")[0]
    widths = re.findall(r'class="chart-bar" [^>]*width="([\d.]+)"', advisors_chart)
    shown = re.findall(r'class="chart-value"[^>]*>([^<]+)<', advisors_chart)
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    assert len(widths) == len(shown) == 4  # each bar as long as its share of the whole
    for width, text in zip(widths, shown, strict=True):
        share = 0.0 if text == "n/a" else float(text.rstrip("%")) / 100
        assert abs(float(width) - span * share) < span * 0.001
    for name in insights.TABLES:
        assert f'href="/staff/insights/{name}.csv?from=2030-01-07&amp;to=2030-01-13"' in page
    assert "insights.css" in page


def test_csv_downloads_hold_each_table(client, auth, ctx):
    seed()
    auth.login(make_user(Role.STAFF).email)
    response = client.get(f"/staff/insights/funnel.csv?{PERIOD}")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert "insights-funnel-2030-01-07-to-2030-01-13.csv" in response.headers["Content-Disposition"]
    assert _csv(response) == [
        ["stage", "count"],
        ["Intakes created", "3"],
        ["Bookings made", "6"],
        ["Bookings made from an intake", "3"],
        ["Consultations completed", "3"],
        ["No-shows", "1"],
    ]
    assert _csv(client.get(f"/staff/insights/rates.csv?{PERIOD}")) == [
        ["measure", "count", "out_of", "rate"],
        ["No-show rate", "1", "4", "0.2500"],
        ["Cancellation rate", "1", "6", "0.1667"],
    ]
    assert _csv(client.get(f"/staff/insights/lead-time.csv?{PERIOD}")) == [
        ["measure", "hours"],
        ["Median", "29.00"],
        ["90th percentile", "191.40"],
    ]
    assert _csv(client.get(f"/staff/insights/advisors.csv?{PERIOD}")) == [
        ["advisor", "advisor_zone", "consultations", "booked_hours", "open_hours", "share"],
        ["'=cmd Harper", "UTC", "0", "0.00", "0.00", ""],  # a formula is defused
        ["James Okafor", "Europe/London", "1", "1.00", "4.00", "0.2500"],
        ["Maria Lopez", "America/New_York", "3", "2.50", "34.00", "0.0735"],
        ["Priya Raman", "Asia/Tokyo", "2", "1.00", "2.00", "0.5000"],
    ]
    weekdays = _csv(client.get(f"/staff/insights/weekdays.csv?{PERIOD}"))
    assert weekdays[0] == ["weekday", "consultations"] and weekdays[2] == ["Tuesday", "3"]
    hours = _csv(client.get(f"/staff/insights/hours.csv?{PERIOD}"))
    assert len(hours) == 25 and hours[16] == ["15:00", "2"]
    assert client.get(f"/staff/insights/bookings.csv?{PERIOD}").status_code == 404


def test_insights_are_for_staff_and_admins_only(client, auth, ctx):
    pages = ["/staff/insights", f"/staff/insights/funnel.csv?{PERIOD}"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    advisor = make_advisor()
    auth.login(advisor.user.email)
    for page in pages:
        assert client.get(page).status_code == 403, page
    assert 'href="/staff/insights"' not in client.get("/dashboard").get_data(as_text=True)
    auth.logout()
    for role in (Role.STAFF, Role.ADMIN):
        auth.login(make_user(role).email)
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)
        assert 'href="/staff/insights"' in client.get("/dashboard").get_data(as_text=True)
        auth.logout()


def _field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    assert match, f"no error beside {field_id}"
    return match.group(1)


@pytest.mark.parametrize(
    ("query", "field_id", "message"),
    [
        ("from=2030-02-01&to=2030-01-01", "to", "Choose a last day on or after the first day."),
        ("from=1999-12-31&to=2000-01-31", "from", "Choose a date between 2000 and 2099."),
        ("from=2099-12-01&to=2100-01-01", "to", "Choose a date between 2000 and 2099."),
        ("from=2020-01-01&to=2022-01-01", "to", "Choose at most two years (731 days)."),
        ("from=yesterday&to=2030-01-01", "from", "Not a valid date value."),
    ],
)
def test_period_errors_stand_beside_their_field(client, auth, ctx, query, field_id, message):
    auth.login(make_user(Role.STAFF).email)
    response = client.get(f"/staff/insights?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _field_error(page, field_id) == message
    assert f'id="{field_id}"' in page and 'aria-invalid="true"' in page
    assert 'role="img"' not in page  # no figures for a period that is not one
    assert client.get(f"/staff/insights/funnel.csv?{query}").status_code == 400


def test_two_years_with_a_leap_day_are_allowed_and_blank_dates_take_the_default(
    client, auth, ctx
):
    auth.login(make_user(Role.STAFF).email)
    two_years = client.get("/staff/insights?from=2020-01-01&to=2021-12-31")
    assert two_years.status_code == 200
    assert "From Wednesday, January 1, 2020 to Friday, December 31, 2021" in two_years.get_data(
        as_text=True
    )
    page = client.get("/staff/insights?from=&to=").get_data(as_text=True)
    first, last = insights.default_period("UTC")
    assert (last - first).days == 89 and last == datetime.now(UTC).date()
    assert f'value="{first.isoformat()}"' in page and f'value="{last.isoformat()}"' in page
    assert "Dates in UTC." in page


def test_staff_with_an_advisor_profile_see_days_in_its_zone(ctx):
    user = make_user(Role.STAFF)
    assert insights.zone_of(user.id) == "UTC"
    advisor = make_advisor(timezone="Asia/Tokyo")
    assert insights.zone_of(advisor.user_id) == "Asia/Tokyo"


def test_weekly_hours_of_inactive_advisors_without_bookings_are_left_out(ctx):
    gone = make_advisor(name="Gone", active=False)
    db.session.add(
        WeeklyHoursRange(advisor_id=gone.id, weekday=0, start_time=time(9), end_time=time(10))
    )
    db.session.commit()
    assert [a.name for a in insights.compute(_period()).advisors] == ["Gone"]  # it had hours


def test_open_hours_on_the_days_the_clocks_change():
    """01:00-05:00 in New York: 3 hours when clocks spring forward (10 March 2030), 5 when
    they fall back (3 November 2030), as the slot engine reads wall-clock ranges."""
    sundays = {6: [(time(1), time(5))]}
    spring = insights.Period(date(2030, 3, 10), date(2030, 3, 10), "America/New_York")
    autumn = insights.Period(date(2030, 11, 3), date(2030, 11, 3), "America/New_York")
    assert insights.open_minutes("America/New_York", sundays, {}, spring) == 180
    assert insights.open_minutes("America/New_York", sundays, {}, autumn) == 300
    day_off = {date(2030, 3, 10): []}
    assert insights.open_minutes("America/New_York", sundays, day_off, spring) == 0


def test_the_zone_of_the_weekday_and_hour_tables_is_named_as_people_read_it(ctx):
    tables = insights.tables(insights.compute(_period("America/Chicago")))
    titles = " ".join(table.caption for table in tables.values())
    assert "Consultations by day of the week (Central Time)" in titles
    assert "America/Chicago" not in titles
