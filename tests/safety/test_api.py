"""The safety checks' API: record, read, override, the start and completion held back; roles, clinic scope,
hostile bodies, and the audit trail of every write and read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from bookings import services as bookings
from bookings.models import InfusionSession, SessionStatus
from common.access import ADMIN, CLINICIAN, FRONT_DESK
from safety.models import CheckEntry, CheckOverride
from tests.factories import ClinicFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for, staff_user

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)
URL = "/api/v1/sessions/"

pytestmark = pytest.mark.frozen(T0)

PASSING = {"systolic": 120, "diastolic": 80, "heart_rate": 70, "oxygen_saturation": 98, "weight_kg": 71.5,
           "pregnancy": "not_pregnant", "fasting": True, "escort": True}


@pytest.fixture
def first(clinic, chairs, nurse, patient, frozen):
    session = book_course(patient=patient, clinic=clinic).cycle.sessions.get(sequence=1)
    frozen.move_to(session.starts_at)
    return bookings.session_check_in(session=session)


@pytest.fixture
def doctor(clinic):
    return staff_user(CLINICIAN, clinic)


def checks(session) -> str:
    return f"{URL}{session.pk}/checks/"


def recovery(session) -> str:
    return f"{URL}{session.pk}/recovery-check/"


def test_150_over_95_blocks_the_start_until_a_clinician_overrides_with_a_reason(first, doctor, frozen):
    api = client_for(doctor)
    response = api.post(checks(first), {**PASSING, "systolic": 150, "diastolic": 95}, format="json")
    assert response.status_code == 200, response.content
    assert response.data["state"] == "flagged" and response.data["flagged"] == ["blood_pressure"]
    assert response.data["extra_monitoring"] is True
    refused = assert_error(api.post(f"{URL}{first.pk}/start/"), 409, "checks_pending")
    assert refused["details"] == {"session": first.pk, "pending": [], "flagged": ["blood_pressure"]}
    assert InfusionSession.objects.get(pk=first.pk).status == SessionStatus.CHECKED_IN
    frozen.shift(dt.timedelta(minutes=4))
    response = api.post(checks(first), {"override_reason": "Anxious on arrival; manual recheck 138/88"}, format="json")
    assert response.status_code == 200 and response.data["state"] == "overridden"
    assert response.data["override"]["reason"] == "Anxious on arrival; manual recheck 138/88"
    assert response.data["override"]["overridden_by"] == doctor.pk
    started = api.post(f"{URL}{first.pk}/start/")
    assert started.status_code == 200 and started.data["status"] == "in_chair"
    # Both writes in the audit trail: who, when.
    bp = CheckEntry.objects.get(session=first, kind="blood_pressure")
    override = CheckOverride.objects.get(session=first)
    for model, pk in (("checkentry", bp.pk), ("checkoverride", override.pk)):
        entry = LogEntry.objects.get(content_type__model=model, object_pk=str(pk), action=LogEntry.Action.CREATE)
        assert entry.actor == doctor and entry.timestamp is not None
    assert override.overridden_at - bp.recorded_at == dt.timedelta(minutes=4)


def test_passing_checks_then_the_recovery_check_let_it_start_and_complete(first, clinician, frozen):
    assert clinician.post(checks(first), PASSING, format="json").data["state"] == "passed"
    assert clinician.post(f"{URL}{first.pk}/start/").status_code == 200
    frozen.move_to(first.ends_at)
    refused = assert_error(clinician.post(f"{URL}{first.pk}/complete/"), 409, "recovery_check_pending")
    assert refused["details"]["pending"] == ["recovery_check"]
    body = {"systolic": 128, "diastolic": 82, "alert_and_oriented": True, "escort_present": True}
    response = clinician.post(recovery(first), body, format="json")
    assert response.status_code == 200 and response.data["recovery_state"] == "passed"
    assert response.data["recovery"]["chair_minutes"] == 150
    done = clinician.post(f"{URL}{first.pk}/complete/")
    assert done.status_code == 200 and done.data["status"] == "completed"


def test_a_flagged_recovery_check_needs_an_override(first, clinician, doctor, frozen):
    clinician.post(checks(first), PASSING, format="json")
    clinician.post(f"{URL}{first.pk}/start/")
    frozen.move_to(first.ends_at)
    body = {"systolic": 128, "diastolic": 82, "alert_and_oriented": True, "escort_present": False}
    assert clinician.post(recovery(first), body, format="json").data["recovery_state"] == "flagged"
    assert_error(clinician.post(f"{URL}{first.pk}/complete/"), 409, "recovery_check_pending")
    assert_error(clinician.post(recovery(first), {}, format="json"), 400, "nothing_to_record")
    assert_error(clinician.post(recovery(first), {"systolic": 120}, format="json"), 400, "nothing_to_record")
    response = clinician.post(recovery(first), {"override_reason": "Taxi booked by the clinic"}, format="json")
    assert response.data["recovery_state"] == "overridden"
    assert clinician.post(f"{URL}{first.pk}/complete/").status_code == 200


def test_the_desk_sees_the_state_never_a_value(first, desk, clinician):
    clinician.post(checks(first), {**PASSING, "systolic": 150, "diastolic": 95}, format="json")
    response = desk.get(checks(first))
    assert response.status_code == 200
    assert response.data["state"] == "pending"  # not "flagged": that says something of the values
    for name in ("pending", "flagged", "items", "entries", "override", "recovery", "recovery_override"):
        assert response.data[name] is None
    assert b"150" not in response.content and b"blood" not in response.content
    assert desk.post(checks(first), PASSING, format="json").status_code == 403
    assert desk.post(recovery(first), {}, format="json").status_code == 403
    # The desk's read is in the audit trail, as the session's.
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="infusionsession",
                                   object_pk=str(first.pk))
    assert read.count() == 1 and read.get().additional_data == {"patient": first.patient_id, "clinic": first.clinic_id}


def test_a_clinicians_read_is_in_the_audit_trail_row_by_row(first, clinician):
    clinician.post(checks(first), PASSING, format="json")
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    data = clinician.get(checks(first)).data
    assert data["state"] == "passed" and len(data["entries"]) == 8 - 1  # seven checks, one row each
    assert {i["status"] for i in data["items"]} == {"passed"}
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - before == 7


def test_an_admin_records_but_may_not_override(first, clinic):
    admin = client_for(staff_user(ADMIN, clinic))
    assert admin.post(checks(first), {"systolic": 150, "diastolic": 95}, format="json").status_code == 200
    assert_error(admin.post(checks(first), {"override_reason": "fine"}, format="json"), 403, "override_not_allowed")
    assert not CheckOverride.objects.exists()


def test_another_clinics_session_is_404(first, frozen):
    other = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
    theirs = book_course(patient=PatientFactory(clinic=other), clinic=other, days=[(3, 8)], protocol="booster-iv")
    session = theirs.cycle.sessions.get()
    api = client_for(staff_user(CLINICIAN, first.clinic))
    assert_error(api.get(checks(session)), 404, "not_found")
    assert_error(api.post(checks(session), PASSING, format="json"), 404, "not_found")
    assert_error(api.post(recovery(session), {"override_reason": "x"}, format="json"), 404, "not_found")
    assert not CheckEntry.objects.exists()


def test_without_a_sign_in_401(first, client):
    assert client.get(checks(first)).status_code == 401


def test_options_answers_whoever_may_use_the_resource(first, doctor, clinic):
    """OPTIONS (the methods a resource has) is a 200 for a role that may use it, whichever method it may use."""
    for url in (checks(first), recovery(first)):
        response = client_for(doctor).options(url)
        assert response.status_code == 200, (url, response.content)
    desk = client_for(staff_user(FRONT_DESK, clinic))
    assert desk.options(checks(first)).status_code == 200  # the desk reads the checks' state
    assert desk.options(recovery(first)).status_code == 403  # and records no recovery check


def test_a_weight_is_rounded_to_100_grams(first, doctor):
    """What the schema states (a number between -1000 and 1000) is all a client must send: 70.25 kg is 70.3."""
    response = client_for(doctor).post(checks(first), {"weight_kg": 70.25}, format="json")
    assert response.status_code in (200, 201), response.content
    assert CheckEntry.objects.get(kind="weight").value == Decimal("70.3")


@pytest.mark.parametrize(("body", "code"), [
    ({"systolic": 150}, "blood_pressure_incomplete"),
    ({"systolic": 999, "diastolic": 90}, "blood_pressure_out_of_range"),
    ({"systolic": 10**40, "diastolic": 90}, "blood_pressure_out_of_range"),
    ({"systolic": -120, "diastolic": -80}, "blood_pressure_out_of_range"),
    ({"systolic": 90, "diastolic": 120}, "blood_pressure_out_of_range"),
    ({"heart_rate": 400}, "heart_rate_out_of_range"),
    ({"oxygen_saturation": 140}, "oxygen_saturation_out_of_range"),
    ({"weight_kg": 0}, "weight_out_of_range"),
    ({}, "nothing_to_record"),
    ({"override_reason": "   "}, "override_reason_required"),
    ({"systolic": "150", "diastolic": 95}, "validation_error"),
    ({"systolic": 150.5, "diastolic": 95}, "validation_error"),
    ({"heart_rate": True}, "validation_error"),
    ({"weight_kg": 1e308}, "validation_error"),
    ({"weight_kg": -542.384188379215}, "weight_out_of_range"),  # rounded to -542.4, then out of range
    ({"weight_kg": "NaN"}, "validation_error"),
    ({"pregnancy": "maybe"}, "validation_error"),
    ({"fasting": "yes"}, "validation_error"),
    ({"escort": None}, "validation_error"),
    ({"override_reason": ["x"]}, "validation_error"),
    ({"override_reason": "x" * 501}, "validation_error"),
    ({"override_reason": "a\x00b"}, "validation_error"),
])
def test_hostile_bodies_are_400(first, doctor, body, code):
    response = client_for(doctor).post(checks(first), body, format="json")
    assert_error(response, 400, code)
    assert not CheckEntry.objects.exists() and not CheckOverride.objects.exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b"null", b"{", b'"text"'])
def test_a_body_that_is_not_an_object_is_400(first, clinician, raw):
    response = clinician.generic("POST", checks(first), raw, content_type="application/json")
    assert response.status_code == 400


def test_checks_before_check_in_are_refused(clinic, chairs, nurse, patient, clinician):
    booked = book_course(patient=patient, clinic=clinic).cycle.sessions.get(sequence=1)
    assert_error(clinician.post(checks(booked), PASSING, format="json"), 409, "checks_closed")
    assert_error(clinician.post(recovery(booked), {"systolic": 120, "diastolic": 80, "alert_and_oriented": True,
                                                   "escort_present": True}, format="json"), 409, "recovery_check_closed")
