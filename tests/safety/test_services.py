"""The safety checks' rules through the services: what blocks a start, what an override covers, weight and pregnancy
ages, the recovery check before completion, versions kept and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from bookings import services as bookings
from bookings.models import InfusionSession, SessionStatus
from bookings.services import BookingError
from common.access import ADMIN, CLINICIAN
from safety import services
from safety.models import CheckEntry, CheckOverride, ProtocolChecks, SafetySettings, default_checks
from safety.selectors import checks_status
from safety.services import SafetyError, Vitals
from tests.factories import book_course, shared_protocol
from tests.helpers import staff_user
from tests.safety.helpers import PASSING, checks_pass, recovery_pass

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def cycle(clinic, chairs, nurse, patient):
    return book_course(patient=patient, clinic=clinic).cycle


def arrive(session, frozen):
    frozen.move_to(session.starts_at)
    return bookings.session_check_in(session=session)


@pytest.fixture
def first(cycle, frozen):
    return arrive(cycle.sessions.get(sequence=1), frozen)


@pytest.fixture
def doctor(clinic):
    return staff_user(CLINICIAN, clinic)


def high_bp() -> Vitals:
    return Vitals(**{**PASSING.__dict__, "systolic": 150, "diastolic": 95})


def test_the_defaults_follow_the_route(db):
    assert default_checks(shared_protocol("depression-iv")).kinds() == [
        "blood_pressure", "heart_rate", "oxygen_saturation", "weight", "pregnancy", "fasting", "escort"]
    assert "pregnancy" in default_checks(shared_protocol("anxiety-sc")).kinds()
    nasal = default_checks(shared_protocol("esketamine-nasal")).kinds()
    assert "weight" not in nasal and "pregnancy" not in nasal and "blood_pressure" in nasal


def test_nothing_recorded_blocks_the_start_listing_every_check(first):
    with pytest.raises(BookingError) as caught:
        bookings.session_start(session=first)
    assert caught.value.code == "checks_pending" and caught.value.status == 409
    assert caught.value.details["pending"] == [
        "blood_pressure", "heart_rate", "oxygen_saturation", "weight", "pregnancy", "fasting", "escort"]
    assert InfusionSession.objects.get(pk=first.pk).status == SessionStatus.CHECKED_IN


def test_passing_checks_let_the_session_start(first, doctor):
    status = checks_pass(first, by=doctor)
    assert status.state == "passed" and status.may_start
    assert bookings.session_start(session=first).status == SessionStatus.IN_CHAIR


def test_a_bp_of_150_over_95_blocks_until_a_clinician_overrides_with_a_reason(first, doctor, frozen):
    services.checks_record(session=first, by=doctor, vitals=high_bp())
    with pytest.raises(BookingError) as caught:
        bookings.session_start(session=first)
    assert caught.value.details["flagged"] == ["blood_pressure"] and caught.value.details["pending"] == []
    frozen.shift(dt.timedelta(minutes=3))
    status = services.checks_record(session=first, by=doctor, vitals=Vitals(),
                                    override_reason="  Anxious on arrival; rechecked, stable  ")
    assert status.state == "overridden"
    override = CheckOverride.objects.get(session=first)
    assert override.reason == "Anxious on arrival; rechecked, stable" and override.overridden_by == doctor
    assert bookings.session_start(session=first, by=doctor).status == SessionStatus.IN_CHAIR
    # Both in the audit trail, with who and when.
    bp = CheckEntry.objects.get(session=first, kind="blood_pressure")
    entry = LogEntry.objects.get(content_type__model="checkentry", object_pk=str(bp.pk))
    assert entry.actor == doctor and entry.changes["flagged"] == [None, True] and entry.timestamp is not None
    assert entry.additional_data == {"patient": first.patient_id, "clinic": first.clinic_id}
    logged = LogEntry.objects.get(content_type__model="checkoverride", object_pk=str(override.pk))
    assert logged.actor == doctor and logged.changes["reason"][1] == "Anxious on arrival; rechecked, stable"
    assert logged.changes["covers"][1] == {"blood_pressure": bp.pk}


def test_an_admin_or_nobody_may_not_override(first, clinic):
    services.checks_record(session=first, by=None, vitals=high_bp())
    for by in (staff_user(ADMIN, clinic), None):
        with pytest.raises(SafetyError) as caught:
            services.checks_record(session=first, by=by, vitals=Vitals(), override_reason="because")
        assert caught.value.code == "override_not_allowed" and caught.value.status == 403
    assert not CheckOverride.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_reason(first, doctor, reason):
    services.checks_record(session=first, by=doctor, vitals=high_bp())
    with pytest.raises(SafetyError) as caught:
        services.checks_record(session=first, by=doctor, vitals=Vitals(), override_reason=reason)
    assert caught.value.code == "override_reason_required"


def test_nothing_to_override_when_every_check_passes(first, doctor):
    checks_pass(first)
    with pytest.raises(SafetyError) as caught:
        services.checks_record(session=first, by=doctor, vitals=Vitals(), override_reason="just in case")
    assert caught.value.code == "nothing_to_override" and caught.value.status == 409


def test_a_correction_is_a_new_version_and_a_new_flag_voids_the_override(first, doctor, frozen):
    services.checks_record(session=first, by=doctor, vitals=high_bp())
    services.checks_record(session=first, by=doctor, vitals=Vitals(), override_reason="Rechecked, stable")
    frozen.shift(dt.timedelta(minutes=5))
    services.checks_record(session=first, by=doctor, vitals=Vitals(systolic=165, diastolic=100))
    status = checks_status(session=first)
    assert status.state == "flagged" and status.flagged == ["blood_pressure"]
    versions = list(CheckEntry.objects.filter(session=first, kind="blood_pressure").values_list("version", "systolic"))
    assert versions == [(1, 150), (2, 165)]
    # A corrected reading that passes lets it start, the flagged ones kept.
    services.checks_record(session=first, by=doctor, vitals=Vitals(systolic=132, diastolic=84))
    assert checks_status(session=first).state == "passed"
    assert bookings.session_start(session=first).status == SessionStatus.IN_CHAIR
    assert CheckEntry.objects.filter(session=first, kind="blood_pressure").count() == 3


def test_weight_older_than_the_clinics_limit_counts_as_missing(cycle, clinic, frozen, doctor):
    SafetySettings.objects.create(clinic=clinic, weight_max_age_days=3)
    first = arrive(cycle.sessions.get(sequence=1), frozen)
    checks_pass(first)
    bookings.session_start(session=first)
    frozen.move_to(first.ends_at)
    recovery_pass(first)
    bookings.session_complete(session=first)
    # Session 2 (two days later): the weight and the attestation carry over; the vitals do not.
    second = arrive(cycle.sessions.get(sequence=2), frozen)
    status = checks_status(session=second)
    assert status.pending == ["blood_pressure", "heart_rate", "oxygen_saturation", "fasting", "escort"]
    services.checks_record(session=second, by=doctor, vitals=Vitals(
        systolic=120, diastolic=80, heart_rate=70, oxygen_saturation=99, fasting=True, escort=True))
    assert checks_status(session=second).state == "passed"
    # Session 3, more than three days after the weighing: the weight is stale, and pending.
    third = cycle.sessions.get(sequence=3)
    assert third.starts_at - first.starts_at > dt.timedelta(days=3)
    third = arrive(third, frozen)
    status = checks_status(session=third)
    assert "weight" in status.pending
    assert {i.kind: i.status for i in status.items}["weight"] == "stale"


def test_a_pregnancy_attestation_holds_for_the_clinics_window(cycle, clinic, frozen, doctor):
    SafetySettings.objects.create(clinic=clinic, pregnancy_window_days=1)
    first = arrive(cycle.sessions.get(sequence=1), frozen)
    checks_pass(first)
    frozen.shift(dt.timedelta(hours=23))
    assert "pregnancy" not in checks_status(session=first, at=frozen_now()).pending
    frozen.shift(dt.timedelta(hours=2))
    assert checks_status(session=first, at=frozen_now()).pending == ["pregnancy"]


def frozen_now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def test_possibly_pregnant_is_flagged(first, doctor):
    services.checks_record(session=first, by=doctor, vitals=Vitals(**{**PASSING.__dict__, "pregnancy": "possibly_pregnant"}))
    assert checks_status(session=first).flagged == ["pregnancy"]


def test_a_protocol_that_asks_for_nothing_or_a_clinic_that_turned_checks_off_starts_freely(cycle, clinic, frozen):
    ProtocolChecks.objects.create(protocol=cycle.protocol, blood_pressure=False, heart_rate=False,
                                  oxygen_saturation=False, weight=False, pregnancy=False, fasting=False, escort=False)
    first = arrive(cycle.sessions.get(sequence=1), frozen)
    assert checks_status(session=first).state == "not_required"
    started = bookings.session_start(session=first)
    frozen.move_to(first.ends_at)
    assert bookings.session_complete(session=started).status == SessionStatus.COMPLETED


def test_the_recovery_check_gates_completion(first, doctor, frozen):
    checks_pass(first)
    started = bookings.session_start(session=first)
    frozen.move_to(first.ends_at)
    with pytest.raises(BookingError) as caught:
        bookings.session_complete(session=started)
    assert caught.value.code == "recovery_check_pending" and caught.value.status == 409
    status = services.recovery_record(session=started, by=doctor, systolic=150, diastolic=92, alert_and_oriented=True,
                                      escort_present=True)
    assert status.recovery_state == "flagged" and status.recovery.chair_minutes == 150
    with pytest.raises(BookingError) as caught:
        bookings.session_complete(session=started)
    assert caught.value.details["flagged"] == ["blood_pressure"]
    services.recovery_record(session=started, by=doctor, override_reason="Known hypertensive; GP informed")
    done = bookings.session_complete(session=started, by=doctor)
    assert done.status == SessionStatus.COMPLETED


def test_checks_only_between_check_in_and_start(cycle, doctor):
    booked = cycle.sessions.get(sequence=1)
    with pytest.raises(SafetyError) as caught:
        checks_pass(booked)
    assert caught.value.code == "checks_closed" and caught.value.status == 409
    with pytest.raises(SafetyError) as caught:
        recovery_pass(booked)
    assert caught.value.code == "recovery_check_closed"


@pytest.mark.parametrize(("vitals", "code"), [
    (Vitals(systolic=150), "blood_pressure_incomplete"),
    (Vitals(systolic=400, diastolic=90), "blood_pressure_out_of_range"),
    (Vitals(systolic=120, diastolic=10), "blood_pressure_out_of_range"),
    (Vitals(systolic=80, diastolic=90), "blood_pressure_out_of_range"),
    (Vitals(heart_rate=0), "heart_rate_out_of_range"),
    (Vitals(oxygen_saturation=101), "oxygen_saturation_out_of_range"),
    (Vitals(weight_kg=Decimal("4.5")), "weight_out_of_range"),
    (Vitals(), "nothing_to_record"),
])
def test_impossible_values_are_refused(first, doctor, vitals, code):
    with pytest.raises(SafetyError) as caught:
        services.checks_record(session=first, by=doctor, vitals=vitals)
    assert caught.value.code == code and caught.value.status == 400
    assert not CheckEntry.objects.exists()
