"""Property tests of the series planner against an independent brute force, on tiny random clinics.

Clinics, protocols, preferences and stored sessions are drawn at random around ordinary weeks and the
weeks of both DST changes in New York and London. The planner searches a 30-minute grid (`step`).

The brute force shares nothing with the planner's search. Opening hours are drawn on the half hour, so
the planner's grid is every half-hour wall-clock time of a day at which a session fits; the brute force
takes every half-hour wall-clock time of every day, asks place_session whether one session fits there,
and tries every combination of later starts for the rest of the course, asking check_spacing whether
each prefix keeps the spacing and check_series whether the whole course is valid. The planner's answer
must be the earliest first session of any valid course: inside the target window when any course fits
there, else inside the hard window (or with none).

The same draws give the properties of alternatives, availability and one session's options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import error_codes as codes
from scheduler.planning import (
    Booking,
    ClinicRules,
    Interval,
    LocalTimeError,
    Nurse,
    Occupancy,
    Placement,
    Preferences,
    SeriesPlanner,
    SeriesRequest,
    SeriesSpec,
    Slot,
    Spacing,
    WeeklyInterval,
    check_series,
    check_spacing,
    localize,
    place_session,
)

# Hypothesis over whole planning scenarios, seconds each: `make test`, not `make test-fast`.
pytestmark = pytest.mark.slow

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
PATIENT = 7
OTHER_PATIENT = 8
STEP = timedelta(minutes=30)
HALF_HOURS = [time(h, m) for h in range(24) for m in (0, 30)]

# Mondays of an ordinary week and of the weeks whose Sunday changes the clocks (zone, Monday).
WEEKS = [
    (NY, date(2027, 3, 1)),
    (NY, date(2027, 3, 8)),  # spring forward on 14 March
    (NY, date(2027, 11, 1)),  # fall back on 7 November
    (LONDON, date(2027, 3, 1)),
    (LONDON, date(2027, 3, 22)),  # spring forward on 28 March
    (LONDON, date(2027, 10, 25)),  # fall back on 31 October
]

PROPERTIES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Scenario:
    rules: ClinicRules
    chair_ids: tuple[int, ...]
    nurses: tuple[Nurse, ...]
    bookings: tuple[Booking, ...]
    spec: SeriesSpec
    prefs: Preferences
    last_day: date

    @property
    def tz(self) -> ZoneInfo:
        return self.rules.tz

    def occupancy(self) -> Occupancy:
        """A fresh index of the stored sessions (check_series adds what it places to the one it is given)."""
        return Occupancy(self.bookings)

    def planner(self, **kwargs) -> SeriesPlanner:
        return SeriesPlanner(
            rules=self.rules, chair_ids=self.chair_ids, nurses=self.nurses, occupancy=self.occupancy(),
            patient_id=PATIENT, step=STEP, last_day=self.last_day, **kwargs,
        )

    def days(self) -> list[date]:
        return [self.prefs.earliest + timedelta(days=n) for n in range((self.last_day - self.prefs.earliest).days + 1)]


# --- Drawing tiny clinics -----------------------------------------------------------------------


def sometimes(strategy):
    """None two times in three, else a value of `strategy`: most requests carry few wishes."""
    return st.integers(0, 2).flatmap(lambda n: strategy if n == 0 else st.none())


def _half_hour(draw, lo: int, hi: int) -> time:
    """A wall-clock time on the half hour, between hour `lo` and hour `hi`."""
    return HALF_HOURS[draw(st.integers(2 * lo, 2 * hi))]


@st.composite
def weekly_hours(draw, *, night: bool) -> tuple[WeeklyInterval, ...]:
    """A week of opening hours on the half hour: some days closed, some split, touching or with a break."""
    found = []
    for weekday in range(7):
        kind = draw(st.sampled_from(["closed", "day", "day", "day", "split", "touching"] + (["night"] if night else [])))
        if kind == "closed":
            continue
        if kind == "night":  # open across the small hours, where the clocks change
            found.append(WeeklyInterval(weekday, time(0, 0), _half_hour(draw, 3, 6)))
            continue
        opens = _half_hour(draw, 6, 10)
        closes = _half_hour(draw, max(opens.hour + 2, 12), 20)
        if kind == "day":
            found.append(WeeklyInterval(weekday, opens, closes))
        else:
            middle = _half_hour(draw, opens.hour + 1, closes.hour - 1)
            found.append(WeeklyInterval(weekday, opens, middle))
            again = middle if kind == "touching" else HALF_HOURS[min(HALF_HOURS.index(middle) + 2, 47)]
            if again < closes:
                found.append(WeeklyInterval(weekday, again, closes))
    return tuple(found)


@st.composite
def instants(draw, tz: ZoneInfo, first: date, days: int) -> datetime:
    """A quarter-hour instant in the small window around the search (a gap hour reads as its later self)."""
    day = first + timedelta(days=draw(st.integers(-1, days)))
    wall = datetime.combine(day, time()) + timedelta(minutes=15 * draw(st.integers(4 * 5, 4 * 20)))
    try:
        return localize(wall, tz)
    except LocalTimeError:
        return localize(wall + timedelta(hours=1), tz)


@st.composite
def specs(draw) -> SeriesSpec:
    """A course of 1 to 3 sessions of an hour or more, spaced by a random mix of the protocol rules."""
    count = draw(st.sampled_from([1, 2, 2, 3, 3, 3]))
    window = draw(st.sampled_from([None, None, 3, 5, 7]))
    target = draw(st.sampled_from([None, 2, 3, 4, 6]))
    spacing = Spacing(
        min_gap=draw(st.sampled_from([None, None, timedelta(hours=20), timedelta(hours=40), timedelta(hours=48)])),
        max_gap=draw(st.sampled_from([None, None, timedelta(hours=26), timedelta(hours=72)])),
        min_gap_days=draw(st.sampled_from([None, None, 1, 2])),
        max_gap_days=draw(st.sampled_from([None, None, 1, 3])),
        consecutive_weekdays=draw(st.booleans()) and draw(st.booleans()),
        window_days=window,
        warn_window_days=draw(st.sampled_from([None, 3])),
    )
    return SeriesSpec(
        count=count,
        minutes=draw(st.sampled_from([60, 90, 120, 150])),
        spacing=spacing,
        first_extra_minutes=draw(st.sampled_from([0, 0, 30])),
        target_window_days=target,
    )


@st.composite
def scenarios(draw, *, night: bool = True) -> Scenario:
    tz, monday = draw(st.sampled_from(WEEKS))
    earliest = monday + timedelta(days=draw(st.integers(0, 3)))
    span = draw(st.integers(2, 6))
    last_day = earliest + timedelta(days=span)
    hours = draw(weekly_hours(night=night))
    chair_ids = tuple(range(1, draw(st.integers(1, 2)) + 1))

    nurses = []
    for nurse_id in range(1, draw(st.integers(1, 2)) + 1):
        shifts = hours if draw(st.integers(0, 2)) else draw(weekly_hours(night=night))
        time_off = ()
        if draw(st.integers(0, 3)) == 0:
            start = draw(instants(tz, earliest, span))
            time_off = (Interval(start, start + timedelta(minutes=30 * draw(st.integers(1, 48)))),)
        nurses.append(Nurse(nurse_id, shifts, time_off))

    closures = ()
    if draw(st.integers(0, 3)) == 0:
        start = draw(instants(tz, earliest, span))
        closures = (Interval(start, start + timedelta(minutes=30 * draw(st.integers(1, 60)))),)
    rules = ClinicRules(
        tz=tz, opening_hours=hours, closures=closures,
        nurse_max_concurrent=draw(st.integers(1, 3)), stagger=timedelta(minutes=draw(st.sampled_from([0, 15, 30, 45]))),
    )

    bookings = []
    for session_id in range(1, draw(st.integers(0, 10)) + 1):
        start = draw(instants(tz, earliest, span))
        bookings.append(
            Booking(
                start, start + timedelta(minutes=draw(st.sampled_from([30, 60, 90, 120, 240]))),
                draw(st.sampled_from([*chair_ids, 99])), draw(st.sampled_from([n.id for n in nurses] + [99])),
                draw(st.sampled_from([PATIENT, OTHER_PATIENT, OTHER_PATIENT])), session_id,
            )
        )

    midnight = localize(datetime.combine(earliest, time()), tz)
    prefs = Preferences(
        earliest=earliest,
        # "Now" on the quarter hour, sometimes exactly at a grid start: a start at "now" is not offered.
        not_before=midnight + timedelta(minutes=15 * draw(st.integers(0, 4 * 14))),
        weekdays=draw(sometimes(st.frozensets(st.integers(0, 6), min_size=2))),
        time_from=draw(sometimes(st.sampled_from(HALF_HOURS[14:26]))),
        time_to=draw(sometimes(st.sampled_from([time(h, m) for h in range(11, 21) for m in (0, 15, 30, 45)]))),
        chair_id=draw(sometimes(st.sampled_from(chair_ids))),
        nurse_id=draw(sometimes(st.sampled_from([n.id for n in nurses]))),
    )
    return Scenario(rules, chair_ids, tuple(nurses), tuple(bookings), draw(specs()), prefs, last_day)


# --- The brute force ----------------------------------------------------------------------------


def _wanted(s: Scenario, start: datetime, end: datetime) -> bool:
    """The patient's wishes, read from their definition: weekdays, after now, inside the time of day."""
    local_start, local_end = start.astimezone(s.tz), end.astimezone(s.tz)
    p = s.prefs
    if p.weekdays is not None and local_start.weekday() not in p.weekdays:
        return False
    if start <= p.not_before:
        return False
    if p.time_from is not None and local_start.time() < p.time_from:
        return False
    return p.time_to is None or (local_end.date() == local_start.date() and local_end.time() <= p.time_to)


def feasible_starts(s: Scenario, minutes: int) -> list[tuple[datetime, datetime]]:
    """Every half-hour wall-clock start of the searched days at which one session fits, by place_session.

    In UTC: an aware time inside the repeated autumn hour never compares equal to one in another zone (PEP 495).
    """
    occupancy = s.occupancy()
    found = []
    for day in s.days():
        for wall in HALF_HOURS:
            try:
                start = localize(datetime.combine(day, wall), s.tz).astimezone(UTC)
            except LocalTimeError:
                continue
            end = start + timedelta(minutes=minutes)
            if not _wanted(s, start, end):
                continue
            placed = place_session(
                Placement(start, end, PATIENT), rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=occupancy
            )
            if placed.ok:
                found.append((start, end))
    return sorted(found)


def _course_is_valid(s: Scenario, course, spacing: Spacing) -> bool:
    requests = [SeriesRequest(k, Placement(a, b, PATIENT)) for k, (a, b) in enumerate(course, start=1)]
    check = check_series(
        requests, spacing=spacing, rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=s.occupancy()
    )
    return check.first_violation is None


# Spacing violations that only grow worse for a later candidate: stop looking further on.
_MONOTONE = {codes.SPACING_TOO_FAR, codes.WINDOW_EXCEEDED}


def brute_force_first(s: Scenario, window: int | None) -> datetime | None:
    """The earliest first start of any valid course whose span is within `window` days (None: any)."""
    spacing = replace(s.spec.spacing, window_days=window)
    firsts = feasible_starts(s, s.spec.minutes_for(1))
    laters = feasible_starts(s, s.spec.minutes_for(2)) if s.spec.count > 1 else []
    # Sessions of an hour or more never meet, and start further apart than any stagger drawn: whether a
    # course can be completed depends only on its last session and (for the window) its first date.
    memo: dict = {}

    def completes(course: list[tuple[datetime, datetime]], first_day: date | None) -> bool:
        if len(course) == s.spec.count:
            return _course_is_valid(s, course, spacing)
        key = (len(course), course[-1], first_day)
        if key not in memo:
            memo[key] = False
            for candidate in laters:
                if candidate[0] <= course[-1][0]:
                    continue
                slots = [Slot(k, a, b) for k, (a, b) in enumerate([*course, candidate], start=1)]
                violations, _ = check_spacing(slots, spacing, s.tz)
                if any(v.code in _MONOTONE for v in violations):
                    break  # every later candidate is further still
                if not violations and completes([*course, candidate], first_day):
                    memo[key] = True
                    break
        return memo[key]

    for first in firsts:
        if completes([first], first[0].astimezone(s.tz).date() if window is not None else None):
            return first[0]
    return None


def expected_first(s: Scenario) -> datetime | None:
    """The planner's promise: the target window first when it is tighter than the hard one, then the hard one."""
    hard, target = s.spec.spacing.window_days, s.spec.target_window_days
    if target is not None and (hard is None or target < hard):
        found = brute_force_first(s, target)
        if found is not None:
            return found
    return brute_force_first(s, hard)


# --- Properties ---------------------------------------------------------------------------------


def _assert_valid(s: Scenario, proposal) -> None:
    """Every rule holds for the series as proposed, with its own chairs and nurses, and the wishes too."""
    sessions = proposal.sessions
    assert [p.sequence for p in sessions] == list(range(1, s.spec.count + 1))
    assert [p.end - p.start for p in sessions] == [timedelta(minutes=s.spec.minutes_for(k)) for k, _ in enumerate(sessions, 1)]
    requests = [SeriesRequest(p.sequence, Placement(p.start, p.end, PATIENT, p.chair_id, p.nurse_id)) for p in sessions]
    check = check_series(
        requests, spacing=s.spec.spacing, rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=s.occupancy()
    )
    assert check.first_violation is None, check.first_violation
    violations, warnings = check_spacing([Slot(p.sequence, p.start, p.end) for p in sessions], s.spec.spacing, s.tz)
    assert violations == []
    assert list(proposal.warnings) == warnings
    for p in sessions:
        assert _wanted(s, p.start, p.end)
        assert s.prefs.earliest <= p.start.astimezone(s.tz).date() <= s.last_day


@PROPERTIES
@given(scenarios())
def test_the_proposal_is_valid_and_no_earlier_first_session_exists(s):
    proposal = s.planner().propose(s.spec, s.prefs)
    expected = expected_first(s)
    if proposal is None:
        assert expected is None
        return
    _assert_valid(s, proposal)
    assert expected is not None
    assert proposal.sessions[0].start == expected


@PROPERTIES
@given(scenarios())
def test_a_free_preferred_chair_or_nurse_is_used(s):
    plan = s.planner()
    proposal = plan.propose(s.spec, s.prefs)
    if proposal is None:
        return
    occupancy = s.occupancy()
    for p in proposal.sessions:
        placed = place_session(
            Placement(p.start, p.end, PATIENT, s.prefs.chair_id, s.prefs.nurse_id),
            rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=occupancy,
        )
        free = {v.code for v in placed.violations}
        if s.prefs.chair_id is not None and codes.CHAIR_CONFLICT not in free:
            assert p.chair_id == s.prefs.chair_id
        nurse_codes = {codes.NURSE_UNAVAILABLE, codes.NURSE_CAPACITY, codes.STAGGER}
        if s.prefs.nurse_id is not None and not free & nurse_codes:
            assert p.nurse_id == s.prefs.nurse_id


@PROPERTIES
@given(scenarios())
def test_alternatives_are_few_distinct_and_valid(s):
    plan = s.planner()
    primary = plan.propose(s.spec, s.prefs)
    if primary is None:
        return
    others = plan.alternatives(s.spec, s.prefs, primary)
    assert len(others) <= 3
    signatures = {tuple(p.start for p in proposal.sessions) for proposal in (primary, *others)}
    assert len(signatures) == 1 + len(others)
    for proposal in others:
        _assert_valid(s, proposal)


@PROPERTIES
@given(scenarios(), st.booleans())
def test_availability_is_exactly_the_starts_place_session_accepts(s, first_visit):
    plan = s.planner()
    minutes = s.spec.minutes_for(1 if first_visit else 2)
    occupancy = s.occupancy()
    for day in s.days():
        found = {slot.start: slot for slot in plan.availability(day, minutes, not_before=s.prefs.not_before)}
        for wall in HALF_HOURS:
            try:
                start = localize(datetime.combine(day, wall), s.tz).astimezone(UTC)
            except LocalTimeError:
                continue
            end = start + timedelta(minutes=minutes)

            def ok(chair_id=None, nurse_id=None, start=start, end=end):
                placement = Placement(start, end, PATIENT, chair_id, nurse_id)
                return place_session(
                    placement, rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=occupancy
                ).ok

            slot = found.pop(start, None)
            if slot is None:
                assert start <= s.prefs.not_before or not ok(), start
                continue
            assert start > s.prefs.not_before and slot.end == end
            assert slot.chair_ids == tuple(c for c in s.chair_ids if ok(chair_id=c))
            assert slot.nurse_ids == tuple(n.id for n in s.nurses if ok(nurse_id=n.id))
        assert not found, "a start off the half-hour grid"


@PROPERTIES
@given(scenarios(), st.data())
def test_session_options_keep_the_course_valid(s, data):
    proposal = s.planner().propose(s.spec, s.prefs)
    if proposal is None:
        return
    course = proposal.sessions
    ids = {p.sequence: 1000 + p.sequence for p in course}
    stored = s.bookings + tuple(Booking(p.start, p.end, p.chair_id, p.nurse_id, PATIENT, ids[p.sequence]) for p in course)
    moving = data.draw(st.sampled_from(course))
    exclude = frozenset({ids[moving.sequence]})
    plan = SeriesPlanner(
        rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=Occupancy(stored),
        patient_id=PATIENT, step=STEP, exclude=exclude,
    )
    others = [Slot(p.sequence, p.start, p.end) for p in course if p.sequence != moving.sequence]
    options = plan.session_options(
        moving.sequence, s.spec.minutes_for(moving.sequence), others, s.spec.spacing,
        earliest=s.prefs.earliest, not_before=s.prefs.not_before, count=5, days=s.spec.count + 6,
    )
    starts = [o.start for o in options]
    assert starts == sorted(starts) and len(set(starts)) == len(starts) <= 5
    for option in options:
        assert option.sequence == moving.sequence
        violations, _ = check_spacing([*others, Slot(option.sequence, option.start, option.end)], s.spec.spacing, s.tz)
        assert violations == []
        placed = place_session(
            Placement(option.start, option.end, PATIENT, option.chair_id, option.nurse_id),
            rules=s.rules, chair_ids=s.chair_ids, nurses=s.nurses, occupancy=Occupancy(stored), exclude=exclude,
        )
        assert placed.ok, placed.violations
    # Its own booking is no conflict: its present time is offered when it is among the first options.
    if len(options) < 5 or moving.start <= options[-1].start:
        assert moving.start in starts
