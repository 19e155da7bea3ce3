"""The one booking check (bookings.selectors.cycle_check): each rule's violation, where it lands, and the
words the booking service answers with. No exception for a rule: every problem is returned."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import selectors, services
from bookings.selectors import SessionRequest
from scheduler.models import Closure, TimeOff
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, shared_protocol

# Midnight starting Monday 1 March 2027 in New York; the clocks spring forward on Sunday 14 March.
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)
TUE, THU = (2027, 3, 2), (2027, 3, 4)


@pytest.fixture(autouse=True)
def _at_t0(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def protocol(clinic):
    """Two sessions, 60 minutes (the first 90), at least two days apart; a warning past three days."""
    return ProtocolFactory(
        clinic=clinic, session_count=2, chair_minutes=60, first_visit_extra_minutes=30, min_gap_days=2,
        warn_window_days=3,
    )


def at(day, hour, minute=0) -> dt.datetime:
    return dt.datetime(*day, hour, minute)


def book_other(clinic, start, *, patient=None, chair=None):
    """Someone else's booster session (one session, 120 minutes) at `start`."""
    return services.cycle_book(
        patient=patient or PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"), clinic=clinic,
        sessions=[SessionRequest(start, chair=chair)],
    ).sessions[0]


def problems(check) -> list[tuple[str, int | None, int | None]]:
    return [(p.violation.code, p.row, p.sequence) for p in check.problems]


# Each case: what to arrange (returns the requests, given the clinic, its chairs and nurse, and the patient),
# and the problems expected as (code, input row, session number).
CASES = {
    "a valid course": (
        lambda c, chairs, nurse, patient: [at(THU, 9), at(TUE, 9)],
        [],
    ),
    "the session count": (
        lambda c, chairs, nurse, patient: [at(TUE, 9)],
        [("session_count_mismatch", None, None)],
    ),
    "a chair of another clinic": (
        lambda c, chairs, nurse, patient: [SessionRequest(at(TUE, 9), chair=ChairFactory()), at(THU, 9)],
        [("wrong_clinic", 0, None), ("chair_conflict", 0, 1)],
    ),
    "a chair out of service": (
        lambda c, chairs, nurse, patient: [SessionRequest(at(TUE, 9), chair=ChairFactory(clinic=c, is_active=False)),
                                           at(THU, 9)],
        [("chair_conflict", 0, None), ("chair_conflict", 0, 1)],
    ),
    "a nurse of another clinic": (
        lambda c, chairs, nurse, patient: [at(TUE, 9), SessionRequest(at(THU, 9), nurse=NurseFactory())],
        [("wrong_clinic", 1, None), ("nurse_unavailable", 1, 2)],
    ),
    "a time the clocks skip": (
        lambda c, chairs, nurse, patient: [at(TUE, 9), at((2027, 3, 14), 2, 30)],
        [("nonexistent_local_time", 1, None)],
    ),
    "a time in the past": (
        lambda c, chairs, nurse, patient: [at((2027, 2, 26), 9), at(TUE, 9)],
        [("in_past", 0, 1)],
    ),
    "outside opening hours": (
        lambda c, chairs, nurse, patient: [at(TUE, 7), at(THU, 9)],
        [("outside_hours", 0, 1), ("nurse_unavailable", 0, 1)],
    ),
    "a closure": (
        lambda c, chairs, nurse, patient: (
            Closure.objects.create(clinic=c, starts_at=dt.datetime(2027, 3, 4, 5, tzinfo=dt.UTC),
                                   ends_at=dt.datetime(2027, 3, 5, 5, tzinfo=dt.UTC), reason="Training"),
            [at(TUE, 9), at(THU, 9)],
        )[1],
        [("clinic_closed", 1, 2)],
    ),
    "a chair taken": (
        lambda c, chairs, nurse, patient: (
            book_other(c, at(TUE, 9), chair=chairs[0]),
            [SessionRequest(at(TUE, 10), chair=chairs[0]), at(THU, 9)],
        )[1],
        [("chair_conflict", 0, 1)],
    ),
    "the nurse's time off": (
        lambda c, chairs, nurse, patient: (
            TimeOff.objects.create(staff=nurse, starts_at=dt.datetime(2027, 3, 4, 5, tzinfo=dt.UTC),
                                   ends_at=dt.datetime(2027, 3, 5, 5, tzinfo=dt.UTC)),
            [at(TUE, 9), at(THU, 9)],
        )[1],
        [("nurse_unavailable", 1, 2)],
    ),
    "the patient's other session": (
        lambda c, chairs, nurse, patient: (book_other(c, at(TUE, 9), patient=patient), [at(TUE, 10), at(THU, 9)])[1],
        [("patient_conflict", 0, 1)],
    ),
    "spacing": (
        lambda c, chairs, nurse, patient: [at(TUE, 9), at((2027, 3, 3), 9)],
        [("spacing_too_close", 1, None)],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("arrange, expected", CASES.values(), ids=CASES.keys())
def test_each_rule_answers_with_its_violation(clinic, chairs, nurse, patient, protocol, arrange, expected):
    given = arrange(clinic, chairs, nurse, patient)
    requests = [r if isinstance(r, SessionRequest) else SessionRequest(r) for r in given]
    check = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic, sessions=requests)
    assert problems(check) == expected
    assert check.ok == (not expected)


@pytest.mark.django_db
def test_nurse_capacity_and_stagger(clinic, chairs, nurse, patient, protocol):
    book_other(clinic, at(TUE, 9))
    clinic.nurse_max_concurrent = 1
    clinic.save()
    full = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic,
                                 sessions=[SessionRequest(at(TUE, 9)), SessionRequest(at(THU, 9))])
    assert problems(full) == [("nurse_capacity", 0, 1)]
    clinic.nurse_max_concurrent, clinic.start_stagger_minutes = 3, 15
    clinic.save()
    close = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic,
                                  sessions=[SessionRequest(at(TUE, 9, 5)), SessionRequest(at(THU, 9))])
    assert problems(close) == [("stagger", 0, 1)]


@pytest.mark.django_db
def test_the_course_as_a_whole(clinic, chairs, nurse, patient, protocol):
    clinic.is_active = False
    theirs = ProtocolFactory(clinic=ClinicFactory(), session_count=1)
    check = selectors.cycle_check(patient=patient, protocol=theirs, clinic=clinic, sessions=[SessionRequest(at(TUE, 9))])
    assert problems(check) == [("clinic_inactive", None, None), ("protocol_unavailable", None, None)]
    assert not check.rules_checked  # a course that cannot be booked here is not checked further


@pytest.mark.django_db
def test_sessions_are_numbered_by_time_and_end_after_their_chair_minutes(clinic, chairs, nurse, patient, protocol):
    check = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic,
                                  sessions=[SessionRequest(at(THU, 9)), SessionRequest(at(TUE, 9))])
    assert [(s.row, s.sequence) for s in check.sessions] == [(0, 2), (1, 1)]
    assert [(s.end - s.start).total_seconds() / 60 for s in check.sessions] == [60, 90]
    assert all(s.start.tzinfo == dt.UTC for s in check.sessions)
    assert {s.chair_id for s in check.sessions} <= {c.pk for c in chairs}
    assert {s.nurse_id for s in check.sessions} == {nurse.pk}
    assert check.rules_checked and check.ok and check.warnings == []


@pytest.mark.django_db
def test_a_long_course_is_a_warning_not_a_violation(clinic, chairs, nurse, patient, protocol):
    check = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic,
                                  sessions=[SessionRequest(at(TUE, 9)), SessionRequest(at((2027, 3, 5), 9))])
    assert check.ok
    assert [w.code for w in check.warnings] == ["window_warning"]


@pytest.mark.django_db
def test_a_row_without_a_time_counts_but_stops_the_rules(clinic, chairs, nurse, patient, protocol):
    check = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic,
                                  sessions=[None, SessionRequest(at(TUE, 9))])
    assert problems(check) == []  # the count is right: the caller says what is wrong with its row
    assert [s.sequence for s in check.sessions] == [None, 1]
    assert not check.ok and not check.rules_checked


@pytest.mark.parametrize(
    "code, sequence, message, details",
    [
        ("outside_hours", 2, "Session 2: Outside.", {"x": 1, "sequence": 2}),
        ("in_past", 3, "Session 3 would start in the past.", {"x": 1, "sequence": 3}),
        ("spacing_too_close", None, "Outside.", {"x": 1}),
    ],
)
def test_the_booking_service_words(code, sequence, message, details):
    from scheduler import planning

    problem = selectors.Problem(planning.Violation(code, "Outside.", {"x": 1}), row=0, sequence=sequence)
    public = problem.public()
    assert (public.code, public.message, public.details) == (code, message, details)


@pytest.mark.django_db
def test_the_booking_service_raises_the_first_problem(clinic, chairs, nurse, patient, protocol):
    requests = [SessionRequest(at(TUE, 7)), SessionRequest(at((2027, 3, 3), 9))]
    check = selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic, sessions=requests)
    first = check.first_problem.public()
    with pytest.raises(services.BookingError) as caught:
        services.cycle_book(patient=patient, protocol=protocol, clinic=clinic, sessions=requests)
    assert (caught.value.code, caught.value.message, caught.value.details) == (first.code, first.message, first.details)
    assert first.message.startswith("Session 1: ")
