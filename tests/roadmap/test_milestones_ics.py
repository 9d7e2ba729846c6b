"""The milestones calendar: a reminder and the roadmap's link on every milestone, and the
weekly study sessions as one recurring event in the person's zone when asked."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from advising.extensions import db
from advising.intake.models import Intake
from advising.intake.services import roadmap_of
from tests.intake.helpers import submit_intake, token_of


def _calendar(client, url: str) -> tuple[Calendar, bytes]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data), response.data


def test_each_milestone_has_a_reminder_and_the_roadmaps_link(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10"))
    cal, body = _calendar(client, f"/roadmap/{token}/milestones.ics")
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    events = cal.walk("VEVENT")
    assert len(events) == len(roadmap.milestones)
    link = f"http://127.0.0.1:5000/roadmap/{token}"
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm["TRIGGER"].dt == -timedelta(hours=15)  # 9:00 AM the day before
        assert str(event["URL"]) == link
        assert str(event["DESCRIPTION"]).endswith(f"Your roadmap: {link}")
        assert "RRULE" not in event
    assert cal.walk("VTIMEZONE") == [] and b"RRULE" not in body


def _study_events(cal) -> list:
    return [e for e in cal.walk("VEVENT") if "RRULE" in e]


def _page_hours_by_day(roadmap) -> dict[str, float]:
    codes = dict(zip(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                      "Sunday"), ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))
    hours: dict[str, float] = {}
    for block in roadmap.study_plan.blocks:
        hours[codes[block.day]] = hours.get(codes[block.day], 0) + block.hours
    return hours


def _calendar_hours_by_day(cal) -> dict[str, float]:
    hours: dict[str, float] = {}
    for event in _study_events(cal):
        length = (event["DTEND"].dt - event["DTSTART"].dt).total_seconds() / 3600
        for day in event["RRULE"]["BYDAY"]:
            assert day not in hours, f"{day} twice"
            hours[day] = length
    return hours


def test_study_sessions_are_the_pages_plan_until_the_exam_in_the_persons_zone(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10", timezone="America/Chicago"))
    cal, body = _calendar(client, f"/roadmap/{token}/milestones.ics?study=1")
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    recurring = _study_events(cal)
    assert len(cal.walk("VEVENT")) == len(roadmap.milestones) + len(recurring)
    # the same days and hours as the weekly plan on the page
    assert _calendar_hours_by_day(cal) == _page_hours_by_day(roadmap)
    assert sum(_calendar_hours_by_day(cal).values()) == 10
    exam = next(m.date for m in roadmap.milestones if m.key == "exam")
    from zoneinfo import ZoneInfo

    until = datetime.combine(exam, time(0), tzinfo=ZoneInfo("America/Chicago"))
    for study in recurring:
        rule = study["RRULE"]
        assert rule["FREQ"] == ["WEEKLY"]
        assert rule["UNTIL"] == [until.astimezone(ZoneInfo("UTC"))]
        start = study["DTSTART"].dt
        assert start.tzinfo.key == "America/Chicago" and start.time() == time(19)
        assert start.date() >= roadmap.start_date
        assert start.strftime("%a")[:2].upper() in rule["BYDAY"]
        assert str(study["URL"]) == f"http://127.0.0.1:5000/roadmap/{token}"
    assert b"DTSTART;TZID=America/Chicago:" in body
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Chicago"
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert f'href="/roadmap/{token}/milestones.ics?study=1"' in page


@pytest.mark.parametrize("hours", [1, 5, 9, 15, 60])
@pytest.mark.parametrize("worries", [["cost"], ["work_family_balance", "cost"]])
def test_the_study_calendar_matches_the_weekly_plan_for_any_hours(client, ctx, hours, worries):
    """The page's plan and the calendar agree day by day (60 hours a week was 7 sessions of
    8.5 hours in the calendar against 6 days of 10 on the page); long days start at 9 AM."""
    token = token_of(submit_intake(client, hours_per_week=str(hours), worries=worries))
    cal, _body = _calendar(client, f"/roadmap/{token}/milestones.ics?study=1")
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    assert _calendar_hours_by_day(cal) == _page_hours_by_day(roadmap)
    for study in _study_events(cal):
        long = study["DTEND"].dt - study["DTSTART"].dt > timedelta(hours=3)
        assert study["DTSTART"].dt.time() == (time(9) if long else time(19))


def test_a_hostile_name_cannot_add_lines_to_the_calendar(client, ctx):
    """The form refuses control characters; stored answers that hold them anyway (or a
    roadmap text quoting the name) still cannot add a line to the file."""
    from advising.intake import services
    from advising.roadmap import services as roadmap_services
    from tests.intake.helpers import answers

    hostile = "Dana\rEND:VEVENT\nBEGIN:VEVENT\nATTENDEE:mailto:x@evil.example"
    intake, _token = services.create_intake(answers(name=hostile))
    roadmap = services.roadmap_of(intake)
    milestone = roadmap.milestones[0]
    import dataclasses

    roadmap = dataclasses.replace(
        roadmap,
        milestones=(dataclasses.replace(milestone, title=hostile, description=hostile),
                    *roadmap.milestones[1:]),
    )
    body = roadmap_services.milestones_ics(
        intake, roadmap, "http://127.0.0.1:5000", "http://127.0.0.1:5000/roadmap/x", study=True
    )
    cal = Calendar.from_ical(body)
    assert b"\r\nATTENDEE" not in body and b"\r\nBEGIN:VEVENT\r\nATTENDEE" not in body
    assert len(cal.walk("VEVENT")) == len(roadmap.milestones) + 1
    assert all("ATTENDEE" not in e for e in cal.walk("VEVENT"))
