"""When a patient email is due: pure functions on instants, offsets and quiet hours. No ORM, no clock.

A reminder `h` hours before a session is due at the session's start minus `h` hours of elapsed time (UTC
arithmetic), so "24 h before" is exactly 24 hours before even across a daylight-saving change. Quiet
hours are wall-clock times in the patient's zone, an open interval: with 21:00–08:00 a send at exactly
21:00 or 08:00 is allowed, one at 21:01 or 07:59 is not. A due time inside quiet hours moves *earlier*,
to the moment quiet hours began, never later.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    """Whether a wall-clock time falls strictly inside quiet hours (which may span midnight)."""
    local = local.replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start < local < end
    return local > start or local < end


def wall_clock_instant(day, at: time, tz: tzinfo) -> datetime:
    """The instant of a wall-clock time, as UTC.

    Ambiguous (fall back): the first of the two. Nonexistent (spring-forward gap): read with the offset after
    the gap, which lands before it (02:30 on a New York spring-forward day gives 01:30 EST), so a send moved
    to it is early, never late, and at a real time.
    """
    local = datetime.combine(day, at).replace(tzinfo=tz, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        # Nonexistent: fold=0 reads it with the offset before the gap, landing after it; fold=1, before it.
        return datetime.combine(day, at).replace(tzinfo=tz, fold=1).astimezone(UTC)
    return instant


def quiet_adjusted(due: datetime, tz: tzinfo, start: time, end: time) -> datetime:
    """`due`, or the start of the quiet hours it falls in (always earlier), as a UTC instant."""
    local = due.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return due.astimezone(UTC)
    day = local.date()
    if start > end and local.time() < end:
        day -= timedelta(days=1)  # after midnight: quiet hours began the evening before
    moved = wall_clock_instant(day, start, tz)
    return min(moved, due.astimezone(UTC))


def reminder_due(starts_at: datetime, hours: int, tz: tzinfo, quiet_start: time, quiet_end: time) -> datetime:
    """When the reminder `hours` before a session starting at `starts_at` should be sent (UTC)."""
    # In UTC: Python subtracts from an aware datetime in its own wall clock, so a start given in a local
    # zone would otherwise be off by an hour across a DST change.
    return quiet_adjusted(starts_at.astimezone(UTC) - timedelta(hours=hours), tz, quiet_start, quiet_end)


def quiet_deferred(instant: datetime, tz: tzinfo, start: time, end: time) -> datetime:
    """`instant`, or the end of the quiet hours it falls in (later: the mirror of quiet_adjusted, for a notice that
    may wait till morning, e.g. a device overdue in the night), as a UTC instant."""
    local = instant.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return instant.astimezone(UTC)
    day = local.date()
    if start > end and local.time() > start:
        day += timedelta(days=1)  # before midnight: quiet hours end the next morning
    return max(wall_clock_instant(day, end, tz), instant.astimezone(UTC))


def days_later_due(at: datetime, days: int, tz: tzinfo, quiet_start: time, quiet_end: time) -> datetime:
    """`days` calendar days from `at` (negative: before) at the same wall-clock time (23 or 25 hours a day across a
    change), quiet hours applied."""
    local = at.astimezone(tz)
    target = wall_clock_instant(local.date() + timedelta(days=days), local.time().replace(tzinfo=None), tz)
    return quiet_adjusted(target, tz, quiet_start, quiet_end)


def booster_due(completed_at: datetime, days: int, tz: tzinfo, quiet_start: time, quiet_end: time) -> datetime:
    """The booster recall: `days` calendar days after the course ended, at the same wall-clock time."""
    return days_later_due(completed_at, days, tz, quiet_start, quiet_end)


def retry_delay(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """Exponential back-off after `attempts` failed tries: base, 2·base, 4·base … capped."""
    return timedelta(seconds=min(cap_seconds, base_seconds * (2 ** max(0, attempts - 1))))
