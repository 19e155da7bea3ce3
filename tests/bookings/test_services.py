"""The booking services: whole-course booking, moves, cancellations and every session transition."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from bookings import services
from bookings.models import (
    CycleStatus,
    InfusionSession,
    ReviewReason,
    SessionEvent,
    SessionStatus,
    TreatmentCycle,
)
from bookings.services import BookingError, SessionRequest
from tests.conftest import local
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, shared_protocol
from tests.safety.helpers import checks_pass, recovery_pass

NY = ZoneInfo("America/New_York")
# Midnight starting Monday 1 March 2027 in New York: every booking below is in the future.
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)
# Mon/Wed/Fri over two weeks: a valid depression induction.
DEPRESSION_DAYS = [(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 12)]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def book_depression(patient, clinic, days=DEPRESSION_DAYS, hour=9, **kwargs):
    return services.cycle_book(
        patient=patient,
        protocol=shared_protocol("depression-iv"),
        clinic=clinic,
        sessions=[SessionRequest(dt.datetime(2027, m, d, hour, 0), **kwargs) for m, d in days],
    )


def counts():
    return (TreatmentCycle.objects.count(), InfusionSession.objects.count(), SessionEvent.objects.count())


class TestCycleBook:
    def test_books_every_session_in_time_order(self, clinic, chairs, nurse, patient):
        days = list(reversed(DEPRESSION_DAYS))  # given out of order
        booked = book_depression(patient, clinic, days=days)
        sessions = list(booked.cycle.sessions.order_by("sequence"))
        assert [s.sequence for s in sessions] == [1, 2, 3, 4, 5, 6]
        assert [s.starts_at.astimezone(NY).day for s in sessions] == [1, 3, 5, 8, 10, 12]
        assert all(s.status == SessionStatus.BOOKED and s.version == 1 for s in sessions)
        assert [(s.ends_at - s.starts_at).total_seconds() / 60 for s in sessions] == [150, 120, 120, 120, 120, 120]
        assert [s.extra_monitoring for s in sessions] == [True, True, True, False, False, False]
        assert booked.cycle.status == CycleStatus.PLANNED and booked.cycle.session_count == 6
        assert all(s.chair_id in {c.pk for c in chairs} and s.nurse_id == nurse.pk for s in sessions)
        assert SessionEvent.objects.filter(kind="booked").count() == 6

    def test_a_conflict_at_session_5_stores_nothing(self, clinic, chairs, nurse, patient):
        other = PatientFactory(clinic=clinic)
        services.cycle_book(
            patient=other, protocol=shared_protocol("booster-iv"), clinic=clinic,
            sessions=[SessionRequest(dt.datetime(2027, 3, 10, 9, 30), chair=chairs[0])],
        )
        before = counts()
        with pytest.raises(BookingError) as caught:
            book_depression(patient, clinic, chair=chairs[0])
        assert caught.value.code == "chair_conflict"
        assert caught.value.details["sequence"] == 5
        assert caught.value.details["chair"] == chairs[0].pk
        assert caught.value.status == 409
        assert counts() == before

    def test_a_spacing_violation_stores_nothing(self, clinic, chairs, nurse, patient):
        before = counts()
        with pytest.raises(BookingError) as caught:
            book_depression(patient, clinic, days=[(3, 1), (3, 2), (3, 5), (3, 8), (3, 10), (3, 12)])
        assert caught.value.code == "spacing_too_close"
        assert caught.value.status == 400
        assert counts() == before

    def test_a_hard_window_is_enforced(self, clinic, chairs, nurse, patient):
        days = [(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 15)]  # PTSD: six within 14 days; this takes 15
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=patient, protocol=shared_protocol("ptsd-iv"), clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, m, d, 9)) for m, d in days])
        assert caught.value.code == "window_exceeded"
        assert caught.value.details == {"span_days": 15, "window_days": 14}

    def test_a_long_depression_course_is_booked_with_a_warning(self, clinic, chairs, nurse, patient):
        assert not book_depression(patient, clinic, days=[(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 26)]).warnings
        other = PatientFactory(clinic=clinic)
        booked = book_depression(other, clinic, days=[(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 29)])
        assert [w.code for w in booked.warnings] == ["window_warning"]
        assert booked.warnings[0].details == {"span_days": 29, "warn_window_days": 28}

    @pytest.mark.parametrize(
        "hour, code",
        [(7, "outside_hours"), (17, "outside_hours")],  # 17:00 + 150 min ends after 18:00
    )
    def test_outside_opening_hours(self, clinic, chairs, nurse, patient, hour, code):
        with pytest.raises(BookingError) as caught:
            book_depression(patient, clinic, hour=hour)
        assert caught.value.code == code

    def test_closure(self, clinic, chairs, nurse, patient):
        clinic.closures.create(starts_at=local(clinic, 2027, 3, 8), ends_at=local(clinic, 2027, 3, 9), reason="Staff training")
        with pytest.raises(BookingError) as caught:
            book_depression(patient, clinic)
        assert caught.value.code == "clinic_closed"
        assert caught.value.details["sequence"] == 4

    def test_session_count_must_match_protocol(self, clinic, chairs, nurse, patient):
        with pytest.raises(BookingError) as caught:
            book_depression(patient, clinic, days=DEPRESSION_DAYS[:5])
        assert caught.value.code == "session_count_mismatch"
        assert caught.value.details == {"expected": 6, "given": 5}

    def test_chair_of_another_clinic_is_refused(self, clinic, chairs, nurse, patient):
        foreign = ChairFactory()
        with pytest.raises(BookingError) as caught:
            book_depression(patient, clinic, chair=foreign)
        assert caught.value.code == "wrong_clinic"

    def test_protocol_of_another_clinic_is_refused(self, clinic, chairs, nurse, patient):
        from tests.factories import ProtocolFactory

        theirs = ProtocolFactory(clinic=ClinicFactory())
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=patient, protocol=theirs, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9))])
        assert caught.value.code == "protocol_unavailable"

    def test_past_is_refused(self, clinic, chairs, nurse, patient):
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 2, 26, 9, 0))])
        assert caught.value.code == "in_past"

    def test_nurse_capacity_counts_concurrent_patients(self, clinic, nurse):
        clinic.nurse_max_concurrent = 3
        clinic.save()
        chairs = [ChairFactory(clinic=clinic) for _ in range(4)]
        booster = shared_protocol("booster-iv")
        for i in range(3):
            services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 0), chair=chairs[i])])
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 10, 0), chair=chairs[3])])
        assert caught.value.code == "nurse_capacity"
        # After the first three end, the nurse is free again.
        services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                            sessions=[SessionRequest(dt.datetime(2027, 3, 2, 11, 0), chair=chairs[3])])

    def test_stagger_between_a_nurses_starts(self, clinic, chairs, nurse):
        clinic.start_stagger_minutes = 15
        clinic.save()
        booster = shared_protocol("booster-iv")
        services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                            sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 0))])
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 10))])
        assert caught.value.code == "stagger"
        services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                            sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 15))])

    def test_second_nurse_is_chosen_when_the_first_is_busy(self, clinic, chairs, nurse):
        clinic.start_stagger_minutes = 15
        clinic.save()
        other = NurseFactory(clinic=clinic)
        booster = shared_protocol("booster-iv")
        a = services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 0))])
        b = services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 5))])
        assert {a.sessions[0].nurse_id, b.sessions[0].nurse_id} == {nurse.pk, other.pk}
        assert a.sessions[0].chair_id != b.sessions[0].chair_id

    def test_nurse_time_off(self, clinic, chairs, nurse, patient):
        nurse.time_off.create(starts_at=local(clinic, 2027, 3, 2), ends_at=local(clinic, 2027, 3, 3), reason="Leave")
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9, 0))])
        assert caught.value.code == "nurse_unavailable"

    def test_patient_cannot_be_in_two_sessions(self, clinic, chairs, nurse, patient):
        booster = shared_protocol("booster-iv")
        services.cycle_book(patient=patient, protocol=booster, clinic=clinic, sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9))])
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=patient, protocol=booster, clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 10))])
        assert caught.value.code == "patient_conflict"


class TestLocalTime:
    def test_nonexistent_spring_forward_time_is_refused(self, db):
        clinic = ClinicFactory(hours={6: [("00:00", "12:00")]})  # open Sunday night for the test
        ChairFactory(clinic=clinic)
        NurseFactory(clinic=clinic)
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"),
                                clinic=clinic, sessions=[SessionRequest(dt.datetime(2027, 3, 14, 2, 30))])
        assert caught.value.code == "nonexistent_local_time"
        assert InfusionSession.objects.count() == 0

    def test_a_course_across_the_dst_change_keeps_wall_clock_times(self, clinic, chairs, nurse, patient):
        days = [(3, 10), (3, 12), (3, 15), (3, 17), (3, 19), (3, 22)]  # clocks go forward on 14 March
        booked = book_depression(patient, clinic, days=days, hour=10)
        sessions = list(booked.cycle.sessions.order_by("sequence"))
        assert {s.starts_at.astimezone(NY).hour for s in sessions} == {10}
        assert [s.starts_at.astimezone(dt.UTC).hour for s in sessions] == [15, 15, 14, 14, 14, 14]


    def test_moving_following_sessions_across_the_dst_change_keeps_wall_clock_times(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic, hour=10).cycle  # 1–12 March, all before the change
        services.session_reschedule(session=cycle.sessions.get(sequence=4), starts_at=dt.datetime(2027, 3, 15, 10),
                                    scope="following")
        sessions = list(cycle.sessions.order_by("sequence"))
        assert [s.starts_at.astimezone(NY).day for s in sessions] == [1, 3, 5, 15, 17, 19]
        assert {s.starts_at.astimezone(NY).hour for s in sessions} == {10}
        assert [s.starts_at.astimezone(dt.UTC).hour for s in sessions] == [15, 15, 15, 14, 14, 14]

    def test_aware_instants_are_taken_as_given(self, clinic, chairs, nurse, patient):
        start = dt.datetime(2027, 3, 2, 14, 0, tzinfo=dt.UTC)  # 09:00 in New York
        booked = services.cycle_book(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic,
                                     sessions=[SessionRequest(start)])
        assert booked.sessions[0].starts_at == start


class TestReschedule:
    def test_move_this_one(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        second = cycle.sessions.get(sequence=2)
        services.session_confirm(session=second)
        [moved] = services.session_reschedule(session=second, starts_at=dt.datetime(2027, 3, 3, 13, 0))
        moved.refresh_from_db()
        assert moved.starts_at.astimezone(NY).hour == 13
        assert moved.status == SessionStatus.BOOKED  # the patient confirmed the old time only
        assert moved.version == 3
        assert moved.events.filter(kind="moved").count() == 1
        assert cycle.sessions.get(sequence=3).version == 1

    def test_move_this_and_following_by_the_same_offset(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        moved = services.session_reschedule(session=cycle.sessions.get(sequence=5), starts_at=dt.datetime(2027, 3, 17, 9),
                                            scope="following")
        assert [s.sequence for s in moved] == [5, 6]
        days = [s.starts_at.astimezone(NY).day for s in cycle.sessions.order_by("sequence")]
        assert days == [1, 3, 5, 8, 17, 19]

    def test_move_that_breaks_spacing_changes_nothing(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        snapshot = list(cycle.sessions.order_by("sequence").values_list("starts_at", "version"))
        with pytest.raises(BookingError) as caught:
            services.session_reschedule(session=cycle.sessions.get(sequence=3), starts_at=dt.datetime(2027, 3, 4, 9))
        assert caught.value.code == "spacing_too_close"
        assert list(cycle.sessions.order_by("sequence").values_list("starts_at", "version")) == snapshot

    def test_following_that_no_longer_fits_changes_nothing(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        snapshot = list(cycle.sessions.order_by("sequence").values_list("starts_at", "version"))
        with pytest.raises(BookingError) as caught:  # +1 day puts session 3 on a Saturday
            services.session_reschedule(session=cycle.sessions.get(sequence=2), starts_at=dt.datetime(2027, 3, 4, 9), scope="following")
        assert caught.value.code == "outside_hours"
        assert caught.value.details["sequence"] == 3
        assert list(cycle.sessions.order_by("sequence").values_list("starts_at", "version")) == snapshot

    def test_move_keeps_the_chair_when_free_and_changes_it_when_not(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic, chair=chairs[1]).cycle
        second = cycle.sessions.get(sequence=2)
        [moved] = services.session_reschedule(session=second, starts_at=dt.datetime(2027, 3, 3, 12))
        assert moved.chair_id == chairs[1].pk
        services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"), clinic=clinic,
                            sessions=[SessionRequest(dt.datetime(2027, 3, 3, 14), chair=chairs[1])])
        [moved] = services.session_reschedule(session=second, starts_at=dt.datetime(2027, 3, 3, 14, 30))
        assert moved.chair_id != chairs[1].pk

    def test_cannot_move_a_completed_session(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        first = cycle.sessions.get(sequence=1)
        complete(first, frozen)
        with pytest.raises(BookingError) as caught:
            services.session_reschedule(session=first, starts_at=dt.datetime(2027, 3, 2, 9))
        assert caught.value.code == "invalid_transition"
        assert caught.value.status == 409

    def test_bad_scope(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        with pytest.raises(BookingError) as caught:
            services.session_reschedule(session=cycle.sessions.first(), starts_at=dt.datetime(2027, 3, 2, 9), scope="all")
        assert caught.value.code == "invalid_scope"


def complete(session, frozen):
    frozen.move_to(session.starts_at)
    services.session_check_in(session=session)
    checks_pass(session)
    services.session_start(session=session)
    frozen.move_to(session.ends_at)  # the protocol's chair time has passed
    recovery_pass(session)
    return services.session_complete(session=session)


class TestTransitions:
    def test_full_day_of_a_session(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        first = cycle.sessions.get(sequence=1)
        assert services.session_confirm(session=first).status == SessionStatus.CONFIRMED
        assert services.session_confirm(session=first).version == 2  # confirming twice changes nothing
        frozen.move_to(first.starts_at - dt.timedelta(minutes=20))
        assert services.session_check_in(session=first).status == SessionStatus.CHECKED_IN
        checks_pass(first)
        assert services.session_start(session=first).status == SessionStatus.IN_CHAIR
        frozen.move_to(first.ends_at)  # the protocol's chair time has passed
        recovery_pass(first)
        done = services.session_complete(session=first)
        assert done.status == SessionStatus.COMPLETED and done.version == 5
        assert done.completed_at is not None and done.checked_in_at is not None
        assert [e.kind for e in done.events.order_by("pk")] == ["booked", "confirm", "check_in", "start", "complete"]
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.ACTIVE

    def test_check_in_only_on_the_day(self, clinic, chairs, nurse, patient):
        first = book_depression(patient, clinic, days=[(3, 3), (3, 5), (3, 8), (3, 10), (3, 12), (3, 15)]).cycle.sessions.get(sequence=1)
        with pytest.raises(BookingError) as caught:
            services.session_check_in(session=first)
        assert caught.value.code == "not_today"

    @pytest.mark.parametrize("action", ["session_start", "session_complete"])
    def test_illegal_transitions_are_refused(self, clinic, chairs, nurse, patient, action):
        first = book_depression(patient, clinic).cycle.sessions.get(sequence=1)
        with pytest.raises(BookingError) as caught:
            getattr(services, action)(session=first)
        assert caught.value.code == "invalid_transition"
        assert caught.value.details["status"] == "booked"
        first.refresh_from_db()
        assert first.status == SessionStatus.BOOKED and first.version == 1

    def test_review_flag_after_session_three_and_completion(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        for session in cycle.sessions.order_by("sequence")[:3]:
            complete(session, frozen)
        cycle.refresh_from_db()
        assert cycle.needs_review and cycle.review_reason == ReviewReason.AFTER_SESSION
        for session in cycle.sessions.order_by("sequence")[3:]:
            complete(session, frozen)
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.COMPLETED and cycle.ended_at is not None

    def test_no_show_only_after_the_grace_period(self, clinic, chairs, nurse, patient, frozen):
        first = book_depression(patient, clinic).cycle.sessions.get(sequence=1)
        frozen.move_to(first.starts_at + dt.timedelta(minutes=10))
        with pytest.raises(BookingError) as caught:
            services.session_no_show(session=first)
        assert caught.value.code == "too_early_for_no_show"
        frozen.move_to(first.starts_at + dt.timedelta(minutes=15))
        assert services.session_no_show(session=first).status == SessionStatus.NO_SHOW

    def test_no_show_of_session_two_flags_the_course(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        complete(cycle.sessions.get(sequence=1), frozen)
        second = cycle.sessions.get(sequence=2)
        frozen.move_to(second.starts_at + dt.timedelta(minutes=30))
        services.session_no_show(session=second)
        cycle.refresh_from_db()
        assert cycle.needs_review and cycle.review_reason == ReviewReason.EARLY_DROPOUT


class TestCancel:
    def test_cancel_well_ahead(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        last = cycle.sessions.get(sequence=6)
        cancelled = services.session_cancel(session=last, by_party="clinic", reason="Chair maintenance")
        assert cancelled.status == SessionStatus.CANCELLED
        assert cancelled.cancelled_by_party == "clinic" and cancelled.cancel_reason == "Chair maintenance"
        assert cancelled.version == 2

    def test_cancel_inside_the_cutoff_is_late(self, clinic, chairs, nurse, patient, frozen):
        first = book_depression(patient, clinic).cycle.sessions.get(sequence=1)
        frozen.move_to(first.starts_at - dt.timedelta(hours=23))
        assert services.session_cancel(session=first, by_party="patient", reason="Unwell").status == SessionStatus.LATE_CANCELLED

    def test_patient_cancelling_session_two_flags_the_course(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        services.session_cancel(session=cycle.sessions.get(sequence=2), by_party="patient", reason="Travel")
        cycle.refresh_from_db()
        assert cycle.needs_review and cycle.review_reason == ReviewReason.EARLY_DROPOUT

    def test_cancel_needs_a_reason_and_a_party(self, clinic, chairs, nurse, patient):
        first = book_depression(patient, clinic).cycle.sessions.first()
        with pytest.raises(BookingError) as caught:
            services.session_cancel(session=first, by_party="patient", reason="  ")
        assert caught.value.code == "reason_required"
        with pytest.raises(BookingError):
            services.session_cancel(session=first, by_party="robot", reason="x")

    def test_cancel_twice_is_refused(self, clinic, chairs, nurse, patient):
        first = book_depression(patient, clinic).cycle.sessions.first()
        services.session_cancel(session=first, by_party="patient", reason="x")
        with pytest.raises(BookingError) as caught:
            services.session_cancel(session=first, by_party="patient", reason="x")
        assert caught.value.code == "invalid_transition"

    def test_a_cancelled_slot_can_be_booked_again(self, clinic, chairs, nurse, patient):
        first = book_depression(patient, clinic, chair=chairs[0]).cycle.sessions.get(sequence=1)
        services.session_cancel(session=first, by_party="patient", reason="x")
        rebooked = services.cycle_book(
            patient=PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"), clinic=clinic,
            sessions=[SessionRequest(first.starts_at, chair=chairs[0])],
        ).sessions[0]
        assert (rebooked.chair_id, rebooked.starts_at, rebooked.status) == (chairs[0].pk, first.starts_at, SessionStatus.BOOKED)
        first.refresh_from_db()
        assert first.status == SessionStatus.LATE_CANCELLED  # within 24 h of its start
        in_the_slot = InfusionSession.objects.filter(chair=chairs[0], starts_at=first.starts_at)
        assert set(in_the_slot.values_list("pk", "status")) == {
            (first.pk, SessionStatus.LATE_CANCELLED), (rebooked.pk, SessionStatus.BOOKED)
        }

    def test_cycle_cancel_planned(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        cancelled = services.cycle_cancel(cycle=cycle, reason="Patient moved away", by_party="patient")
        assert cancelled.status == CycleStatus.CANCELLED
        statuses = list(cycle.sessions.order_by("sequence").values_list("status", flat=True))
        # Session 1 starts within 24 h of now: a late cancellation, like any other.
        assert statuses == [SessionStatus.LATE_CANCELLED] + [SessionStatus.CANCELLED] * 5

    def test_cycle_cancel_after_a_session_is_abandoned(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        complete(cycle.sessions.get(sequence=1), frozen)
        cancelled = services.cycle_cancel(cycle=cycle, reason="No response")
        assert cancelled.status == CycleStatus.ABANDONED
        statuses = list(cycle.sessions.order_by("sequence").values_list("status", flat=True))
        assert statuses[0] == SessionStatus.COMPLETED and set(statuses[1:]) == {SessionStatus.CANCELLED}
        with pytest.raises(BookingError) as caught:
            services.cycle_cancel(cycle=cycle, reason="again")
        assert caught.value.code == "invalid_transition"

    def test_cycle_cancel_refused_while_a_session_runs(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        first = cycle.sessions.get(sequence=1)
        frozen.move_to(first.starts_at)
        services.session_check_in(session=first)
        with pytest.raises(BookingError) as caught:
            services.cycle_cancel(cycle=cycle, reason="x")
        assert caught.value.code == "session_in_progress"
        assert cycle.sessions.filter(status=SessionStatus.CANCELLED).count() == 0


@pytest.mark.django_db
class TestDatabaseGuarantees:
    def test_exclusion_constraint_refuses_two_sessions_in_one_chair(self, clinic, chairs, nurse, patient):
        first = book_depression(patient, clinic).cycle.sessions.get(sequence=1)
        other = services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"),
                                    clinic=clinic, sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9))]).sessions[0]
        with pytest.raises(IntegrityError, match="session_no_chair_overlap"), transaction.atomic():
            InfusionSession.objects.filter(pk=other.pk).update(
                chair=first.chair, starts_at=first.starts_at + dt.timedelta(minutes=30), ends_at=first.ends_at
            )

    def test_exclusion_constraint_ignores_cancelled_sessions(self, clinic, chairs, nurse, patient):
        first = book_depression(patient, clinic).cycle.sessions.get(sequence=1)
        services.session_cancel(session=first, by_party="clinic", reason="x")
        other = services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"),
                                    clinic=clinic, sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9))]).sessions[0]
        moved = InfusionSession.objects.filter(pk=other.pk).update(
            chair=first.chair, starts_at=first.starts_at, ends_at=first.ends_at
        )
        assert moved == 1  # the constraint let it in: the session in that chair and time is cancelled
        other.refresh_from_db()
        assert (other.chair_id, other.starts_at, other.ends_at) == (first.chair_id, first.starts_at, first.ends_at)
        assert other.status == SessionStatus.BOOKED

    def test_a_race_lost_at_the_constraint_is_a_domain_error(self, clinic, chairs, nurse, patient, monkeypatch):
        """Simulate the checks missing a concurrent booking: the constraint answers, named, never a 500."""
        from bookings import selectors
        from bookings.selectors import booking_check
        from scheduler import planning

        taken = services.cycle_book(patient=PatientFactory(clinic=clinic), protocol=shared_protocol("booster-iv"),
                                    clinic=clinic, sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9), chair=chairs[0])]).sessions[0]
        monkeypatch.setattr(booking_check, "occupancy_load", lambda **kw: planning.Occupancy())
        assert selectors.occupancy_load is not booking_check.occupancy_load
        before = counts()
        with pytest.raises(BookingError) as caught:
            services.cycle_book(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic,
                                sessions=[SessionRequest(dt.datetime(2027, 3, 2, 10), chair=chairs[0])])
        assert caught.value.code == "chair_conflict"
        assert caught.value.details == {"chair": chairs[0].pk, "session": taken.pk}
        assert counts() == before


class TestCycleStatus:
    def test_a_course_with_nothing_left_and_nothing_done_is_cancelled(self, clinic, chairs, nurse, patient):
        booked = services.cycle_book(patient=patient, protocol=shared_protocol("booster-iv"), clinic=clinic,
                                     sessions=[SessionRequest(dt.datetime(2027, 3, 2, 9))])
        services.session_cancel(session=booked.sessions[0], by_party="patient", reason="Feeling better")
        booked.cycle.refresh_from_db()
        assert booked.cycle.status == CycleStatus.CANCELLED and booked.cycle.ended_at is not None

    def test_a_course_ended_short_is_abandoned(self, clinic, chairs, nurse, patient, frozen):
        cycle = book_depression(patient, clinic).cycle
        for session in cycle.sessions.order_by("sequence")[:5]:
            complete(session, frozen)
        last = cycle.sessions.get(sequence=6)
        frozen.move_to(last.starts_at + dt.timedelta(hours=1))
        services.session_no_show(session=last)
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.ABANDONED

    def test_the_cycle_version_grows_with_every_change(self, clinic, chairs, nurse, patient):
        cycle = book_depression(patient, clinic).cycle
        services.session_cancel(session=cycle.sessions.get(sequence=6), by_party="clinic", reason="x")
        services.session_reschedule(session=cycle.sessions.get(sequence=5), starts_at=dt.datetime(2027, 3, 11, 9))
        cycle.refresh_from_db()
        assert cycle.version == 3
        assert cycle.status == CycleStatus.PLANNED


def test_an_out_of_service_chair_is_refused(clinic, chairs, nurse, patient):
    chairs[0].is_active = False
    chairs[0].save()
    with pytest.raises(BookingError) as caught:
        book_depression(patient, clinic, chair=chairs[0])
    assert caught.value.code == "chair_conflict"
    assert caught.value.details["reason"] == "inactive"
    booked = book_depression(patient, clinic)
    assert chairs[0].pk not in {s.chair_id for s in booked.sessions}
