"""Make-up sessions: a session added to a short course in place of a missed one keeps the course valid."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from auditlog.models import LogEntry

from bookings import selectors, services
from bookings.models import (
    CycleStatus,
    EmailKind,
    InfusionSession,
    PatientEmail,
    SessionEvent,
    SessionStatus,
    TreatmentCycle,
)
from bookings.progress import cycle_progress, cycle_sessions_short
from bookings.services import BookingError, SessionRequest
from tests.bookings import race
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, shared_protocol

# Midnight starting Monday 1 March 2027 in New York: every booking below is in the future.
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)
DAYS = [1, 3, 5, 8, 10, 12]  # Mon/Wed/Fri over two weeks, 09:00

pytestmark = pytest.mark.frozen(T0)


def book(patient, clinic, protocol="depression-iv", days=DAYS, hour=9) -> TreatmentCycle:
    return services.cycle_book(
        patient=patient, protocol=shared_protocol(protocol), clinic=clinic,
        sessions=[SessionRequest(dt.datetime(2027, 3, d, hour)) for d in days],
    ).cycle


def numbered(cycle) -> list[tuple[int, int, str]]:
    """(day of March, sequence, status) of every session, in time order."""
    return [
        (s.starts_at.astimezone(cycle.clinic.tz).day, s.sequence, s.status)
        for s in InfusionSession.objects.filter(cycle=cycle).order_by("starts_at", "pk")
    ]


def cancel(cycle, sequence) -> InfusionSession:
    session = cycle.sessions.get(sequence=sequence, status__in=[SessionStatus.BOOKED, SessionStatus.CONFIRMED])
    return services.session_cancel(session=session, by_party="patient", reason="Away")


def make_up(cycle, replaces, when, **kwargs) -> InfusionSession:
    return services.cycle_make_up(cycle=cycle, replaces=replaces, starts_at=when, **kwargs)


def refused(call) -> BookingError:
    before = (InfusionSession.objects.count(), SessionEvent.objects.count(), PatientEmail.objects.count())
    with pytest.raises(BookingError) as caught:
        call()
    assert (InfusionSession.objects.count(), SessionEvent.objects.count(), PatientEmail.objects.count()) == before
    return caught.value


class TestNumbering:
    def test_after_the_last_the_kept_sessions_close_the_gap(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        assert cycle_sessions_short(cycle=cycle) == 1
        made = make_up(cycle, missed, dt.datetime(2027, 3, 15, 9))
        assert made.sequence == 6 and made.made_up_for_id == missed.pk and made.status == SessionStatus.BOOKED
        # The missed one keeps its number and status; 8, 10 and 12 March become sessions 3, 4 and 5.
        assert numbered(cycle) == [
            (1, 1, "booked"), (3, 2, "booked"), (5, 3, "cancelled"), (8, 3, "booked"), (10, 4, "booked"),
            (12, 5, "booked"), (15, 6, "booked"),
        ]
        third = cycle.sessions.get(sequence=3, status=SessionStatus.BOOKED)
        assert third.extra_monitoring and third.version == 1  # the patient's third visit; links stay valid
        assert (made.ends_at - made.starts_at) == dt.timedelta(minutes=120)
        cycle.refresh_from_db()
        assert cycle_sessions_short(cycle=cycle) == 0 and cycle.version == 3  # the cancel, then the make-up
        assert cycle_progress(cycle=cycle).label == "session 1 of 6"
        renumbered = SessionEvent.objects.filter(kind="renumbered").order_by("data__from")
        assert [(e.data["from"], e.data["to"]) for e in renumbered] == [(4, 3), (5, 4), (6, 5)]
        assert SessionEvent.objects.get(kind="made_up").data == {"make_up": made.pk}
        assert SessionEvent.objects.get(session=made, kind="booked").data["made_up_for"] == missed.pk
        assert LogEntry.objects.filter(object_pk=str(made.pk), action=LogEntry.Action.CREATE).exists()
        emails = PatientEmail.objects.filter(session=made)
        assert EmailKind.CONFIRMATION in {e.kind for e in emails} and emails.count() > 1  # and its reminders

    def test_inside_the_gap_it_takes_the_missed_number(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 5)
        made = make_up(cycle, missed, dt.datetime(2027, 3, 10, 15))  # 54 h after session 4, 42 h before 6
        assert made.sequence == 5
        assert not SessionEvent.objects.filter(kind="renumbered").exists()

    def test_a_no_show_is_made_up_too(self, clinic, chairs, nurse, patient, frozen):
        cycle = book(patient, clinic)
        second = cycle.sessions.get(sequence=2)
        frozen.move_to(second.starts_at + dt.timedelta(minutes=30))
        services.session_no_show(session=second)
        made = make_up(cycle, second, dt.datetime(2027, 3, 15, 9))
        assert made.sequence == 6 and made.made_up_for_id == second.pk


class TestTheCourseStaysValid:
    def test_spacing_is_kept(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        error = refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 12, 15)))  # 6 h after session 6
        assert error.code == "spacing_too_close" and error.status == 400

    def test_the_window_that_can_no_longer_be_met(self, clinic, chairs, nurse, patient, frozen):
        cycle = book(patient, clinic, protocol="ptsd-iv")  # 14 days: 1 to 14 March
        missed = cancel(cycle, 3)
        error = refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 15, 9)))
        assert error.code == "window_exceeded"
        frozen.move_to(dt.datetime(2027, 3, 15, 5, tzinfo=dt.UTC))
        with pytest.raises(Exception) as caught:
            selectors.make_up_options(cycle=cycle)
        assert caught.value.code == "make_up_window_closed" and caught.value.status == 409

    def test_the_chair_the_nurse_and_the_patient(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        other = PatientFactory(clinic=clinic)
        services.cycle_book(patient=other, protocol=shared_protocol("booster-iv"), clinic=clinic,
                            sessions=[SessionRequest(dt.datetime(2027, 3, 15, 9), chair=chairs[0])])
        error = refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 15, 9), chair=chairs[0]))
        assert error.code == "chair_conflict"
        services.cycle_book(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic,
                            sessions=[SessionRequest(dt.datetime(2027, 3, 16, 9))])
        assert refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 16, 10))).code == "patient_conflict"

    def test_in_the_past(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        assert refused(lambda: make_up(cycle, missed, dt.datetime(2027, 2, 26, 9))).code == "in_past"


class TestRefusals:
    def test_a_course_not_short(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        make_up(cycle, missed, dt.datetime(2027, 3, 15, 9))
        error = refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 17, 9)))
        assert (error.code, error.status) == ("course_not_short", 409)

    def test_a_session_made_up_already(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        cancel(cycle, 4)
        make_up(cycle, missed, dt.datetime(2027, 3, 15, 9))
        assert refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 17, 9))).code == "already_made_up"

    def test_a_session_not_missed(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        cancel(cycle, 3)
        booked = cycle.sessions.get(sequence=4)
        assert refused(lambda: make_up(cycle, booked, dt.datetime(2027, 3, 15, 9))).code == "not_missed"

    def test_another_course_s_session(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        cancel(cycle, 3)
        other = book(PatientFactory(clinic=clinic), clinic, hour=13)
        elsewhere = cancel(other, 2)
        error = refused(lambda: make_up(cycle, elsewhere, dt.datetime(2027, 3, 15, 9)))
        assert (error.code, error.status) == ("not_in_course", 400)

    def test_an_ended_course(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 3)
        services.cycle_cancel(cycle=cycle, reason="Moved away", by_party="patient")
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.CANCELLED and cycle_sessions_short(cycle=cycle) == 0
        assert refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 15, 9))).code == "course_ended"

    def test_the_last_session_missed_ends_the_course_and_a_make_up_reopens_it(self, clinic, chairs, nurse, patient):
        """A course whose last pending session is missed ends on its own (abandoned, no reason); it is still short,
        and a make-up brings it back to active, audited, so that the patient can finish the course."""
        cycle = book(patient, clinic)
        InfusionSession.objects.filter(cycle=cycle, sequence__lte=5).update(status=SessionStatus.COMPLETED)
        missed = cancel(cycle, 6)
        cycle.refresh_from_db()
        assert (cycle.status, cycle.cancel_reason, cycle_sessions_short(cycle=cycle)) == (CycleStatus.ABANDONED, "", 1)
        made = make_up(cycle, missed, dt.datetime(2027, 3, 15, 9))
        cycle.refresh_from_db()
        assert (cycle.status, cycle.ended_at, made.sequence, cycle_sessions_short(cycle=cycle)) == (CycleStatus.ACTIVE, None, 6, 0)
        change = LogEntry.objects.get_for_object(cycle).filter(changes__icontains="abandoned").order_by("pk").last()
        assert change.changes_dict["status"] == ["abandoned", "active"]

    def test_the_first_visit_missed(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 1)
        assert refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 15, 9))).code == "first_visit_missed"


class TestOptions:
    def test_every_option_is_accepted(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        missed = cancel(cycle, 6)
        options = selectors.make_up_options(cycle=cycle, count=3)
        assert options and all(o.start > cycle.sessions.get(sequence=5).starts_at for o in options)
        assert {o.sequence for o in options} == {6}
        made = make_up(cycle, missed, options[-1].start.astimezone(clinic.tz).replace(tzinfo=None))
        assert made.starts_at == options[-1].start

    def test_the_grid_of_a_new_session(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        cancel(cycle, 3)
        grid = selectors.make_up_slot_grid(cycle=cycle, filters=selectors.SlotFilters(days=3, per_day=4))
        assert len(grid.days) == 3 and grid.next_from is not None
        # In the gap the missed session left (the 5th), or after the last (the 12th, a Friday) from Monday 15th.
        assert [d.day for d in grid.days] == [dt.date(2027, 3, 5), dt.date(2027, 3, 15), dt.date(2027, 3, 16)]

    def test_refused_where_the_service_refuses(self, clinic, chairs, nurse, patient):
        cycle = book(patient, clinic)
        with pytest.raises(Exception) as caught:
            selectors.make_up_options(cycle=cycle)
        assert caught.value.code == "course_not_short"


@pytest.mark.django_db(transaction=True)
def test_two_make_ups_for_one_missed_session_at_once_give_one():
    clinic = ClinicFactory(start_stagger_minutes=0)
    chairs = [ChairFactory(clinic=clinic) for _ in range(2)]
    NurseFactory(clinic=clinic)
    cycle = book(PatientFactory(clinic=clinic), clinic)
    missed = cancel(cycle, 3)
    outcome = race.attempt_all([
        partial(make_up, cycle, missed, dt.datetime(2027, 3, 15, 9), chair=chairs[0]),
        partial(make_up, cycle, missed, dt.datetime(2027, 3, 16, 11), chair=chairs[1]),
    ])
    assert outcome == {"booked": 1, "course_not_short": 1}
    assert InfusionSession.objects.filter(made_up_for=missed).count() == 1


def test_never_before_the_first_visit(clinic, chairs, nurse, patient):
    cycle = book(patient, clinic, days=[3, 5, 8, 10, 12, 15])
    missed = cancel(cycle, 3)
    error = refused(lambda: make_up(cycle, missed, dt.datetime(2027, 3, 1, 9)))  # 48 h before session 1
    assert (error.code, error.status) == ("make_up_before_first_visit", 400)
    assert all(o.sequence > 1 for o in selectors.make_up_options(cycle=cycle, count=20))
