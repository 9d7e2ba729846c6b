"""Booking rules, weekly hours, date overrides and bookings."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advising.advisors.models import AdvisorProfile
from advising.database import UTCDateTime, utcnow
from advising.extensions import db


class BookingStatus(StrEnum):
    """Where a booking stands; stored as its value, shared by the API schema and templates."""

    HELD = "held"  # holds the time until the visitor confirms, or the hold expires
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        if self is BookingStatus.HELD:
            return "Awaiting confirmation"
        return "No-show" if self is BookingStatus.NO_SHOW else self.value.capitalize()


class Actor(StrEnum):
    """Who changed a booking."""

    VISITOR = "visitor"
    ADVISOR = "advisor"
    STAFF = "staff"
    SYSTEM = "system"  # an unconfirmed hold that expired


HELD = BookingStatus.HELD
CONFIRMED = BookingStatus.CONFIRMED
CANCELLED = BookingStatus.CANCELLED
COMPLETED = BookingStatus.COMPLETED
NO_SHOW = BookingStatus.NO_SHOW
BOOKING_STATUSES = tuple(BookingStatus)
# Statuses that hold the advisor's time: a completed or missed consultation still happened.
# A held booking holds it too, until its hold expires (the slot query ignores expired holds; the
# booking transaction cancels them before its re-check, so the database never sees two).
HOLDING_STATUSES = (HELD, CONFIRMED, COMPLETED, NO_SHOW)
# Statuses of a consultation that is still to happen (or to be confirmed).
ACTIVE_STATUSES = (HELD, CONFIRMED)
OUTCOMES = (COMPLETED, NO_SHOW)


class BookingSettings(db.Model):
    """An advisor's booking rules. One row per advisor; also the row locked while booking."""

    __tablename__ = "booking_settings"
    moves_availability = True  # see advising.advisors.availability

    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    duration_minutes: Mapped[int] = mapped_column(default=45)
    interval_minutes: Mapped[int] = mapped_column(default=15)
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=15)
    min_notice_hours: Mapped[int] = mapped_column(default=12)
    horizon_days: Mapped[int] = mapped_column(default=60)
    max_per_day: Mapped[int | None] = mapped_column(Integer)
    booking_enabled: Mapped[bool] = mapped_column(default=True)
    # No consultations on US federal holidays (see .federal_holidays) unless a date override
    # sets hours for the date.
    closed_on_holidays: Mapped[bool] = mapped_column(default=True, server_default=false())
    reschedule_cutoff_hours: Mapped[int] = mapped_column(default=12)
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=2)
    # Minutes a new booking is held until the visitor confirms it from the mail; None: off.
    hold_minutes: Mapped[int | None] = mapped_column(Integer)

    advisor: Mapped[AdvisorProfile] = relationship()


class WeeklyHoursRange(db.Model):
    """A range of the advisor's regular weekly hours, in the advisor's local time."""

    __tablename__ = "weekly_hours"
    moves_availability = True  # see advising.advisors.availability
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        Index("ix_weekly_hours_advisor", "advisor_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor_profiles.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column()  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)  # 00:00 means midnight at the end of the day

    advisor: Mapped[AdvisorProfile] = relationship()


class DateOverride(db.Model):
    """Hours for one date replacing the weekly hours; a row without times is a day off."""

    __tablename__ = "date_overrides"
    moves_availability = True  # see advising.advisors.availability
    __table_args__ = (Index("ix_date_overrides_advisor_day", "advisor_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor_profiles.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)


class Booking(db.Model):
    """A consultation. ``blocked_*`` is the time it holds: its own span plus the buffers.

    The database refuses two holding bookings of one advisor whose blocked spans overlap:
    an exclusion constraint on PostgreSQL (created below and in the migration); on SQLite
    the booking service checks and inserts in one ``BEGIN IMMEDIATE`` transaction.
    """

    __tablename__ = "bookings"
    moves_availability = True  # see advising.advisors.availability
    __table_args__ = (
        Index("ix_bookings_advisor_blocked_start", "advisor_id", "blocked_start"),
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint(
            "blocked_end >= end_at AND blocked_start <= start_at", name="blocked_covers"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor_profiles.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=CONFIRMED)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_start: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_end: Mapped[datetime] = mapped_column(UTCDateTime())
    visitor_name: Mapped[str] = mapped_column(String(120))
    visitor_email: Mapped[str] = mapped_column(String(254))
    visitor_phone: Mapped[str | None] = mapped_column(String(40))
    visitor_timezone: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: +1 per move or cancel
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))  # an Actor
    # The career intake (and roadmap) the visitor booked from; kept NULL when it is purged.
    intake_id: Mapped[int | None] = mapped_column(
        ForeignKey("intakes.id", ondelete="SET NULL"), index=True
    )
    # A held booking is freed when this passes unconfirmed (None for every other status).
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the visitor's details were deleted (by them, or by retention): an anonymous slot.
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    advisor: Mapped[AdvisorProfile] = relationship()


BTREE_GIST = DDL("CREATE EXTENSION IF NOT EXISTS btree_gist")
BOOKINGS_NO_OVERLAP = DDL(
    "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
    "(advisor_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&) "
    f"WHERE (status IN ({', '.join(repr(str(s)) for s in HOLDING_STATUSES)}))"
)
event.listen(Booking.__table__, "before_create", BTREE_GIST.execute_if(dialect="postgresql"))
event.listen(
    Booking.__table__, "after_create", BOOKINGS_NO_OVERLAP.execute_if(dialect="postgresql")
)


class BookingEvent(db.Model):
    """One entry of a booking's history: what happened, who did it and when.

    Written in the transaction of the change (see :mod:`advising.scheduling.history`).
    ``detail`` holds no more personal data than the booking itself (a cancellation reason,
    cleared when the visitor's data is deleted) and never a token.
    """

    __tablename__ = "booking_events"
    __table_args__ = (Index("ix_booking_events_booking_at", "booking_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(16))  # an Actor
    # The signed-in advisor or staff member who acted, when there was one.
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    moved_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moved_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detail: Mapped[str] = mapped_column(Text, default="")
