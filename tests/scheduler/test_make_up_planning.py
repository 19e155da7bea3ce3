"""A new session (a make-up) joining a course by its time: its number, and the dates it may take. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import planning

NY = ZoneInfo("America/New_York")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=NY).astimezone(UTC)


def course(*days: int) -> list[planning.Slot]:
    """Kept sessions, numbered as stored (with gaps where one was missed)."""
    return [planning.Slot(k, at(d), at(d) + timedelta(hours=2)) for k, d in zip((1, 2, 4, 5, 6), days, strict=False)]


@pytest.mark.parametrize(("day", "expected", "numbers"), [
    (15, 6, [1, 2, 3, 4, 5, 6]),  # after the last: the kept ones after the gap move up
    (5, 3, [1, 2, 3, 4, 5, 6]),  # in the gap: it takes the missed number
    (2, 2, [1, 2, 3, 4, 5, 6]),  # between the first two
])
def test_numbered_by_time(day, expected, numbers):
    kept = course(1, 3, 8, 10, 12)
    number, slots = planning.numbered_by_time(kept, at(day), at(day) + timedelta(hours=2))
    assert number == expected
    assert [s.sequence for s in slots] == numbers
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    assert slots[number - 1].start == at(day)


@pytest.mark.parametrize(("spacing", "window"), [
    # 40 h and two days apart, no window: nothing fits between the 1st and the 3rd; the gap the missed
    # session left (from the 5th) is the first place, and after the last it is open-ended.
    (planning.Spacing(min_gap=timedelta(hours=40), min_gap_days=2), (date(2027, 3, 5), None)),
    # Within 14 days of the first: the last date is the 14th.
    (planning.Spacing(min_gap=timedelta(hours=40), window_days=14), (date(2027, 3, 5), date(2027, 3, 14))),
    # Weekly, 6 to 8 days apart (1st, 8th, 15th kept): only after the last, 6 to 8 days on.
    (planning.Spacing(min_gap_days=6, max_gap_days=8), (date(2027, 3, 21), date(2027, 3, 23))),
])
def test_new_session_window(spacing, window):
    kept = course(1, 8, 15) if spacing.min_gap_days == 6 else course(1, 3, 8, 10, 12)
    found = planning.new_session_window(120, kept, spacing, NY)
    assert (found.first, found.last) == window


def test_no_place_left_in_the_window():
    # Three days apart, within 12 days, kept on the 1st, 4th, 7th and 10th: no gap holds one, and after the
    # last (the 13th at the earliest) is past the window (the 12th).
    spacing = planning.Spacing(min_gap=timedelta(hours=40), min_gap_days=3, window_days=12)
    found = planning.new_session_window(120, course(1, 4, 7, 10), spacing, NY)
    assert found.first is not None and found.last is not None and found.first > found.last
