"""The series planner of scheduler.planning, table-driven on plain values: no database.

What the planner promises, and what these tests pin down:

- Starts lie on a grid: every `step` (15 minutes unless told) from the start of each opening interval of
  the day, touching or overlapping intervals merged into one stretch.
- A start is feasible when place_session's rules pass for some chair and some nurse: the clinic is open
  and not closed for the whole session, the patient has nothing else then, some chair is free, and some
  nurse is on shift without time off, has room under the clinic's cap and starts nothing else within the
  stagger.
- First sessions are tried in time order from `earliest` (up to FIRST_HORIZON_DAYS further) and the later
  ones depth-first in time order inside the spacing rules (gap hours, gap days, consecutive weekdays,
  window), so the first complete series found has the earliest feasible first session. The protocol's
  target window is tried first, then its hard window (or none).
- time_from/time_to bound every session (start >= time_from, end <= time_to); weekdays restrict the days.
- A preferred chair or nurse is taken when free. Otherwise the chair whose neighbouring session leaves
  the smallest idle gap wins (a compact day), and the least loaded nurse, then the one whose other starts
  are furthest away (spread starts).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import error_codes as codes
from scheduler.planning import (
    Booking,
    ClinicRules,
    Interval,
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
    session_window,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
PATIENT = 7
OTHER_PATIENT = 8
ALL_WEEK = range(7)


def H(hours: int) -> timedelta:
    return timedelta(hours=hours)


# The six protocols of shared/DOMAIN.md, as the data migration loads them.
DEPRESSION = SeriesSpec(
    6, 120, Spacing(min_gap=H(40), min_gap_days=2, warn_window_days=28), first_extra_minutes=30, target_window_days=21
)
PTSD = SeriesSpec(6, 120, Spacing(min_gap=H(40), window_days=14), target_window_days=14)
PAIN = SeriesSpec(5, 330, Spacing(min_gap=H(20), consecutive_weekdays=True), target_window_days=7)
ANXIETY = SeriesSpec(4, 90, Spacing(min_gap_days=6, max_gap_days=8), target_window_days=22)
BOOSTER = SeriesSpec(1, 120, Spacing())
ESKETAMINE = SeriesSpec(8, 150, Spacing(min_gap=H(48), window_days=28), target_window_days=28)
SPECS = {
    "depression-iv": DEPRESSION,
    "ptsd-iv": PTSD,
    "chronic-pain-iv": PAIN,
    "anxiety-sc": ANXIETY,
    "booster-iv": BOOSTER,
    "esketamine-nasal": ESKETAMINE,
}


# --- Building plain values ----------------------------------------------------------------------


def day(n: int) -> str:
    """The n-th of March 2027 (Monday 1 March is day 1)."""
    return (date(2027, 3, 1) + timedelta(days=n - 1)).isoformat()


MON, TUE, WED, THU, FRI, SAT, SUN = (day(n) for n in range(1, 8))
WEEK = [MON, TUE, WED, THU, FRI]


def at(when: str, hhmm: str, tz: ZoneInfo = NY) -> datetime:
    return localize(datetime.fromisoformat(f"{when}T{hhmm}"), tz)


def weekly(start: str, end: str, days=range(5)) -> tuple[WeeklyInterval, ...]:
    return tuple(WeeklyInterval(d, time.fromisoformat(start), time.fromisoformat(end)) for d in days)


_ids = iter(range(10_000, 10**9))


def busy(when: str, start: str, end: str, *, chair=99, nurse=99, patient=OTHER_PATIENT, tz=NY, session=None) -> Booking:
    """A stored session; chair and nurse 99 belong to no one the planner may use."""
    return Booking(at(when, start, tz), at(when, end, tz), chair, nurse, patient, next(_ids) if session is None else session)


def rules(hours=None, *, tz=NY, closures=(), cap=3, stagger=0) -> ClinicRules:
    """Mon–Fri 08:00–18:00 unless told; no stagger unless a test asks for it."""
    return ClinicRules(
        tz=tz,
        opening_hours=weekly("08:00", "18:00") if hours is None else tuple(hours),
        closures=tuple(closures),
        nurse_max_concurrent=cap,
        stagger=timedelta(minutes=stagger),
    )


def nurse(id: int = 1, shifts=None, time_off=()) -> Nurse:
    """On shift 07:00–19:00 every day unless told: the clinic's hours are the binding ones."""
    return Nurse(id, weekly("07:00", "19:00", ALL_WEEK) if shifts is None else tuple(shifts), tuple(time_off))


def planner(
    *, hours=None, tz=NY, closures=(), cap=3, stagger=0, chairs=(1, 2), nurses=None, bookings=(),
    patient=PATIENT, step=15, last_day=None, exclude=frozenset(),
) -> SeriesPlanner:
    return SeriesPlanner(
        rules=rules(hours, tz=tz, closures=closures, cap=cap, stagger=stagger),
        chair_ids=chairs,
        nurses=(nurse(),) if nurses is None else tuple(nurses),
        occupancy=Occupancy(bookings),
        patient_id=patient,
        step=timedelta(minutes=step),
        exclude=exclude,
        last_day=date.fromisoformat(last_day) if isinstance(last_day, str) else last_day,
    )


def wishes(earliest: str = MON, tz: ZoneInfo = NY, **kwargs) -> Preferences:
    """Preferences from `earliest`, with "now" at the midnight before it."""
    first = date.fromisoformat(earliest)
    return Preferences(earliest=first, not_before=localize(datetime.combine(first, time.min), tz), **kwargs)


def wall(sessions, tz: ZoneInfo = NY) -> list[str]:
    """Sessions as the desk reads them: weekday, date and wall-clock start in the clinic's zone."""
    return [s.start.astimezone(tz).strftime("%a %m-%d %H:%M") for s in sessions]


def minutes(sessions) -> list[int]:
    return [int((s.end - s.start).total_seconds() // 60) for s in sessions]


def slots(sessions) -> list[Slot]:
    return [Slot(s.sequence, s.start, s.end) for s in sessions]


def assert_bookable(plan: SeriesPlanner, spec: SeriesSpec, sessions, stored=()) -> None:
    """The series as proposed (its chairs and nurses too) passes every rule check_series applies, against
    a fresh occupancy of the same stored sessions (check_series adds the placed ones to what it is given)."""
    check = check_series(
        [SeriesRequest(s.sequence, Placement(s.start, s.end, PATIENT, s.chair_id, s.nurse_id)) for s in sessions],
        spacing=spec.spacing, rules=plan.rules, chair_ids=plan.chair_ids, nurses=plan.nurses,
        occupancy=Occupancy(stored), exclude=plan.exclude,
    )
    assert check.first_violation is None, check.first_violation


# --- Each protocol on an empty clinic -----------------------------------------------------------

# (protocol, earliest, expected starts): Mon–Fri 08:00–18:00 in New York, two chairs, one nurse, nothing
# booked. New York springs forward on Sunday 14 March; wall-clock times do not move with it.
EMPTY_CLINIC = [
    pytest.param(
        "depression-iv", MON,
        ["Mon 03-01 08:00", "Wed 03-03 08:00", "Fri 03-05 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00"],
        id="depression-mon-wed-fri-from-the-first-morning",
    ),
    pytest.param(
        "depression-iv", THU,
        ["Thu 03-04 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00", "Mon 03-15 08:00", "Wed 03-17 08:00"],
        id="depression-from-a-thursday-skips-the-weekend",
    ),
    pytest.param(
        "ptsd-iv", MON,
        ["Mon 03-01 08:00", "Wed 03-03 08:00", "Fri 03-05 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00"],
        id="ptsd-six-within-fourteen-days",
    ),
    pytest.param(
        "chronic-pain-iv", MON,
        ["Mon 03-01 08:00", "Tue 03-02 08:00", "Wed 03-03 08:00", "Thu 03-04 08:00", "Fri 03-05 08:00"],
        id="pain-five-consecutive-weekdays",
    ),
    pytest.param(
        "chronic-pain-iv", WED,
        ["Wed 03-03 08:00", "Thu 03-04 08:00", "Fri 03-05 08:00", "Mon 03-08 08:00", "Tue 03-09 08:00"],
        id="pain-from-a-wednesday-continues-on-monday",
    ),
    pytest.param(
        "anxiety-sc", MON,
        ["Mon 03-01 08:00", "Mon 03-08 08:00", "Mon 03-15 08:00", "Mon 03-22 08:00"],
        id="anxiety-weekly",
    ),
    pytest.param("booster-iv", MON, ["Mon 03-01 08:00"], id="booster-one-session"),
    pytest.param("booster-iv", SAT, ["Mon 03-08 08:00"], id="booster-asked-on-a-weekend"),
    pytest.param(
        "esketamine-nasal", MON,
        [
            "Mon 03-01 08:00", "Wed 03-03 08:00", "Fri 03-05 08:00", "Mon 03-08 08:00",
            "Wed 03-10 08:00", "Fri 03-12 08:00", "Mon 03-15 08:00", "Wed 03-17 08:00",
        ],
        id="esketamine-twice-weekly-or-more",
    ),
]


@pytest.mark.parametrize(("protocol", "earliest", "expected"), EMPTY_CLINIC)
def test_each_protocol_on_an_empty_clinic_takes_the_earliest_morning_that_keeps_the_spacing(protocol, earliest, expected):
    spec = SPECS[protocol]
    plan = planner()
    proposal = plan.propose(spec, wishes(earliest))
    assert wall(proposal.sessions) == expected
    assert [s.sequence for s in proposal.sessions] == list(range(1, spec.count + 1))
    assert minutes(proposal.sessions) == [spec.minutes_for(k) for k in range(1, spec.count + 1)]
    assert proposal.warnings == ()
    assert_bookable(plan, spec, proposal.sessions)


def test_the_depression_first_visit_holds_the_chair_thirty_minutes_longer():
    proposal = planner().propose(DEPRESSION, wishes())
    assert minutes(proposal.sessions) == [150, 120, 120, 120, 120, 120]
    assert proposal.sessions[0].end == at(MON, "10:30")


def test_the_target_window_is_tried_before_the_hard_one_even_when_it_starts_later():
    """Closed 8–21 March: a 21-day course fits only from 22 March, though one from 1 March fits 28 days."""
    closed = Interval(at(day(8), "00:00"), at(day(22), "00:00"))
    proposal = planner(closures=[closed]).propose(DEPRESSION, wishes())
    assert wall(proposal.sessions)[0] == "Mon 03-22 08:00"
    assert proposal.warnings == ()


def test_a_course_longer_than_the_warning_window_comes_with_its_warning():
    """Mondays only: six Mondays take 36 days, past the target (21, no hard limit) and the warning (28)."""
    proposal = planner().propose(DEPRESSION, wishes(weekdays=frozenset({0})))
    assert wall(proposal.sessions) == [f"Mon {d} 08:00" for d in ("03-01", "03-08", "03-15", "03-22", "03-29", "04-05")]
    assert [w.code for w in proposal.warnings] == [codes.WINDOW_WARNING]
    assert proposal.warnings[0].details == {"span_days": 36, "warn_window_days": 28}


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(PTSD, id="target-equal-to-the-hard-window"),
        pytest.param(SeriesSpec(6, 120, Spacing(min_gap=H(40), window_days=14)), id="a-hard-window-and-no-target"),
        pytest.param(SeriesSpec(6, 120, Spacing(min_gap=H(40), window_days=14), target_window_days=21),
                     id="a-target-looser-than-the-hard-window"),
    ],
)
def test_a_hard_window_is_never_exceeded(spec):
    """Mondays and Thursdays only: six sessions 40 h apart cannot fit in 14 days, whatever the start."""
    assert planner().propose(spec, wishes(weekdays=frozenset({0, 3}))) is None
    assert wall(planner().propose(spec, wishes(weekdays=frozenset({0, 2, 4}))).sessions)[-1] == "Fri 03-12 08:00"


def test_very_short_sessions_of_one_course_start_a_stagger_apart():
    """The course's own sessions are not stored yet, but the booking service places them one after the
    other with the same nurse: two 15-minute sessions with a 30-minute stagger start 30 minutes apart."""
    spec = SeriesSpec(2, 15, Spacing())
    plan = planner(stagger=30)
    proposal = plan.propose(spec, wishes())
    assert wall(proposal.sessions) == ["Mon 03-01 08:00", "Mon 03-01 08:30"]
    assert_bookable(plan, spec, proposal.sessions)


# --- The grid -----------------------------------------------------------------------------------


def grid_times(plan: SeriesPlanner, when: str, length: int, tz: ZoneInfo = NY) -> list[str]:
    return [start.astimezone(tz).strftime("%H:%M") for start, _ in plan.grid(date.fromisoformat(when), length)]


@pytest.mark.parametrize(
    ("hours", "step", "length", "expected"),
    [
        pytest.param(weekly("08:00", "11:00"), 15, 120, ["08:00", "08:15", "08:30", "08:45", "09:00"], id="every-15-min"),
        pytest.param(weekly("08:00", "11:00"), 30, 120, ["08:00", "08:30", "09:00"], id="a-30-min-step"),
        pytest.param(weekly("08:10", "10:40"), 30, 60, ["08:10", "08:40", "09:10", "09:40"], id="from-the-opening-not-the-hour"),
        pytest.param(
            weekly("08:00", "09:30") + weekly("13:10", "14:30"), 30, 60, ["08:00", "08:30", "13:10"],
            id="each-interval-has-its-own-grid",
        ),
        pytest.param(
            weekly("08:00", "10:00") + weekly("10:00", "11:00"), 30, 120, ["08:00", "08:30", "09:00"],
            id="touching-intervals-merge-into-one-stretch",
        ),
        pytest.param(
            weekly("08:00", "10:00") + weekly("09:00", "10:30"), 30, 120, ["08:00", "08:30"],
            id="overlapping-intervals-merge",
        ),
        pytest.param(weekly("08:00", "09:00"), 15, 120, [], id="too-short-a-day"),
    ],
)
def test_grid(hours, step, length, expected):
    assert grid_times(planner(hours=hours, step=step), MON, length) == expected


@pytest.mark.parametrize(
    ("tz", "when", "expected"),
    [
        # 02:00–02:59 does not exist on the spring-forward night.
        pytest.param(NY, "2027-03-14", ["01:00", "01:30", "03:00", "03:30", "04:00"], id="new-york-spring-forward"),
        pytest.param(LONDON, "2027-03-28", ["00:00", "00:30", "02:00", "02:30", "03:00", "03:30", "04:00"], id="london-spring-forward"),
    ],
)
def test_the_grid_skips_wall_clock_times_the_clocks_jump_over(tz, when, expected):
    hours = weekly("01:00" if tz is NY else "00:00", "05:00", ALL_WEEK)
    plan = planner(hours=hours, tz=tz, step=30)
    assert grid_times(plan, when, 60, tz) == expected


def test_a_night_clinic_on_the_fall_back_night_offers_every_start_that_ends_by_closing():
    """00:00–04:00 on 7 November in New York lasts five real hours: a 4-hour session may start up to 01:00
    daylight time (it ends at 04:00 standard time), which a wall-clock count of the day would miss. The
    repeated hour is offered once, at its first occurrence (as localize() reads it)."""
    night = weekly("00:00", "04:00", ALL_WEEK)
    plan = planner(hours=night, nurses=[nurse(1, shifts=night)], step=30)
    starts = plan.grid(date(2027, 11, 7), 240)
    assert [s.astimezone(NY).strftime("%H:%M %Z") for s, _ in starts] == ["00:00 EDT", "00:30 EDT", "01:00 EDT"]
    for start, end in starts:
        assert place_session(
            Placement(start, end, PATIENT), rules=plan.rules, chair_ids=plan.chair_ids, nurses=plan.nurses,
            occupancy=Occupancy(),
        ).ok


# --- Closures, time off, a full week ------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        pytest.param(
            (WED, "00:00", THU, "00:00"),
            ["Mon 03-01 08:00", "Thu 03-04 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00", "Mon 03-15 08:00"],
            id="a-closed-wednesday-is-skipped",
        ),
        pytest.param(
            (MON, "00:00", TUE, "00:00"),
            ["Tue 03-02 08:00", "Thu 03-04 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00", "Mon 03-15 08:00"],
            id="a-closed-first-day",
        ),
        pytest.param(
            (MON, "07:00", MON, "12:30"),
            ["Mon 03-01 12:30", "Wed 03-03 08:00", "Fri 03-05 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00"],
            id="a-closed-morning-moves-the-first-visit-to-the-afternoon",
        ),
    ],
)
def test_closures(closed, expected):
    d1, t1, d2, t2 = closed
    closure = Interval(at(d1, t1), at(d2, t2))
    proposal = planner(closures=[closure]).propose(DEPRESSION, wishes())
    assert wall(proposal.sessions) == expected
    assert all(not closure.overlaps(s.start, s.end) for s in proposal.sessions)


@pytest.mark.parametrize(
    ("time_off", "expected_first"),
    [
        pytest.param((MON, "00:00", WED, "00:00"), "Wed 03-03 08:00", id="two-days-off"),
        pytest.param((MON, "06:00", MON, "11:00"), "Mon 03-01 11:00", id="a-morning-off"),
        pytest.param((MON, "09:00", MON, "10:00"), "Mon 03-01 10:00", id="an-hour-off-blocks-any-session-across-it"),
    ],
)
def test_the_only_nurses_time_off(time_off, expected_first):
    d1, t1, d2, t2 = time_off
    off = Interval(at(d1, t1), at(d2, t2))
    proposal = planner(nurses=[nurse(1, time_off=[off])]).propose(BOOSTER, wishes())
    assert wall(proposal.sessions) == [expected_first]


def test_another_nurse_covers_one_on_time_off():
    off = Interval(at(MON, "00:00"), at(SAT, "00:00"))
    proposal = planner(nurses=[nurse(1, time_off=[off]), nurse(2)]).propose(DEPRESSION, wishes())
    assert wall(proposal.sessions)[0] == "Mon 03-01 08:00"
    assert [s.nurse_id for s in proposal.sessions] == [2, 2, 2, 1, 1, 1]


def test_a_full_week_pushes_the_series_to_the_next_one():
    full = [busy(d, "08:00", "18:00", chair=c) for d in WEEK for c in (1, 2)]
    proposal = planner(bookings=full).propose(DEPRESSION, wishes())
    assert wall(proposal.sessions) == [
        "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00", "Mon 03-15 08:00", "Wed 03-17 08:00", "Fri 03-19 08:00",
    ]


def test_a_nearly_full_week_uses_the_one_free_chair_and_time():
    """Both chairs busy all week but chair 2 free on Wednesday 13:00–15:00: a booster goes there."""
    full = [busy(d, "08:00", "18:00", chair=1) for d in WEEK]
    full += [busy(d, "08:00", "18:00", chair=2) for d in WEEK if d != WED]
    full += [busy(WED, "08:00", "13:00", chair=2), busy(WED, "15:00", "18:00", chair=2)]
    proposal = planner(bookings=full).propose(BOOSTER, wishes())
    assert wall(proposal.sessions) == ["Wed 03-03 13:00"]
    assert proposal.sessions[0].chair_id == 2


def test_nurse_capacity_and_stagger_push_a_start_later():
    """Cap 2, stagger 15: nurse 1 watches two patients 08:00–10:00 and starts a third at 10:00."""
    stored = [
        busy(MON, "08:00", "10:00", nurse=1),
        busy(MON, "08:00", "10:00", nurse=1, chair=98),
        busy(MON, "10:00", "10:30", nurse=1, chair=97),
    ]
    proposal = planner(bookings=stored, cap=2, stagger=15).propose(BOOSTER, wishes())
    assert wall(proposal.sessions) == ["Mon 03-01 10:15"]


def test_the_patients_own_sessions_are_avoided():
    own = [busy(MON, "08:00", "12:00", patient=PATIENT)]
    proposal = planner(bookings=own).propose(BOOSTER, wishes())
    assert wall(proposal.sessions) == ["Mon 03-01 12:00"]


def test_the_first_session_is_looked_for_up_to_the_horizon_and_no_further():
    hours = weekly("08:00", "18:00", ALL_WEEK)
    horizon = SeriesPlanner.FIRST_HORIZON_DAYS
    closed_until = date(2027, 3, 1) + timedelta(days=horizon)
    closure = Interval(at(MON, "00:00"), at(closed_until.isoformat(), "00:00"))
    proposal = planner(hours=hours, closures=[closure]).propose(BOOSTER, wishes())
    assert proposal.sessions[0].start == at(closed_until.isoformat(), "08:00")
    longer = Interval(at(MON, "00:00"), at((closed_until + timedelta(days=1)).isoformat(), "00:00"))
    assert planner(hours=hours, closures=[longer]).propose(BOOSTER, wishes()) is None


def test_last_day_bounds_every_session():
    """The selectors bound the search to the window they loaded: nothing is proposed past it."""
    assert planner(last_day=THU).propose(PAIN, wishes()) is None
    assert wall(planner(last_day=FRI).propose(PAIN, wishes()).sessions)[-1] == "Fri 03-05 08:00"


# --- DST ----------------------------------------------------------------------------------------

# The Thursday before each change (the clocks change on the Sunday).
DST_WEEKS = [
    pytest.param(NY, date(2027, 3, 11), "EST", "EDT", id="new-york-spring"),
    pytest.param(NY, date(2027, 11, 4), "EDT", "EST", id="new-york-autumn"),
    pytest.param(LONDON, date(2027, 3, 25), "GMT", "BST", id="london-spring"),
    pytest.param(LONDON, date(2027, 10, 28), "BST", "GMT", id="london-autumn"),
]


@pytest.mark.parametrize(("tz", "thursday", "before", "after"), DST_WEEKS)
def test_across_a_dst_change_sessions_keep_their_wall_clock_time(tz, thursday, before, after):
    """Esketamine from the Thursday before: every session at 08:00 local, the Thursday-to-Monday gap an
    hour shorter (spring) or longer (autumn) than 96 h in real time."""
    plan = planner(tz=tz)
    proposal = plan.propose(ESKETAMINE, wishes(thursday.isoformat(), tz))
    local = [s.start.astimezone(tz) for s in proposal.sessions]
    assert [t.strftime("%H:%M") for t in local] == ["08:00"] * 8
    assert [t.date() for t in local][:2] == [thursday, thursday + timedelta(days=4)]
    assert (local[0].tzname(), local[1].tzname()) == (before, after)
    gap = proposal.sessions[1].start - proposal.sessions[0].start
    assert gap == H(95) if before in ("EST", "GMT") else gap == H(97)
    assert check_spacing(slots(proposal.sessions), ESKETAMINE.spacing, tz) == ([], [])
    assert_bookable(plan, ESKETAMINE, proposal.sessions)


@pytest.mark.parametrize(
    ("tz", "friday", "expected"),
    [
        pytest.param(
            NY, "2027-03-12",
            ["Fri 03-12 08:00", "Sun 03-14 09:00", "Tue 03-16 09:00", "Thu 03-18 09:00",
             "Sat 03-20 09:00", "Mon 03-22 09:00", "Wed 03-24 09:00", "Fri 03-26 09:00"],
            id="new-york",
        ),
        pytest.param(
            LONDON, "2027-03-26",
            ["Fri 03-26 08:00", "Sun 03-28 09:00", "Tue 03-30 09:00", "Thu 04-01 09:00",
             "Sat 04-03 09:00", "Mon 04-05 09:00", "Wed 04-07 09:00", "Fri 04-09 09:00"],
            id="london",
        ),
    ],
)
def test_esketamine_48_hours_across_spring_forward_are_real_hours(tz, friday, expected):
    """Open every day: Sunday 08:00 is only 47 h after Friday 08:00 once the clocks spring forward."""
    plan = planner(tz=tz, hours=weekly("08:00", "18:00", ALL_WEEK))
    proposal = plan.propose(ESKETAMINE, wishes(friday, tz))
    assert wall(proposal.sessions, tz) == expected
    assert proposal.sessions[1].start - proposal.sessions[0].start == H(48)


EXACTLY_48H = SeriesSpec(3, 60, Spacing(min_gap=H(48), max_gap=H(48)))


@pytest.mark.parametrize(
    ("tz", "friday", "expected"),
    [
        pytest.param(NY, "2027-03-12", ["Fri 03-12 06:00", "Sun 03-14 07:00", "Tue 03-16 07:00"], id="new-york-spring"),
        pytest.param(NY, "2027-11-05", ["Fri 11-05 07:00", "Sun 11-07 06:00", "Tue 11-09 06:00"], id="new-york-autumn"),
        pytest.param(LONDON, "2027-03-26", ["Fri 03-26 06:00", "Sun 03-28 07:00", "Tue 03-30 07:00"], id="london-spring"),
        pytest.param(LONDON, "2027-10-29", ["Fri 10-29 07:00", "Sun 10-31 06:00", "Tue 11-02 06:00"], id="london-autumn"),
    ],
)
def test_a_gap_of_exactly_48_hours_moves_the_wall_clock_by_the_dst_hour(tz, friday, expected):
    """Open 06:00–18:00 every day. In autumn Friday 06:00 + 48 h is Sunday 05:00, before opening, so the
    first session that can be followed exactly 48 h later is Friday 07:00."""
    hours = weekly("06:00", "18:00", ALL_WEEK)
    plan = planner(tz=tz, hours=hours, nurses=[nurse(1, shifts=hours)])
    proposal = plan.propose(EXACTLY_48H, wishes(friday, tz))
    assert wall(proposal.sessions, tz) == expected
    assert {b.start - a.start for a, b in zip(proposal.sessions, proposal.sessions[1:], strict=False)} == {H(48)}


# --- Preferences --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param(
            {"time_from": time(13, 0)},
            ["Mon 03-01 13:00", "Wed 03-03 13:00", "Fri 03-05 13:00", "Mon 03-08 13:00", "Wed 03-10 13:00", "Fri 03-12 13:00"],
            id="afternoons",
        ),
        pytest.param(
            {"time_from": time(15, 30)},
            ["Mon 03-01 15:30", "Wed 03-03 15:30", "Fri 03-05 15:30", "Mon 03-08 15:30", "Wed 03-10 15:30", "Fri 03-12 15:30"],
            id="the-last-start-whose-150-min-first-visit-ends-by-closing",
        ),
        pytest.param(
            {"time_from": time(9, 10), "time_to": time(11, 45)},
            ["Mon 03-01 09:15", "Wed 03-03 09:15", "Fri 03-05 09:15", "Mon 03-08 09:15", "Wed 03-10 09:15", "Fri 03-12 09:15"],
            id="a-window-that-fits-the-first-visit-exactly",
        ),
        pytest.param({"time_from": time(9, 30), "time_to": time(11, 45)}, None, id="too-narrow-for-the-longer-first-visit"),
        pytest.param(
            {"weekdays": frozenset({1, 3})},
            ["Tue 03-02 08:00", "Thu 03-04 08:00", "Tue 03-09 08:00", "Thu 03-11 08:00", "Tue 03-16 08:00", "Thu 03-18 08:00"],
            id="tuesdays-and-thursdays",
        ),
        pytest.param({"weekdays": frozenset({5, 6})}, None, id="weekends-when-the-clinic-is-closed"),
    ],
)
def test_preferences_bound_every_session(kwargs, expected):
    proposal = planner().propose(DEPRESSION, wishes(**kwargs))
    if expected is None:
        assert proposal is None
        return
    assert wall(proposal.sessions) == expected
    for s in proposal.sessions:
        local_start, local_end = s.start.astimezone(NY).time(), s.end.astimezone(NY).time()
        assert kwargs.get("time_from", time.min) <= local_start
        assert local_end <= kwargs.get("time_to", time.max)
        assert s.start.astimezone(NY).weekday() in kwargs.get("weekdays", range(7))


def test_not_before_is_now_and_a_start_at_or_before_it_is_not_offered():
    """The booking service refuses a start at or before now, so the planner does not offer one."""
    plan = planner()
    prefs = Preferences(earliest=date(2027, 3, 1), not_before=at(MON, "10:00"))
    assert wall(plan.propose(BOOSTER, prefs).sessions) == ["Mon 03-01 10:15"]
    prefs = Preferences(earliest=date(2027, 3, 1), not_before=at(MON, "10:05"))
    assert wall(plan.propose(BOOSTER, prefs).sessions) == ["Mon 03-01 10:15"]


@pytest.mark.parametrize(
    ("stored", "wish", "expected_chair"),
    [
        pytest.param([], {}, 1, id="tie-the-first-listed"),
        pytest.param([], {"chair_id": 2}, 2, id="a-free-preferred-chair"),
        pytest.param([busy(MON, "08:00", "12:00", chair=2)], {"chair_id": 2}, 1, id="a-busy-preferred-chair-gives-way"),
        pytest.param(
            [busy(MON, "08:00", "10:00", chair=1), busy(MON, "14:30", "16:00", chair=2)], {"time_from": time(10)}, 1,
            id="compact-no-idle-gap-after-the-morning-session",
        ),
        pytest.param(
            [busy(MON, "08:00", "09:00", chair=1), busy(MON, "12:00", "13:00", chair=2)], {"time_from": time(10)}, 2,
            id="compact-no-idle-gap-before-the-noon-session",
        ),
        pytest.param(
            [busy(MON, "08:00", "09:00", chair=1), busy(TUE, "12:00", "13:00", chair=2)], {"time_from": time(10)}, 1,
            id="another-days-session-leaves-no-gap-today",
        ),
    ],
)
def test_chair_choice(stored, wish, expected_chair):
    proposal = planner(bookings=stored).propose(BOOSTER, wishes(**wish))
    assert proposal.sessions[0].chair_id == expected_chair
    assert_bookable(planner(bookings=stored), BOOSTER, proposal.sessions, stored)


@pytest.mark.parametrize(
    ("stored", "wish", "expected_nurse"),
    [
        pytest.param([], {}, 1, id="tie-the-first-listed"),
        pytest.param([], {"nurse_id": 2}, 2, id="a-free-preferred-nurse"),
        pytest.param([busy(MON, "08:00", "09:00", nurse=1)], {}, 2, id="the-least-loaded"),
        pytest.param(
            [busy(MON, "08:00", "09:00", nurse=2), busy(MON, "08:00", "09:00", nurse=2, chair=98), busy(MON, "08:00", "09:00", nurse=1)],
            {"nurse_id": 2}, 2, id="a-preferred-nurse-with-room-even-if-busier",
        ),
        pytest.param(
            [busy(MON, "07:00", "08:00", nurse=1), busy(MON, "06:00", "07:00", nurse=2)], {}, 2,
            id="equal-load-the-one-whose-last-start-is-furthest",
        ),
        pytest.param(
            [busy(MON, "07:00", "07:45", nurse=1), busy(MON, "10:00", "10:30", nurse=2)], {}, 2,
            id="equal-load-the-one-whose-next-start-is-furthest",
        ),
        pytest.param(
            [busy(MON, "05:00", "06:00", nurse=1), busy(MON, "07:00", "07:30", nurse=2)], {}, 1,
            id="a-start-over-two-hours-away-does-not-count",
        ),
    ],
)
def test_nurse_choice_spreads_load_and_starts(stored, wish, expected_nurse):
    plan = planner(bookings=stored, nurses=[nurse(1), nurse(2)], cap=3)
    proposal = plan.propose(BOOSTER, wishes(**wish))
    assert wall(proposal.sessions) == ["Mon 03-01 08:00"]
    assert proposal.sessions[0].nurse_id == expected_nurse
    assert_bookable(plan, BOOSTER, proposal.sessions, stored)


def test_a_preferred_nurse_who_is_full_gives_way_without_delaying_the_session():
    stored = [busy(MON, "08:00", "12:00", nurse=2)]
    proposal = planner(bookings=stored, nurses=[nurse(1), nurse(2)], cap=1).propose(BOOSTER, wishes(nurse_id=2))
    assert wall(proposal.sessions) == ["Mon 03-01 08:00"]
    assert proposal.sessions[0].nurse_id == 1


# --- When nothing fits --------------------------------------------------------------------------


def _every_15_min_one_minute_starts(nurse_id: int) -> list[Booking]:
    found = []
    for d in WEEK:
        start = at(d, "08:00")
        while start <= at(d, "16:00"):
            found.append(Booking(start, start + timedelta(minutes=1), 99, nurse_id, OTHER_PATIENT, next(_ids)))
            start += timedelta(minutes=15)
    return found


WEEK_OFF = Interval(at(MON, "00:00"), at(SAT, "00:00"))
INFEASIBLE = [
    pytest.param({"bookings": [busy(d, "08:00", "18:00", chair=c) for d in WEEK for c in (1, 2)]},
                 codes.CHAIR_CONFLICT, WEEK, id="every-chair-taken"),
    pytest.param({"bookings": [busy(d, "08:00", "18:00", nurse=1) for d in WEEK], "cap": 1},
                 codes.NURSE_CAPACITY, WEEK, id="the-nurse-is-full"),
    pytest.param({"bookings": _every_15_min_one_minute_starts(1), "stagger": 15},
                 codes.STAGGER, WEEK, id="the-nurse-starts-others-every-15-min"),
    pytest.param({"nurses": [nurse(1, time_off=[WEEK_OFF])]}, codes.NURSE_UNAVAILABLE, WEEK, id="the-nurse-is-off"),
    pytest.param({"nurses": [nurse(1, shifts=weekly("07:00", "19:00", (5, 6)))]}, codes.NURSE_UNAVAILABLE, WEEK,
                 id="the-nurse-works-weekends-only"),
    pytest.param({"bookings": [busy(d, "08:00", "18:00", patient=PATIENT) for d in WEEK]},
                 codes.PATIENT_CONFLICT, WEEK, id="the-patient-is-busy"),
    pytest.param({"closures": [WEEK_OFF]}, codes.CLINIC_CLOSED, WEEK, id="the-clinic-is-closed"),
    pytest.param({"hours": weekly("08:00", "09:00")}, codes.OUTSIDE_HOURS, [], id="the-day-is-too-short"),
]


@pytest.mark.parametrize(("setup", "reason", "dates"), INFEASIBLE)
def test_when_nothing_fits_the_binding_rule_and_its_dates_are_named(setup, reason, dates):
    plan = planner(last_day=FRI, **setup)
    assert plan.propose(BOOSTER, wishes()) is None
    why = plan.explain(BOOSTER, wishes())
    assert why.reason == reason
    assert why.dates == tuple(date.fromisoformat(d) for d in dates)
    assert why.message.startswith("No series of 1 sessions fits: ")


@pytest.mark.parametrize(
    ("spec", "hours", "reason"),
    [
        # Mondays and Thursdays: six sessions at least 40 h apart need 15 days; the protocol allows 14.
        pytest.param(PTSD, weekly("08:00", "18:00", (0, 3)), codes.WINDOW_EXCEEDED, id="ptsd-window"),
        # Mondays, Wednesdays and Fridays: the next day is never open.
        pytest.param(
            SeriesSpec(2, 60, Spacing(min_gap=H(20), max_gap=H(24))), weekly("08:00", "18:00", (0, 2, 4)),
            codes.SPACING_TOO_FAR,
            id="within-24h",
        ),
    ],
)
def test_when_the_spacing_cannot_be_kept_the_reason_says_so(spec, hours, reason):
    plan = planner(hours=hours)
    assert plan.propose(spec, wishes()) is None
    assert plan.explain(spec, wishes()).reason == reason


# --- Alternatives -------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", list(SPECS))
def test_alternatives_are_distinct_valid_series(protocol):
    spec = SPECS[protocol]
    plan = planner()
    prefs = wishes()
    primary = plan.propose(spec, prefs)
    others = plan.alternatives(spec, prefs, primary)
    assert 1 <= len(others) <= 3
    signatures = [tuple(s.start for s in p.sessions) for p in (primary, *others)]
    assert len(set(signatures)) == len(signatures)
    for proposal in others:
        assert len(proposal.sessions) == spec.count
        assert_bookable(plan, spec, proposal.sessions)
        assert proposal.sessions[0].start >= primary.sessions[0].start


def test_alternatives_offer_another_time_of_day_other_weekdays_and_a_later_start():
    plan = planner()
    primary = plan.propose(DEPRESSION, wishes())
    assert [wall(p.sessions) for p in plan.alternatives(DEPRESSION, wishes(), primary)] == [
        # The afternoon (the primary is in the morning).
        ["Mon 03-01 12:00", "Wed 03-03 12:00", "Fri 03-05 12:00", "Mon 03-08 12:00", "Wed 03-10 12:00", "Fri 03-12 12:00"],
        # The weekdays the primary does not use.
        ["Tue 03-02 08:00", "Thu 03-04 08:00", "Tue 03-09 08:00", "Thu 03-11 08:00", "Tue 03-16 08:00", "Thu 03-18 08:00"],
        # From the day after the primary's first session, any weekday.
        ["Tue 03-02 08:00", "Thu 03-04 08:00", "Mon 03-08 08:00", "Wed 03-10 08:00", "Fri 03-12 08:00", "Mon 03-15 08:00"],
    ]


def test_an_alternative_equal_to_an_earlier_one_is_left_out():
    """A booster's "other weekdays" and "a day later" are both Tuesday 08:00: the week after comes instead."""
    plan = planner()
    primary = plan.propose(BOOSTER, wishes())
    assert [wall(p.sessions) for p in plan.alternatives(BOOSTER, wishes(), primary)] == [
        ["Mon 03-01 12:00"], ["Tue 03-02 08:00"], ["Mon 03-08 08:00"],
    ]


def test_fewer_alternatives_when_asked_for_fewer():
    plan = planner()
    primary = plan.propose(DEPRESSION, wishes())
    assert len(plan.alternatives(DEPRESSION, wishes(), primary, count=1)) == 1


def test_alternatives_keep_the_patients_preferences():
    prefs = wishes(time_from=time(9), time_to=time(17), weekdays=frozenset({0, 1, 2, 3}))
    plan = planner()
    primary = plan.propose(DEPRESSION, prefs)
    for proposal in plan.alternatives(DEPRESSION, prefs, primary):
        for s in proposal.sessions:
            local = s.start.astimezone(NY)
            assert local.weekday() in prefs.weekdays
            assert time(9) <= local.time() and s.end.astimezone(NY).time() <= time(17)


def test_no_alternative_when_only_one_series_fits():
    """Only Monday 08:00 is free, once, and the course is one session."""
    full = [busy(d, "08:00", "18:00", chair=c) for d in WEEK for c in (1, 2)]
    full = [b for b in full if not (b.start == at(MON, "08:00") and b.chair_id == 1)]
    full += [busy(MON, "10:00", "18:00", chair=1)]
    plan = planner(bookings=full, last_day=FRI)
    primary = plan.propose(BOOSTER, wishes())
    assert wall(primary.sessions) == ["Mon 03-01 08:00"]
    assert plan.alternatives(BOOSTER, wishes(), primary) == []


# --- Availability -------------------------------------------------------------------------------


def _assert_consistent_with_place_session(plan: SeriesPlanner, when: str, length: int, found, patient=None):
    by_start = {s.start: s for s in found}
    for start, end in plan.grid(date.fromisoformat(when), length):
        def ok(chair=None, nurse_id=None, start=start, end=end):
            placement = Placement(start, end, PATIENT if patient is None else patient, chair, nurse_id)
            return place_session(
                placement, rules=plan.rules, chair_ids=plan.chair_ids, nurses=plan.nurses, occupancy=plan.occupancy
            ).ok

        slot = by_start.get(start)
        if slot is None:
            assert not ok(), start
            continue
        assert slot.end == end
        assert slot.chair_ids == tuple(c for c in plan.chair_ids if ok(chair=c))
        assert slot.nurse_ids == tuple(sorted(n.id for n in plan.nurses if ok(nurse_id=n.id)))


def test_availability_on_an_empty_day_is_every_grid_start():
    plan = planner()
    found = plan.availability(date(2027, 3, 1), 120)
    assert [s.start.astimezone(NY).strftime("%H:%M") for s in found][::8] == ["08:00", "10:00", "12:00", "14:00", "16:00"]
    assert len(found) == 33
    assert {(s.chair_ids, s.nurse_ids) for s in found} == {((1, 2), (1,))}


def test_availability_names_the_free_chairs_and_nurses_of_each_start():
    stored = [
        busy(MON, "09:00", "11:00", chair=1, nurse=1),
        busy(MON, "13:00", "14:00", chair=98, nurse=2),
        busy(MON, "13:00", "14:00", chair=97, nurse=2),
    ]
    plan = planner(bookings=stored, nurses=[nurse(1), nurse(2)], cap=2, stagger=15)
    found = plan.availability(date(2027, 3, 1), 120)
    by_time = {s.start.astimezone(NY).strftime("%H:%M"): s for s in found}
    assert (by_time["08:00"].chair_ids, by_time["08:00"].nurse_ids) == ((2,), (1, 2))
    assert (by_time["09:00"].chair_ids, by_time["09:00"].nurse_ids) == ((2,), (2,))
    assert (by_time["11:00"].chair_ids, by_time["11:00"].nurse_ids) == ((1, 2), (1, 2))
    assert (by_time["12:00"].chair_ids, by_time["12:00"].nurse_ids) == ((1, 2), (1,))  # nurse 2 would watch 3
    assert (by_time["13:00"].chair_ids, by_time["13:00"].nurse_ids) == ((1, 2), (1,))
    assert (by_time["14:00"].chair_ids, by_time["14:00"].nurse_ids) == ((1, 2), (1, 2))
    _assert_consistent_with_place_session(plan, MON, 120, found)


def test_availability_of_a_full_day_is_empty():
    full = [busy(MON, "08:00", "18:00", chair=c) for c in (1, 2)]
    assert planner(bookings=full).availability(date(2027, 3, 1), 120) == []
    assert planner().availability(date(2027, 3, 6), 120) == []  # a Saturday


def test_availability_of_a_first_visit_uses_the_longer_block():
    plan = planner()
    usual = plan.availability(date(2027, 3, 1), DEPRESSION.minutes_for(2))
    first = plan.availability(date(2027, 3, 1), DEPRESSION.minutes_for(1))
    assert usual[-1].start == at(MON, "16:00") and first[-1].start == at(MON, "15:30")
    assert {s.end - s.start for s in first} == {timedelta(minutes=150)}


def test_availability_starts_after_now():
    found = planner().availability(date(2027, 3, 1), 120, not_before=at(MON, "10:07"))
    assert found[0].start == at(MON, "10:15")


def test_availability_leaves_out_the_patients_own_sessions():
    stored = [busy(MON, "08:00", "12:00", patient=PATIENT)]
    found = planner(bookings=stored).availability(date(2027, 3, 1), 120)
    assert found[0].start == at(MON, "12:00")


# --- One session's options ----------------------------------------------------------------------

COURSE_IDS = range(101, 107)


def _booked_depression_course():
    """The depression course of the empty clinic, booked: Mon/Wed/Fri 08:00 for two weeks, chair 1."""
    sessions = planner().propose(DEPRESSION, wishes()).sessions
    stored = [Booking(s.start, s.end, s.chair_id, s.nurse_id, PATIENT, sid) for s, sid in zip(sessions, COURSE_IDS, strict=True)]
    return sessions, stored


def test_session_options_keep_the_course_valid_and_include_its_own_time():
    sessions, stored = _booked_depression_course()
    third = sessions[2]
    plan = planner(bookings=stored, exclude=frozenset({COURSE_IDS[2]}))
    others = [Slot(s.sequence, s.start, s.end) for s in sessions if s.sequence != 3]
    options = plan.session_options(3, 120, others, DEPRESSION.spacing, earliest=date(2027, 3, 1), not_before=at(MON, "00:00"))
    # Between Wednesday 08:00 (+40 h, two days on) and Monday 08:00 (-40 h, two days before) only Friday fits.
    assert wall(options) == ["Fri 03-05 08:00", "Fri 03-05 08:15", "Fri 03-05 08:30", "Fri 03-05 08:45", "Fri 03-05 09:00"]
    assert options[0].start == third.start and options[0].chair_id == third.chair_id
    for option in options:
        assert option.sequence == 3
        assert check_spacing([*others, Slot(3, option.start, option.end)], DEPRESSION.spacing, NY)[0] == []
        assert place_session(
            Placement(option.start, option.end, PATIENT, option.chair_id, option.nurse_id),
            rules=plan.rules, chair_ids=plan.chair_ids, nurses=plan.nurses, occupancy=plan.occupancy,
            exclude=frozenset({COURSE_IDS[2]}),
        ).ok


def test_session_options_without_excluding_the_session_see_it_as_the_patients_conflict():
    sessions, stored = _booked_depression_course()
    plan = planner(bookings=stored)
    others = [Slot(s.sequence, s.start, s.end) for s in sessions if s.sequence != 3]
    options = plan.session_options(3, 120, others, DEPRESSION.spacing, earliest=date(2027, 3, 1), not_before=at(MON, "00:00"))
    assert wall(options)[0] == "Fri 03-05 10:00"


def test_session_options_of_the_last_session_run_to_the_end_of_the_window():
    sessions, stored = _booked_depression_course()
    plan = planner(bookings=stored, exclude=frozenset({COURSE_IDS[5]}))
    others = [Slot(s.sequence, s.start, s.end) for s in sessions if s.sequence != 6]
    options = plan.session_options(
        6, 120, others, DEPRESSION.spacing, earliest=date(2027, 3, 13), not_before=at(MON, "00:00"), count=40
    )
    days = sorted({o.start.astimezone(NY).date() for o in options})
    assert days[0] == date(2027, 3, 15)  # the first open day after Friday 12
    assert len(options) == 40
    for option in options:
        violations, _ = check_spacing([*others, Slot(6, option.start, option.end)], DEPRESSION.spacing, NY)
        assert violations == []


# The dates one session of a course may take (session_window): the course each protocol books on the empty
# clinic from Monday 1 March (EMPTY_CLINIC), one session moved. None: no bound on that side.
SESSION_WINDOWS = [
    pytest.param("depression-iv", 1, (None, day(1)), id="depression-first-open-before-ends-40h-before-the-second"),
    pytest.param("depression-iv", 3, (day(5), day(6)), id="depression-third-between-its-neighbours"),
    pytest.param("depression-iv", 6, (day(12), None), id="depression-last-open-after-no-hard-window"),
    pytest.param("ptsd-iv", 1, ("2027-02-27", day(1)), id="ptsd-first-within-14-days-of-the-last"),
    pytest.param("ptsd-iv", 6, (day(12), day(14)), id="ptsd-last-within-14-days-of-the-first"),
    pytest.param("chronic-pain-iv", 3, (day(3), day(3)), id="pain-middle-the-weekday-between"),
    pytest.param("chronic-pain-iv", 5, (day(5), day(5)), id="pain-last-the-next-weekday"),
    pytest.param("chronic-pain-iv", 1, (day(1), day(1)), id="pain-first-the-weekday-before"),
    pytest.param("anxiety-sc", 2, (day(7), day(9)), id="anxiety-six-to-eight-days-from-each-neighbour"),
    pytest.param("anxiety-sc", 4, (day(21), day(23)), id="anxiety-last-six-to-eight-days-after"),
    pytest.param("booster-iv", 1, (None, None), id="booster-alone-open-both-ways"),
    pytest.param("esketamine-nasal", 8, (day(17), day(28)), id="esketamine-last-48h-on-within-28-days"),
    pytest.param("esketamine-nasal", 1, ("2027-02-18", day(1)), id="esketamine-first-within-28-days-of-the-last"),
]


def _course(protocol: str) -> list[Slot]:
    return slots(planner().propose(SPECS[protocol], wishes()).sessions)


@pytest.mark.parametrize(("protocol", "sequence", "expected"), SESSION_WINDOWS)
def test_session_window_is_every_date_the_spacing_accepts_and_no_other(protocol, sequence, expected):
    """Brute force: every half hour of every day from six weeks before the course to six weeks after, placed
    among the others and checked by check_spacing. The window holds each date that passes, and its ends
    are such dates (no looser than it must be), or it is open where dates pass up to the edge searched."""
    spec, course = SPECS[protocol], _course(protocol)
    others = [s for s in course if s.sequence != sequence]
    length = timedelta(minutes=spec.minutes_for(sequence))
    window = session_window(sequence, spec.minutes_for(sequence), others, spec.spacing, NY)
    assert (window.first, window.last) == tuple(date.fromisoformat(d) if d else None for d in expected)

    first_searched, last_searched = date(2027, 3, 1) - timedelta(days=42), date(2027, 3, 31) + timedelta(days=42)
    accepted = set()
    moment = datetime.combine(first_searched, time.min, NY).astimezone(UTC)
    while moment.astimezone(NY).date() <= last_searched:
        if not check_spacing([*others, Slot(sequence, moment, moment + length)], spec.spacing, NY)[0]:
            accepted.add(moment.astimezone(NY).date())
        moment += timedelta(minutes=30)
    assert accepted
    assert min(accepted) == (window.first or first_searched)
    assert max(accepted) == (window.last or last_searched)
    assert all(
        (window.first is None or window.first <= d) and (window.last is None or d <= window.last) for d in accepted
    )


def test_session_window_ignores_the_session_itself_and_bounds_by_the_nearest_neighbours():
    """Its own stored slot among `course` changes nothing; with session 2 cancelled (not in the course), session 3
    of a PTSD course is bound by sessions 1 and 4."""
    course = _course("ptsd-iv")
    assert session_window(3, 120, course, PTSD.spacing, NY) == session_window(
        3, 120, [s for s in course if s.sequence != 3], PTSD.spacing, NY
    )
    without_second = [s for s in course if s.sequence not in (2, 3)]
    window = session_window(3, 120, without_second, PTSD.spacing, NY)
    # After Monday 08:00 + 40 h (Wednesday 00:00), before Monday 8 08:00 - 40 h (Saturday 16:00).
    assert (window.first, window.last) == (date(2027, 3, 3), date(2027, 3, 6))


def test_session_window_may_be_empty_when_the_others_already_break_the_window():
    """A PTSD course whose others span 16 days (booked before the window shrank): no date keeps it valid."""
    course = [Slot(1, at(day(1), "08:00"), at(day(1), "10:00")), Slot(3, at(day(16), "08:00"), at(day(16), "10:00"))]
    window = session_window(2, 120, course, PTSD.spacing, NY)
    assert window.first is not None and window.last is not None and window.first > window.last


def test_session_options_far_ahead_are_looked_for_where_the_window_is():
    """The PTSD course ten weeks ahead (09:00 now that the clocks went forward), session 4 moved: its window is
    the weekend and Monday between Friday's and Wednesday's sessions, and its options are that Monday's first
    free times, its own among them."""
    late = [Slot(s.sequence, s.start + timedelta(weeks=10), s.end + timedelta(weeks=10)) for s in _course("ptsd-iv")]
    stored = [Booking(s.start, s.end, 1, 1, PATIENT, sid) for s, sid in zip(late, COURSE_IDS, strict=True)]
    others = [s for s in late if s.sequence != 4]
    window = session_window(4, 120, others, PTSD.spacing, NY)
    # Friday 14 May 09:00 + 40 h is Sunday 01:00; Wednesday 19 May 09:00 - 40 h is Monday 17:00.
    assert (window.first, window.last) == (date(2027, 5, 16), date(2027, 5, 17))
    plan = planner(bookings=stored, exclude=frozenset({COURSE_IDS[3]}), last_day=window.last)
    options = plan.session_options(
        4, 120, others, PTSD.spacing, earliest=window.first, not_before=at(MON, "00:00"),
        days=(window.last - window.first).days,
    )
    assert wall(options) == ["Mon 05-17 08:00", "Mon 05-17 08:15", "Mon 05-17 08:30", "Mon 05-17 08:45", "Mon 05-17 09:00"]
    assert options[-1].start == late[3].start


def test_the_planner_values_are_utc_instants():
    proposal = planner().propose(BOOSTER, wishes())
    assert proposal.sessions[0].start.utcoffset() == timedelta(0)
    assert proposal.sessions[0].start == datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
