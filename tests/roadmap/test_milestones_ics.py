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
from advising.roadmap.services import study_sessions
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


def test_study_sessions_are_one_weekly_event_until_the_exam_in_the_persons_zone(client, ctx):
    token = token_of(submit_intake(client, hours_per_week="10", timezone="America/Chicago"))
    cal, body = _calendar(client, f"/roadmap/{token}/milestones.ics?study=1")
    db.session.rollback()
    roadmap = roadmap_of(db.session.scalar(select(Intake)))
    recurring = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert len(recurring) == 1 and len(cal.walk("VEVENT")) == len(roadmap.milestones) + 1
    (study,) = recurring
    rule = study["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["TU", "TH", "SA", "SU"]  # 10 hours: four sessions of 2.5 h
    exam = next(m.date for m in roadmap.milestones if m.key == "exam")
    from zoneinfo import ZoneInfo

    until = datetime.combine(exam, time(0), tzinfo=ZoneInfo("America/Chicago"))
    assert rule["UNTIL"] == [until.astimezone(ZoneInfo("UTC"))]
    start = study["DTSTART"].dt
    assert start.tzinfo.key == "America/Chicago" and start.time() == time(19)
    assert start.date() >= roadmap.start_date
    assert start.strftime("%a") in ("Tue", "Thu", "Sat", "Sun")
    assert study["DTEND"].dt - start == timedelta(hours=2, minutes=30)
    assert b"DTSTART;TZID=America/Chicago:" in body
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Chicago"
    assert str(study["URL"]) == f"http://127.0.0.1:5000/roadmap/{token}"
    page = client.get(f"/roadmap/{token}").get_data(as_text=True)
    assert f'href="/roadmap/{token}/milestones.ics?study=1"' in page


@pytest.mark.parametrize(
    ("hours", "days", "length", "start"),
    [
        (1, ("TU", "SA"), timedelta(minutes=30), time(19)),
        (5, ("TU", "SA"), timedelta(hours=2, minutes=30), time(19)),
        (6, ("TU", "SA"), timedelta(hours=3), time(19)),
        (9, ("TU", "TH", "SA"), timedelta(hours=3), time(19)),
        (60, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), timedelta(hours=8, minutes=30), time(9)),
    ],
)
def test_hours_a_week_are_split_into_sessions(hours, days, length, start):
    sessions = study_sessions(hours)
    assert (sessions.days, sessions.length, sessions.start) == (days, length, start)


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
