"""The single-session feasibility rules and local-time handling of scheduler.planning: table-driven, no database."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import error_codes as codes
from scheduler.planning import (
    Booking,
    ClinicRules,
    Interval,
    LocalTimeError,
    Nurse,
    Occupancy,
    Placement,
    WeeklyInterval,
    check_chair,
    check_closures,
    check_nurse_capacity,
    check_nurse_on_shift,
    check_opening_hours,
    check_patient,
    check_stagger,
    choose_chair,
    choose_nurse,
    local_date,
    localize,
    next_weekday,
    nurse_violations,
    peak_load,
    place_session,
    shift_wall_clock,
    site_violations,
    wall_clock_delta,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")

# Monday 1 March 2027, well before the spring-forward day (Sunday 14 March in New York).
MON, TUE, WED, THU, FRI, SAT, SUN = (f"2027-03-0{d}" for d in range(1, 8))
WEEKDAYS = range(5)

_ids = itertools.count(1000)


def at(day: str, hhmm: str, tz: ZoneInfo = NY) -> datetime:
    """An aware instant from a wall-clock time in `tz`."""
    return localize(datetime.fromisoformat(f"{day}T{hhmm}"), tz)


def hm(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def weekly(start: str, end: str, days=WEEKDAYS, **validity) -> tuple[WeeklyInterval, ...]:
    return tuple(WeeklyInterval(d, hm(start), hm(end), **validity) for d in days)


def clinic(hours=None, *, tz: ZoneInfo = NY, closures=(), cap: int = 3, stagger: int = 0) -> ClinicRules:
    """Mon–Fri 08:00–18:00 unless told; stagger 0 so a test opts in to it."""
    return ClinicRules(
        tz=tz,
        opening_hours=weekly("08:00", "18:00") if hours is None else hours,
        closures=tuple(closures),
        nurse_max_concurrent=cap,
        stagger=timedelta(minutes=stagger),
    )


def nurse(id: int = 1, shifts=None, time_off=()) -> Nurse:
    return Nurse(id, weekly("07:00", "19:00") if shifts is None else shifts, tuple(time_off))


def bk(start: str, end: str, *, day: str = MON, chair=None, nurse=1, patient=None, session=None) -> Booking:
    """A stored booking; chair, patient and session ids are fresh unless given."""
    return Booking(
        at(day, start),
        at(day, end),
        next(_ids) if chair is None else chair,
        nurse,
        next(_ids) if patient is None else patient,
        next(_ids) if session is None else session,
    )


def code_of(violation):
    return violation.code if violation else None


# --- Opening hours ------------------------------------------------------------------------------

SPLIT = weekly("08:00", "12:00") + weekly("13:00", "18:00")
TOUCHING = weekly("08:00", "12:00") + weekly("12:00", "18:00")


@pytest.mark.parametrize(
    ("hours", "day", "start", "end", "expected"),
    [
        pytest.param(None, MON, "08:00", "18:00", None, id="exactly-fills-the-day"),
        pytest.param(None, MON, "08:00", "10:00", None, id="starts-at-opening"),
        pytest.param(None, MON, "16:00", "18:00", None, id="ends-at-closing"),
        pytest.param(None, MON, "16:01", "18:01", codes.OUTSIDE_HOURS, id="one-minute-over"),
        pytest.param(None, MON, "07:59", "09:59", codes.OUTSIDE_HOURS, id="one-minute-early"),
        pytest.param(None, MON, "19:00", "20:00", codes.OUTSIDE_HOURS, id="after-closing"),
        pytest.param(None, SAT, "10:00", "12:00", codes.OUTSIDE_HOURS, id="closed-weekday"),
        pytest.param(None, SUN, "10:00", "12:00", codes.OUTSIDE_HOURS, id="sunday"),
        pytest.param(SPLIT, MON, "08:00", "12:00", None, id="split-morning-exactly"),
        pytest.param(SPLIT, MON, "13:00", "18:00", None, id="split-afternoon-exactly"),
        pytest.param(SPLIT, MON, "11:00", "13:30", codes.OUTSIDE_HOURS, id="split-across-lunch"),
        pytest.param(SPLIT, MON, "11:00", "12:01", codes.OUTSIDE_HOURS, id="split-one-minute-into-lunch"),
        pytest.param(SPLIT, MON, "12:59", "14:00", codes.OUTSIDE_HOURS, id="split-one-minute-before-afternoon"),
        pytest.param(SPLIT, MON, "12:00", "13:00", codes.OUTSIDE_HOURS, id="split-inside-lunch"),
        pytest.param(TOUCHING, MON, "11:00", "13:00", None, id="touching-intervals-are-one-opening"),
        pytest.param(TOUCHING, MON, "07:00", "13:00", codes.OUTSIDE_HOURS, id="touching-intervals-still-bounded"),
        pytest.param(
            weekly("08:00", "12:00", days=[0]) + weekly("12:00", "18:00", days=[1]),
            MON, "11:00", "13:00", codes.OUTSIDE_HOURS, id="touching-intervals-on-another-weekday-do-not-join",
        ),
        pytest.param(weekly("00:00", "23:59"), MON, "23:00", "23:59", None, id="late-evening"),
        pytest.param(
            weekly("00:00", "23:59"), MON, "23:00", "01:00", codes.OUTSIDE_HOURS, id="across-midnight",
        ),
    ],
)
def test_opening_hours(hours, day, start, end, expected):
    starts = at(day, start)
    ends = at(day, end)
    if ends <= starts:  # the table writes the next day's time
        ends = at((date.fromisoformat(day) + timedelta(days=1)).isoformat(), end)
    assert code_of(check_opening_hours(starts, ends, clinic(hours))) == expected


def test_opening_hours_are_read_in_the_clinic_time_zone():
    london = clinic(tz=LONDON)
    # 09:00–11:00 in London is 04:00–06:00 in New York: open in London, closed by New York's clock.
    starts, ends = at(MON, "09:00", LONDON), at(MON, "11:00", LONDON)
    assert check_opening_hours(starts, ends, london) is None
    assert code_of(check_opening_hours(starts, ends, clinic())) == codes.OUTSIDE_HOURS


def test_opening_hours_keep_wall_clock_after_spring_forward():
    # Monday 15 March 2027 is on daylight time: 08:00 EDT is 12:00 UTC, not 13:00.
    assert check_opening_hours(at("2027-03-15", "08:00"), at("2027-03-15", "18:00"), clinic()) is None
    assert code_of(
        check_opening_hours(at("2027-03-15", "07:30"), at("2027-03-15", "09:00"), clinic())
    ) == codes.OUTSIDE_HOURS


def test_outside_hours_violation_carries_the_times():
    starts, ends = at(MON, "17:00"), at(MON, "19:00")
    violation = check_opening_hours(starts, ends, clinic())
    assert violation.code == codes.OUTSIDE_HOURS
    assert violation.details == {"starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
    assert "Mon 2027-03-01 17:00" in violation.message


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "day", "expected"),
    [
        (None, None, MON, None),
        (date(2027, 3, 1), None, MON, None),  # the first valid day counts
        (date(2027, 3, 2), None, MON, codes.OUTSIDE_HOURS),
        (None, date(2027, 3, 1), MON, None),  # the last valid day counts
        (None, date(2027, 2, 28), MON, codes.OUTSIDE_HOURS),
        (date(2027, 2, 1), date(2027, 2, 28), MON, codes.OUTSIDE_HOURS),
        (date(2027, 3, 1), date(2027, 3, 1), MON, None),
    ],
)
def test_opening_hours_validity(valid_from, valid_until, day, expected):
    hours = weekly("08:00", "18:00", valid_from=valid_from, valid_until=valid_until)
    assert code_of(check_opening_hours(at(day, "10:00"), at(day, "12:00"), clinic(hours))) == expected


# --- Closures -----------------------------------------------------------------------------------

HOLIDAY = Interval(at(WED, "00:00"), at(THU, "00:00"))
LUNCH_CLOSURE = Interval(at(MON, "12:00"), at(MON, "14:00"))


@pytest.mark.parametrize(
    ("closure", "day", "start", "end", "expected"),
    [
        (HOLIDAY, WED, "10:00", "12:00", codes.CLINIC_CLOSED),
        (HOLIDAY, TUE, "10:00", "12:00", None),
        (HOLIDAY, THU, "00:00", "02:00", None),  # starts as the closure ends
        (HOLIDAY, TUE, "22:00", "23:59", None),
        (LUNCH_CLOSURE, MON, "10:00", "12:00", None),  # ends as the closure starts
        (LUNCH_CLOSURE, MON, "14:00", "16:00", None),  # starts as it ends
        (LUNCH_CLOSURE, MON, "10:01", "12:01", codes.CLINIC_CLOSED),
        (LUNCH_CLOSURE, MON, "13:59", "15:59", codes.CLINIC_CLOSED),
        (LUNCH_CLOSURE, MON, "12:30", "13:30", codes.CLINIC_CLOSED),  # inside
        (LUNCH_CLOSURE, MON, "11:00", "15:00", codes.CLINIC_CLOSED),  # around
    ],
)
def test_closures(closure, day, start, end, expected):
    assert code_of(check_closures(at(day, start), at(day, end), clinic(closures=[closure]))) == expected


def test_closure_violation_names_the_span_and_site_violations_list_both():
    rules = clinic(closures=[HOLIDAY])
    violation = check_closures(at(WED, "10:00"), at(WED, "12:00"), rules)
    assert violation.details == {"closed_from": HOLIDAY.start.isoformat(), "closed_until": HOLIDAY.end.isoformat()}
    assert [v.code for v in site_violations(at(WED, "17:00"), at(WED, "19:00"), rules)] == [
        codes.OUTSIDE_HOURS,
        codes.CLINIC_CLOSED,
    ]
    assert site_violations(at(TUE, "10:00"), at(TUE, "12:00"), rules) == []


# --- Chair and patient --------------------------------------------------------------------------

HELD = Booking(at(MON, "10:00"), at(MON, "12:00"), chair_id=1, nurse_id=1, patient_id=1, session_id=7)


@pytest.mark.parametrize(
    ("check", "key_of", "code"),
    [
        (check_chair, lambda b: b.chair_id, codes.CHAIR_CONFLICT),
        (check_patient, lambda b: b.patient_id, codes.PATIENT_CONFLICT),
    ],
    ids=["chair", "patient"],
)
@pytest.mark.parametrize(
    ("start", "end", "other_key", "exclude", "conflict"),
    [
        ("12:00", "14:00", False, (), False),  # back to back after
        ("08:00", "10:00", False, (), False),  # back to back before
        ("11:59", "13:59", False, (), True),
        ("08:01", "10:01", False, (), True),
        ("10:30", "11:00", False, (), True),  # inside
        ("09:00", "13:00", False, (), True),  # around
        ("10:00", "12:00", False, (), True),  # the same
        ("10:00", "12:00", True, (), False),  # another chair / patient
        ("10:00", "12:00", False, (7,), False),  # the session being moved
        ("10:00", "12:00", False, (8,), True),
    ],
)
def test_chair_and_patient_overlap(check, key_of, code, start, end, other_key, exclude, conflict):
    occupancy = Occupancy([HELD])
    key = key_of(HELD) + (1 if other_key else 0)
    violation = check(at(MON, start), at(MON, end), key, occupancy, frozenset(exclude))
    if conflict:
        assert violation.code == code
        assert violation.details["session"] == 7
    else:
        assert violation is None


# --- Nurse shift and time off -------------------------------------------------------------------

ROTATING = Nurse(
    1,
    shifts=(
        WeeklyInterval(0, hm("08:00"), hm("16:00"), valid_until=date(2027, 3, 1)),
        WeeklyInterval(0, hm("10:00"), hm("18:00"), valid_from=date(2027, 3, 8)),
        WeeklyInterval(2, hm("08:00"), hm("12:00")),
        WeeklyInterval(2, hm("13:00"), hm("17:00")),
    ),
    time_off=(Interval(at(WED, "09:00"), at(WED, "10:00")),),
)


@pytest.mark.parametrize(
    ("day", "start", "end", "reason"),
    [
        (MON, "08:00", "16:00", None),  # exactly the shift
        (MON, "14:00", "16:01", "off_shift"),
        (MON, "07:59", "10:00", "off_shift"),
        ("2027-03-08", "08:00", "10:00", "off_shift"),  # the old pattern ended
        ("2027-03-08", "16:00", "18:00", None),  # the new one began
        (MON, "16:00", "18:00", "off_shift"),  # the new one not yet
        ("2027-02-22", "08:00", "10:00", None),  # before valid_until
        (TUE, "10:00", "12:00", "off_shift"),  # no shift on Tuesdays
        (WED, "11:00", "13:00", "off_shift"),  # across the shift's break
        (WED, "13:00", "17:00", None),
        (WED, "10:00", "12:00", None),  # starts as the time off ends
        (WED, "08:00", "09:00", None),  # ends as it starts
        (WED, "08:00", "09:01", "time_off"),
        (WED, "09:30", "11:30", "time_off"),
    ],
)
def test_nurse_on_shift(day, start, end, reason):
    violation = check_nurse_on_shift(at(day, start), at(day, end), ROTATING, NY)
    if reason is None:
        assert violation is None
    else:
        assert violation.code == codes.NURSE_UNAVAILABLE
        assert violation.details == {"nurse": 1, "reason": reason}


def test_touching_shifts_are_one_stretch():
    double = nurse(1, shifts=weekly("07:00", "13:00") + weekly("13:00", "19:00"))
    assert check_nurse_on_shift(at(MON, "12:00"), at(MON, "14:00"), double, NY) is None
    gap = nurse(1, shifts=weekly("07:00", "13:00") + weekly("13:01", "19:00"))
    assert check_nurse_on_shift(at(MON, "12:00"), at(MON, "14:00"), gap, NY).code == codes.NURSE_UNAVAILABLE


# --- Nurse capacity -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "start", "end", "cap", "refused_at"),
    [
        pytest.param([], "10:00", "12:00", 1, None, id="alone"),
        pytest.param([("10:00", "12:00")], "10:00", "12:00", 1, "10:00", id="cap1-overlap"),
        pytest.param([("08:00", "10:00"), ("12:00", "14:00")], "10:00", "12:00", 1, None, id="cap1-back-to-back"),
        pytest.param([("10:00", "12:00")] * 2, "10:00", "12:00", 3, None, id="exactly-3"),
        pytest.param([("10:00", "12:00")] * 3, "11:00", "13:00", 3, "11:00", id="4-refused"),
        pytest.param([("09:00", "11:00")] * 3, "11:00", "13:00", 3, None, id="4th-starts-as-3-end"),
        # Three overlap the new session but never more than two at once: the peak is 2, not 3.
        pytest.param(
            [("10:00", "11:00"), ("10:30", "11:30"), ("11:00", "12:00")], "10:00", "12:00", 3, None,
            id="staggered-peak-2-of-3-overlapping",
        ),
        pytest.param(
            [("09:00", "10:30"), ("10:00", "11:00"), ("10:45", "12:00"), ("11:30", "13:00")], "10:00", "12:00", 3, None,
            id="staggered-peak-2-of-4-overlapping",
        ),
        pytest.param(
            [("10:00", "12:00"), ("10:30", "12:00"), ("11:00", "12:00")], "11:30", "13:00", 3, "11:30",
            id="staggered-peak-3-reached-inside",
        ),
        pytest.param(
            [("10:00", "12:00"), ("10:30", "12:00"), ("11:00", "12:00")], "09:00", "11:00", 2, "10:30",
            id="cap2-peak-before-third-starts",
        ),
        pytest.param(
            [("10:00", "12:00"), ("10:30", "12:00"), ("11:00", "12:00")], "09:00", "11:00", 3, None,
            id="ends-as-the-third-starts",
        ),
    ],
)
def test_nurse_capacity(existing, start, end, cap, refused_at):
    occupancy = Occupancy(bk(s, e, nurse=1) for s, e in existing)
    violation = check_nurse_capacity(at(MON, start), at(MON, end), 1, occupancy, cap)
    if refused_at is None:
        assert violation is None
    else:
        assert violation.code == codes.NURSE_CAPACITY
        assert violation.details["at"] == at(MON, refused_at).isoformat()
        assert f"watch {cap + 1} patients" in violation.message


def test_nurse_capacity_ignores_other_nurses_and_excluded_sessions():
    occupancy = Occupancy([bk("10:00", "12:00", nurse=1, session=1), bk("10:00", "12:00", nurse=2)])
    assert check_nurse_capacity(at(MON, "10:00"), at(MON, "12:00"), 1, occupancy, 1).code == codes.NURSE_CAPACITY
    assert check_nurse_capacity(at(MON, "10:00"), at(MON, "12:00"), 1, occupancy, 1, frozenset({1})) is None
    assert check_nurse_capacity(at(MON, "10:00"), at(MON, "12:00"), 3, occupancy, 1) is None


@pytest.mark.parametrize(
    ("bookings", "window", "expected"),
    [
        ([], ("10:00", "12:00"), (0, "10:00")),
        ([("10:00", "12:00")], ("10:00", "12:00"), (1, "10:00")),
        ([("09:00", "11:00"), ("11:00", "13:00")], ("10:00", "12:00"), (1, "10:00")),  # end == start: no overlap
        ([("09:00", "11:00"), ("10:30", "13:00")], ("10:00", "12:00"), (2, "10:30")),
        ([("08:00", "09:00"), ("12:00", "13:00")], ("10:00", "12:00"), (0, "10:00")),  # both outside the window
        ([("08:00", "09:00"), ("10:00", "11:00")], ("10:00", "12:00"), (1, "10:00")),
        ([("10:00", "11:00"), ("10:30", "11:30"), ("11:00", "12:00")], ("10:00", "12:00"), (2, "10:30")),
        ([("10:00", "11:00"), ("10:30", "11:30"), ("11:00", "12:00")], ("11:00", "12:00"), (2, "11:00")),
        ([("09:00", "13:00")] * 3 + [("11:59", "12:30")], ("10:00", "12:00"), (4, "11:59")),
    ],
)
def test_peak_load(bookings, window, expected):
    peak, peak_at = peak_load([bk(s, e) for s, e in bookings], at(MON, window[0]), at(MON, window[1]))
    assert (peak, peak_at) == (expected[0], at(MON, expected[1]))


# --- Stagger ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stagger", "start", "nurse_id", "exclude", "refused"),
    [
        (15, "10:15", 1, (), False),  # exactly S after
        (15, "09:45", 1, (), False),  # exactly S before
        (15, "10:14", 1, (), True),  # S - 1 after
        (15, "09:46", 1, (), True),  # S - 1 before
        (15, "10:00", 1, (), True),  # the same minute
        (15, "10:00", 2, (), False),  # another nurse
        (15, "10:00", 1, (7,), False),  # the session being moved
        (0, "10:00", 1, (), False),  # 0 disables
        (30, "10:29", 1, (), True),
        (30, "10:30", 1, (), False),
        (1, "10:00", 1, (), True),
        (1, "10:01", 1, (), False),
    ],
)
def test_stagger(stagger, start, nurse_id, exclude, refused):
    occupancy = Occupancy([bk("10:00", "12:00", nurse=1, session=7)])
    violation = check_stagger(at(MON, start), nurse_id, occupancy, timedelta(minutes=stagger), frozenset(exclude))
    if refused:
        assert violation.code == codes.STAGGER
        assert violation.details == {"nurse": 1, "session": 7, "stagger_minutes": stagger}
    else:
        assert violation is None


def test_stagger_looks_only_at_starts_not_at_running_sessions():
    # A session started an hour ago is still running: capacity's business, not stagger's.
    occupancy = Occupancy([bk("09:00", "12:00", nurse=1)])
    assert check_stagger(at(MON, "10:00"), 1, occupancy, timedelta(minutes=15)) is None


def test_nurse_violations_collects_every_nurse_rule():
    rules = clinic(cap=1, stagger=15)
    occupancy = Occupancy([bk("10:00", "12:00", nurse=1)])
    off_shift = nurse(1, shifts=weekly("11:00", "19:00"))
    found = nurse_violations(at(MON, "10:05"), at(MON, "12:05"), off_shift, rules, occupancy)
    assert [v.code for v in found] == [codes.NURSE_UNAVAILABLE, codes.NURSE_CAPACITY, codes.STAGGER]
    assert nurse_violations(at(MON, "12:00"), at(MON, "14:00"), nurse(1), rules, occupancy) == []


# --- Choosing a chair and a nurse ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("taken", "chairs", "expected"),
    [
        ([], [1, 2, 3], 1),
        ([1], [1, 2, 3], 2),
        ([1, 2], [1, 2, 3], 3),
        ([1, 2, 3], [1, 2, 3], None),
        ([1], [3, 1, 2], 3),  # the caller's order wins
        ([], [], None),
    ],
)
def test_choose_chair(taken, chairs, expected):
    occupancy = Occupancy(bk("10:00", "12:00", chair=c) for c in taken)
    assert choose_chair(at(MON, "11:00"), at(MON, "13:00"), chairs, occupancy) == expected


@pytest.mark.parametrize(
    ("loads", "nurses", "expected"),
    [
        pytest.param({1: 2, 2: 1}, [1, 2], 2, id="lighter-second"),
        pytest.param({1: 1, 2: 2}, [1, 2], 1, id="lighter-first"),
        pytest.param({1: 1, 2: 1}, [2, 1], 2, id="tie-first-listed"),
        pytest.param({1: 0, 2: 0}, [1, 2], 1, id="both-idle"),
        pytest.param({1: 3, 2: 2}, [1, 2], 2, id="full-nurse-skipped"),
        pytest.param({1: 3, 2: 3}, [1, 2], None, id="all-full"),
        pytest.param({}, [], None, id="no-nurses"),
    ],
)
def test_choose_nurse_prefers_the_lighter_load(loads, nurses, expected):
    occupancy = Occupancy(bk("10:00", "12:00", nurse=n) for n, count in loads.items() for _ in range(count))
    chosen = choose_nurse(at(MON, "10:30"), at(MON, "12:30"), [nurse(n) for n in nurses], clinic(cap=3), occupancy)
    assert chosen == expected


def test_choose_nurse_counts_peak_load_not_overlapping_sessions():
    # Nurse 1 has three sessions that never run together (peak 1); nurse 2 has two at once (peak 2).
    occupancy = Occupancy(
        [bk("10:00", "11:00", nurse=1), bk("11:00", "12:00", nurse=1), bk("12:00", "13:00", nurse=1)]
        + [bk("10:00", "13:00", nurse=2)] * 2
    )
    chosen = choose_nurse(at(MON, "10:00"), at(MON, "13:00"), [nurse(2), nurse(1)], clinic(cap=3), occupancy)
    assert chosen == 1


def test_choose_nurse_skips_nurses_off_shift_or_within_stagger():
    occupancy = Occupancy([bk("10:00", "12:00", nurse=2)])
    nurses = [nurse(1, shifts=weekly("12:00", "19:00")), nurse(2), nurse(3, time_off=[Interval(at(MON, "11:00"), at(MON, "11:30"))])]
    assert choose_nurse(at(MON, "10:10"), at(MON, "12:10"), nurses, clinic(stagger=15), occupancy) is None
    assert choose_nurse(at(MON, "10:15"), at(MON, "12:15"), nurses, clinic(stagger=15), occupancy) == 2


# --- place_session ------------------------------------------------------------------------------


def place(start="10:00", end="12:00", *, day=MON, patient=1, chair=None, nurse_id=None, rules=None, chairs=(1, 2),
          nurses=None, occupancy=(), exclude=()):
    return place_session(
        Placement(at(day, start), at(day, end), patient, chair, nurse_id),
        rules=rules or clinic(),
        chair_ids=list(chairs),
        nurses=[nurse(1), nurse(2)] if nurses is None else nurses,
        occupancy=Occupancy(occupancy),
        exclude=frozenset(exclude),
    )


def test_place_session_chooses_a_chair_and_a_nurse():
    assignment = place(occupancy=[bk("10:00", "12:00", chair=1, nurse=1)])
    assert assignment.ok
    assert (assignment.chair_id, assignment.nurse_id, assignment.violations) == (2, 2, ())


def test_place_session_no_free_chair():
    assignment = place(occupancy=[bk("09:00", "11:00", chair=1, nurse=9), bk("11:00", "13:00", chair=2, nurse=9)])
    assert not assignment.ok
    assert assignment.chair_id is None
    assert [(v.code, v.details) for v in assignment.violations] == [(codes.CHAIR_CONFLICT, {"chair": None})]


def test_place_session_named_chair_taken():
    held = bk("11:00", "13:00", chair=2, nurse=9, session=5)
    assignment = place(chair=2, occupancy=[held])
    assert assignment.chair_id == 2
    assert [(v.code, v.details) for v in assignment.violations] == [(codes.CHAIR_CONFLICT, {"chair": 2, "session": 5})]


def test_place_session_named_chair_not_among_the_clinics_chairs():
    # An inactive chair, or one of another clinic: the docstring says it is a conflict on that chair.
    assignment = place(chair=99)
    assert [v.code for v in assignment.violations] == [codes.CHAIR_CONFLICT]
    assert assignment.violations[0].details["chair"] == 99


def test_place_session_named_chair_free():
    assignment = place(chair=2, occupancy=[bk("10:00", "12:00", chair=1, nurse=9)])
    assert assignment.ok and assignment.chair_id == 2


def test_place_session_nobody_on_shift():
    nurses = [nurse(1, shifts=weekly("12:00", "19:00")), nurse(2, time_off=[Interval(at(MON, "00:00"), at(TUE, "00:00"))])]
    assignment = place(nurses=nurses)
    assert assignment.nurse_id is None
    assert [(v.code, v.details) for v in assignment.violations] == [(codes.NURSE_UNAVAILABLE, {"nurse": None})]


def test_place_session_no_nurses_at_all():
    assert [v.code for v in place(nurses=[]).violations] == [codes.NURSE_UNAVAILABLE]


def test_place_session_every_nurse_full():
    busy = [bk("09:00", "11:00", nurse=n) for n in (1, 2) for _ in range(3)]
    assignment = place(rules=clinic(cap=3), chairs=range(1, 20), occupancy=busy)
    assert assignment.nurse_id is None
    assert [v.code for v in assignment.violations] == [codes.NURSE_CAPACITY]
    assert assignment.violations[0].details == {"nurse": None, "at": at(MON, "10:00").isoformat()}


def test_place_session_every_nurse_starting_another():
    busy = [bk("09:50", "11:00", nurse=1), bk("10:10", "12:00", nurse=2)]
    assignment = place(rules=clinic(stagger=15), chairs=range(1, 20), occupancy=busy)
    assert assignment.nurse_id is None
    assert [(v.code, v.details) for v in assignment.violations] == [
        (codes.STAGGER, {"nurse": None, "stagger_minutes": 15})
    ]


def test_place_session_named_nurse():
    assert [v.code for v in place(nurse_id=42).violations] == [codes.NURSE_UNAVAILABLE]
    off = place(nurse_id=1, nurses=[nurse(1, shifts=weekly("12:00", "19:00"))])
    assert [(v.code, v.details["nurse"]) for v in off.violations] == [(codes.NURSE_UNAVAILABLE, 1)]
    full = place(nurse_id=2, rules=clinic(cap=1), occupancy=[bk("09:00", "11:00", nurse=2)])
    assert [v.code for v in full.violations] == [codes.NURSE_CAPACITY]
    # The named nurse is kept even when another would be lighter.
    busy = place(nurse_id=2, occupancy=[bk("09:00", "11:00", nurse=2)])
    assert busy.ok and busy.nurse_id == 2


def test_place_session_patient_conflict_and_exclude():
    held = bk("11:00", "13:00", patient=1, session=3)
    assert [v.code for v in place(occupancy=[held]).violations] == [codes.PATIENT_CONFLICT]
    assert place(occupancy=[held], exclude=[3]).ok
    assert place(patient=2, occupancy=[held]).ok


def test_place_session_reports_site_rules_first():
    rules = clinic(closures=[Interval(at(MON, "17:00"), at(MON, "20:00"))])
    held = bk("17:00", "19:00", patient=1)
    assignment = place("17:00", "19:00", rules=rules, occupancy=[held], nurses=[])
    assert [v.code for v in assignment.violations] == [
        codes.OUTSIDE_HOURS,
        codes.CLINIC_CLOSED,
        codes.PATIENT_CONFLICT,
        codes.NURSE_UNAVAILABLE,
    ]


# --- Local time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "wall"),
    [
        (NY, "2027-03-14T02:30"),
        (NY, "2027-03-14T02:00"),
        (NY, "2027-03-14T02:59"),
        (LONDON, "2027-03-28T01:30"),
        (LONDON, "2027-03-28T01:00"),
    ],
)
def test_localize_refuses_a_time_the_clocks_skip(tz, wall):
    with pytest.raises(LocalTimeError) as caught:
        localize(datetime.fromisoformat(wall), tz)
    violation = caught.value.violation
    assert violation.code == codes.NONEXISTENT_LOCAL_TIME
    assert violation.details == {"local_time": datetime.fromisoformat(wall).isoformat(), "timezone": tz.key}
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("tz", "wall", "utc"),
    [
        (NY, "2027-03-14T01:59", "2027-03-14T06:59"),  # just before the gap: EST
        (NY, "2027-03-14T03:00", "2027-03-14T07:00"),  # just after: EDT
        (NY, "2027-03-13T10:00", "2027-03-13T15:00"),
        (NY, "2027-03-15T10:00", "2027-03-15T14:00"),
        (LONDON, "2027-03-28T00:59", "2027-03-28T00:59"),  # GMT
        (LONDON, "2027-03-28T02:00", "2027-03-28T01:00"),  # BST
        # Fall back: the hour that occurs twice is taken the first time, still on daylight time.
        (NY, "2027-11-07T01:30", "2027-11-07T05:30"),
        (NY, "2027-11-07T01:00", "2027-11-07T05:00"),
        (NY, "2027-11-07T01:59", "2027-11-07T05:59"),
        (NY, "2027-11-07T02:00", "2027-11-07T07:00"),
        (NY, "2027-11-07T00:59", "2027-11-07T04:59"),
        (LONDON, "2027-10-31T01:30", "2027-10-31T00:30"),
    ],
)
def test_localize(tz, wall, utc):
    instant = localize(datetime.fromisoformat(wall), tz)
    assert instant.astimezone(UTC).replace(tzinfo=None) == datetime.fromisoformat(utc)
    assert instant.astimezone(tz).replace(tzinfo=None) == datetime.fromisoformat(wall)


def test_localize_takes_the_first_of_two_even_when_asked_for_the_second():
    instant = localize(datetime(2027, 11, 7, 1, 30, fold=1), NY)
    assert instant.utcoffset() == timedelta(hours=-4)


def test_localize_keeps_an_aware_instant():
    instant = datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert localize(instant, NY) is instant


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (datetime(1, 1, 1), True),  # year 1 and 9999 overflow in a zone conversion or a session's end
        (datetime(9999, 12, 31, 23, 59), True),
        (datetime(1899, 12, 31, 23, 59), True),
        (datetime(3000, 1, 1), True),
        (datetime(1, 1, 1, tzinfo=UTC), True),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), True),
        (datetime(1900, 1, 1), False),
        (datetime(2999, 12, 31, 23, 59), False),
        (datetime(2999, 12, 31, 23, 59, tzinfo=UTC), False),
    ],
)
def test_localize_refuses_a_time_out_of_range(value, refused):
    if not refused:
        assert localize(value, NY).astimezone(NY).replace(tzinfo=None) == (
            value if value.tzinfo is None else value.astimezone(NY).replace(tzinfo=None)
        )
        return
    with pytest.raises(LocalTimeError) as caught:
        localize(value, NY)
    assert caught.value.violation.code == codes.TIME_OUT_OF_RANGE
    assert caught.value.status == 400 and "1900-01-01 and 2999-12-31" in caught.value.violation.message


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        (datetime(2027, 3, 2, 3, 0, tzinfo=UTC), NY, date(2027, 3, 1)),  # 22:00 the evening before
        (datetime(2027, 3, 2, 3, 0, tzinfo=UTC), LONDON, date(2027, 3, 2)),
        (datetime(2027, 7, 1, 23, 30, tzinfo=UTC), LONDON, date(2027, 7, 2)),  # BST: 00:30 next day
    ],
)
def test_local_date(instant, tz, expected):
    assert local_date(instant, tz) == expected


@pytest.mark.parametrize(
    ("tz", "start", "delta", "expected", "utc_hours"),
    [
        (NY, "2027-03-12T10:00", timedelta(days=7), "2027-03-19T10:00", (15, 14)),  # across spring forward
        (NY, "2027-11-05T10:00", timedelta(days=7), "2027-11-12T10:00", (14, 15)),  # across fall back
        (NY, "2027-03-13T10:00", timedelta(days=1), "2027-03-14T10:00", (15, 14)),  # onto the change day
        (NY, "2027-03-19T10:00", timedelta(days=-7), "2027-03-12T10:00", (14, 15)),  # backwards
        (LONDON, "2027-03-26T10:00", timedelta(days=3), "2027-03-29T10:00", (10, 9)),
        (LONDON, "2027-10-29T10:00", timedelta(days=3), "2027-11-01T10:00", (9, 10)),
        (NY, "2027-03-12T10:00", timedelta(days=2, hours=1, minutes=30), "2027-03-14T11:30", (15, 15)),
    ],
)
def test_shift_wall_clock_keeps_the_local_time(tz, start, delta, expected, utc_hours):
    instant = localize(datetime.fromisoformat(start), tz)
    shifted = shift_wall_clock(instant, delta, tz)
    assert shifted.astimezone(tz).replace(tzinfo=None) == datetime.fromisoformat(expected)
    assert (instant.astimezone(UTC).hour, shifted.astimezone(UTC).hour) == utc_hours
    assert wall_clock_delta(instant, shifted, tz) == delta


def test_shift_wall_clock_into_the_gap_is_refused():
    with pytest.raises(LocalTimeError) as caught:
        shift_wall_clock(at("2027-03-07", "02:30"), timedelta(days=7), NY)
    assert caught.value.violation.code == codes.NONEXISTENT_LOCAL_TIME


def test_wall_clock_delta_differs_from_elapsed_time_across_dst():
    before, after = at("2027-03-12", "10:00"), at("2027-03-19", "10:00")
    # (Subtracting two datetimes that share a tzinfo is wall-clock arithmetic in Python: go through UTC.)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(days=7, hours=-1)
    assert wall_clock_delta(before, after, NY) == timedelta(days=7)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (MON, TUE),
        (TUE, WED),
        (WED, THU),
        (THU, FRI),
        (FRI, "2027-03-08"),
        (SAT, "2027-03-08"),
        (SUN, "2027-03-08"),
    ],
)
def test_next_weekday(day, expected):
    assert next_weekday(date.fromisoformat(day)) == date.fromisoformat(expected)


# --- Instants written in different zones, across DST --------------------------------------------
# Python compares and subtracts two datetimes that share a tzinfo by their wall clocks. Stored bookings
# arrive in UTC, the desk's in the clinic's zone: the rules must not care.


def ny_from_utc(hhmm: str, day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=UTC).astimezone(NY)


def test_overlap_search_across_spring_forward_with_mixed_zones():
    # A 2-hour booking from 06:20 UTC, and a later-starting one written at 01:30 New York time (06:30 UTC):
    # walking back from the latter by "01:30 + 2 h" of wall clock lands on 07:30 UTC, not 08:30.
    long = Booking(datetime(2027, 3, 14, 6, 20, tzinfo=UTC), datetime(2027, 3, 14, 8, 20, tzinfo=UTC), 1, 1, 1, 1)
    short = Booking(at("2027-03-14", "01:30"), datetime(2027, 3, 14, 7, 30, tzinfo=UTC), 1, 2, 2, 2)
    occupancy = Occupancy([long, short])
    starts, ends = datetime(2027, 3, 14, 7, 45, tzinfo=UTC), datetime(2027, 3, 14, 8, 0, tzinfo=UTC)
    assert occupancy.overlapping("chair", 1, starts, ends) == [long]
    assert check_chair(starts, ends, 1, occupancy).code == codes.CHAIR_CONFLICT


def test_stagger_counts_elapsed_minutes_in_the_repeated_hour():
    # 01:05 EST (the second 01:05, 06:05 UTC) is exactly 15 minutes after 01:50 EDT (05:50 UTC).
    occupancy = Occupancy([Booking(ny_from_utc("06:05", "2027-11-07"), ny_from_utc("07:05", "2027-11-07"), 1, 1, 1, 1)])
    assert check_stagger(at("2027-11-07", "01:50"), 1, occupancy, timedelta(minutes=15)) is None
    assert check_stagger(at("2027-11-07", "01:51"), 1, occupancy, timedelta(minutes=15)).code == codes.STAGGER


def test_closure_in_the_repeated_hour_is_compared_as_instants():
    # Closed 01:10–01:50 EST (the second time round); the session is 01:15–01:45 EDT, an hour earlier.
    closure = Interval(ny_from_utc("06:10", "2027-11-07"), ny_from_utc("06:50", "2027-11-07"))
    rules = clinic(closures=[closure])
    assert check_closures(at("2027-11-07", "01:15"), at("2027-11-07", "01:45"), rules) is None
    assert check_closures(ny_from_utc("06:00", "2027-11-07"), ny_from_utc("06:30", "2027-11-07"), rules).code == (
        codes.CLINIC_CLOSED
    )


def test_peak_load_in_the_repeated_hour():
    # 05:30–06:30 UTC and 06:10–06:40 UTC overlap for 20 minutes, though their wall clocks say otherwise.
    first = Booking(at("2027-11-07", "01:30"), ny_from_utc("06:30", "2027-11-07"), 1, 1, 1, 1)
    second = Booking(ny_from_utc("06:10", "2027-11-07"), ny_from_utc("06:40", "2027-11-07"), 2, 1, 2, 2)
    peak, peak_at = peak_load([first, second], datetime(2027, 11, 7, 5, tzinfo=UTC), datetime(2027, 11, 7, 7, tzinfo=UTC))
    assert (peak, peak_at.astimezone(UTC)) == (2, datetime(2027, 11, 7, 6, 10, tzinfo=UTC))


def test_zero_length_booking_does_not_break_the_index():
    instant = at(MON, "10:00")
    occupancy = Occupancy([Booking(instant, instant, 1, 1, 1, 1)])
    assert occupancy.overlapping("chair", 1, at(MON, "09:00"), at(MON, "11:00")) == [occupancy.near("chair", 1, instant, at(MON, "10:01"))[0]]
    assert check_chair(at(MON, "10:00"), at(MON, "11:00"), 1, occupancy) is None
