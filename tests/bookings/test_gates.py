"""Gates on the start and completion of a session, registered by the apps above bookings: the first refusal is
raised as a BookingError, the session's status is left as it was, and an unregistered gate holds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import services
from bookings.models import InfusionSession, SessionStatus
from bookings.services import BookingError
from bookings.services.gates import GateRefusal, gate_register, gate_unregister
from safety.models import SafetySettings
from tests.factories import book_course

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def session(clinic, chairs, nurse, patient, frozen):
    # The mechanism alone: the clinic asks for no safety checks, so safety's own gates let every session through.
    SafetySettings.objects.create(clinic=clinic, safety_checks_required=False)
    first = book_course(patient=patient, clinic=clinic).cycle.sessions.get(sequence=2)
    frozen.move_to(first.starts_at)
    return services.session_check_in(session=first)


@pytest.fixture
def gate():
    seen: list[int] = []

    def hold(session):
        seen.append(session.pk)
        return GateRefusal("checks_pending", "Safety checks are pending.", {"pending": ["blood_pressure"]})

    gate_register("start", hold)
    gate_register("start", hold)  # once is enough
    yield seen
    gate_unregister("start", hold)


def test_a_refusing_gate_holds_the_start_and_changes_nothing(session, gate):
    with pytest.raises(BookingError) as caught:
        services.session_start(session=session)
    assert caught.value.code == "checks_pending"
    assert caught.value.status == 409
    assert caught.value.details == {"session": session.pk, "pending": ["blood_pressure"]}
    assert gate == [session.pk]
    assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.CHECKED_IN


def test_a_gate_is_asked_only_for_a_session_that_could_start(session, gate):
    InfusionSession.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
    with pytest.raises(BookingError) as caught:
        services.session_start(session=session)
    assert caught.value.code == "invalid_transition"
    assert gate == []


def test_without_the_gate_the_session_starts(session):
    assert services.session_start(session=session).status == SessionStatus.IN_CHAIR


def test_a_gate_on_completion(session, frozen):
    started = services.session_start(session=session)
    frozen.move_to(started.starts_at + dt.timedelta(hours=3))

    def hold(s):
        return GateRefusal("recovery_check_pending", "The recovery check is pending.")

    gate_register("complete", hold)
    try:
        with pytest.raises(BookingError) as caught:
            services.session_complete(session=started)
        assert caught.value.code == "recovery_check_pending"
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.IN_CHAIR
    finally:
        gate_unregister("complete", hold)
    assert services.session_complete(session=started).status == SessionStatus.COMPLETED
