"""The planning selectors on the database: proposals, a day's availability and one session's options.

Every proposal is booked as proposed through bookings.services.cycle_book (tests.factories.book_course: starts,
chairs and nurses), so what the planner offers is what the booking service accepts. Session options far ahead,
and the promise that a session that can move gets options the reschedule takes, are in
tests/api/test_session_options.py. Property tests draw small random clinics, protocols and stored sessions;
each example runs in its own savepoint with time frozen. The query count of each read is a constant, whatever
the number of stored sessions.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bookings import selectors, services
from bookings.models import InfusionSession, SessionStatus, TreatmentCycle
from bookings.services import BookingError, SessionRequest
from common.errors import ApplicationError
from scheduler import error_codes as codes
from scheduler import planning
from scheduler.models import Chair, StaffMember
from scheduler.selectors import clinic_calendar_load, protocol_spacing
from tests.factories import (
    ChairFactory,
    ClinicFactory,
    NurseFactory,
    PatientFactory,
    ProtocolFactory,
    book_course,
    shared_protocol,
)
from tests.scheduler.test_planner import EMPTY_CLINIC, wall

NY = ZoneInfo("America/New_York")
# Midnight starting Monday 1 March 2027 in New York.
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2027, 3, 1)


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def two_chairs(clinic):
    return [ChairFactory(clinic=clinic) for _ in range(2)]


def local(tz: ZoneInfo, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def book_as_proposed(patient, protocol, clinic, sessions):
    """Book a proposal through the service with its own starts, chairs and nurses."""
    chairs = {c.pk: c for c in Chair.objects.filter(clinic=clinic)}
    nurses = {n.pk: n for n in StaffMember.objects.filter(clinic=clinic)}
    booked = book_course(
        patient=patient, clinic=clinic, protocol=protocol,
        starts=[SessionRequest(s.start, chair=chairs[s.chair_id], nurse=nurses[s.nurse_id]) for s in sessions],
    )
    stored = sorted(booked.sessions, key=lambda s: s.sequence)
    assert [(s.sequence, s.starts_at, s.ends_at, s.chair_id, s.nurse_id) for s in stored] == [
        (p.sequence, p.start, p.end, p.chair_id, p.nurse_id) for p in sessions
    ]
    return booked


def book_one(patient, clinic, start, *, minutes=120, chair=None, nurse=None):
    """One stored session, booked through the service (a one-session protocol of `minutes`)."""
    protocol = ProtocolFactory(clinic=clinic, session_count=1, chair_minutes=minutes)
    return book_course(patient=patient, clinic=clinic, protocol=protocol, starts=[start], chair=chair, nurse=nurse).sessions[0]


# --- Each protocol, booked as proposed ----------------------------------------------------------


@pytest.mark.parametrize(("protocol", "earliest", "expected"), EMPTY_CLINIC)
def test_each_shared_protocol_is_proposed_and_booked_as_proposed(clinic, two_chairs, nurse, patient, protocol, earliest, expected):
    """The same table as the pure planner's: the selectors read the migration's protocols as the planner's specs."""
    shared = shared_protocol(protocol)
    proposal = selectors.cycle_proposal(
        patient=patient, protocol=shared, clinic=clinic, earliest_date=dt.date.fromisoformat(earliest)
    )
    assert wall(proposal.sessions) == expected
    assert {s.nurse_id for s in proposal.sessions} == {nurse.pk}
    assert 1 <= len(proposal.alternatives) <= 3
    for alternative in proposal.alternatives:  # each could be booked instead
        with transaction.atomic():
            book_as_proposed(patient, shared, clinic, alternative.sessions)
            transaction.set_rollback(True)
    booked = book_as_proposed(patient, shared, clinic, proposal.sessions)
    assert [w.code for w in booked.warnings] == [w.code for w in proposal.warnings] == []


def test_the_proposal_honours_the_desks_wishes(clinic, two_chairs, patient):
    nurses = [NurseFactory(clinic=clinic), NurseFactory(clinic=clinic)]
    proposal = selectors.cycle_proposal(
        patient=patient, protocol=shared_protocol("depression-iv"), clinic=clinic, earliest_date=MONDAY,
        weekdays=frozenset({1, 3}), time_from=dt.time(13), time_to=dt.time(17), chair=two_chairs[1], nurse=nurses[1],
    )
    assert wall(proposal.sessions) == [
        "Tue 03-02 13:00", "Thu 03-04 13:00", "Tue 03-09 13:00", "Thu 03-11 13:00", "Tue 03-16 13:00", "Thu 03-18 13:00",
    ]
    assert {(s.chair_id, s.nurse_id) for s in proposal.sessions} == {(two_chairs[1].pk, nurses[1].pk)}
    book_as_proposed(patient, shared_protocol("depression-iv"), clinic, proposal.sessions)


def test_the_proposal_starts_after_now_and_not_before_today(clinic, two_chairs, nurse, patient, frozen):
    frozen.move_to(local(NY, 2027, 3, 3, 10, 0))  # Wednesday 10:00 exactly, on the grid
    proposal = selectors.cycle_proposal(
        patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic, earliest_date=MONDAY
    )
    assert wall(proposal.sessions) == ["Wed 03-03 10:15"]
    book_as_proposed(patient, shared_protocol("booster-iv"), clinic, proposal.sessions)


def test_stored_sessions_closures_and_time_off_are_read(clinic, two_chairs, nurse, patient):
    for chair in two_chairs:  # Monday full on both chairs
        book_one(PatientFactory(clinic=clinic), clinic, dt.datetime(2027, 3, 1, 8), minutes=600, chair=chair)
    clinic.closures.create(starts_at=local(NY, 2027, 3, 2), ends_at=local(NY, 2027, 3, 3), reason="Training")
    nurse.time_off.create(starts_at=local(NY, 2027, 3, 3), ends_at=local(NY, 2027, 3, 3, 12))
    book_one(patient, clinic, dt.datetime(2027, 3, 3, 12), minutes=60)  # the patient's own, Wednesday 12–13
    proposal = selectors.cycle_proposal(
        patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic, earliest_date=MONDAY
    )
    assert wall(proposal.sessions) == ["Wed 03-03 13:00"]
    book_as_proposed(patient, shared_protocol("booster-iv"), clinic, proposal.sessions)


@pytest.mark.parametrize(
    ("tz", "friday", "expected"),
    [
        pytest.param("America/New_York", dt.date(2027, 3, 12), ["Fri 03-12 08:00", "Sun 03-14 09:00"], id="new-york"),
        pytest.param("Europe/London", dt.date(2027, 3, 26), ["Fri 03-26 08:00", "Sun 03-28 09:00"], id="london"),
    ],
)
def test_esketamine_across_spring_forward_is_booked_as_proposed(db, tz, friday, expected):
    clinic = ClinicFactory(timezone=tz, hours={d: [("08:00", "18:00")] for d in range(7)})
    ChairFactory(clinic=clinic)
    NurseFactory(clinic=clinic)
    patient = PatientFactory(clinic=clinic)
    protocol = shared_protocol("esketamine-nasal")
    proposal = selectors.cycle_proposal(patient=patient, protocol=protocol, clinic=clinic, earliest_date=friday)
    assert wall(proposal.sessions, ZoneInfo(tz))[:2] == expected
    assert proposal.sessions[1].start - proposal.sessions[0].start == dt.timedelta(hours=48)
    book_as_proposed(patient, protocol, clinic, proposal.sessions)


# --- When nothing fits --------------------------------------------------------------------------


def test_no_feasible_series_names_the_reason_the_dates_and_the_earliest_date(clinic, two_chairs, nurse, patient):
    """Closed 1–29 March (the four weeks searched): the first free weekday is Tuesday 30 March."""
    clinic.closures.create(starts_at=local(NY, 2027, 3, 1), ends_at=local(NY, 2027, 3, 30), reason="Renovation")
    with pytest.raises(ApplicationError) as caught:
        selectors.cycle_proposal(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic, earliest_date=MONDAY)
    error = caught.value
    assert (error.code, error.status) == ("no_feasible_series", 409)
    weekdays = [MONDAY + dt.timedelta(days=n) for n in range(29) if (MONDAY + dt.timedelta(days=n)).weekday() < 5]
    assert error.details == {
        "reason": codes.CLINIC_CLOSED,
        "dates": [d.isoformat() for d in weekdays],
        "earliest_date": "2027-03-30",
    }
    assert "Tue 2027-03-30" in error.message
    # And from that date a series does fit, starting that day.
    proposal = selectors.cycle_proposal(
        patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic, earliest_date=dt.date(2027, 3, 30)
    )
    assert wall(proposal.sessions) == ["Tue 03-30 08:00"]


@pytest.mark.parametrize(
    ("protocol", "setup", "reason"),
    [
        pytest.param("booster-iv", "no_nurse", codes.NURSE_UNAVAILABLE, id="no-nurse-ever"),
        pytest.param("ptsd-iv", "mon_thu", codes.WINDOW_EXCEEDED, id="ptsd-never-fits-in-14-days"),
        pytest.param("chronic-pain-iv", "short_days", codes.OUTSIDE_HOURS, id="a-330-min-block-never-fits"),
    ],
)
def test_no_feasible_series_at_all_has_no_earliest_date(db, protocol, setup, reason):
    hours = {
        "no_nurse": None,
        "mon_thu": {0: [("08:00", "18:00")], 3: [("08:00", "18:00")]},
        "short_days": {d: [("08:00", "12:00")] for d in range(5)},
    }[setup]
    clinic = ClinicFactory(hours=hours)
    ChairFactory(clinic=clinic)
    if setup != "no_nurse":
        NurseFactory(clinic=clinic)
    patient = PatientFactory(clinic=clinic)
    with pytest.raises(ApplicationError) as caught:
        selectors.cycle_proposal(patient=patient, protocol=shared_protocol(protocol), clinic=clinic, earliest_date=MONDAY)
    assert caught.value.code == "no_feasible_series"
    assert caught.value.details["reason"] == reason
    assert caught.value.details["earliest_date"] is None


def test_a_protocol_of_another_clinic_is_refused(clinic, two_chairs, nurse, patient):
    theirs = ProtocolFactory(clinic=ClinicFactory())
    with pytest.raises(ApplicationError) as caught:
        selectors.cycle_proposal(patient=patient, protocol=theirs, clinic=clinic, earliest_date=MONDAY)
    assert caught.value.code == "protocol_unavailable"
    with pytest.raises(ApplicationError):
        selectors.day_availability(clinic=clinic, protocol=theirs, day=MONDAY)


# --- A day's availability -----------------------------------------------------------------------


def test_availability_of_an_empty_day(clinic, two_chairs, nurse):
    slots = selectors.day_availability(clinic=clinic, protocol=shared_protocol("depression-iv"), day=MONDAY)
    assert len(slots) == 33 and slots[0].start == local(NY, 2027, 3, 1, 8) and slots[-1].start == local(NY, 2027, 3, 1, 16)
    assert {(s.chair_ids, s.nurse_ids) for s in slots} == {(tuple(c.pk for c in two_chairs), (nurse.pk,))}


def test_availability_of_a_first_visit_uses_the_longer_block(clinic, two_chairs, nurse):
    slots = selectors.day_availability(
        clinic=clinic, protocol=shared_protocol("depression-iv"), day=MONDAY, first_visit=True
    )
    assert slots[-1].start == local(NY, 2027, 3, 1, 15, 30)
    assert {s.end - s.start for s in slots} == {dt.timedelta(minutes=150)}


def test_availability_of_a_full_day_is_empty(clinic, two_chairs, nurse):
    for chair in two_chairs:
        book_one(PatientFactory(clinic=clinic), clinic, dt.datetime(2027, 3, 1, 8), minutes=600, chair=chair)
    assert selectors.day_availability(clinic=clinic, protocol=shared_protocol("booster-iv"), day=MONDAY) == []


def test_availability_starts_after_now(clinic, two_chairs, nurse, frozen):
    frozen.move_to(local(NY, 2027, 3, 1, 10, 7))
    slots = selectors.day_availability(clinic=clinic, protocol=shared_protocol("booster-iv"), day=MONDAY)
    assert slots[0].start == local(NY, 2027, 3, 1, 10, 15)


def test_each_free_chair_and_nurse_of_a_slot_can_be_booked_there(clinic, two_chairs, patient):
    """Cap 1. Chair 1 and nurse 1 busy 09:00–11:00; chair 2 and nurse 2 busy 13:00–14:00. At each time, a
    booster books with a chair and a nurse exactly when both are among the slot's free ones."""
    clinic.nurse_max_concurrent = 1
    clinic.save()
    nurses = [NurseFactory(clinic=clinic), NurseFactory(clinic=clinic)]
    book_one(PatientFactory(clinic=clinic), clinic, dt.datetime(2027, 3, 1, 9), chair=two_chairs[0], nurse=nurses[0])
    book_one(PatientFactory(clinic=clinic), clinic, dt.datetime(2027, 3, 1, 13), minutes=60, chair=two_chairs[1], nurse=nurses[1])
    booster = shared_protocol("booster-iv")
    slots = selectors.day_availability(clinic=clinic, protocol=booster, day=MONDAY, patient=patient)
    by_time = {s.start.astimezone(NY).strftime("%H:%M"): (set(s.chair_ids), set(s.nurse_ids)) for s in slots}
    c1, c2, n1, n2 = two_chairs[0].pk, two_chairs[1].pk, nurses[0].pk, nurses[1].pk
    assert by_time["08:00"] == by_time["09:30"] == ({c2}, {n2})
    assert by_time["11:00"] == by_time["14:00"] == ({c1, c2}, {n1, n2})
    assert by_time["12:00"] == by_time["13:00"] == ({c1}, {n1})
    assert "16:15" not in by_time  # it would end after closing
    for hhmm in ("08:00", "11:00", "12:00", "16:15"):
        start = local(NY, 2027, 3, 1, *map(int, hhmm.split(":")))
        free_chairs, free_nurses = by_time.get(hhmm, (set(), set()))
        for chair in two_chairs:
            for nurse in nurses:
                with transaction.atomic():
                    try:
                        book_course(patient=patient, clinic=clinic, protocol=booster, starts=[start], chair=chair, nurse=nurse)
                        booked = True
                    except BookingError:
                        booked = False
                    transaction.set_rollback(True)
                assert booked == (chair.pk in free_chairs and nurse.pk in free_nurses), (hhmm, chair.pk, nurse.pk)


# --- One session's options ----------------------------------------------------------------------


def test_session_options_keep_the_course_valid_and_count_its_own_time_as_free(clinic, two_chairs, nurse, patient):
    protocol = shared_protocol("depression-iv")
    proposal = selectors.cycle_proposal(patient=patient, protocol=protocol, clinic=clinic, earliest_date=MONDAY)
    booked = book_as_proposed(patient, protocol, clinic, proposal.sessions)
    third = next(s for s in booked.sessions if s.sequence == 3)
    options = selectors.session_options(session=third)
    assert options[0].start == third.starts_at and options[0].chair_id == third.chair_id
    assert wall(options) == ["Fri 03-05 08:00", "Fri 03-05 08:15", "Fri 03-05 08:30", "Fri 03-05 08:45", "Fri 03-05 09:00"]
    others = [planning.Slot(s.sequence, s.starts_at, s.ends_at) for s in booked.sessions if s.pk != third.pk]
    for option in options:
        violations, _ = planning.check_spacing(
            [*others, planning.Slot(3, option.start, option.end)], protocol_spacing(protocol), clinic.tz
        )
        assert violations == []
    # The desk can move it there.
    moved = services.session_reschedule(session=third, starts_at=options[2].start)
    assert moved[0].starts_at == options[2].start


def test_session_options_of_a_course_ten_weeks_ahead_lie_in_its_window(clinic, two_chairs, nurse, patient):
    """Past the four weeks options used to stop at: the third PTSD session, booked Friday 14 May, may fall from
    Wednesday's +40 h to Monday's -40 h; with Friday closed after booking, nothing else is open then."""
    protocol = shared_protocol("ptsd-iv")
    proposal = selectors.cycle_proposal(patient=patient, protocol=protocol, clinic=clinic, earliest_date=dt.date(2027, 5, 10))
    third = next(s for s in book_as_proposed(patient, protocol, clinic, proposal.sessions).sessions if s.sequence == 3)
    options = selectors.session_options(session=third, count=20)
    assert {o.start.astimezone(NY).date() for o in options} == {dt.date(2027, 5, 14)}
    assert third.starts_at in [o.start for o in options]
    assert selectors.session_options(session=third, earliest=dt.date(2027, 5, 15)) == []  # past the window's end
    clinic.closures.create(starts_at=local(NY, 2027, 5, 14), ends_at=local(NY, 2027, 5, 15), reason="Burst pipe")
    assert selectors.session_options(session=third) == []


def test_session_options_of_a_session_that_cannot_move_are_refused_as_the_reschedule_is(clinic, two_chairs, nurse, patient):
    session = book_course(patient=patient, clinic=clinic, protocol="booster-iv", days=[(3, 2)]).sessions[0]
    cancelled = services.session_cancel(session=session, by_party="patient", reason="Travelling")
    with pytest.raises(ApplicationError) as refused:
        selectors.session_options(session=cancelled)
    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
    with pytest.raises(BookingError) as service:
        services.session_reschedule(session=cancelled, starts_at=local(NY, 2027, 3, 3, 9))
    assert (service.value.code, service.value.message) == (refused.value.code, refused.value.message)


# --- Query counts -------------------------------------------------------------------------------

#: Hours, closures, chairs, nurses, their shifts, their time off (6), then the busy intervals of the window (1), and
#: what pumps hold there (pumps.busy, a registered busy provider: 1).
#: A proposal reads the busy intervals of five weeks first, and those of the whole horizon only when a branch
#: of the search that found nothing was cut short by the five weeks (one more read), and a proposal that
#: finds nothing reads those of the three months after for the earliest date (one more): three paths, each
#: a constant, none growing with the sessions stored.
PLANNING_QUERIES = 8
#: Each further read of the busy intervals: the sessions and what pumps hold.
BUSY_READ = 2


def _store_sessions(cycle, chair, nurse, starts, status=SessionStatus.BOOKED, first_sequence=1):
    """Rows straight into the table: the query-count test needs hundreds, the services would take minutes."""
    InfusionSession.objects.bulk_create(
        InfusionSession(
            cycle=cycle, patient=cycle.patient, clinic=cycle.clinic, chair=chair, nurse=nurse, status=status,
            starts_at=start, ends_at=start + dt.timedelta(hours=2), sequence=first_sequence + i,
        )
        for i, start in enumerate(starts)
    )


def _weekday_starts(count: int, first: dt.date) -> list[dt.datetime]:
    """Five two-hour sessions a weekday, 08:00 to 18:00, from `first` on."""
    starts, day = [], first
    while len(starts) < count:
        if day.weekday() < 5:
            starts += [local(NY, day.year, day.month, day.day, h) for h in (8, 10, 12, 14, 16)]
        day += dt.timedelta(days=1)
    return starts[:count]


def test_query_counts_do_not_grow_with_the_sessions_stored(clinic, two_chairs, patient):
    nurses = [NurseFactory(clinic=clinic), NurseFactory(clinic=clinic)]
    other = PatientFactory(clinic=clinic)
    booster = shared_protocol("booster-iv")
    depression = shared_protocol("depression-iv")
    cycle = TreatmentCycle.objects.create(patient=other, protocol=booster, clinic=clinic, session_count=1)
    own = TreatmentCycle.objects.create(patient=patient, protocol=booster, clinic=clinic, session_count=1)
    in_window = _weekday_starts(200, MONDAY)

    def measure():
        counts, loaded = {}, {}
        with CaptureQueriesContext(connection) as ctx:
            proposal = selectors.cycle_proposal(patient=patient, protocol=depression, clinic=clinic, earliest_date=MONDAY)
        counts["proposal"] = len(ctx.captured_queries)
        loaded["alternatives"] = len(proposal.alternatives)
        with CaptureQueriesContext(connection) as ctx:
            slots = selectors.day_availability(clinic=clinic, protocol=depression, day=MONDAY, patient=patient)
        counts["availability"] = len(ctx.captured_queries)
        loaded["slots"] = len(slots)
        return counts, loaded

    _store_sessions(cycle, two_chairs[0], nurses[1], in_window[:5])
    small, seen = measure()
    _store_sessions(cycle, two_chairs[0], nurses[1], in_window[5:], first_sequence=6)
    large, seen_large = measure()
    past = [T0 - dt.timedelta(hours=2 * (n + 1)) for n in range(1000)]
    _store_sessions(own, two_chairs[1], nurses[0], past, status=SessionStatus.COMPLETED)
    with_past, seen_past = measure()

    assert InfusionSession.objects.count() == 1200
    assert small == large == with_past == {"proposal": PLANNING_QUERIES, "availability": PLANNING_QUERIES}
    assert seen == seen_large == seen_past == {"alternatives": 3, "slots": 33}  # on chair 2, with nurse 1


def test_the_query_count_of_a_proposal_past_the_first_five_weeks_is_a_constant(clinic, two_chairs, patient):
    """Closed for the first four weeks: the course starts on the last day a first session may, Monday 29 March,
    and runs past the five weeks read first, so the whole horizon is read too."""
    NurseFactory(clinic=clinic)
    clinic.closures.create(starts_at=local(NY, 2027, 3, 1), ends_at=local(NY, 2027, 3, 29), reason="Renovation")
    depression = shared_protocol("depression-iv")
    cycle = TreatmentCycle.objects.create(
        patient=PatientFactory(clinic=clinic), protocol=depression, clinic=clinic, session_count=6
    )
    for stored in (5, 200):
        InfusionSession.objects.filter(cycle=cycle).delete()
        _store_sessions(cycle, two_chairs[0], StaffMember.objects.filter(clinic=clinic).first(),
                        _weekday_starts(stored, dt.date(2027, 3, 29)))
        with CaptureQueriesContext(connection) as ctx:
            proposal = selectors.cycle_proposal(patient=patient, protocol=depression, clinic=clinic, earliest_date=MONDAY)
        assert wall(proposal.sessions)[0] == "Mon 03-29 08:00"
        assert len(ctx.captured_queries) == PLANNING_QUERIES + BUSY_READ


def test_the_query_count_of_no_feasible_series_is_a_constant(clinic, two_chairs, patient):
    """Nothing found in the first five weeks read: one more read of the busy intervals for the whole
    horizon, and one more for the search further on for the earliest date."""
    NurseFactory(clinic=clinic)
    clinic.closures.create(starts_at=local(NY, 2027, 3, 1), ends_at=local(NY, 2027, 4, 1), reason="Renovation")
    other = PatientFactory(clinic=clinic)
    booster = shared_protocol("booster-iv")
    cycle = TreatmentCycle.objects.create(patient=other, protocol=booster, clinic=clinic, session_count=1)
    for stored in (5, 200):
        InfusionSession.objects.filter(cycle=cycle).delete()
        _store_sessions(cycle, two_chairs[0], StaffMember.objects.filter(clinic=clinic).first(), _weekday_starts(stored, dt.date(2027, 4, 1)))
        with CaptureQueriesContext(connection) as ctx, pytest.raises(ApplicationError):
            selectors.cycle_proposal(patient=patient, protocol=booster, clinic=clinic, earliest_date=MONDAY)
        assert len(ctx.captured_queries) == PLANNING_QUERIES + 2 * BUSY_READ


#: One session's options: its course's other sessions (1), then a planning read over the window (7).
OPTIONS_QUERIES = PLANNING_QUERIES + 1


@pytest.mark.parametrize("weeks_ahead", [0, 10])
def test_the_query_count_of_session_options_is_a_constant(clinic, two_chairs, patient, weeks_ahead):
    """Near today or ten weeks ahead, five sessions stored or hundreds, its window open after it or not."""
    nurse = NurseFactory(clinic=clinic)
    start = MONDAY + dt.timedelta(weeks=weeks_ahead)
    depression = shared_protocol("depression-iv")
    course = book_course(patient=patient, clinic=clinic, protocol=depression, starts=[
        local(NY, d.year, d.month, d.day, 9) for d in (start + dt.timedelta(days=n) for n in (0, 2, 4, 7, 9, 11))
    ], chair=two_chairs[1], nurse=nurse).sessions
    other = PatientFactory(clinic=clinic)
    booster = shared_protocol("booster-iv")
    cycle = TreatmentCycle.objects.create(patient=other, protocol=booster, clinic=clinic, session_count=1)
    for stored in (5, 300):
        InfusionSession.objects.filter(cycle=cycle).delete()
        _store_sessions(cycle, two_chairs[0], nurse, _weekday_starts(stored, MONDAY))
        for session in (course[2], course[5]):  # between two others; the last, open after
            session = InfusionSession.objects.select_related("clinic", "cycle__protocol").get(pk=session.pk)
            with CaptureQueriesContext(connection) as ctx:
                options = selectors.session_options(session=session)
            assert len(ctx.captured_queries) == OPTIONS_QUERIES
            # Three hundred fill the other chair every weekday to late May: the options see them.
            assert options and (stored == 5 or {o.chair_id for o in options} == {two_chairs[1].pk})


def test_session_options_ask_nothing_more_when_no_date_fits(clinic, two_chairs, nurse, patient):
    """`earliest` past the window's end: the course's sessions are read, then nothing."""
    session = book_course(patient=patient, clinic=clinic, protocol="ptsd-iv").cycle.sessions.select_related(
        "clinic", "cycle__protocol"
    ).get(sequence=3)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.session_options(session=session, earliest=dt.date(2027, 4, 1)) == []
    assert len(ctx.captured_queries) == 1


# --- Properties: whatever is proposed is booked as proposed --------------------------------------

HALF_HOURS = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]


@st.composite
def db_clinics(draw):
    """The drawn rows of a tiny clinic (created inside the example's savepoint)."""
    tz = draw(st.sampled_from(["America/New_York", "Europe/London"]))
    hours = {}
    for weekday in range(7):
        if draw(st.integers(0, 3)) == 0:
            continue
        opens = draw(st.integers(12, 20))  # 06:00–10:00
        closes = draw(st.integers(max(opens + 4, 24), 40))  # to 12:00–20:00
        hours[weekday] = [(HALF_HOURS[opens], HALF_HOURS[closes])]
    return {
        "tz": tz,
        "hours": hours or {0: [("08:00", "18:00")]},
        "cap": draw(st.integers(1, 3)),
        "stagger": draw(st.sampled_from([0, 15, 30])),
        "chairs": draw(st.integers(1, 2)),
        # True: works the clinic's hours; False: 09:00–15:00 on weekdays.
        "nurses": draw(st.lists(st.sampled_from([True, True, False]), min_size=1, max_size=2)),
        # (day offset, start in half hours after midnight, length in half hours)
        "time_off": draw(st.none() | st.tuples(st.integers(0, 6), st.integers(12, 36), st.integers(1, 16))),
        "closure": draw(st.none() | st.tuples(st.integers(0, 6), st.integers(12, 36), st.integers(1, 24))),
        "protocol": draw(
            st.sampled_from(["depression-iv", "ptsd-iv", "chronic-pain-iv", "anxiety-sc", "booster-iv", "esketamine-nasal"])
            | st.fixed_dictionaries({
                "session_count": st.integers(1, 3),
                "chair_minutes": st.sampled_from([60, 90, 120, 150]),
                "first_visit_extra_minutes": st.sampled_from([0, 30]),
                "min_gap_hours": st.sampled_from([None, 20, 40, 48]),
                "max_gap_hours": st.sampled_from([None, 72, 96]),
                "min_gap_days": st.sampled_from([None, 1, 2]),
                "max_gap_days": st.sampled_from([None, 4]),
                "consecutive_weekdays": st.sampled_from([False, False, True]),
                "window_days": st.sampled_from([None, 7, 10]),
                "target_window_days": st.sampled_from([None, 5, 7]),
                "warn_window_days": st.sampled_from([None, 6]),
            })
        ),
        # Stored sessions: (day offset, where in the day's hours in 1/16ths, minutes, chair, nurse, the patient's own?).
        # A chair or nurse index past the last one leaves the choice to the booking service.
        "stored": draw(st.lists(
            st.tuples(st.integers(0, 9), st.integers(0, 16), st.sampled_from([60, 120, 240]), st.integers(0, 2),
                      st.integers(0, 2), st.sampled_from([False, False, True])),
            max_size=10,
        )),
        "now": draw(st.integers(0, 4 * 20)),  # quarter hours after midnight of the first day
        "earliest": draw(st.integers(0, 3)),
        "weekdays": draw(st.none() | st.frozensets(st.integers(0, 6), min_size=3)),
        "time_from": draw(st.none() | st.sampled_from([dt.time(9), dt.time(12, 30)])),
    }


def _build(spec, monday: dt.date):
    tz = ZoneInfo(spec["tz"])
    clinic = ClinicFactory(
        timezone=spec["tz"], hours=spec["hours"], nurse_max_concurrent=spec["cap"], start_stagger_minutes=spec["stagger"]
    )
    chairs = [ChairFactory(clinic=clinic) for _ in range(spec["chairs"])]
    nurses = [
        NurseFactory(clinic=clinic) if usual else NurseFactory(clinic=clinic, shifts={d: [("09:00", "15:00")] for d in range(5)})
        for usual in spec["nurses"]
    ]

    def at(day_offset: int, minutes: int) -> dt.datetime:
        """`minutes` after midnight of the day, in the clinic's zone (a time the clocks skip: an hour on)."""
        wall = dt.datetime.combine(monday + dt.timedelta(days=day_offset), dt.time()) + dt.timedelta(minutes=minutes)
        try:
            return planning.localize(wall, tz)
        except planning.LocalTimeError:
            return planning.localize(wall + dt.timedelta(hours=1), tz)

    if spec["time_off"]:
        d, start, halves = spec["time_off"]
        begins = at(d, 30 * start)
        nurses[0].time_off.create(starts_at=begins, ends_at=begins + dt.timedelta(minutes=30 * halves))
    if spec["closure"]:
        d, start, halves = spec["closure"]
        begins = at(d, 30 * start)
        clinic.closures.create(starts_at=begins, ends_at=begins + dt.timedelta(minutes=30 * halves), reason="Drawn")
    if isinstance(spec["protocol"], str):
        protocol = shared_protocol(spec["protocol"])
    else:
        protocol = ProtocolFactory(clinic=clinic, **spec["protocol"])
    patient, other = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    for d, where, minutes, chair, nurse, own in spec["stored"]:
        spans = spec["hours"].get((monday + dt.timedelta(days=d)).weekday())
        if not spans:
            continue
        opens, closes = (int(t[:2]) * 60 + int(t[3:]) for t in spans[0])
        start = opens + (max(closes - minutes - opens, 0) * where // 16) // 15 * 15
        try:
            with transaction.atomic():
                book_one(patient if own else other, clinic, at(d, start), minutes=minutes,
                         chair=chairs[chair] if chair < len(chairs) else None,
                         nurse=nurses[nurse] if nurse < len(nurses) else None)
        except BookingError:
            pass  # a drawn session the rules refuse (in the past, no nurse free…) is simply not stored
    return clinic, protocol, patient


# The Mondays of an ordinary week and of each spring-forward week; the clinic's zone is drawn.
MONDAYS = [dt.date(2027, 3, 1), dt.date(2027, 3, 8), dt.date(2027, 3, 22), dt.date(2027, 10, 25), dt.date(2027, 11, 1)]


def _reference_proposal(clinic, protocol, patient, prefs: planning.Preferences) -> planning.Proposal | None:
    """The planner on everything the clinic has stored for 70 days from `earliest`, loaded in one go: what the
    selector, however it loads its window, must answer."""
    start = dt.datetime.combine(prefs.earliest - dt.timedelta(days=1), dt.time(), clinic.tz)
    end = dt.datetime.combine(prefs.earliest + dt.timedelta(days=72), dt.time(), clinic.tz)
    calendar = clinic_calendar_load(clinic=clinic, window_start=start, window_end=end)
    planner = planning.SeriesPlanner(
        rules=calendar.rules, chair_ids=calendar.chair_ids, nurses=calendar.nurses,
        occupancy=selectors.occupancy_load(clinic_id=clinic.pk, patient_id=patient.pk, window_start=start, window_end=end),
        patient_id=patient.pk, last_day=prefs.earliest + dt.timedelta(days=70),
    )
    spec = planning.SeriesSpec(
        count=protocol.session_count, minutes=protocol.chair_minutes, spacing=protocol_spacing(protocol),
        first_extra_minutes=protocol.first_visit_extra_minutes, target_window_days=protocol.target_window_days,
    )
    return planner.propose(spec, prefs)


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=db_clinics(), monday=st.sampled_from(MONDAYS))
def test_every_proposal_is_booked_as_proposed(spec, monday):
    """Booked as proposed, and the same as the planner's answer on the whole window loaded at once (the
    planner's own answer is checked against a brute force in tests/scheduler/test_planner_properties.py)."""
    midnight = dt.datetime.combine(monday, dt.time(), ZoneInfo(spec["tz"]))
    now = midnight + dt.timedelta(minutes=15 * spec["now"])
    earliest = monday + dt.timedelta(days=spec["earliest"])
    with time_machine.travel(now, tick=False), transaction.atomic():
        clinic, protocol, patient = _build(spec, monday)
        prefs = planning.Preferences(
            earliest=earliest, not_before=now, weekdays=spec["weekdays"], time_from=spec["time_from"]
        )
        reference = _reference_proposal(clinic, protocol, patient, prefs)
        try:
            proposal = selectors.cycle_proposal(
                patient=patient, protocol=protocol, clinic=clinic, earliest_date=earliest,
                weekdays=spec["weekdays"], time_from=spec["time_from"],
            )
        except ApplicationError as exc:
            assert reference is None
            event(f"no_feasible_series: {exc.details.get('reason')}")
            assert exc.code == "no_feasible_series"
            assert set(exc.details) == {"reason", "dates", "earliest_date"}
            assert exc.details["reason"] in {
                codes.CHAIR_CONFLICT, codes.NURSE_CAPACITY, codes.STAGGER, codes.NURSE_UNAVAILABLE, codes.PATIENT_CONFLICT,
                codes.CLINIC_CLOSED, codes.OUTSIDE_HOURS, codes.SPACING_TOO_CLOSE, codes.SPACING_TOO_FAR, codes.WINDOW_EXCEEDED,
            }
            if exc.details["earliest_date"] is not None:
                later = dt.date.fromisoformat(exc.details["earliest_date"])
                assert later > monday + dt.timedelta(days=spec["earliest"] + planning.SeriesPlanner.FIRST_HORIZON_DAYS)
            transaction.set_rollback(True)
            return
        event(f"proposed {len(proposal.sessions)} sessions, {len(proposal.alternatives)} alternatives")
        event(f"{InfusionSession.objects.filter(clinic=clinic).count()} sessions stored")
        assert proposal.sessions[0].start > now
        assert reference is not None and proposal.sessions == reference.sessions
        for candidate in (proposal, *proposal.alternatives):
            with transaction.atomic():
                booked = book_as_proposed(patient, protocol, clinic, candidate.sessions)
                assert [w.code for w in booked.warnings] == [w.code for w in candidate.warnings]
                transaction.set_rollback(True)
        transaction.set_rollback(True)
