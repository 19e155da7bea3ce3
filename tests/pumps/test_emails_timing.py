"""When an episode's emails are due (pumps.outbox's pure functions): the check-in reminder on a review day, the last
visit's the day before, the return reminder out of quiet hours; on the patient's wall clock, across DST changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.outbox.timing import quiet_deferred
from pumps.outbox import checkin_due, day_before_due

NY = ZoneInfo("America/New_York")
QUIET = (dt.time(21, 0), dt.time(8, 0))


def ny(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    "review, expected",
    [
        (ny(2026, 3, 9, 14, 0), ny(2026, 3, 9, 12, 0)),  # 2 hours before
        (ny(2026, 3, 9, 10, 0), ny(2026, 3, 9, 8, 0)),  # 08:00 is the end of quiet hours: allowed
        (ny(2026, 3, 9, 9, 0), ny(2026, 3, 9, 8, 0)),  # 07:00 is quiet: at their end, an hour before
        (ny(2026, 3, 9, 8, 15), ny(2026, 3, 8, 21, 0)),  # their end is too close to the review: the evening before
        (ny(2026, 3, 8, 10, 0), ny(2026, 3, 8, 8, 0)),  # the spring-forward Sunday: still 08:00 on the wall clock
        (ny(2026, 3, 8, 3, 30), ny(2026, 3, 7, 21, 0)),  # 01:30 EST is quiet and the review is before 08:00
        (ny(2026, 11, 1, 10, 0), ny(2026, 11, 1, 8, 0)),  # the fall-back Sunday
        (ny(2026, 3, 9, 23, 30), ny(2026, 3, 9, 21, 0)),  # 21:30 is quiet: earlier, at their start
    ],
)
def test_the_checkin_reminder_of_a_review(review, expected):
    assert checkin_due(review, NY, *QUIET) == expected.astimezone(dt.UTC)


@pytest.mark.parametrize(
    "removal, expected",
    [
        (ny(2026, 3, 11, 10, 0), ny(2026, 3, 10, 10, 0)),
        (ny(2026, 3, 9, 10, 0), ny(2026, 3, 8, 10, 0)),  # across the spring-forward night: 23 hours, same wall clock
        (ny(2026, 11, 2, 10, 0), ny(2026, 11, 1, 10, 0)),  # across the fall-back night: 25 hours
        (ny(2026, 3, 11, 7, 30), ny(2026, 3, 9, 21, 0)),  # 07:30 the day before is quiet: earlier, never later
    ],
)
def test_the_last_visit_reminder_is_the_day_before_at_the_same_wall_clock(removal, expected):
    assert day_before_due(removal, NY, *QUIET) == expected.astimezone(dt.UTC)


@pytest.mark.parametrize(
    "overdue, expected",
    [
        (ny(2026, 3, 9, 14, 0), ny(2026, 3, 9, 14, 0)),
        (ny(2026, 3, 9, 22, 0), ny(2026, 3, 10, 8, 0)),  # in the evening: the next morning
        (ny(2026, 3, 9, 3, 0), ny(2026, 3, 9, 8, 0)),  # at night: that morning
        (ny(2026, 3, 7, 23, 0), ny(2026, 3, 8, 8, 0)),  # the night of the change: 08:00 EDT
    ],
)
def test_a_return_reminder_waits_for_the_end_of_quiet_hours(overdue, expected):
    assert quiet_deferred(overdue, NY, *QUIET) == expected.astimezone(dt.UTC)
