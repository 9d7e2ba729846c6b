"""What staff pages read: bookings by filter, and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from advising.advisors.models import AdvisorProfile
from advising.extensions import db
from advising.scheduling.models import Booking
from advising.shared import timefmt as display

PAGE_LIMIT = 500
EXPORT_LIMIT = 50_000
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class BookingFilter:
    advisor_id: int | None = None
    start: date | None = None  # local dates in ``zone``, both included
    end: date | None = None
    status: str | None = None
    query: str | None = None  # part of the visitor's name or e-mail, any case
    zone: str = "UTC"


def _midnight(day: date, zone: str = "UTC") -> datetime:
    """The instant ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _contains(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


def bookings(flt: BookingFilter, *, limit: int = PAGE_LIMIT) -> list[Booking]:
    """Bookings matching ``flt``, by start time."""
    query = select(Booking).options(selectinload(Booking.advisor))
    if flt.advisor_id is not None:
        query = query.where(Booking.advisor_id == flt.advisor_id)
    if flt.start is not None:
        query = query.where(Booking.start_at >= _midnight(flt.start, flt.zone))
    if flt.end is not None:
        query = query.where(Booking.start_at < _midnight(flt.end + timedelta(days=1), flt.zone))
    if flt.status:
        query = query.where(Booking.status == flt.status)
    if flt.query:
        text = flt.query.strip()
        query = query.where(
            or_(_contains(Booking.visitor_name, text), _contains(Booking.visitor_email, text))
        )
    return list(db.session.scalars(query.order_by(Booking.start_at, Booking.id).limit(limit)))


def all_advisors() -> list[AdvisorProfile]:
    return list(db.session.scalars(select(AdvisorProfile).order_by(AdvisorProfile.display_name)))


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: formula-like values get a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _iso(instant: datetime | None) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z") if instant else ""


CSV_COLUMNS = (
    "booking_id",
    "status",
    "start_utc",
    "end_utc",
    "advisor",
    "advisor_time",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "visitor_timezone",
    "topic",
    "booked_utc",
    "cancelled_utc",
    "cancelled_by",
    "cancel_reason",
)


def _row(b: Booking) -> Iterable[object]:
    return (
        b.id,
        b.status,
        _iso(b.start_at),
        _iso(b.end_at),
        b.advisor.display_name,
        display.format_datetime(b.start_at, b.advisor.timezone),
        b.visitor_name,
        b.visitor_email,
        b.visitor_phone,
        b.visitor_timezone,
        b.topic,
        _iso(b.created_at),
        _iso(b.cancelled_at),
        b.cancelled_by,
        b.cancel_reason,
    )


def csv_lines(rows: Iterable[Booking]) -> Iterator[str]:
    """The export, line by line (with a byte-order mark so spreadsheets read UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for booking in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(v) for v in _row(booking)])
        yield buffer.getvalue()
