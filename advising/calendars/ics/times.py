"""Dates, times and durations of one file, placed in time (TZID, X-WR-TIMEZONE, advisor's zone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import x_wr_timezone
from icalendar import vDate, vDatetime, vDuration

from advising.calendars.ics.events import Moment
from advising.calendars.ics.lines import split
from advising.calendars.ics.types import fail
from advising.calendars.ics.zones import ZoneBook
from advising.shared.text import excerpt


class Times:
    """Reads DATE, DATE-TIME, PERIOD and DURATION values the way this calendar means them."""

    def __init__(
        self,
        advisor_zone: tzinfo,
        zones: ZoneBook,
        walker: x_wr_timezone.UTCChangingWalker | None,
    ) -> None:
        self.advisor_zone = advisor_zone
        self.zones = zones
        self.walker = walker

    def instant(self, moment: Moment) -> datetime:
        """An aware datetime for a date, a naive (floating) or an aware datetime."""
        if isinstance(moment, datetime):
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.advisor_zone)
        return datetime(moment.year, moment.month, moment.day, tzinfo=self.advisor_zone)

    def rough_utc(self, moment: Moment) -> datetime:
        """A moment as UTC; dates are taken at midnight in the advisor's zone."""
        return self.instant(moment).astimezone(UTC)

    def moment_line(self, text: str, line: int, name: str) -> Moment:
        """The DATE or DATE-TIME of a whole property line."""
        params, value = split(text, line, name)
        return self.moment(value, params, line, name)

    def moment(self, value: str, params: dict[str, str], line: int, name: str) -> Moment:
        """Parse a DATE or DATE-TIME and place it in time.

        A TZID is resolved by :class:`ZoneBook`; with ``X-WR-TIMEZONE`` the value then goes
        through x-wr-timezone's walker exactly as ``x_wr_timezone.to_standard`` would; what is
        still floating ends up in the advisor's zone.
        """
        text = value.strip()
        try:
            if len(text) == 8:
                return vDate.from_ical(text)
            moment = vDatetime.from_ical(text)
        except (ValueError, TypeError, OverflowError):
            fail(f'{name} "{excerpt(text)}" is not a valid date or date and time.', line)
        if moment.tzinfo is None:
            tzid = params.get("TZID")
            if tzid:
                zone = self.zones.lookup(str(tzid), line)
                if zone is not None:
                    moment = moment.replace(tzinfo=zone)
        # x-wr-timezone takes any time whose zone has no name for floating; zones built from
        # a VTIMEZONE without TZNAME (Outlook's) have none, so only hand it what it should move.
        if self.walker is not None and (moment.tzinfo is None or self.walker.is_UTC(moment)):
            moment = self.walker.walk_value_datetime(moment)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.advisor_zone)
        return moment

    def moments(self, text: str, line: int, name: str) -> list[Moment | tuple[Moment, Any]]:
        """The values of an EXDATE or RDATE line, periods included."""
        params, value = split(text, line, name)
        found: list[Moment | tuple[Moment, Any]] = []
        for item in value.split(","):
            if not item.strip():
                continue
            if "/" in item:
                head, _, tail = item.partition("/")
                begin = self.moment(head, params, line, name)
                if tail.strip().lstrip("+-").upper().startswith("P"):
                    found.append((begin, self.duration_value(tail, line, name)))
                else:
                    found.append((begin, self.moment(tail, params, line, name)))
            else:
                found.append(self.moment(item, params, line, name))
        return found

    def duration(self, text: str, line: int) -> timedelta:
        """The value of a DURATION line."""
        _, value = split(text, line, "DURATION")
        return self.duration_value(value, line, "DURATION")

    def duration_value(self, value: str, line: int, name: str) -> timedelta:
        """A DURATION value (also the tail of a PERIOD)."""
        try:
            duration = vDuration.from_ical(value.strip())
        except (ValueError, TypeError, OverflowError):
            fail(f'{name} "{excerpt(value.strip())}" is not a valid duration.', line)
        if not isinstance(duration, timedelta):
            fail(f'{name} "{excerpt(value.strip())}" is not a valid duration.', line)
        return duration
