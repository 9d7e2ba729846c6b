"""The booking rules a new advisor starts with: the one source for the settings row made with
the profile, the migration that backfilled it, and the pure engine's defaults."""

from __future__ import annotations

from datetime import time

DEFAULT_SETTINGS: dict[str, int | bool | None] = {
    "duration_minutes": 45,
    "interval_minutes": 15,
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 15,
    "min_notice_hours": 12,
    "horizon_days": 60,
    "max_per_day": None,
    "booking_enabled": True,
    "closed_on_holidays": True,  # US federal holidays; an advisor from before it keeps False
    "reschedule_cutoff_hours": 12,
    "cancel_cutoff_hours": 2,
    "hold_minutes": None,  # bookings are confirmed straight away
}

# Monday-Friday 09:00-17:00 in the advisor's zone (0 = Monday).
DEFAULT_WEEKLY_HOURS: dict[int, tuple[tuple[time, time], ...]] = {
    day: ((time(9, 0), time(17, 0)),) for day in range(5)
}
