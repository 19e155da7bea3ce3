"""The pumps and episodes API (issue 16): pumps read by every role and written by admins; episodes listed and read;
an episode's actions by role; another clinic's rows are 404s; hostile input is a 400, never a 500; queries do not
grow with rows."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.api import ADMIN, CLINICIAN, FRONT_DESK
from pumps.models import Episode, EpisodeVisit, Pump, PumpMaintenance, VisitKind
from tests.conftest import local
from tests.factories import ChairFactory, ClinicFactory, NurseFactory
from tests.helpers import ROLES, assert_error, client_for, staff_user
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-03-01 15:30Z")]  # Monday 10:30 in New York


def site(clinic, episodes: int = 1):
    protocol = PumpProtocolFactory(clinic=clinic, episode_days=3)
    pump = PumpFactory(clinic=clinic)
    chair, nurse = ChairFactory(clinic=clinic), NurseFactory(clinic=clinic)
    rows = [
        episode_with_visits(course=PumpCourseFactory(clinic=clinic, protocol=protocol), pump=pump, chair=chair,
                            nurse=nurse, fitting_at=local(clinic, 2027, 3, 1 + 5 * i, 10, 0))
        for i in range(episodes)
    ]
    return {"clinic": clinic, "pump": pump, "episodes": rows}


@pytest.fixture
def home(clinic):
    return site(clinic)


@pytest.fixture
def away():
    return site(ClinicFactory(name="Uptown", slug="uptown"))


@pytest.fixture
def clients(clinic):
    return {role: client_for(staff_user(role, clinic)) for role in ROLES}


def post(client, url, body=None):
    return client.post(url, body or {}, format="json")


def test_every_role_reads_pumps_only_admins_write(home, away, clients):
    for role in (ADMIN, FRONT_DESK, CLINICIAN):
        listed = clients[role].get("/api/v1/pumps/").json()["results"]
        assert [p["id"] for p in listed] == [home["pump"].pk], role
    body = {"clinic": home["clinic"].pk, "label": "Pump 9", "serial_number": "SN-X9", "status": "in_service"}
    for role in (FRONT_DESK, CLINICIAN, None):
        assert_error(post(clients[role], "/api/v1/pumps/", body), 403, "permission_denied")
    created = post(clients[ADMIN], "/api/v1/pumps/", body)
    assert created.status_code == 201, created.content
    pump = Pump.objects.get(pk=created.json()["id"])
    assert (pump.clinic, pump.notes) == (home["clinic"], "")
    ct = ContentType.objects.get_for_model(Pump)
    assert LogEntry.objects.filter(content_type=ct, object_pk=str(pump.pk), action=LogEntry.Action.CREATE).exists()

    minimal = post(clients[ADMIN], "/api/v1/pumps/", {"clinic": home["clinic"].pk, "label": "P", "serial_number": "S"})
    assert minimal.status_code == 201 and minimal.json()["status"] == "in_service", minimal.content
    changed = clients[ADMIN].patch(f"/api/v1/pumps/{pump.pk}/", {"status": "maintenance"}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "maintenance"
    assert LogEntry.objects.get(content_type=ct, object_pk=str(pump.pk), action=LogEntry.Action.UPDATE).changes == {
        "status": ["in_service", "maintenance"]}


def test_pump_writes_refuse_bad_and_foreign_input(home, away, clients):
    admin = clients[ADMIN]
    body = {"clinic": home["clinic"].pk, "label": home["pump"].label, "serial_number": "SN-NEW", "status": "in_service"}
    assert_error(post(admin, "/api/v1/pumps/", body), 400, "validation_error", "label")
    assert_error(post(admin, "/api/v1/pumps/", {**body, "label": "X", "serial_number": home["pump"].serial_number}),
                 400, "validation_error", "serial_number")
    assert_error(post(admin, "/api/v1/pumps/", {**body, "label": "X", "clinic": away["clinic"].pk}),
                 400, "validation_error", "clinic")
    for hostile in ({"label": 5}, {"status": "lost"}, {"label": ""}, {"clinic": "1"}, {"label": "x" * 61}):
        assert_error(post(admin, "/api/v1/pumps/", {**body, "label": "Y", **hostile}), 400, "validation_error")
    pump = home["pump"]
    url = f"/api/v1/pumps/{pump.pk}/"
    assert_error(admin.patch(url, {"clinic": away["clinic"].pk}, format="json"), 400, "validation_error", "clinic")
    assert_error(admin.patch(f"/api/v1/pumps/{away['pump'].pk}/", {"notes": "x"}, format="json"), 404, "not_found")
    assert_error(admin.get(f"/api/v1/pumps/{away['pump'].pk}/"), 404, "not_found")
    assert admin.put(url, {}, format="json").status_code == 405
    assert admin.delete(url).status_code == 405
    assert Pump.objects.count() == 2


def test_maintenance_is_read_by_all_and_booked_by_admins(home, away, clients):
    url = f"/api/v1/pumps/{home['pump'].pk}/maintenance/"
    body = {"starts_at": "2027-04-05T08:00", "ends_at": "2027-04-07T08:00", "reason": "Battery"}
    assert_error(post(clients[FRONT_DESK], url, body), 403, "permission_denied")
    assert_error(post(clients[ADMIN], url, {**body, "ends_at": "2027-04-04T08:00"}), 400, "validation_error", "ends_at")
    assert_error(post(clients[ADMIN], url, {**body, "starts_at": "soon"}), 400, "validation_error", "starts_at")
    created = post(clients[ADMIN], url, body)
    assert created.status_code == 201, created.content
    row = PumpMaintenance.objects.get()
    assert row.starts_at == local(home["clinic"], 2027, 4, 5, 8, 0)  # clinic time
    assert [r["id"] for r in clients[CLINICIAN].get(url).json()] == [row.pk]
    away_url = f"/api/v1/pumps/{away['pump'].pk}/maintenance/"
    assert_error(clients[ADMIN].get(away_url), 404, "not_found")
    assert_error(post(clients[ADMIN], away_url, body), 404, "not_found")


def test_episodes_are_listed_with_their_visits_and_filtered(home, away, clients):
    episode = home["episodes"][0]
    body = clients[FRONT_DESK].get("/api/v1/episodes/").json()
    assert [e["id"] for e in body["results"]] == [episode.pk]
    shown = body["results"][0]
    assert [v["kind"] for v in shown["visits"]] == ["fitting", "review", "review", "removal"]
    assert shown["starts_local"] == "2027-03-01T10:00:00-05:00" and shown["pump_label"] == episode.pump.label
    assert shown["episodes_per_course"] == 1 and shown["visits"][1]["starts_local"] == "2027-03-02T10:00:00-05:00"

    def ids(**query):
        response = clients[FRONT_DESK].get("/api/v1/episodes/", query)
        assert response.status_code == 200, response.content
        return [e["id"] for e in response.json()["results"]]

    assert ids(clinic=away["clinic"].pk) == [] and ids(patient=away["episodes"][0].patient_id) == []
    assert ids(status="booked,fitted") == [episode.pk] and ids(status="returned") == []
    assert ids(**{"from": "2027-03-04"}) == [episode.pk]  # the removal is on the 4th
    assert ids(**{"from": "2027-03-05"}) == []
    assert ids(to="2027-03-01") == [episode.pk] and ids(to="2027-02-28") == []
    assert ids(to="2027-03-01T10:00") == [] and ids(to="2027-03-01T15:00:01Z") == [episode.pk]
    for bad in ({"status": "lost"}, {"from": "soon"}, {"clinic": "x"}, {"patient": "-1"}, {"page_size": "0"},
                {"to": "2027-02-30"}, {"from": "9999-12-31T23:59"}):
        response = clients[FRONT_DESK].get("/api/v1/episodes/", bad)
        assert response.status_code == 400, (bad, response.content)


def test_an_episode_is_read_by_every_role_and_the_read_audited(home, away, clients):
    episode = home["episodes"][0]
    for role in (ADMIN, FRONT_DESK, CLINICIAN):
        assert clients[role].get(f"/api/v1/episodes/{episode.pk}/").json()["id"] == episode.pk
    assert_error(clients[None].get(f"/api/v1/episodes/{episode.pk}/"), 403, "permission_denied")
    assert_error(client_for().get(f"/api/v1/episodes/{episode.pk}/"), 401, "not_authenticated")
    assert_error(clients[ADMIN].get(f"/api/v1/episodes/{away['episodes'][0].pk}/"), 404, "not_found")
    ct = ContentType.objects.get_for_model(Episode)
    assert LogEntry.objects.filter(content_type=ct, object_pk=str(episode.pk), action=LogEntry.Action.ACCESS).count() == 3


def test_the_life_of_an_episode_through_the_api(home, away, clients, frozen):
    episode = home["episodes"][0]
    url = f"/api/v1/episodes/{episode.pk}"
    assert_error(post(clients[FRONT_DESK], f"{url}/fit/"), 403, "permission_denied")
    fitted = post(clients[CLINICIAN], f"{url}/fit/")
    assert fitted.status_code == 200 and fitted.json()["status"] == "fitted", fitted.content
    assert_error(post(clients[CLINICIAN], f"{url}/fit/"), 409, "invalid_transition")
    assert_error(post(clients[FRONT_DESK], f"{url}/cancel/", {"reason": "x"}), 409, "invalid_transition")

    review = EpisodeVisit.objects.get(episode=episode, kind=VisitKind.REVIEW, day=1)
    assert_error(post(clients[CLINICIAN], f"{url}/review/", {"visit": review.pk, "done": True}), 409, "visit_not_due")
    frozen.move_to(local(home["clinic"], 2027, 3, 2, 16, 0))
    assert_error(post(clients[FRONT_DESK], f"{url}/review/", {"visit": review.pk, "done": False}), 403,
                 "permission_denied")
    fitting = EpisodeVisit.objects.get(episode=episode, kind=VisitKind.FITTING)
    assert_error(post(clients[CLINICIAN], f"{url}/review/", {"visit": fitting.pk, "done": True}), 409, "not_a_review")
    for bad in ({"visit": review.pk}, {"visit": review.pk, "done": "yes"}, {"visit": "1", "done": True},
                {"visit": review.pk, "done": True, "note": "x" * 501}, {"visit": 0, "done": True}, []):
        assert_error(post(clients[CLINICIAN], f"{url}/review/", bad), 400, "validation_error")
    foreign = EpisodeVisit.objects.get(episode=away["episodes"][0], kind=VisitKind.REVIEW, day=1)
    assert_error(post(clients[CLINICIAN], f"{url}/review/", {"visit": foreign.pk, "done": True}), 400,
                 "validation_error", "visit")
    missed = post(clients[CLINICIAN], f"{url}/review/", {"visit": review.pk, "done": False, "note": "No answer"})
    assert missed.status_code == 200, missed.content
    assert [v["status"] for v in missed.json()["visits"]] == ["done", "missed", "planned", "planned"]
    assert missed.json()["visits"][1]["note"] == "No answer"

    assert_error(post(clients[CLINICIAN], f"{url}/remove/"), 400, "early_removal_reason_required")
    assert_error(post(clients[CLINICIAN], f"{url}/remove/", {"early_reason": 7}), 400, "validation_error")
    removed = post(clients[CLINICIAN], f"{url}/remove/", {"early_reason": "Site sore"})
    assert removed.json()["status"] == "removed" and removed.json()["early_removal_reason"] == "Site sore"
    returned = post(clients[FRONT_DESK], f"{url}/return/")
    assert returned.status_code == 200 and returned.json()["status"] == "returned", returned.content
    assert_error(post(clients[FRONT_DESK], f"{url}/return/"), 409, "invalid_transition")
    assert_error(post(clients[None], f"{url}/return/"), 403, "permission_denied")


def test_cancel_by_the_desk_with_a_reason(home, away, clients):
    episode = home["episodes"][0]
    url = f"/api/v1/episodes/{episode.pk}/cancel/"
    assert_error(post(clients[CLINICIAN], url, {"reason": "x"}), 403, "permission_denied")
    for bad in ({}, {"reason": ""}, {"reason": None}, {"reason": "x" * 301}):
        assert_error(post(clients[FRONT_DESK], url, bad), 400, "validation_error", "reason")
    assert_error(post(clients[FRONT_DESK], url, {"reason": "   "}), 400, "validation_error", "reason")
    assert_error(post(clients[FRONT_DESK], f"/api/v1/episodes/{away['episodes'][0].pk}/cancel/", {"reason": "x"}),
                 404, "not_found")
    response = post(clients[FRONT_DESK], url, {"reason": "Travel"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert {v["status"] for v in response.json()["visits"]} == {"cancelled"}
    assert Episode.objects.get(pk=away["episodes"][0].pk).status == "booked"


def test_actions_on_another_clinics_episode_are_404_and_change_nothing(home, away, clients):
    theirs = away["episodes"][0]
    for action in ("fit", "remove", "return", "review"):
        assert_error(post(clients[ADMIN], f"/api/v1/episodes/{theirs.pk}/{action}/"), 404, "not_found")
    assert Episode.objects.get(pk=theirs.pk).version == 1


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_queries_do_not_grow_with_rows(clients):
    few, many = ClinicFactory(), ClinicFactory()
    site(few, episodes=1)
    site(many, episodes=5)
    for _ in range(4):
        PumpFactory(clinic=many)
    few_client = client_for(staff_user(FRONT_DESK, few))
    many_client = client_for(staff_user(FRONT_DESK, many))
    assert queries(few_client, "/api/v1/episodes/") == queries(many_client, "/api/v1/episodes/")
    assert queries(few_client, "/api/v1/pumps/") == queries(many_client, "/api/v1/pumps/")
    assert len(many_client.get("/api/v1/episodes/").json()["results"]) == 5
