"""Wall-clock time in a clinic's zone: localising and shifting instants across DST, and whether a span lies
inside weekly hours (opening hours, nurse shifts)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.errors import ApplicationError
from scheduler import error_codes as codes
from scheduler.planning.values import Violation, WeeklyInterval


class LocalTimeError(ApplicationError, ValueError):
    """A wall-clock time that does not exist in the clinic's zone (a spring-forward gap): bad input, 400.

    Still a ValueError, as it was before it joined the ApplicationError family, so no caller's handling changes.
    """

    def __init__(self, violation: Violation):
        super().__init__(violation.code, violation.message, details=violation.details, status=400)
        self.violation = violation


def localize(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as an aware instant.

    A time inside a spring-forward gap does not exist and is refused. A time that occurs twice (the
    fall-back hour) is taken at its first occurrence, the one still on daylight time (fold=0).
    """
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
