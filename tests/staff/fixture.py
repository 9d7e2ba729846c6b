"""A small, hand-counted set of intakes, bookings and advisors' hours for the insights tests.

The period is Monday 7 to Sunday 13 January 2030 in UTC (instants [7 Jan 00:00Z, 14 Jan
00:00Z)); no daylight-saving change happens in any zone used here.

Bookings made in the period (created_at): 1, 2, 3, 4, 5, 11 -> 6; from an intake: 1, 2, 5;
completed 1, 4, 11; no-show 2; cancelled 3; confirmed 5. Lead times of those not cancelled:
1 = 29 h, 2 = 75 h, 4 = 3 h, 5 = 269 h, 11 = 0.25 h -> median 29 h, p90 = 75 + 0.6 * 194 =
191.4 h. Held in the period (start_at, not cancelled): 1, 2, 4, 7, 8, 11.

Open hours:
- Maria (New York, UTC-5): Mon-Fri 09:00-17:00, Wednesday 9 off, Saturday 12 10:00-12:00
  -> 4 x 480 + 120 = 2040 min; booked 1 (60) + 2 (45) + 7 (45) = 150 min.
- James (London, UTC+0): Tuesday 13:00-15:00 and 14:00-16:00 (overlap counts once: 180) and
  Sunday 23:00-24:00 (60) -> 240 min; booked 4 (60).
- Priya (Tokyo, UTC+9): Monday 08:00-10:00 local = 23:00Z Sunday to 01:00Z Monday; clipped
  by the period to 7 Jan 00:00-01:00Z and 13 Jan 23:00-24:00Z -> 120 min; booked 8 + 11 = 60.
- "=cmd Harper" (a formula-like name): no hours, no bookings.

New advisors start with default weekly hours; the fixture removes them first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import delete

from advising.extensions import db
from advising.scheduling.models import (
    CANCELLED,
    COMPLETED,
    CONFIRMED,
    NO_SHOW,
    Booking,
    DateOverride,
    WeeklyHoursRange,
)
from tests.factories import make_advisor
from tests.intake import helpers as intake_helpers

FIRST, LAST = date(2030, 1, 7), date(2030, 1, 13)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 1, year: int = 2030) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_booking(
    advisor, start: datetime, minutes: int, status: str, created: datetime, intake=None
) -> Booking:
    """A booking row made at ``created`` (the intake tests' helper, with its creation time)."""
    booking = intake_helpers.make_booking(
        advisor, start=start, minutes=minutes, status=status, intake=intake
    )
    booking.created_at = created
    return booking


def make_intake(created_at: datetime):
    return intake_helpers.make_intake(created_at=created_at)[0]


def hours(advisor, weekday: int, start: time, end: time) -> None:
    db.session.add(
        WeeklyHoursRange(advisor_id=advisor.id, weekday=weekday, start_time=start, end_time=end)
    )


@dataclass
class Seeded:
    maria: object
    james: object
    priya: object


def seed() -> Seeded:
    maria = make_advisor(name="Maria Lopez", timezone="America/New_York")
    james = make_advisor(name="James Okafor", timezone="Europe/London")
    priya = make_advisor(name="Priya Raman", timezone="Asia/Tokyo")
    harper = make_advisor(name="=cmd Harper", timezone="UTC")
    ids = {maria.id, james.id, priya.id, harper.id}
    db.session.execute(  # new advisors start with Mon-Fri 09:00-17:00: start from none
        delete(WeeklyHoursRange)
        .where(WeeklyHoursRange.advisor_id.in_(ids))
        .execution_options(availability_of=ids)
    )
    for weekday in range(5):
        hours(maria, weekday, time(9), time(17))
    db.session.add(DateOverride(advisor_id=maria.id, day=date(2030, 1, 9)))  # day off
    db.session.add(
        DateOverride(
            advisor_id=maria.id, day=date(2030, 1, 12), start_time=time(10), end_time=time(12)
        )
    )
    hours(james, 1, time(13), time(15))
    hours(james, 1, time(14), time(16))
    hours(james, 6, time(23), time(0))
    hours(priya, 0, time(8), time(10))

    intake_a = make_intake(at(6, 12))  # before the period
    intake_b = make_intake(at(7, 9))
    intake_c = make_intake(at(9, 7))
    make_intake(datetime(2030, 1, 13, 23, 59, 59, tzinfo=UTC))  # the period's last second
    make_intake(at(14))  # the first instant after it

    make_booking(maria, at(8, 15), 60, COMPLETED, at(7, 10), intake_a)  # 1
    make_booking(maria, at(10, 15), 45, NO_SHOW, at(7, 12), intake_b)  # 2
    make_booking(maria, at(11, 18), 45, CANCELLED, at(8, 9))  # 3
    make_booking(james, at(8, 13), 60, COMPLETED, at(8, 10))  # 4
    make_booking(james, at(20, 13), 60, CONFIRMED, at(9, 8), intake_c)  # 5
    make_booking(maria, at(8, 18), 45, COMPLETED, at(20, 9, month=12, year=2029))  # 7
    make_booking(priya, at(7), 30, COMPLETED, at(1))  # 8
    make_booking(maria, at(9, 15), 45, CANCELLED, at(5))  # 9
    make_booking(james, at(15, 13), 60, CONFIRMED, at(14))  # 10
    make_booking(priya, at(13, 23, 45), 30, COMPLETED, at(13, 23, 30))  # 11
    db.session.commit()
    return Seeded(maria, james, priya)
