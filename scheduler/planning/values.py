"""The plain values the rules work on: intervals, a clinic's rules, nurses, bookings, spacing, violations.

Callers load database rows into these (scheduler.selectors, bookings.selectors); nothing here knows the ORM.
Instants are aware datetimes, compared in UTC (`_utc`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def _utc(instant: datetime) -> datetime:
    """The instant in UTC. Python compares and subtracts two datetimes sharing a tzinfo by their wall
    clocks (fold ignored), so across a DST change only UTC values give elapsed time and a true order."""
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return _utc(self.start) < _utc(end) and _utc(start) < _utc(self.end)


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WeeklyInterval:
    """Wall-clock hours on one weekday (0 = Monday), optionally valid only between two dates."""

    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True, slots=True)
class ChairClosure:
    """A span when one chair is out of service (maintenance); the rest of the clinic works."""

    chair_id: int
    start: datetime
    end: datetime
    reason: str = ""

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return _utc(self.start) < _utc(end) and _utc(start) < _utc(self.end)


@dataclass(frozen=True, slots=True)
class ClinicRules:
    tz: ZoneInfo
    opening_hours: tuple[WeeklyInterval, ...]
    closures: tuple[Interval, ...] = ()
    nurse_max_concurrent: int = 3
    stagger: timedelta = timedelta(minutes=15)
    clock: str = "24h"  # how messages print a time of day (common.clock)
    #: Closures of one chair each: the planner sees them as that chair's busy intervals (Occupancy.block_chairs).
    chair_closures: tuple[ChairClosure, ...] = ()


@dataclass(frozen=True, slots=True)
class Nurse:
    id: int
    shifts: tuple[WeeklyInterval, ...]
    time_off: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True)
class Booking:
    """A stored (or provisionally planned) session that holds a chair, a nurse and a patient."""

    start: datetime
    end: datetime
    chair_id: int
    nurse_id: int
    patient_id: int
    session_id: int | None = None
    #: Not a session: a chair out of service (Occupancy.block_chairs), held in the chair index only.
    out_of_service: bool = False


@dataclass(frozen=True, slots=True)
class Spacing:
    """How a course's sessions are spaced, from one session's start to the next one's."""

    min_gap: timedelta | None = None
    max_gap: timedelta | None = None
    min_gap_days: int | None = None
    max_gap_days: int | None = None
    consecutive_weekdays: bool = False
    window_days: int | None = None
    warn_window_days: int | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """One session of a series: its place in the course and its time."""

    sequence: int
    start: datetime
    end: datetime
