"""Re-plan (issue 14): each stranded session gets the nearest time that keeps its course valid (or another nurse
or chair at the same time), applied one by one through the moving services, each refusal explained, each moved
patient told. Sessions are booked through the real services; time is frozen."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Q

from bookings import services
from bookings.models import OCCUPYING_STATUSES, EmailKind, InfusionSession, PatientEmail, SessionStatus
from bookings.selectors import replan as replan_selectors
from bookings.selectors.impact import sessions_needing_moves
from bookings.selectors.replan import MOVE, NO_TIME_FOUND, NONE, REASSIGN, replan_proposals, replan_sessions
from bookings.services import replan as replan_services
from bookings.services.replan import MOVED, REASSIGNED, REFUSED, sessions_replan
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler import planning
from scheduler import services as scheduler_services
from scheduler.models import Chair
from scheduler.selectors import clinic_calendar_load, protocol_spacing
from tests.conftest import local
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for, staff_user

pytestmark = pytest.mark.frozen("2027-02-15 12:00Z")


def _booster(clinic, when: dt.datetime, chair, nurse=None) -> InfusionSession:
    booked = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, protocol="booster-iv", starts=[when],
                         chair=chair, nurse=nurse)
    return booked.sessions[0]


def _fresh(session: InfusionSession) -> InfusionSession:
    return InfusionSession.objects.get(pk=session.pk)


def _close_friday(clinic, user, chair=None, reason="Burst pipe"):
    return scheduler_services.closure_add(clinic=clinic, chair=chair, starts_at=local(clinic, 2027, 3, 5),
                                          ends_at=local(clinic, 2027, 3, 6), reason=reason, by=user)


def _no_double_booking(clinic) -> None:
    rows = list(InfusionSession.objects.filter(clinic=clinic, status__in=OCCUPYING_STATUSES))
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            overlap = a.starts_at < b.ends_at and b.starts_at < a.ends_at
            assert not (overlap and (a.chair_id == b.chair_id or a.patient_id == b.patient_id)), (a.pk, b.pk)


@pytest.fixture
def week(db):
    clinic = ClinicFactory(start_stagger_minutes=0)
    a, b = ChairFactory(clinic=clinic, name="Chair A"), ChairFactory(clinic=clinic, name="Chair B")
    nurse = NurseFactory(clinic=clinic, first_name="Nora")
    return clinic, a, b, nurse, staff_user(ADMIN, clinic)


def test_a_closed_day_moves_each_session_to_the_nearest_time_and_tells_the_patient(week):
    clinic, a, b, nurse, user = week
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    fri_b = _booster(clinic, dt.datetime(2027, 3, 5, 12), b, nurse)
    _close_friday(clinic, user)
    proposals = replan_proposals(clinic=clinic, sessions=replan_sessions(clinic=clinic))
    assert [(p.session.pk, p.kind) for p in proposals] == [(fri_a.pk, MOVE), (fri_b.pk, MOVE)]
    # Thursday 4 March is a day nearer than Monday 8: the same time of day there is the nearest start.
    assert [p.starts_at for p in proposals] == [local(clinic, 2027, 3, 4, 9), local(clinic, 2027, 3, 4, 12)]

    results = sessions_replan(clinic=clinic, by=user)
    assert [(r.session.pk, r.outcome) for r in results] == [(fri_a.pk, MOVED), (fri_b.pk, MOVED)]
    for r in results:
        moved = _fresh(r.session)
        assert moved.starts_at == r.proposal.starts_at and moved.needs_moving_since is None
        assert moved.version == r.proposal.session.version + 1
        notice = PatientEmail.objects.get(session=moved, kind=EmailKind.MOVED)
        assert notice.previous_starts_at == local(clinic, 2027, 3, 5, r.proposal.session.starts_at.astimezone(clinic.tz).hour)
    assert not sessions_needing_moves(clinic_ids=[clinic.pk]).exists()
    _no_double_booking(clinic)


def test_an_absent_nurse_hands_her_sessions_to_a_colleague_at_the_same_time_without_an_email(week):
    clinic, a, _, nurse, user = week
    other = NurseFactory(clinic=clinic, first_name="Omar")
    thu = _booster(clinic, dt.datetime(2027, 3, 4, 10), a, nurse)
    thu = services.session_confirm(session=_fresh(thu))
    emails = PatientEmail.objects.count()
    scheduler_services.time_off_add(staff=nurse, starts_at=local(clinic, 2027, 3, 4), ends_at=local(clinic, 2027, 3, 5),
                                    reason="Sick", by=user)
    [proposal] = replan_proposals(clinic=clinic, sessions=replan_sessions(clinic=clinic))
    assert (proposal.kind, proposal.starts_at, proposal.chair_id, proposal.nurse_id) == (REASSIGN, thu.starts_at, a.pk, other.pk)
    [result] = sessions_replan(clinic=clinic, by=user)
    assert result.outcome == REASSIGNED
    after = _fresh(thu)
    assert (after.nurse_id, after.chair_id, after.starts_at) == (other.pk, a.pk, thu.starts_at)
    # Nothing changed for the patient: still confirmed, links (the version) and reminders valid, no email.
    assert (after.status, after.version, after.needs_moving_since) == (SessionStatus.CONFIRMED, thu.version, None)
    assert PatientEmail.objects.count() == emails
    assert after.events.filter(kind="reassigned").get().data == {
        "before": {"chair": a.pk, "nurse": nurse.pk}, "after": {"chair": a.pk, "nurse": other.pk}}


def test_an_absent_nurse_without_a_free_colleague_has_her_sessions_moved(week):
    clinic, a, _, nurse, user = week
    thu = _booster(clinic, dt.datetime(2027, 3, 4, 10), a, nurse)
    scheduler_services.time_off_add(staff=nurse, starts_at=local(clinic, 2027, 3, 4), ends_at=local(clinic, 2027, 3, 5),
                                    reason="Sick", by=user)
    [proposal] = replan_proposals(clinic=clinic, sessions=replan_sessions(clinic=clinic))
    assert proposal.kind == MOVE and proposal.nurse_id == nurse.pk
    assert proposal.starts_at == local(clinic, 2027, 3, 3, 10)  # Wednesday, a day before, is nearer than Friday
    [result] = sessions_replan(clinic=clinic, by=user)
    assert result.outcome == MOVED and PatientEmail.objects.filter(session=thu, kind=EmailKind.MOVED).exists()


def test_a_chair_out_of_service_moves_its_sessions_to_another_chair_at_the_same_time(week):
    clinic, a, b, nurse, user = week
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    _close_friday(clinic, user, chair=a, reason="Maintenance")
    [result] = sessions_replan(clinic=clinic, by=user)
    assert (result.outcome, _fresh(fri_a).chair_id, _fresh(fri_a).starts_at) == (REASSIGNED, b.pk, fri_a.starts_at)


def test_proposals_for_one_slot_do_not_collide(db):
    """Two sessions on a closed Friday (one slot a day, two chairs), Thursday's slot has one chair left: one
    session takes it, the other the next nearest day, Wednesday (two days before is nearer than Monday)."""
    clinic = ClinicFactory(start_stagger_minutes=0, hours={d: [("09:00", "11:00")] for d in range(5)})
    a, b = ChairFactory(clinic=clinic), ChairFactory(clinic=clinic)
    NurseFactory(clinic=clinic)
    user = staff_user(ADMIN, clinic)
    fri = [_booster(clinic, dt.datetime(2027, 3, 5, 9), chair) for chair in (a, b)]
    _booster(clinic, dt.datetime(2027, 3, 4, 9), a)
    _close_friday(clinic, user)
    proposals = replan_proposals(clinic=clinic, sessions=replan_sessions(clinic=clinic))
    assert [p.session.pk for p in proposals] == [s.pk for s in fri]
    assert [(p.starts_at, p.chair_id) for p in proposals] == [
        (local(clinic, 2027, 3, 4, 9), b.pk), (local(clinic, 2027, 3, 3, 9), proposals[1].chair_id)]
    assert [r.outcome for r in sessions_replan(clinic=clinic, by=user)] == [MOVED, MOVED]
    _no_double_booking(clinic)


def test_a_course_s_sessions_are_planned_around_each_other(db):
    """Two sessions of one depression course stranded at once: the second is spaced from the first's new time."""
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=2, nurses=1)
    user = staff_user(ADMIN, clinic)
    patient = PatientFactory(clinic=clinic)
    booked = book_course(patient=patient, clinic=clinic, days=[(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 12)])
    scheduler_services.closure_add(clinic=clinic, chair=None, starts_at=local(clinic, 2027, 3, 3),
                                   ends_at=local(clinic, 2027, 3, 6), reason="Flood", by=user)
    results = sessions_replan(clinic=clinic, by=user)
    assert {r.session.pk for r in results} == {booked.sessions[1].pk, booked.sessions[2].pk}
    _course_valid(booked.cycle)


def test_no_time_found_and_a_refused_move_are_explained_and_leave_the_others(week, monkeypatch):
    clinic, a, b, nurse, user = week
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    fri_b = _booster(clinic, dt.datetime(2027, 3, 5, 12), b, nurse)
    blocker = _booster(clinic, dt.datetime(2027, 3, 4, 9), a, nurse)
    _close_friday(clinic, user)
    real = replan_proposals

    def stale(**kwargs):
        # The first proposal is stale: since it was computed, Thursday 09:00 on chair A was booked.
        found = real(**kwargs)
        first = found[0]
        found[0] = replan_selectors.ReplanProposal(first.session, MOVE, blocker.starts_at, blocker.ends_at, a.pk, nurse.pk)
        return found

    monkeypatch.setattr(replan_services, "replan_proposals", stale)
    results = sessions_replan(clinic=clinic, by=user)
    assert [(r.outcome, r.code) for r in results] == [(REFUSED, "chair_conflict"), (MOVED, "")]
    assert "chair" in results[0].message.lower()
    assert _fresh(fri_a).needs_moving_since is not None and _fresh(fri_b).needs_moving_since is None


def test_a_session_whose_course_leaves_no_date_is_refused_with_no_time_found(db):
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
    user = staff_user(ADMIN, clinic)
    booked = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, protocol="chronic-pain-iv",
                         days=[(3, 1), (3, 2), (3, 3), (3, 4), (3, 5)], hour=8)
    scheduler_services.closure_add(clinic=clinic, chair=None, starts_at=local(clinic, 2027, 3, 3),
                                   ends_at=local(clinic, 2027, 3, 4), reason="Storm", by=user)
    [result] = sessions_replan(clinic=clinic, by=user)
    assert (result.session.pk, result.outcome, result.code) == (booked.sessions[2].pk, REFUSED, NO_TIME_FOUND)
    assert result.proposal.kind == NONE and result.message
    assert _fresh(booked.sessions[2]).needs_moving_since is not None


def test_the_query_count_does_not_grow_with_the_stranded_sessions(db, django_assert_max_num_queries):
    clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=4, chairs=4, nurses=1)
    user = staff_user(ADMIN, clinic)
    chairs = list(clinic.chairs.order_by("pk"))
    for hour in (8, 10, 12, 14):
        for chair in chairs:
            _booster(clinic, dt.datetime(2027, 3, 5, hour), chair)
    _close_friday(clinic, user)
    sessions = replan_sessions(clinic=clinic)
    assert len(sessions) == 16
    with django_assert_max_num_queries(9):
        proposals = replan_proposals(clinic=clinic, sessions=sessions)
    assert all(p.kind == MOVE for p in proposals)
    assert len({(p.starts_at, p.chair_id) for p in proposals}) == 16


def _course_valid(cycle) -> None:
    cycle.refresh_from_db()
    clinic = cycle.clinic
    held = list(InfusionSession.objects.filter(cycle=cycle, status__in=OCCUPYING_STATUSES).order_by("sequence"))
    slots = [planning.Slot(s.sequence, s.starts_at, s.ends_at) for s in held]
    violations, _ = planning.check_spacing(slots, protocol_spacing(cycle.protocol), clinic.tz)
    assert not violations, violations
    calendar = clinic_calendar_load(clinic=clinic, window_start=held[0].starts_at, window_end=held[-1].ends_at)
    for s in held:
        if s.needs_moving_since is not None:
            continue  # still stranded: refused, with its reason (the caller checks)
        assert not planning.site_violations(s.starts_at, s.ends_at, calendar.rules), s


@pytest.mark.parametrize("seed", range(6))
def test_replanning_random_strandings_keeps_every_course_valid(db, seed):
    """Small clinics, random courses and a random closed day (and a chair out of service): after re-planning,
    every course keeps its spacing and window, nothing is double booked, every moved session is off the closure,
    and each session either moved or was refused with a reason (its mark kept)."""
    rng = random.Random(seed)
    clinic = ClinicFactory(start_stagger_minutes=rng.choice([0, 15]), nurse_max_concurrent=rng.choice([2, 3]),
                           chairs=rng.choice([2, 3]), nurses=rng.choice([1, 2]))
    user = staff_user(ADMIN, clinic)
    cycles = []
    starts = [(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 12)]
    for i in range(rng.randint(3, 6)):
        protocol = rng.choice(["depression-iv", "booster-iv", "anxiety-sc"])
        days = {"depression-iv": starts, "booster-iv": [rng.choice(starts)], "anxiety-sc": [(3, 1), (3, 8), (3, 15), (3, 22)]}[protocol]
        try:
            booked = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, protocol=protocol, days=days,
                                 hour=rng.choice([8, 10, 12, 14]) + (i % 2))
        except services.BookingError:
            continue
        cycles.append(booked.cycle)
    day = rng.choice([3, 5, 8, 10])
    scheduler_services.closure_add(clinic=clinic, chair=None, starts_at=local(clinic, 2027, 3, day),
                                   ends_at=local(clinic, 2027, 3, day + 1), reason="Closed", by=user)
    if rng.random() < 0.5:
        chair = Chair.objects.filter(clinic=clinic).order_by("pk").first()
        scheduler_services.closure_add(clinic=clinic, chair=chair, starts_at=local(clinic, 2027, 3, 12),
                                       ends_at=local(clinic, 2027, 3, 13), reason="Repair", by=user)
    stranded = {s.pk for s in sessions_needing_moves(clinic_ids=[clinic.pk])}
    results = sessions_replan(clinic=clinic, by=user)
    assert {r.session.pk for r in results} == stranded
    for r in results:
        after = _fresh(r.session)
        if r.outcome == REFUSED:
            assert r.code and r.message and after.needs_moving_since is not None
        else:
            assert after.needs_moving_since is None
    for cycle in cycles:
        _course_valid(cycle)
    _no_double_booking(clinic)
    assert any(r.outcome != REFUSED for r in results)  # each seed strands some that can move (not vacuous)
    assert not sessions_needing_moves(clinic_ids=[clinic.pk]).filter(~Q(pk__in=[r.session.pk for r in results if r.outcome == REFUSED])).exists()


# --- The API ---------------------------------------------------------------------------------------------


def test_api_lists_the_proposals_then_applies_them_all(week):
    clinic, a, b, nurse, user = week
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    _close_friday(clinic, user)
    api = client_for(staff_user(FRONT_DESK, clinic))
    response = api.get(f"/api/v1/sessions/replan/?clinic={clinic.pk}")
    assert response.status_code == 200, response.json()
    [row] = response.json()
    assert (row["session"], row["kind"], row["needs_moving_reasons"]) == (fri_a.pk, "move", ["clinic_closed"])
    assert row["proposal"]["starts_local"] == "2027-03-04T09:00:00-05:00" and row["refusal"] is None
    assert row["now"]["starts_local"] == "2027-03-05T09:00:00-05:00"
    response = api.post("/api/v1/sessions/replan/", {"clinic": clinic.pk, "all": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["moved"], body["reassigned"], body["refused"]) == (1, 0, 0)
    assert body["results"][0]["session"] == fri_a.pk and body["results"][0]["outcome"] == "moved"
    assert api.get(f"/api/v1/sessions/replan/?clinic={clinic.pk}").json() == []


def test_api_given_sessions_and_one_that_cannot_move(week):
    clinic, a, b, nurse, user = week
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    fri_b = _booster(clinic, dt.datetime(2027, 3, 5, 12), b, nurse)
    _close_friday(clinic, user)
    services.session_cancel(session=_fresh(fri_b), by_party="patient", reason="Away")
    api = client_for(user)
    response = api.post("/api/v1/sessions/replan/", {"clinic": clinic.pk, "sessions": [fri_b.pk, fri_a.pk]}, format="json")
    assert response.status_code == 200, response.json()
    by_id = {r["session"]: r for r in response.json()["results"]}
    assert by_id[fri_a.pk]["outcome"] == "moved"
    assert (by_id[fri_b.pk]["outcome"], by_id[fri_b.pk]["code"]) == ("refused", "invalid_transition")


@pytest.mark.parametrize("body", [
    {"all": True},
    {"clinic": "1", "all": True},
    {"clinic": 1},
    {"clinic": 1, "all": False},
    {"clinic": 1, "all": True, "sessions": [1]},
    {"clinic": 1, "sessions": []},
    {"clinic": 1, "sessions": ["1"]},
    {"clinic": 1, "all": "true"},
])
def test_api_refuses_bad_bodies(week, body):
    clinic, *_, user = week
    body = {k: (clinic.pk if k == "clinic" and v == 1 else v) for k, v in body.items()}
    response = client_for(user).post("/api/v1/sessions/replan/", body, format="json")
    assert_error(response, 400, "validation_error")


def test_api_roles_and_other_clinics(week):
    clinic, a, _, nurse, user = week
    fri_a = _booster(clinic, dt.datetime(2027, 3, 5, 9), a, nurse)
    _close_friday(clinic, user)
    clinician = client_for(staff_user(CLINICIAN, clinic))
    assert_error(clinician.get(f"/api/v1/sessions/replan/?clinic={clinic.pk}"), 403, "permission_denied")
    assert_error(clinician.post("/api/v1/sessions/replan/", {"clinic": clinic.pk, "all": True}, format="json"),
                 403, "permission_denied")
    elsewhere = ClinicFactory()
    stranger = client_for(staff_user(FRONT_DESK, elsewhere))
    assert_error(stranger.get(f"/api/v1/sessions/replan/?clinic={clinic.pk}"), 400, "validation_error")
    assert_error(stranger.post("/api/v1/sessions/replan/", {"clinic": elsewhere.pk, "sessions": [fri_a.pk]},
                               format="json"), 400, "validation_error")
    # A session of another of the user's own clinics, sent under this clinic: 400 too.
    both = client_for(staff_user(FRONT_DESK, clinic, elsewhere))
    assert_error(both.post("/api/v1/sessions/replan/", {"clinic": elsewhere.pk, "sessions": [fri_a.pk]},
                           format="json"), 400, "validation_error", "sessions")
    assert _fresh(fri_a).needs_moving_since is not None


def test_a_session_that_fits_where_it_is_is_left_alone(week):
    clinic, a, _, nurse, user = week
    thu = _booster(clinic, dt.datetime(2027, 3, 4, 10), a, nurse)
    [result] = sessions_replan(clinic=clinic, sessions=[thu], by=user)
    assert (result.outcome, result.code) == (REFUSED, "fits_where_it_is")
    assert _fresh(thu).version == thu.version and not _fresh(thu).events.filter(kind="reassigned").exists()
