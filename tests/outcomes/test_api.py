"""The outcomes API: instruments, answers in and scores out (clinicians and admins), forms done or missing (the
front desk too, without answers or scores), a course's scores, urgent flags and their acknowledgement, review;
bad input as 400 with a code, roles, another clinic's rows as 404, reads in the audit trail."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from common.api import ADMIN, CLINICIAN, FRONT_DESK
from outcomes.models import Measure
from tests.factories import ClinicFactory
from tests.helpers import assert_error, client_for, staff_user
from tests.outcomes.conftest import T0

pytestmark = pytest.mark.frozen(T0)


def url(session_id: int, what: str = "measures") -> str:
    return f"/api/v1/sessions/{session_id}/{what}/"


@pytest.fixture
def users(clinic):
    return {role: staff_user(role, clinic) for role in (ADMIN, CLINICIAN, FRONT_DESK)}


def test_instruments_list_items_and_scales(clinic, users):
    body = client_for(users[FRONT_DESK]).get("/api/v1/instruments/").json()["results"]
    by_code = {i["code"]: i for i in body}
    assert sorted(by_code) == ["gad7", "pain", "pcl5", "phq9"]
    assert len(by_code["phq9"]["items"]) == 9 and [o["value"] for o in by_code["phq9"]["scale"]] == [0, 1, 2, 3]
    assert len(by_code["pcl5"]["items"]) == 20 and by_code["pcl5"]["scale"][-1]["value"] == 4
    assert [o["value"] for o in by_code["pain"]["scale"]] == list(range(11))
    assert by_code["phq9"]["urgent_items"] == [9] and by_code["gad7"]["remission_below"] == 5
    assert client_for().get("/api/v1/instruments/").status_code in (401, 403)


@pytest.mark.parametrize("role", [ADMIN, CLINICIAN])
def test_a_clinician_or_admin_records_answers_and_gets_the_score(course, users, role):
    s1, s2 = course.sessions.get(sequence=1), course.sessions.get(sequence=2)
    api = client_for(users[role])
    first = api.post(url(s1.pk), {"instrument": "phq9", "answers": [3, 3, 3, 3, 2, 2, 2, 2, 0]}, format="json")
    assert first.status_code == 201, first.content
    assert {k: first.json()[k] for k in ("total", "band", "change_from_baseline", "response", "remission", "flags")} == {
        "total": 20, "band": "severe", "change_from_baseline": 0, "response": False, "remission": False, "flags": []}
    second = api.post(url(s2.pk), {"instrument": "phq9", "answers": [1, 1, 0, 1, 0, 0, 1, 0, 0]}, format="json").json()
    assert (second["total"], second["change_from_baseline"], second["response"], second["remission"]) == (4, -16, True, True)


@pytest.mark.parametrize(("body", "code"), [
    ({"instrument": "phq9", "answers": [0] * 8}, "answer_count_wrong"),
    ({"instrument": "phq9", "answers": [0] * 8 + [4]}, "answer_out_of_range"),
    ({"instrument": "phq9", "answers": [0] * 8 + ["x"]}, "validation_error"),
    ({"instrument": "phq9", "answers": "0,0,0"}, "validation_error"),
    ({"instrument": "pain", "answers": [11]}, "validation_error"),
    ({"instrument": "phq8", "answers": [0] * 8}, "instrument_unknown"),
    ({"instrument": "gad7", "answers": [0] * 7}, "instrument_not_asked"),
    ({"answers": [0] * 9}, "validation_error"),
    ({"instrument": "phq9"}, "validation_error"),
])
def test_answers_that_do_not_fit_are_400_with_a_code(course, users, body, code):
    response = client_for(users[CLINICIAN]).post(url(course.sessions.first().pk), body, format="json")
    assert_error(response, 400, code)
    assert not Measure.objects.exists()


def test_the_front_desk_sees_form_done_but_no_answers_or_score(course, users):
    s1 = course.sessions.get(sequence=1)
    desk = client_for(users[FRONT_DESK])
    assert desk.get(url(s1.pk, "forms")).json() == [{"instrument": "phq9", "name": "PHQ-9", "done": False}]
    assert_error(desk.post(url(s1.pk), {"instrument": "phq9", "answers": [0] * 9}, format="json"), 403, "permission_denied")
    client_for(users[CLINICIAN]).post(url(s1.pk), {"instrument": "phq9", "answers": [1] * 9}, format="json")
    forms = desk.get(url(s1.pk, "forms")).json()
    assert forms == [{"instrument": "phq9", "name": "PHQ-9", "done": True}]
    assert_error(desk.get(f"/api/v1/cycles/{course.pk}/measures/"), 403, "permission_denied")
    assert_error(desk.get("/api/v1/flags/"), 403, "permission_denied")


def test_another_clinics_rows_are_not_found(course, users):
    other = staff_user(CLINICIAN, ClinicFactory())
    api = client_for(other)
    s1 = course.sessions.first()
    assert_error(api.post(url(s1.pk), {"instrument": "phq9", "answers": [0] * 9}, format="json"), 404, "not_found")
    assert_error(api.get(url(s1.pk, "forms")), 404, "not_found")
    assert_error(api.get(f"/api/v1/cycles/{course.pk}/measures/"), 404, "not_found")
    client_for(users[CLINICIAN]).post(url(s1.pk), {"instrument": "phq9", "answers": [0] * 8 + [1]}, format="json")
    assert api.get("/api/v1/flags/").json()["results"] == []
    flag = s1.urgent_flags.get()
    assert_error(api.post(f"/api/v1/flags/{flag.pk}/acknowledge/", {}, format="json"), 404, "not_found")


def test_reading_a_courses_scores_is_in_the_audit_trail(course, users):
    s1, s2 = course.sessions.get(sequence=1), course.sessions.get(sequence=2)
    api = client_for(users[CLINICIAN])
    for session, answers in ((s1, [2] * 9), (s2, [1] * 9)):
        api.post(url(session.pk), {"instrument": "phq9", "answers": answers[:8] + [0]}, format="json")
    body = api.get(f"/api/v1/cycles/{course.pk}/measures/").json()
    [series] = body
    assert (series["instrument"], series["baseline"], series["response_line"], series["remission_below"]) == ("phq9", 16, 8.0, 5)
    assert [(s["sequence"], s["total"], s["change_from_baseline"], s["response"]) for s in series["scores"]] == [
        (1, 16, 0, False), (2, 8, -8, True)]
    reads = LogEntry.objects.filter(content_type__model="measure", action=LogEntry.Action.ACCESS)
    assert sorted(int(e.object_pk) for e in reads) == sorted(Measure.objects.values_list("pk", flat=True))
    assert {e.actor_id for e in reads} == {users[CLINICIAN].pk}
    assert all(e.timestamp is not None for e in reads)


def test_item_9_blocks_the_start_through_the_api_until_acknowledged(checked_in, users, clinic):
    clinician = client_for(users[CLINICIAN])
    posted = clinician.post(url(checked_in.pk), {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}, format="json").json()
    [flag] = posted["flags"]
    assert (flag["item"], flag["acknowledged_at"]) == (9, None)
    refused = assert_error(clinician.post(f"/api/v1/sessions/{checked_in.pk}/start/"), 409, "urgent_flag_unacknowledged")
    assert refused["details"] == {"session": checked_in.pk, "flags": [flag["id"]]}
    assert [f["id"] for f in clinician.get("/api/v1/flags/").json()["results"]] == [flag["id"]]
    assert_error(client_for(users[FRONT_DESK]).post(f"/api/v1/flags/{flag['id']}/acknowledge/", {}, format="json"),
                 403, "permission_denied")
    done = clinician.post(f"/api/v1/flags/{flag['id']}/acknowledge/")
    assert done.status_code == 200 and done.json()["acknowledged_by"] == users[CLINICIAN].pk
    assert_error(clinician.post(f"/api/v1/flags/{flag['id']}/acknowledge/", {}, format="json"), 409, "flag_already_acknowledged")
    started = clinician.post(f"/api/v1/sessions/{checked_in.pk}/start/")
    assert started.status_code == 200, started.content
    audit = LogEntry.objects.filter(content_type__model="urgentflag").order_by("pk")
    assert [(e.action, e.actor_id) for e in audit] == [
        (LogEntry.Action.CREATE, users[CLINICIAN].pk), (LogEntry.Action.ACCESS, users[CLINICIAN].pk),
        (LogEntry.Action.UPDATE, users[CLINICIAN].pk)]


def test_the_review_decision_through_the_api(course, users):
    course.needs_review = True
    course.save(update_fields=["needs_review"])
    assert_error(client_for(users[FRONT_DESK]).post(f"/api/v1/cycles/{course.pk}/review/", {"decision": "stop"}, format="json"),
                 403, "permission_denied")
    assert_error(client_for(users[CLINICIAN]).post(f"/api/v1/cycles/{course.pk}/review/", {"decision": "x"}, format="json"),
                 400, "validation_error")
    made = client_for(users[CLINICIAN]).post(f"/api/v1/cycles/{course.pk}/review/", {"decision": "continue"}, format="json")
    assert made.status_code == 201 and made.json()["decision"] == "continue"
