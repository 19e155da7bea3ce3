"""When emails are due: quiet hours, offsets in elapsed time, booster dates, back-off. Pure, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.outbox import timing

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
T = dt.time
NIGHT = (T(21, 0), T(8, 0))  # the default: wraps midnight
AFTERNOON = (T(13, 0), T(15, 0))  # a window that does not wrap
EMPTY = (T(9, 0), T(9, 0))  # start == end: no quiet hours at all


def ny(*args, fold=0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY, fold=fold)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "local, window, quiet",
    [
        # Across midnight: an open interval, both ends allowed.
        (T(20, 59), NIGHT, False),
        (T(21, 0), NIGHT, False),
        (T(21, 0, 1), NIGHT, True),
        (T(21, 1), NIGHT, True),
        (T(23, 59, 59), NIGHT, True),
        (T(0, 0), NIGHT, True),
        (T(3, 0), NIGHT, True),
        (T(7, 59, 59), NIGHT, True),
        (T(8, 0), NIGHT, False),
        (T(8, 0, 1), NIGHT, False),
        (T(12, 0), NIGHT, False),
        # Not wrapping.
        (T(12, 59), AFTERNOON, False),
        (T(13, 0), AFTERNOON, False),
        (T(13, 0, 1), AFTERNOON, True),
        (T(14, 59, 59), AFTERNOON, True),
        (T(15, 0), AFTERNOON, False),
        (T(0, 0), AFTERNOON, False),
        (T(23, 0), AFTERNOON, False),
        # Empty.
        (T(9, 0), EMPTY, False),
        (T(3, 0), EMPTY, False),
        (T(21, 30), EMPTY, False),
        # A window from midnight, and one to midnight.
        (T(0, 0), (T(0, 0), T(6, 0)), False),
        (T(0, 0, 1), (T(0, 0), T(6, 0)), True),
        (T(23, 59), (T(22, 0), T(0, 0)), True),
        (T(0, 0), (T(22, 0), T(0, 0)), False),
        (T(21, 59), (T(22, 0), T(0, 0)), False),
        # An aware time is read as its wall clock.
        (T(22, 0, tzinfo=UTC), NIGHT, True),
    ],
)
def test_in_quiet_hours(local, window, quiet):
    assert timing.in_quiet_hours(local, *window) is quiet


@pytest.mark.parametrize(
    "due, tz, window, expected",
    [
        # Outside quiet hours: unchanged (returned in UTC).
        (ny(2026, 4, 10, 12, 0), NY, NIGHT, utc(2026, 4, 10, 16, 0)),
        (ny(2026, 4, 10, 21, 0), NY, NIGHT, utc(2026, 4, 11, 1, 0)),
        (ny(2026, 4, 10, 8, 0), NY, NIGHT, utc(2026, 4, 10, 12, 0)),
        # In the evening: back to 21:00 the same day.
        (ny(2026, 4, 10, 21, 1), NY, NIGHT, utc(2026, 4, 11, 1, 0)),
        (ny(2026, 4, 10, 23, 45), NY, NIGHT, utc(2026, 4, 11, 1, 0)),
        # After midnight: back to 21:00 the evening before.
        (ny(2026, 4, 10, 0, 0), NY, NIGHT, utc(2026, 4, 10, 1, 0)),
        (ny(2026, 4, 10, 7, 59), NY, NIGHT, utc(2026, 4, 10, 1, 0)),
        # A window that does not wrap.
        (ny(2026, 4, 10, 14, 0), NY, AFTERNOON, utc(2026, 4, 10, 17, 0)),
        (ny(2026, 4, 10, 15, 0), NY, AFTERNOON, utc(2026, 4, 10, 19, 0)),
        (ny(2026, 4, 10, 13, 0), NY, AFTERNOON, utc(2026, 4, 10, 17, 0)),
        # No window: never moved.
        (ny(2026, 4, 10, 3, 0), NY, EMPTY, utc(2026, 4, 10, 7, 0)),
        # The patient's zone decides, not the instant's: 02:00 UTC is 03:00 in London (quiet), 22:00 in New York.
        (utc(2026, 4, 10, 2, 0), LONDON, NIGHT, utc(2026, 4, 9, 20, 0)),
        (utc(2026, 4, 10, 2, 0), NY, NIGHT, utc(2026, 4, 10, 1, 0)),
        # Spring forward (New York, Sunday 8 March 2026): 07:30 EDT goes back to 21:00 EST on the Saturday.
        (ny(2026, 3, 8, 7, 30), NY, NIGHT, utc(2026, 3, 8, 2, 0)),
        # Fall back (Sunday 1 November 2026): 07:30 EST goes back to 21:00 EDT on the Saturday.
        (ny(2026, 11, 1, 7, 30), NY, NIGHT, utc(2026, 11, 1, 1, 0)),
        # Both 01:30s of the fall-back night are quiet; each goes back to the same 21:00.
        (ny(2026, 11, 1, 1, 30, fold=0), NY, NIGHT, utc(2026, 11, 1, 1, 0)),
        (ny(2026, 11, 1, 1, 30, fold=1), NY, NIGHT, utc(2026, 11, 1, 1, 0)),
        # London: 07:00 BST on Sunday 29 March 2026 back to 21:00 GMT on the Saturday.
        (dt.datetime(2026, 3, 29, 7, 0, tzinfo=LONDON), LONDON, NIGHT, utc(2026, 3, 28, 21, 0)),
        # Quiet hours that begin in the spring-forward gap (02:30 does not exist on 8 March in New York): the
        # send goes before the gap, at 01:30 EST, a real time outside quiet hours.
        (ny(2026, 3, 8, 4, 0), NY, (T(2, 30), T(5, 0)), utc(2026, 3, 8, 6, 30)),
    ],
)
def test_quiet_adjusted(due, tz, window, expected):
    moved = timing.quiet_adjusted(due, tz, *window)
    assert moved == expected
    assert moved.tzinfo == UTC
    assert moved <= due  # never later
    assert not timing.in_quiet_hours(moved.astimezone(tz).time(), *window)


@pytest.mark.parametrize(
    "starts_at, hours, tz, expected",
    [
        # Elapsed hours, in UTC: 24 h before Sunday 10:00 EDT (the spring-forward day) is Saturday 09:00 EST.
        (ny(2026, 3, 8, 10, 0), 24, NY, utc(2026, 3, 7, 14, 0)),
        (ny(2026, 3, 10, 10, 0), 72, NY, utc(2026, 3, 7, 14, 0)),
        # Fall back: 24 h before Sunday 10:00 EST is Saturday 11:00 EDT.
        (ny(2026, 11, 1, 10, 0), 24, NY, utc(2026, 10, 31, 15, 0)),
        (ny(2026, 11, 2, 10, 0), 72, NY, utc(2026, 10, 30, 15, 0)),
        # A same-day note at 08:00 would be 06:00: inside quiet hours, it goes at 21:00 the evening before.
        (ny(2026, 4, 14, 8, 0), 2, NY, utc(2026, 4, 14, 1, 0)),
        (ny(2026, 4, 14, 11, 0), 2, NY, utc(2026, 4, 14, 13, 0)),
    ],
)
def test_reminder_due(starts_at, hours, tz, expected):
    assert timing.reminder_due(starts_at, hours, tz, *NIGHT) == expected


@pytest.mark.parametrize(
    "completed_at, days, window, expected",
    [
        # Same wall-clock time 28 calendar days later, across spring forward (27 days 23 hours elapsed).
        (ny(2026, 2, 10, 15, 0), 28, NIGHT, ny(2026, 3, 10, 15, 0)),
        (ny(2026, 10, 20, 15, 0), 28, NIGHT, ny(2026, 11, 17, 15, 0)),
        # Completed late in the evening: the recall goes at 21:00.
        (ny(2026, 4, 1, 22, 30), 28, NIGHT, ny(2026, 4, 29, 21, 0)),
        # A wall-clock time that does not exist on the day (02:30 on 8 March): the hour before the gap.
        (ny(2026, 2, 8, 2, 30), 28, EMPTY, utc(2026, 3, 8, 6, 30)),
        # An ambiguous one (01:30 on 1 November): the first of the two.
        (ny(2026, 10, 4, 1, 30), 28, EMPTY, utc(2026, 11, 1, 5, 30)),
    ],
)
def test_booster_due(completed_at, days, window, expected):
    assert timing.booster_due(completed_at, days, NY, *window) == expected


@pytest.mark.parametrize(
    "attempts, expected_seconds",
    [(0, 60), (1, 60), (2, 120), (3, 240), (4, 480), (6, 1920), (7, 3600), (8, 3600), (200, 3600)],
)
def test_retry_delay(attempts, expected_seconds):
    assert timing.retry_delay(attempts, 60, 3600) == dt.timedelta(seconds=expected_seconds)


def test_retry_delay_with_a_cap_below_the_base():
    assert timing.retry_delay(1, 600, 300) == dt.timedelta(seconds=300)
