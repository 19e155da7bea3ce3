"""The clinician guard: completing a session before the protocol's chair time has passed needs a stated reason,
kept on the session, in its history and in the audit trail; the API answers 409 `too_early_to_complete` without one."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from bookings import services
from bookings.models import InfusionSession, SessionStatus
from bookings.services import BookingError
from tests.factories import ClinicFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as staff
from tests.safety.helpers import checks_pass, recovery_pass

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
URL = "/api/v1/sessions/"

pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def cycle(clinic, chairs, nurse, patient):
    # The standard depression protocol: 120 minutes a visit, the first one 30 minutes longer.
    return book_course(patient=patient, clinic=clinic).cycle


def in_chair(session, frozen):
    """Check the patient in and seat them at the session's start."""
    frozen.move_to(session.starts_at)
    services.session_check_in(session=session)
    checks_pass(session)
    return services.session_start(session=session)


def recovered(session, frozen):
    """In the chair, with its recovery check recorded (safety's gate on completion)."""
    session = in_chair(session, frozen)
    recovery_pass(session)
    return session


def complete_url(session) -> str:
    return f"{URL}{session.pk}/complete/"


class TestService:
    @pytest.mark.parametrize(("sequence", "minutes"), [(1, 150), (2, 120)])
    def test_before_the_chair_time_a_reason_is_needed(self, cycle, frozen, sequence, minutes):
        session = in_chair(cycle.sessions.get(sequence=sequence), frozen)
        frozen.move_to(session.chair_started_at + dt.timedelta(minutes=minutes - 1))
        recovery_pass(session)
        with pytest.raises(BookingError) as caught:
            services.session_complete(session=session)
        assert caught.value.code == "too_early_to_complete"
        assert caught.value.details["chair_minutes"] == minutes
        assert caught.value.details["earliest_at"] == (session.chair_started_at + dt.timedelta(minutes=minutes)).isoformat()
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.IN_CHAIR

    def test_a_blank_reason_is_no_reason(self, cycle, frozen):
        session = in_chair(cycle.sessions.get(sequence=2), frozen)
        recovery_pass(session)
        with pytest.raises(BookingError):
            services.session_complete(session=session, reason="   ")

    def test_with_a_reason_it_completes_and_the_reason_is_kept(self, cycle, frozen, clinic):
        session = in_chair(cycle.sessions.get(sequence=2), frozen)
        frozen.move_to(session.chair_started_at + dt.timedelta(minutes=45))
        nurse_user = staff("clinician", clinic)
        recovery_pass(session)
        done = services.session_complete(session=session, reason="  Felt faint; infusion stopped  ", by=nurse_user)
        assert done.status == SessionStatus.COMPLETED
        assert done.early_completion_reason == "Felt faint; infusion stopped"
        event = done.events.get(kind="complete")
        assert event.data == {"reason": "Felt faint; infusion stopped", "early": True, "chair_minutes": 120,
                              "minutes_in_chair": 45}
        entry = LogEntry.objects.get_for_object(done).order_by("pk").last()
        assert entry.changes["early_completion_reason"] == ["", "Felt faint; infusion stopped"]
        assert entry.actor == nurse_user

    def test_once_the_chair_time_has_passed_no_reason_is_asked_or_kept(self, cycle, frozen):
        session = in_chair(cycle.sessions.get(sequence=2), frozen)
        frozen.move_to(session.chair_started_at + dt.timedelta(minutes=120))
        recovery_pass(session)
        done = services.session_complete(session=session, reason="not needed")
        assert done.status == SessionStatus.COMPLETED and done.early_completion_reason == ""
        assert done.events.get(kind="complete").data == {}

    def test_a_session_not_in_the_chair_is_an_invalid_transition_first(self, cycle):
        with pytest.raises(BookingError) as caught:
            services.session_complete(session=cycle.sessions.get(sequence=2))
        assert caught.value.code == "invalid_transition"


class TestApi:
    def test_too_early_without_a_reason_is_409(self, cycle, frozen, clinician):
        session = recovered(cycle.sessions.get(sequence=2), frozen)
        body = assert_error(clinician.post(complete_url(session), {}, format="json"), 409, "too_early_to_complete")
        assert body["details"]["chair_minutes"] == 120 and "earliest_at" in body["details"]
        # No body at all is the same request.
        assert_error(clinician.post(complete_url(session)), 409, "too_early_to_complete")

    def test_with_a_reason_it_completes(self, cycle, frozen, clinician):
        session = recovered(cycle.sessions.get(sequence=2), frozen)
        response = clinician.post(complete_url(session), {"reason": "Patient asked to stop"}, format="json")
        assert response.status_code == 200, response.content
        assert response.data["status"] == "completed"
        assert response.data["early_completion_reason"] == "Patient asked to stop"

    @pytest.mark.parametrize("reason", [5, None, True, ["x"], "x" * 301, "a\x00b"])
    def test_a_bad_reason_is_400(self, cycle, frozen, clinician, reason):
        session = recovered(cycle.sessions.get(sequence=2), frozen)
        assert_error(clinician.post(complete_url(session), {"reason": reason}, format="json"), 400, "validation_error", "reason")
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.IN_CHAIR

    def test_the_desk_may_not_complete(self, cycle, frozen, desk):
        session = recovered(cycle.sessions.get(sequence=2), frozen)
        assert desk.post(complete_url(session), {"reason": "x"}, format="json").status_code == 403

    def test_another_clinics_session_is_404(self, cycle, frozen, clinician):
        clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
        theirs = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 2)], protocol="booster-iv").cycle.sessions.get()
        recovered(theirs, frozen)
        assert_error(clinician.post(complete_url(theirs), {"reason": "x"}, format="json"), 404, "not_found")
        assert client_for(staff("clinician", clinic)).get(f"{URL}{theirs.pk}/").data["status"] == "in_chair"
