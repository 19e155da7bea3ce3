"""The dates and starts a single session of a booked course may take: its window among the others, and a
day's starts thinned for display. Pure functions, as the rest of the package."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from scheduler.planning.localtime import local_date, next_weekday
from scheduler.planning.values import Slot, Spacing, _utc

_T = TypeVar("_T")


def spread(items: Sequence[_T], count: int) -> list[_T]:
    """At most `count` of `items`, evenly spread from the first to the last (a day's starts, morning to evening)."""
    if count <= 0:
        return []
    if len(items) <= count:
        return list(items)
    if count == 1:
        return [items[0]]
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


@dataclass(frozen=True, slots=True)
class SessionWindow:
    """The clinic dates on which one session of a course may fall, given the rest of the course.

    None on a side: the spacing rules set no bound there (a first session without a largest gap to the
    next, a last one without a largest gap or a window, a one-session course). `first > last`: no date fits.
    """

    first: date | None
    last: date | None


def session_window(
    sequence: int, minutes: int, course: Sequence[Slot], spacing: Spacing, tz: ZoneInfo
) -> SessionWindow:
    """Every date that check_spacing could accept for session `sequence` of `minutes` among `course` (its
    other sessions), and perhaps a few more: the bounds come from its neighbours (gaps in hours and days,
    consecutive weekdays, its end before the next one starts) and from the course's window.

    A superset, not the exact set: gap hours are rounded out to whole days and a weekday rule to the days
    around it; the caller still checks each candidate with check_spacing.
    """
    others = [s for s in course if s.sequence != sequence]
    before = max((s for s in others if s.sequence < sequence), key=lambda s: s.sequence, default=None)
    after = min((s for s in others if s.sequence > sequence), key=lambda s: s.sequence, default=None)
    lows: list[date] = []
    highs: list[date] = []

    def day_of(instant: datetime) -> date:
        return local_date(_utc(instant), tz)

    if before is not None:
        day = day_of(before.start)
        lows.append(day_of(before.end))  # it starts once the one before has ended
        if spacing.min_gap is not None:
            lows.append(day_of(_utc(before.start) + spacing.min_gap))
        if spacing.max_gap is not None:
            highs.append(day_of(_utc(before.start) + spacing.max_gap))
        if spacing.min_gap_days is not None:
            lows.append(day + timedelta(days=spacing.min_gap_days))
        if spacing.max_gap_days is not None:
            highs.append(day + timedelta(days=spacing.max_gap_days))
        if spacing.consecutive_weekdays:
            lows.append(next_weekday(day))
            highs.append(next_weekday(day))
    if after is not None:
        day = day_of(after.start)
        highs.append(day_of(_utc(after.start) - timedelta(minutes=minutes)))  # it ends before the next one starts
        if spacing.min_gap is not None:
            highs.append(day_of(_utc(after.start) - spacing.min_gap))
        if spacing.max_gap is not None:
            lows.append(day_of(_utc(after.start) - spacing.max_gap))
        if spacing.min_gap_days is not None:
            highs.append(day - timedelta(days=spacing.min_gap_days))
        if spacing.max_gap_days is not None:
            lows.append(day - timedelta(days=spacing.max_gap_days))
        if spacing.consecutive_weekdays:
            # The weekday after a Friday, Saturday or Sunday is the Monday.
            lows.append(day - timedelta(days=3 if day.weekday() == 0 else 1))
            highs.append(day - timedelta(days=1))
    if spacing.window_days is not None and others:
        earliest, latest = min(day_of(s.start) for s in others), max(day_of(s.start) for s in others)
        lows.append(latest - timedelta(days=spacing.window_days - 1))
        highs.append(earliest + timedelta(days=spacing.window_days - 1))
        if (latest - earliest).days + 1 > spacing.window_days:
            # The others alone outrun the window (booked before it shrank): no date of this one mends that.
            lows.append(latest)
            highs.append(earliest)
    return SessionWindow(max(lows, default=None), min(highs, default=None))


def numbered_by_time(course: Sequence[Slot], start: datetime, end: datetime) -> tuple[int, list[Slot]]:
    """A new session at `start`..`end` among a course's kept sessions, every one numbered 1..n by time.

    How a make-up session joins its course: it takes the number of its place in time, and the kept sessions
    after it move up by one, so "session k of n" stays the k-th visit the patient has. Returns the new
    session's number and the renumbered course (the new session included).
    """
    timed = sorted([*[(_utc(s.start), 0, s) for s in course], (_utc(start), 1, Slot(0, start, end))], key=lambda t: t[:2])
    numbered = [Slot(k, s.start, s.end) for k, (_, _, s) in enumerate(timed, start=1)]
    sequence = next(k for k, (_, new, _) in enumerate(timed, start=1) if new)
    return sequence, numbered


def new_session_window(minutes: int, course: Sequence[Slot], spacing: Spacing, tz: ZoneInfo) -> SessionWindow:
    """Every date on which a new session (a make-up) could join `course`, numbered by its time: the union of
    session_window over each place after the first session (the first visit stays first) between the kept
    sessions or after the last (a superset, as session_window's)."""
    ordered = sorted(course, key=lambda s: _utc(s.start))
    firsts: list[date] = []
    lasts: list[date] = []
    open_first = open_last = False
    empty = SessionWindow(None, None)
    for place in range(1 if ordered else 0, len(ordered) + 1):
        renumbered = [Slot(k if k <= place else k + 1, s.start, s.end) for k, s in enumerate(ordered, start=1)]
        window = session_window(place + 1, minutes, renumbered, spacing, tz)
        if window.first is not None and window.last is not None and window.first > window.last:
            empty = window
            continue  # no date fits this place
        if window.first is None:
            open_first = True
        else:
            firsts.append(window.first)
        if window.last is None:
            open_last = True
        else:
            lasts.append(window.last)
    if not (firsts or lasts or open_first or open_last):
        return empty  # no place fits any date (first > last)
    return SessionWindow(None if open_first else min(firsts), None if open_last else max(lasts))
