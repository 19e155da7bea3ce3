"""Property tests of scheduler.planning's indexes and counters against brute force, on random intervals.

Instants are drawn around ordinary days and both DST changes, and each one is written in UTC, New York or
London time at random: the rules must answer the same whatever zone an instant arrives in (the database
gives UTC, the desk's input arrives in the clinic's zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler import error_codes as codes
from scheduler.planning import (
    Booking,
    Interval,
    LocalTimeError,
    Occupancy,
    check_nurse_capacity,
    check_stagger,
    localize,
    peak_load,
    shift_wall_clock,
)

# Hypothesis against brute-force scans, seconds each: `make test`, not `make test-fast`.
pytestmark = pytest.mark.slow

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
ZONES = (UTC, NY, LONDON)

# Midnight UTC of an ordinary day, New York's spring-forward and fall-back days (the change is a few hours in).
BASES = (
    datetime(2027, 3, 3, tzinfo=UTC),
    datetime(2027, 3, 14, tzinfo=UTC),
    datetime(2027, 11, 7, tzinfo=UTC),
)
SPAN = 12 * 60  # minutes

FAST = settings(max_examples=150, deadline=None)


@st.composite
def instants(draw, base):
    minute = draw(st.integers(0, SPAN))
    zone = draw(st.sampled_from(ZONES))
    return (base + timedelta(minutes=minute)).astimezone(zone)


@st.composite
def scenarios(draw):
    """Random bookings of a few keys, a random query window and a random set of excluded sessions."""
    base = draw(st.sampled_from(BASES))
    bookings = []
    for session_id in range(draw(st.integers(0, 25))):
        start = draw(instants(base))
        length = timedelta(minutes=draw(st.integers(0, 240)))
        end = (start.astimezone(UTC) + length).astimezone(draw(st.sampled_from(ZONES)))
        key = draw(st.integers(1, 3))
        bookings.append(Booking(start, end, key, key, key, session_id))
    start = draw(instants(base))
    end = (start.astimezone(UTC) + timedelta(minutes=draw(st.integers(0, 300)))).astimezone(
        draw(st.sampled_from(ZONES))
    )
    exclude = frozenset(draw(st.sets(st.integers(0, 25), max_size=5)))
    return bookings, start, end, exclude


def u(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def brute_overlapping(bookings, kind, key, start, end, exclude):
    return sorted(
        b.session_id
        for b in bookings
        if getattr(b, f"{kind}_id") == key and b.session_id not in exclude and u(b.start) < u(end) and u(start) < u(b.end)
    )


def brute_load(bookings, at: datetime) -> int:
    return sum(1 for b in bookings if u(b.start) <= u(at) < u(b.end))


def brute_peak(bookings, start, end) -> int:
    minutes = int((u(end) - u(start)).total_seconds() // 60)
    return max((brute_load(bookings, u(start) + timedelta(minutes=m)) for m in range(minutes)), default=0)


@FAST
@given(scenarios(), st.sampled_from(["chair", "nurse", "patient"]), st.integers(1, 3))
def test_overlapping_matches_a_scan(scenario, kind, key):
    bookings, start, end, exclude = scenario
    found = Occupancy(bookings).overlapping(kind, key, start, end, exclude)
    assert sorted(b.session_id for b in found) == brute_overlapping(bookings, kind, key, start, end, exclude)
    assert [u(b.start) for b in found] == sorted(u(b.start) for b in found)


@FAST
@given(scenarios(), st.integers(1, 3))
def test_overlapping_does_not_depend_on_insertion_order(scenario, key):
    bookings, start, end, exclude = scenario
    forward = Occupancy(bookings).overlapping("nurse", key, start, end, exclude)
    backward = Occupancy(reversed(bookings)).overlapping("nurse", key, start, end, exclude)
    assert sorted(b.session_id for b in forward) == sorted(b.session_id for b in backward)


@FAST
@given(scenarios(), st.integers(1, 3))
def test_near_matches_a_scan(scenario, key):
    bookings, start, end, exclude = scenario
    found = Occupancy(bookings).near("nurse", key, start, end, exclude)
    expected = sorted(
        b.session_id for b in bookings if b.nurse_id == key and b.session_id not in exclude and u(start) <= u(b.start) < u(end)
    )
    assert sorted(b.session_id for b in found) == expected


@FAST
@given(scenarios())
def test_peak_load_matches_a_minute_by_minute_count(scenario):
    bookings, start, end, _ = scenario
    peak, peak_at = peak_load(bookings, start, end)
    assert peak == brute_peak(bookings, start, end)
    if peak:
        assert u(start) <= u(peak_at) < u(end)
        assert brute_load(bookings, peak_at) == peak


@FAST
@given(scenarios(), st.integers(1, 3), st.integers(1, 5))
def test_nurse_capacity_refuses_exactly_when_the_true_peak_is_full(scenario, key, cap):
    bookings, start, end, exclude = scenario
    mine = [b for b in bookings if b.nurse_id == key and b.session_id not in exclude]
    violation = check_nurse_capacity(start, end, key, Occupancy(bookings), cap, exclude)
    if u(start) < u(end):
        assert (violation is not None) == (brute_peak(mine, start, end) + 1 > cap)
    if violation is not None:
        assert violation.code == codes.NURSE_CAPACITY


@FAST
@given(scenarios(), st.integers(1, 3), st.integers(0, 60))
def test_stagger_refuses_exactly_when_another_start_is_closer_than_s(scenario, key, minutes):
    bookings, start, _, exclude = scenario
    stagger = timedelta(minutes=minutes)
    close = [
        b for b in bookings
        if b.nurse_id == key and b.session_id not in exclude and abs(u(b.start) - u(start)) < stagger
    ]
    violation = check_stagger(start, key, Occupancy(bookings), stagger, exclude)
    assert (violation is not None) == bool(close)


@FAST
@given(scenarios())
def test_interval_overlap_does_not_depend_on_the_zone_an_instant_is_written_in(scenario):
    bookings, start, end, _ = scenario
    for b in bookings:
        interval = Interval(b.start, b.end)
        assert interval.overlaps(start, end) == (u(b.start) < u(end) and u(start) < u(b.end))


# --- Local time ---------------------------------------------------------------------------------

walls = st.builds(
    lambda day, minute: datetime(2027, 1, 1) + timedelta(days=day, minutes=minute),
    st.sampled_from([71, 72, 85, 86, 302, 303, 309, 310]),  # around both changes in New York and London
    st.integers(0, 24 * 60 - 1),
)


@FAST
@given(walls, st.sampled_from([NY, LONDON]))
def test_localize_takes_the_earliest_instant_showing_that_wall_time(wall, tz):
    candidates = sorted(
        instant
        for instant in ((wall - timedelta(hours=h)).replace(tzinfo=UTC) for h in range(-6, 3))
        if instant.astimezone(tz).replace(tzinfo=None) == wall
    )
    if not candidates:
        try:
            localize(wall, tz)
        except LocalTimeError as exc:
            assert exc.violation.code == codes.NONEXISTENT_LOCAL_TIME
        else:
            raise AssertionError(f"{wall} does not exist in {tz.key} but was accepted")
    else:
        assert u(localize(wall, tz)) == candidates[0]


@FAST
@given(walls, st.integers(-40, 40), st.sampled_from([NY, LONDON]))
def test_shift_wall_clock_moves_the_wall_clock_by_whole_days(wall, days, tz):
    try:
        instant = localize(wall, tz)
    except LocalTimeError:
        return
    try:
        shifted = shift_wall_clock(instant.astimezone(UTC), timedelta(days=days), tz)
    except LocalTimeError:
        return
    assert shifted.astimezone(tz).replace(tzinfo=None) == wall + timedelta(days=days)
