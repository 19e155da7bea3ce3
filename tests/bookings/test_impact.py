"""The impact of a calendar change (issue 14): which booked sessions a closure, a chair out of service or a
nurse's time off strands; the dry run writes nothing; saving marks them; moving, cancelling or lifting the cause
clears the mark. Sessions are booked through the real services; time is frozen."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from bookings import services
from bookings.models import InfusionSession
from bookings.selectors.impact import sessions_needing_moves, sessions_stranded
from common.api import ADMIN, FRONT_DESK
from scheduler import error_codes as codes
from scheduler import services as scheduler_services
from scheduler.impact import closure_impact, impact_dry_run, time_off_impact
from scheduler.models import Closure, TimeOff
from tests.conftest import local
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for, staff_user

pytestmark = pytest.mark.frozen("2027-02-15 12:00Z")


def _booster(clinic, when: dt.datetime, chair, nurse) -> InfusionSession:
    booked = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, protocol="booster-iv", starts=[when],
                         chair=chair, nurse=nurse)
    return booked.sessions[0]


@pytest.fixture
def week(db):
    """Chairs A and B, one nurse; Friday 5 March: A 09:00, B 12:00, a cancelled one on B at 15:00; Thursday: A 10:00."""
    clinic = ClinicFactory(start_stagger_minutes=0)
    a, b = ChairFactory(clinic=clinic, name="Chair A"), ChairFactory(clinic=clinic, name="Chair B")
    nurse = NurseFactory(clinic=clinic)
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    fri_b = _booster(clinic, dt.datetime(2027, 3, 5, 12), b, nurse)
    cancelled = _booster(clinic, dt.datetime(2027, 3, 5, 15), b, nurse)
    services.session_cancel(session=cancelled, by_party="patient", reason="Travelling")
    thu = _booster(clinic, dt.datetime(2027, 3, 4, 10), a, nurse)
    return clinic, a, b, nurse, {"fri_a": fri_a, "fri_b": fri_b, "cancelled": cancelled, "thu": thu}


def _friday(clinic, chair=None, reason="Burst pipe") -> Closure:
    return Closure(clinic=clinic, chair=chair, starts_at=local(clinic, 2027, 3, 5), ends_at=local(clinic, 2027, 3, 6),
                   reason=reason)


def _ids(stranded) -> set[int]:
    return {s["id"] if isinstance(s, dict) else s.session.pk for s in stranded}


def _state():
    """Everything a dry run must leave as it was."""
    return (
        Closure.objects.count(), TimeOff.objects.count(), LogEntry.objects.count(),
        sorted(InfusionSession.objects.values_list("pk", "version", "status", "updated_at", "needs_moving_since")),
    )


def test_a_closure_strands_exactly_the_overlapping_booked_sessions(week):
    clinic, _, _, _, s = week
    impact = closure_impact(old=None, new=_friday(clinic))
    stranded = impact_dry_run(clinic=clinic, scope=impact.scope, change=impact.change)
    assert _ids(stranded) == {s["fri_a"].pk, s["fri_b"].pk}  # not the cancelled one, not Thursday's
    assert {r["code"] for item in stranded for r in item["reasons"]} == {codes.CLINIC_CLOSED}


def test_a_chair_closure_strands_only_that_chairs_sessions(week):
    clinic, a, _, _, s = week
    impact = closure_impact(old=None, new=_friday(clinic, chair=a, reason="Maintenance"))
    stranded = impact_dry_run(clinic=clinic, scope=impact.scope, change=impact.change)
    assert _ids(stranded) == {s["fri_a"].pk}
    assert [r["code"] for r in stranded[0]["reasons"]] == [codes.CHAIR_OUT_OF_SERVICE]


def test_the_dry_run_changes_nothing(week):
    clinic, a, _, nurse, _ = week
    before = _state()
    for draft in (_friday(clinic), _friday(clinic, chair=a)):
        impact = closure_impact(old=None, new=draft)
        assert impact_dry_run(clinic=clinic, scope=impact.scope, change=impact.change)
    off = TimeOff(staff=nurse, starts_at=local(clinic, 2027, 3, 4), ends_at=local(clinic, 2027, 3, 6))
    impact = time_off_impact(old=None, new=off)
    assert len(impact_dry_run(clinic=clinic, scope=impact.scope, change=impact.change)) == 3
    assert _state() == before


def test_saving_marks_them_and_audits_the_mark(week):
    clinic, _, _, _, s = week
    user = staff_user(ADMIN, clinic)
    audited = LogEntry.objects.count()
    row = scheduler_services.closure_add(clinic=clinic, chair=None, starts_at=local(clinic, 2027, 3, 5),
                                         ends_at=local(clinic, 2027, 3, 6), reason="Burst pipe", by=user)
    assert _ids(row.stranded_sessions) == {s["fri_a"].pk, s["fri_b"].pk}
    marked = {x.pk: x for x in sessions_needing_moves(clinic_ids=[clinic.pk])}
    assert set(marked) == {s["fri_a"].pk, s["fri_b"].pk}
    fri_a = marked[s["fri_a"].pk]
    assert fri_a.needs_moving_reasons == [codes.CLINIC_CLOSED]
    assert fri_a.needs_moving_cause == "Closure added: Burst pipe"
    assert fri_a.version == s["fri_a"].version  # patients' links stay valid: nothing changed for them yet
    assert LogEntry.objects.count() == audited + 1 + 2  # the closure, and one entry per marked session
    # Saving again (another closure that day) keeps the first mark's time and cause.
    since = fri_a.needs_moving_since
    scheduler_services.closure_add(clinic=clinic, chair=None, starts_at=local(clinic, 2027, 3, 5, 8),
                                   ends_at=local(clinic, 2027, 3, 5, 10), reason="Power cut", by=user)
    fri_a.refresh_from_db()
    assert (fri_a.needs_moving_since, fri_a.needs_moving_cause) == (since, "Closure added: Burst pipe")


def test_moving_or_cancelling_clears_the_mark_and_so_does_lifting_the_cause(week):
    clinic, _, _, _, s = week
    user = staff_user(ADMIN, clinic)
    row = scheduler_services.closure_add(clinic=clinic, chair=None, starts_at=local(clinic, 2027, 3, 5),
                                         ends_at=local(clinic, 2027, 3, 6), reason="Burst pipe", by=user)
    services.session_reschedule(session=InfusionSession.objects.get(pk=s["fri_a"].pk),
                                starts_at=local(clinic, 2027, 3, 8, 9), by=user)
    services.session_cancel(session=InfusionSession.objects.get(pk=s["fri_b"].pk), by_party="clinic", reason="Closed")
    for key in ("fri_a", "fri_b"):
        moved = InfusionSession.objects.get(pk=s[key].pk)
        assert (moved.needs_moving_since, moved.needs_moving_reasons, moved.needs_moving_cause) == (None, [], "")
    assert not sessions_needing_moves(clinic_ids=[clinic.pk]).exists()
    # A chair closure marks Thursday's session; removing it clears the mark (the cause is gone).
    chair = s["thu"].chair
    scheduler_services.closure_add(clinic=clinic, chair=chair, starts_at=local(clinic, 2027, 3, 4),
                                   ends_at=local(clinic, 2027, 3, 5), reason="Maintenance", by=user)
    thu = InfusionSession.objects.get(pk=s["thu"].pk)
    assert thu.needs_moving_reasons == [codes.CHAIR_OUT_OF_SERVICE]
    assert thu.needs_moving_cause == f"{chair.name} out of service added: Maintenance"
    second = Closure.objects.exclude(pk=row.pk).get()
    scheduler_services.closure_remove(clinic=clinic, closure_id=second.pk, by=user)
    thu.refresh_from_db()
    assert thu.needs_moving_since is None


def test_time_off_strands_the_nurses_sessions_as_nurse_absent(week):
    clinic, _, _, nurse, s = week
    user = staff_user(ADMIN, clinic)
    row = scheduler_services.time_off_add(staff=nurse, starts_at=local(clinic, 2027, 3, 4, 9),
                                          ends_at=local(clinic, 2027, 3, 4, 11), reason="Dentist", by=user)
    assert _ids(row.stranded_sessions) == {s["thu"].pk}
    assert [r["code"] for r in row.stranded_sessions[0]["reasons"]] == [codes.NURSE_ABSENT]
    scheduler_services.time_off_remove(staff=nurse, time_off_id=row.pk, by=user)
    assert not sessions_needing_moves(clinic_ids=[clinic.pk]).exists()


def test_the_impact_is_dst_safe(db):
    """New York springs forward on Sunday 14 March 2027: a closure until Monday 09:00 local (EDT) touches the
    09:00 session without overlapping it, and strands the 07:00 one (reading 09:00 as EST would strand both)."""
    clinic = ClinicFactory(start_stagger_minutes=0, hours={d: [("07:00", "18:00")] for d in range(5)})
    a, b = ChairFactory(clinic=clinic), ChairFactory(clinic=clinic)
    nurse = NurseFactory(clinic=clinic)
    early = _booster(clinic, dt.datetime(2027, 3, 15, 7), a, nurse)
    nine = _booster(clinic, dt.datetime(2027, 3, 15, 9), b, nurse)
    draft = Closure(clinic=clinic, starts_at=local(clinic, 2027, 3, 13), ends_at=local(clinic, 2027, 3, 15, 9), reason="Storm")
    impact = closure_impact(old=None, new=draft)
    stranded = sessions_stranded(clinic=clinic, scope=impact.scope, change=impact.change)
    assert _ids(stranded) == {early.pk}
    assert nine.pk not in _ids(stranded)


# --- The API ---------------------------------------------------------------------------------------------


def _closure_body(clinic, **more):
    return {"clinic": clinic.pk, "starts_at": "2027-03-05T00:00:00", "ends_at": "2027-03-06T00:00:00",
            "reason": "Burst pipe", **more}


def test_api_dry_run_lists_and_writes_nothing_then_the_write_marks(week):
    clinic, a, _, _, s = week
    api = client_for(staff_user(ADMIN, clinic))
    before = _state()
    response = api.post("/api/v1/closures/?dry_run=true", _closure_body(clinic), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] is None and body["reason"] == "Burst pipe"
    assert {x["id"] for x in body["stranded_sessions"]} == {s["fri_a"].pk, s["fri_b"].pk}
    first = next(x for x in body["stranded_sessions"] if x["id"] == s["fri_a"].pk)
    assert set(first) == {"id", "patient", "starts_at", "ends_at", "chair", "nurse", "reasons"}
    assert first["chair"] == {"id": a.pk, "name": "Chair A"}
    assert first["patient"]["id"] == s["fri_a"].patient_id
    assert first["reasons"][0]["code"] == codes.CLINIC_CLOSED
    assert _state() == before
    response = api.post("/api/v1/closures/", _closure_body(clinic), format="json")
    assert response.status_code == 201
    assert {x["id"] for x in response.json()["stranded_sessions"]} == {s["fri_a"].pk, s["fri_b"].pk}
    closure_id = response.json()["id"]
    assert sessions_needing_moves(clinic_ids=[clinic.pk]).count() == 2
    # Deleting it: a dry run lists what would still be stranded (nothing), the delete clears the marks.
    response = api.delete(f"/api/v1/closures/{closure_id}/?dry_run=true")
    assert response.status_code == 200 and response.json() == {"stranded_sessions": []}
    assert Closure.objects.filter(pk=closure_id).exists()
    assert api.delete(f"/api/v1/closures/{closure_id}/").status_code == 204
    assert not sessions_needing_moves(clinic_ids=[clinic.pk]).exists()


def test_api_chair_closure_and_update_dry_run(week):
    clinic, a, b, _, s = week
    api = client_for(staff_user(ADMIN, clinic))
    response = api.post("/api/v1/closures/", _closure_body(clinic, chair=b.pk, reason="Maintenance"), format="json")
    assert response.status_code == 201
    assert response.json()["chair"] == b.pk
    assert {x["id"] for x in response.json()["stranded_sessions"]} == {s["fri_b"].pk}
    pk = response.json()["id"]
    # Moving the closure to chair A: the dry run lists A's session; the stored closure stays on B.
    response = api.patch(f"/api/v1/closures/{pk}/?dry_run=true", {"chair": a.pk}, format="json")
    assert response.status_code == 200
    assert {x["id"] for x in response.json()["stranded_sessions"]} == {s["fri_a"].pk}
    assert Closure.objects.get(pk=pk).chair_id == b.pk
    response = api.patch(f"/api/v1/closures/{pk}/", {"chair": a.pk}, format="json")
    assert response.status_code == 200
    assert {x.pk for x in sessions_needing_moves(clinic_ids=[clinic.pk])} == {s["fri_a"].pk}  # B's mark cleared


def test_api_time_off_chair_and_shift_dry_runs(week):
    clinic, a, _, nurse, s = week
    api = client_for(staff_user(ADMIN, clinic))
    before = _state()
    response = api.post("/api/v1/time-off/?dry_run=true", {"staff": nurse.pk, "starts_at": "2027-03-04T00:00:00",
                                                           "ends_at": "2027-03-05T00:00:00"}, format="json")
    assert response.status_code == 200
    assert [x["reasons"][0]["code"] for x in response.json()["stranded_sessions"]] == [codes.NURSE_ABSENT]
    response = api.patch(f"/api/v1/chairs/{a.pk}/?dry_run=true", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert {x["id"] for x in response.json()["stranded_sessions"]} == {s["fri_a"].pk, s["thu"].pk}
    shifts = [{"weekday": d, "starts": "13:00:00", "ends": "18:00:00"} for d in range(5)]
    response = api.patch(f"/api/v1/staff/{nurse.pk}/?dry_run=true", {"shifts": shifts}, format="json")
    assert response.status_code == 200
    assert response.json()["shifts"][0]["starts"] == "13:00:00"
    assert {x["id"] for x in response.json()["stranded_sessions"]} == {s["fri_a"].pk, s["fri_b"].pk, s["thu"].pk}
    assert {r["code"] for x in response.json()["stranded_sessions"] for r in x["reasons"]} == {codes.NURSE_OFF_SHIFT}
    hours = [{"weekday": d, "opens": "11:00:00", "closes": "18:00:00"} for d in range(5)]
    response = api.patch(f"/api/v1/clinics/{clinic.pk}/?dry_run=true", {"opening_hours": hours}, format="json")
    assert response.status_code == 200
    assert {x["id"] for x in response.json()["stranded_sessions"]} == {s["fri_a"].pk, s["thu"].pk}
    assert _state() == before


@pytest.mark.parametrize("query", ["dry_run=yes", "dry_run=1", "dry_run=True", "dry_run=true&dry_run=false", "dry_run="])
def test_api_hostile_dry_run_values(week, query):
    clinic, *_ = week
    api = client_for(staff_user(ADMIN, clinic))
    before = _state()
    assert_error(api.post(f"/api/v1/closures/?{query}", _closure_body(clinic), format="json"), 400, "validation_error",
                 "dry_run")
    assert _state() == before


def test_api_refuses_another_clinics_chair_and_the_front_desk(week):
    clinic, *_ = week
    other_chair = ChairFactory(clinic=ClinicFactory())
    api = client_for(staff_user(ADMIN, clinic))
    assert_error(api.post("/api/v1/closures/?dry_run=true", _closure_body(clinic, chair=other_chair.pk), format="json"),
                 400, "validation_error", "chair")
    mine_elsewhere = ChairFactory(clinic=ClinicFactory())
    two = staff_user(ADMIN, clinic, mine_elsewhere.clinic)
    assert_error(client_for(two).post("/api/v1/closures/", _closure_body(clinic, chair=mine_elsewhere.pk), format="json"),
                 400, "validation_error", "chair")
    desk = client_for(staff_user(FRONT_DESK, clinic))
    assert_error(desk.post("/api/v1/closures/?dry_run=true", _closure_body(clinic), format="json"), 403,
                 "permission_denied")
    assert not Closure.objects.exists()


def test_the_booking_check_and_the_planner_leave_a_chair_out_of_service_alone(week):
    clinic, a, b, nurse, _ = week
    Closure.objects.create(clinic=clinic, chair=a, starts_at=local(clinic, 2027, 3, 10), ends_at=local(clinic, 2027, 3, 11),
                           reason="Maintenance")
    with pytest.raises(services.BookingError) as refused:
        _booster(clinic, dt.datetime(2027, 3, 10, 9), a, nurse)
    assert refused.value.code == codes.CHAIR_OUT_OF_SERVICE
    chosen = _booster(clinic, dt.datetime(2027, 3, 10, 9), None, nurse)
    assert chosen.chair_id == b.pk  # the free chair, not the one in repair
    # Chair B is now taken at 09:00 and A is out of service: no chair is free, whichever is asked for.
    with pytest.raises(services.BookingError) as full:
        _booster(clinic, dt.datetime(2027, 3, 10, 9), None, nurse)
    assert full.value.code == codes.CHAIR_CONFLICT
