"""The course rules of scheduler.planning: spacing, window and whole-series placement; no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler import error_codes as codes
from scheduler.planning import (
    Booking,
    ChairClosure,
    Interval,
    LocalTimeError,
    Occupancy,
    Placement,
    SeriesRequest,
    Slot,
    Spacing,
    check_chair,
    check_series,
    check_spacing,
    localize,
    place_session,
)
from tests.scheduler.test_planning import NY, at, bk, clinic, nurse, weekly

DEPRESSION = Spacing(min_gap=timedelta(hours=40), min_gap_days=2, window_days=21, warn_window_days=28)
ANXIETY = Spacing(min_gap_days=6, max_gap_days=8)
PAIN = Spacing(min_gap=timedelta(hours=20), consecutive_weekdays=True)
ESKETAMINE = Spacing(min_gap=timedelta(hours=48), window_days=28)
MAX_72H = Spacing(max_gap=timedelta(hours=72))
WARN_ONLY = Spacing(warn_window_days=28)
SOFT_AND_HARD = Spacing(window_days=28, warn_window_days=21)
NO_RULES = Spacing()

TOO_CLOSE, TOO_FAR, EXCEEDED = codes.SPACING_TOO_CLOSE, codes.SPACING_TOO_FAR, codes.WINDOW_EXCEEDED


def slot(sequence: int, when: str, minutes: int = 120) -> Slot:
    """A slot from "YYYY-MM-DD HH:MM" in New York, holding the chair `minutes` of elapsed time."""
    day, hhmm = when.split()
    start = at(day, hhmm)
    return Slot(sequence, start, start.astimezone(UTC) + timedelta(minutes=minutes))


def course(*whens: str, minutes: int = 120) -> list[Slot]:
    return [slot(k, when, minutes) for k, when in enumerate(whens, start=1)]


def spacing_codes(slots, spacing):
    violations, warnings = check_spacing(slots, spacing, NY)
    return [v.code for v in violations], [w.code for w in warnings]


@pytest.mark.parametrize(
    ("spacing", "whens", "expected"),
    [
        # Depression: at least 40 h and 2 calendar days apart, all within 21 days.
        pytest.param(DEPRESSION, ["2027-03-01 10:00", "2027-03-03 10:00", "2027-03-05 10:00"], [], id="dep-mon-wed-fri"),
        pytest.param(DEPRESSION, ["2027-03-01 16:00", "2027-03-03 08:00"], [], id="dep-exactly-40h"),
        pytest.param(DEPRESSION, ["2027-03-01 16:00", "2027-03-03 07:59"], [TOO_CLOSE], id="dep-40h-minus-1min"),
        pytest.param(DEPRESSION, ["2027-03-01 10:00", "2027-03-02 10:00"], [TOO_CLOSE, TOO_CLOSE], id="dep-next-day"),
        pytest.param(DEPRESSION, ["2027-03-01 00:00", "2027-03-02 16:00"], [TOO_CLOSE], id="dep-40h-but-next-day"),
        pytest.param(
            DEPRESSION, ["2027-03-01 10:00", "2027-03-04 10:00", "2027-03-08 10:00", "2027-03-12 10:00",
                         "2027-03-16 10:00", "2027-03-21 10:00"], [], id="dep-span-21",
        ),
        pytest.param(
            DEPRESSION, ["2027-03-01 10:00", "2027-03-04 10:00", "2027-03-08 10:00", "2027-03-12 10:00",
                         "2027-03-16 10:00", "2027-03-22 10:00"], [EXCEEDED], id="dep-span-22",
        ),
        pytest.param(DEPRESSION, ["2027-03-01 08:00", "2027-03-21 23:30"], [], id="dep-span-21-late-evening"),
        pytest.param(DEPRESSION, ["2027-03-01 10:00", "2027-03-03 10:00", "2027-03-04 10:00"], [TOO_CLOSE, TOO_CLOSE],
                     id="dep-third-too-close"),
        # Anxiety: weekly, 6 to 8 calendar days apart.
        pytest.param(ANXIETY, ["2027-03-01 10:00", "2027-03-06 10:00"], [TOO_CLOSE], id="anx-5-days"),
        pytest.param(ANXIETY, ["2027-03-01 10:00", "2027-03-07 10:00"], [], id="anx-6-days"),
        pytest.param(ANXIETY, ["2027-03-01 10:00", "2027-03-09 17:00"], [], id="anx-8-days"),
        pytest.param(ANXIETY, ["2027-03-01 10:00", "2027-03-10 08:00"], [TOO_FAR], id="anx-9-days"),
        pytest.param(ANXIETY, ["2027-03-01 23:30", "2027-03-07 00:30"], [], id="anx-6-local-days-5-days-elapsed"),
        pytest.param(ANXIETY, ["2027-03-12 10:00", "2027-03-18 10:00", "2027-03-25 10:00", "2027-04-02 10:00"], [],
                     id="anx-across-dst"),
        # Pain: consecutive weekdays, at least 20 h apart.
        pytest.param(PAIN, ["2027-03-01 10:00", "2027-03-02 10:00", "2027-03-03 10:00", "2027-03-04 10:00",
                            "2027-03-05 10:00"], [], id="pain-mon-to-fri"),
        pytest.param(PAIN, ["2027-03-04 10:00", "2027-03-05 10:00", "2027-03-08 10:00"], [], id="pain-fri-to-mon"),
        pytest.param(PAIN, ["2027-03-02 10:00", "2027-03-04 10:00"], [TOO_FAR], id="pain-tue-to-thu"),
        pytest.param(PAIN, ["2027-03-05 10:00", "2027-03-09 10:00"], [TOO_FAR], id="pain-fri-to-tue"),
        pytest.param(PAIN, ["2027-03-05 10:00", "2027-03-06 10:00"], [TOO_CLOSE], id="pain-fri-to-sat"),
        pytest.param(PAIN, ["2027-03-01 08:00", "2027-03-01 14:00"], [TOO_CLOSE, TOO_CLOSE], id="pain-same-day"),
        pytest.param(PAIN, ["2027-03-01 17:00", "2027-03-02 12:59"], [TOO_CLOSE], id="pain-next-day-under-20h"),
        pytest.param(PAIN, ["2027-03-01 17:00", "2027-03-02 13:00"], [], id="pain-next-day-exactly-20h"),
        # Hours upper bound.
        pytest.param(MAX_72H, ["2027-03-01 10:00", "2027-03-04 10:00"], [], id="max-exactly-72h"),
        pytest.param(MAX_72H, ["2027-03-01 10:00", "2027-03-04 10:01"], [TOO_FAR], id="max-72h-plus-1min"),
        # Order: a session starts after the previous one has ended, whatever else the protocol says.
        pytest.param(DEPRESSION, ["2027-03-01 10:00", "2027-03-01 11:00"], [TOO_CLOSE], id="order-overlap"),
        pytest.param(DEPRESSION, ["2027-03-03 10:00", "2027-03-01 10:00"], [TOO_CLOSE], id="order-reversed"),
        pytest.param(NO_RULES, ["2027-03-01 10:00", "2027-03-01 11:59"], [TOO_CLOSE], id="order-no-rules"),
        pytest.param(NO_RULES, ["2027-03-01 10:00", "2027-03-01 12:00"], [], id="order-back-to-back"),
        pytest.param(NO_RULES, ["2027-03-01 10:00"], [], id="single-session"),
        pytest.param(NO_RULES, [], [], id="no-sessions"),
    ],
)
def test_spacing(spacing, whens, expected):
    assert spacing_codes(course(*whens), spacing) == (expected, [])


@pytest.mark.parametrize(
    ("spacing", "last_day", "violations", "warnings"),
    [
        (WARN_ONLY, "2027-03-28", [], []),  # the first day counts as day 1: 28 days
        (WARN_ONLY, "2027-03-29", [], [codes.WINDOW_WARNING]),
        (SOFT_AND_HARD, "2027-03-21", [], []),
        (SOFT_AND_HARD, "2027-03-22", [], [codes.WINDOW_WARNING]),
        (SOFT_AND_HARD, "2027-03-28", [], [codes.WINDOW_WARNING]),
        (SOFT_AND_HARD, "2027-03-29", [EXCEEDED], []),  # refused, not warned as well
        (DEPRESSION, "2027-03-21", [], []),
        (DEPRESSION, "2027-03-22", [EXCEEDED], []),
        (DEPRESSION, "2027-03-29", [EXCEEDED], []),
        (Spacing(window_days=1), "2027-03-01", [], []),
        (Spacing(window_days=1), "2027-03-02", [EXCEEDED], []),
    ],
)
def test_window(spacing, last_day, violations, warnings):
    slots = course("2027-03-01 10:00", f"{last_day} 10:00") if last_day != "2027-03-01" else course(
        "2027-03-01 08:00", "2027-03-01 14:00"
    )
    assert spacing_codes(slots, spacing) == (violations, warnings)


def test_window_details():
    violations, _ = check_spacing(course("2027-03-01 10:00", "2027-03-22 10:00"), DEPRESSION, NY)
    assert violations[0].details == {"span_days": 22, "window_days": 21}
    _, warnings = check_spacing(course("2027-03-01 10:00", "2027-03-29 10:00"), WARN_ONLY, NY)
    assert warnings[0].details == {"span_days": 29, "warn_window_days": 28}


def test_spacing_follows_sequence_not_the_order_given():
    slots = course("2027-03-01 10:00", "2027-03-03 10:00", "2027-03-05 10:00")
    assert spacing_codes(list(reversed(slots)), DEPRESSION) == ([], [])


def test_spacing_violation_details():
    violations, _ = check_spacing(course("2027-03-01 16:00", "2027-03-03 07:00"), DEPRESSION, NY)
    assert violations[0].details == {"sequences": [1, 2], "gap_hours": 39.0, "min_gap_hours": 40.0}
    violations, _ = check_spacing(course("2027-03-02 10:00", "2027-03-04 10:00"), PAIN, NY)
    assert violations[0].details == {"sequences": [1, 2], "expected_date": "2027-03-03"}
    violations, _ = check_spacing(course("2027-03-01 10:00", "2027-03-10 10:00"), ANXIETY, NY)
    assert violations[0].details == {"sequences": [1, 2], "gap_days": 9, "max_gap_days": 8}


# Hours apart are elapsed hours: across a DST change the wall clock gains or loses one.
@pytest.mark.parametrize(
    ("spacing", "first", "second", "expected"),
    [
        pytest.param(DEPRESSION, "2027-03-12 18:00", "2027-03-14 10:00", [TOO_CLOSE], id="spring-39h-elapsed-40h-wall"),
        pytest.param(DEPRESSION, "2027-03-12 17:00", "2027-03-14 10:00", [], id="spring-40h-elapsed"),
        pytest.param(ESKETAMINE, "2027-03-13 12:00", "2027-03-15 12:00", [TOO_CLOSE], id="spring-47h-elapsed-48h-wall"),
        pytest.param(ESKETAMINE, "2027-03-13 12:00", "2027-03-15 13:00", [], id="spring-48h-elapsed"),
        pytest.param(DEPRESSION, "2027-11-05 18:00", "2027-11-07 09:00", [], id="fall-40h-elapsed-39h-wall"),
        pytest.param(MAX_72H, "2027-11-05 10:00", "2027-11-08 10:00", [TOO_FAR], id="fall-73h-elapsed-72h-wall"),
        pytest.param(MAX_72H, "2027-03-12 10:00", "2027-03-15 10:00", [], id="spring-71h-elapsed-72h-wall"),
    ],
)
def test_spacing_hours_are_elapsed_time_across_dst(spacing, first, second, expected):
    slots = course(first, second)
    assert spacing_codes(slots, spacing) == (expected, [])
    # The same instants in UTC (as the database returns them) give the same answer.
    as_utc = [Slot(s.sequence, s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in slots]
    assert spacing_codes(as_utc, spacing) == (expected, [])


# --- check_series -------------------------------------------------------------------------------

SIX_DAYS = weekly("08:00", "18:00", days=range(6))


def series(*requests, spacing=DEPRESSION, others=(), occupancy=None, chairs=(1, 2), nurses=None, cap=3, stagger=0,
           exclude=()):
    occupancy = Occupancy() if occupancy is None else occupancy
    return check_series(
        list(requests),
        others=list(others),
        spacing=spacing,
        rules=clinic(SIX_DAYS, cap=cap, stagger=stagger),
        chair_ids=list(chairs),
        nurses=[nurse(1)] if nurses is None else nurses,
        occupancy=occupancy,
        exclude=frozenset(exclude),
    )


def req(sequence: int, when: str, minutes: int = 120, patient: int = 1, chair=None, nurse_id=None) -> SeriesRequest:
    s = slot(sequence, when, minutes)
    return SeriesRequest(sequence, Placement(s.start, s.end, patient, chair, nurse_id))


def assignment_codes(check):
    return {k: [v.code for v in a.violations] for k, a in check.assignments}


def test_series_places_every_session_and_fills_the_occupancy():
    occupancy = Occupancy()
    check = series(req(1, "2027-03-01 10:00"), req(2, "2027-03-03 10:00"), req(3, "2027-03-05 10:00"),
                   occupancy=occupancy, chairs=[1])
    assert check.first_violation is None
    assert [(k, a.chair_id, a.nurse_id) for k, a in check.assignments] == [(1, 1, 1), (2, 1, 1), (3, 1, 1)]
    assert (check.spacing_violations, check.warnings) == ((), ())
    assert len(occupancy.overlapping("patient", 1, at("2027-03-01", "00:00"), at("2027-03-06", "00:00"))) == 3
    assert check_chair(at("2027-03-03", "11:00"), at("2027-03-03", "12:00"), 1, occupancy).code == codes.CHAIR_CONFLICT


def test_series_two_sessions_at_the_same_time_conflict_on_the_patient():
    check = series(req(1, "2027-03-01 10:00"), req(2, "2027-03-01 10:00"))
    assert assignment_codes(check) == {1: [], 2: [codes.PATIENT_CONFLICT]}
    assert [v.code for v in check.spacing_violations] == [TOO_CLOSE]
    sequence, violation = check.first_violation
    assert (sequence, violation.code) == (2, codes.PATIENT_CONFLICT)


def test_series_sessions_placed_in_time_order_and_reported_in_sequence_order():
    # Session 2 is asked for first in time: it is placed first, so session 1 meets the conflict.
    check = series(req(2, "2027-03-01 10:00"), req(1, "2027-03-01 11:00"))
    assert [k for k, _ in check.assignments] == [1, 2]
    assert assignment_codes(check) == {1: [codes.PATIENT_CONFLICT], 2: []}
    assert check.first_violation[0] == 1


def test_series_later_sessions_see_earlier_ones_on_chairs_and_nurses():
    # Another patient's sessions would not clash on the patient, only on chair and nurse capacity.
    one_chair = series(req(1, "2027-03-01 10:00", patient=1), req(2, "2027-03-01 11:00", patient=2),
                       spacing=NO_RULES, chairs=[1])
    assert one_chair.assignments[1][1].chair_id is None
    assert assignment_codes(one_chair) == {1: [], 2: [codes.CHAIR_CONFLICT]}
    one_nurse = series(req(1, "2027-03-01 10:00", patient=1), req(2, "2027-03-01 11:00", patient=2),
                       spacing=NO_RULES, cap=1)
    assert assignment_codes(one_nurse) == {1: [], 2: [codes.NURSE_CAPACITY]}
    staggered = series(req(1, "2027-03-01 10:00", patient=1), req(2, "2027-03-01 10:10", patient=2),
                       spacing=NO_RULES, stagger=15)
    assert assignment_codes(staggered) == {1: [], 2: [codes.STAGGER]}


def test_series_checks_spacing_against_sessions_that_stay():
    others = [slot(1, "2027-03-01 10:00"), slot(3, "2027-03-05 10:00")]
    check = series(req(2, "2027-03-02 10:00"), others=others)
    assert assignment_codes(check) == {2: []}
    assert [v.code for v in check.spacing_violations] == [TOO_CLOSE, TOO_CLOSE]
    sequence, violation = check.first_violation
    assert (sequence, violation.code) == (None, TOO_CLOSE)
    assert series(req(2, "2027-03-03 10:00"), others=others).first_violation is None


def test_series_first_violation_prefers_the_lowest_sequence_then_spacing():
    occupancy = Occupancy([bk("09:00", "11:00", day="2027-03-03", patient=1, session=50)])
    check = series(req(1, "2027-03-01 17:00"), req(2, "2027-03-03 10:00"), occupancy=occupancy)
    assert assignment_codes(check) == {1: [codes.OUTSIDE_HOURS], 2: [codes.PATIENT_CONFLICT]}
    assert check.first_violation[0] == 1
    assert check.first_violation[1].code == codes.OUTSIDE_HOURS


def test_series_passes_warnings_through():
    check = series(req(1, "2027-03-01 10:00"), req(2, "2027-03-29 10:00"), spacing=WARN_ONLY)
    assert check.first_violation is None
    assert [w.code for w in check.warnings] == [codes.WINDOW_WARNING]


def test_series_reschedule_excludes_the_sessions_being_moved():
    stored = Booking(at("2027-03-01", "10:00"), at("2027-03-01", "12:00"), chair_id=1, nurse_id=1, patient_id=1,
                     session_id=7)
    moved = req(1, "2027-03-01 10:10", chair=1, nurse_id=1)
    check = series(moved, occupancy=Occupancy([stored]), exclude=[7], cap=1, stagger=15)
    assert check.first_violation is None
    blocked = series(moved, occupancy=Occupancy([stored]), cap=1, stagger=15)
    assert assignment_codes(blocked) == {1: [codes.PATIENT_CONFLICT, codes.CHAIR_CONFLICT, codes.NURSE_CAPACITY,
                                             codes.STAGGER]}


# --- Every error code has a rule that produces it -----------------------------------------------

MON = "2027-03-01"


def _placed(start="10:00", end="12:00", **kwargs):
    defaults = dict(rules=clinic(), chair_ids=[1], nurses=[nurse(1)], occupancy=Occupancy())
    defaults.update(kwargs)
    return [v.code for v in place_session(Placement(at(MON, start), at(MON, end), 1), **defaults).violations]


def _localize_codes(local: datetime) -> list[str]:
    try:
        localize(local, NY)
    except LocalTimeError as exc:
        return [exc.violation.code]
    return []


def _nonexistent():
    return _localize_codes(datetime(2027, 3, 14, 2, 30))


def _out_of_range():
    """Year 9999's last minute (and year 1's first) would overflow in the zone conversion."""
    codes_seen = {c for t in (datetime(9999, 12, 31, 23, 59), datetime(1, 1, 1)) for c in _localize_codes(t)}
    return sorted(codes_seen)


def _not_offered():
    # The one rule that reads rows, not plain values: another clinic's protocol (unsaved rows, no query).
    from scheduler.models import Clinic, Protocol
    from scheduler.selectors import protocol_offered_violation

    violation = protocol_offered_violation(protocol=Protocol(clinic_id=2, is_active=True), clinic=Clinic(pk=1))
    return [violation.code] if violation else []


def _stranded(*, chair_ids=(1,), nurses=None, **rules) -> list[str]:
    """The impact check of one stored session, chair 1 and nurse 1, Monday 10:00–12:00 (no query)."""
    from bookings.models import InfusionSession
    from bookings.selectors.impact import session_strand_reasons
    from scheduler.selectors import ClinicCalendar

    session = InfusionSession(starts_at=at(MON, "10:00"), ends_at=at(MON, "12:00"), chair_id=1, nurse_id=1)
    calendar = ClinicCalendar(1, clinic(**rules), tuple(chair_ids), tuple([nurse(1)] if nurses is None else nurses))
    return [v.code for v in session_strand_reasons(session, calendar)]


def _chair_out_of_service() -> list[str]:
    blocked = Occupancy().block_chairs([ChairClosure(1, at(MON, "11:00"), at(MON, "15:00"), "maintenance")])
    placed = place_session(Placement(at(MON, "10:00"), at(MON, "12:00"), 1, chair_id=1), rules=clinic(), chair_ids=[1],
                           nurses=[nurse(1)], occupancy=blocked)
    return [v.code for v in placed.violations]


SCENARIOS = {
    codes.CHAIR_OUT_OF_SERVICE: _chair_out_of_service,
    codes.CHAIR_INACTIVE: lambda: _stranded(chair_ids=()),
    codes.NURSE_INACTIVE: lambda: _stranded(nurses=()),
    codes.NURSE_OFF_SHIFT: lambda: _stranded(nurses=[nurse(1, shifts=weekly("13:00", "18:00"))]),
    codes.NURSE_ABSENT: lambda: _stranded(nurses=[nurse(1, time_off=[Interval(at(MON, "11:00"), at(MON, "11:30"))])]),
    codes.PROTOCOL_UNAVAILABLE: _not_offered,
    codes.OUTSIDE_HOURS: lambda: _placed("17:00", "19:00"),
    codes.CLINIC_CLOSED: lambda: _placed(rules=clinic(closures=[Interval(at(MON, "00:00"), at("2027-03-02", "00:00"))])),
    codes.CHAIR_CONFLICT: lambda: _placed(occupancy=Occupancy([bk("11:00", "13:00", chair=1, nurse=9)])),
    codes.NURSE_UNAVAILABLE: lambda: _placed(nurses=[nurse(1, shifts=weekly("13:00", "18:00"))]),
    codes.NURSE_CAPACITY: lambda: _placed(rules=clinic(cap=1), occupancy=Occupancy([bk("09:00", "11:00", nurse=1)])),
    codes.STAGGER: lambda: _placed(rules=clinic(stagger=15), occupancy=Occupancy([bk("09:50", "10:30", nurse=1)])),
    codes.PATIENT_CONFLICT: lambda: _placed(occupancy=Occupancy([bk("11:00", "13:00", patient=1)])),
    codes.SPACING_TOO_CLOSE: lambda: spacing_codes(course("2027-03-01 10:00", "2027-03-02 10:00"), DEPRESSION)[0][:1],
    codes.SPACING_TOO_FAR: lambda: spacing_codes(course("2027-03-01 10:00", "2027-03-10 10:00"), ANXIETY)[0],
    codes.WINDOW_EXCEEDED: lambda: spacing_codes(course("2027-03-01 10:00", "2027-03-22 10:00"), DEPRESSION)[0],
    codes.WINDOW_WARNING: lambda: spacing_codes(course("2027-03-01 10:00", "2027-03-29 10:00"), WARN_ONLY)[1],
    codes.NONEXISTENT_LOCAL_TIME: _nonexistent,
    codes.TIME_OUT_OF_RANGE: _out_of_range,
}

ALL_CODES = sorted(
    value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)
)


def test_every_error_code_has_a_scenario():
    assert sorted(SCENARIOS) == ALL_CODES
    assert set(ALL_CODES) >= codes.CONFLICT_CODES


@pytest.mark.parametrize("code", ALL_CODES)
def test_each_error_code_is_produced_alone(code):
    assert SCENARIOS[code]() == [code]


@pytest.mark.parametrize(("spacing", "whens", "message"), [
    (Spacing(min_gap_days=2), ("2027-03-01 10:00", "2027-03-02 10:00"),
     "Sessions 1 and 2 are 1 day apart; the protocol needs at least 2 days."),
    (Spacing(min_gap_days=1), ("2027-03-01 09:00", "2027-03-01 14:00"),
     "Sessions 1 and 2 are 0 days apart; the protocol needs at least 1 day."),
    (Spacing(max_gap_days=1), ("2027-03-01 10:00", "2027-03-04 10:00"),
     "Sessions 1 and 2 are 3 days apart; the protocol allows at most 1 day."),
])
def test_day_gaps_are_worded_in_singular_and_plural(spacing, whens, message):
    violations, _ = check_spacing(course(*whens), spacing, NY)
    assert [v.message for v in violations] == [message]
