"""Wall-clock time in a clinic's zone: localising and shifting instants across DST, and whether a span lies
inside weekly hours (opening hours, nurse shifts)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.errors import ApplicationError
from scheduler import error_codes as codes
from scheduler.planning.values import Violation, WeeklyInterval

#: The wall-clock times a schedule may hold. Near the ends of datetime's range (years 1 and 9999) a zone
#: conversion, a session's end or the day around it would overflow; nothing is booked that far off.
EARLIEST_LOCAL = datetime(1900, 1, 1)
LATEST_LOCAL = datetime(3000, 1, 1)  # exclusive
#: The clinic dates inside that range, for pages and queries that take a day.
FIRST_DAY, LAST_DAY = EARLIEST_LOCAL.date(), LATEST_LOCAL.date() - timedelta(days=1)


class LocalTimeError(ApplicationError, ValueError):
    """A wall-clock time that does not exist in the clinic's zone (a spring-forward gap), or one outside
    EARLIEST_LOCAL..LATEST_LOCAL: bad input, 400.

    Still a ValueError, as it was before it joined the ApplicationError family, so no caller's handling changes.
    """

    def __init__(self, violation: Violation):
        super().__init__(violation.code, violation.message, details=violation.details, status=400)
        self.violation = violation


def localize(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as an aware instant.

    A time inside a spring-forward gap does not exist and is refused. A time that occurs twice (the
    fall-back hour) is taken at its first occurrence, the one still on daylight time (fold=0). A time
    (or an aware instant, by its own wall clock) outside EARLIEST_LOCAL..LATEST_LOCAL is refused.
    """
    wall = local.replace(tzinfo=None)
    if not EARLIEST_LOCAL <= wall < LATEST_LOCAL:
        raise LocalTimeError(
            Violation(
                codes.TIME_OUT_OF_RANGE,
                f"{wall:%Y-%m-%d %H:%M} is out of range: give a time between {EARLIEST_LOCAL:%Y-%m-%d} and "
                f"{LATEST_LOCAL - timedelta(days=1):%Y-%m-%d}.",
                {"local_time": wall.isoformat(), "earliest": EARLIEST_LOCAL.isoformat(), "latest": LATEST_LOCAL.isoformat()},
            )
        )
    if local.tzinfo is not None:
        return local
    candidate = local.replace(tzinfo=tz, fold=0)
    round_trip = candidate.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local:
        raise LocalTimeError(
            Violation(
                codes.NONEXISTENT_LOCAL_TIME,
                f"{local:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip that hour.",
                {"local_time": local.isoformat(), "timezone": tz.key},
            )
        )
    return candidate


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def shift_wall_clock(instant: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """Move an instant by `delta` of wall-clock time, so 10:00 stays 10:00 across a DST change."""
    wall = instant.astimezone(tz).replace(tzinfo=None) + delta
    return localize(wall, tz)


def wall_clock_delta(old: datetime, new: datetime, tz: ZoneInfo) -> timedelta:
    return new.astimezone(tz).replace(tzinfo=None) - old.astimezone(tz).replace(tzinfo=None)


def next_weekday(day: date) -> date:
    step = {4: 3, 5: 2}.get(day.weekday(), 1)
    return day + timedelta(days=step)


def _stretches(intervals: Iterable[WeeklyInterval], day: date) -> list[tuple[time, time]]:
    """The day's intervals merged: those that touch or overlap are one stretch (08–12 and 12–18 are 08–18)."""
    merged: list[tuple[time, time]] = []
    for iv in sorted((iv for iv in intervals if iv.applies_on(day)), key=lambda iv: iv.start):
        if merged and iv.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], iv.end))
        else:
            merged.append((iv.start, iv.end))
    return merged


def _inside_stretches(
    start: datetime, end: datetime, tz: ZoneInfo, stretches_of: Callable[[date], Sequence[tuple[time, time]]]
) -> bool:
    """[start, end) lies, in `tz`'s wall-clock time, inside one of the stretches of its day
    (`stretches_of(day)`); it may end exactly at midnight, not later."""
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    day = local_start.date()
    if local_end.date() != day and not (local_end.date() == day + timedelta(days=1) and local_end.time() == time(0)):
        return False
    end_wall = local_end.time() if local_end.date() == day else time.max
    begin = local_start.time()
    return any(a <= begin and end_wall <= b for a, b in stretches_of(day))


def _inside_weekly(start: datetime, end: datetime, intervals: Iterable[WeeklyInterval], tz: ZoneInfo) -> bool:
    return _inside_stretches(start, end, tz, lambda day: _stretches(intervals, day))
