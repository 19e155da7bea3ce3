"""The booking API of pump episodes: GET /api/v1/episodes/proposals/ and POST /api/v1/episodes/ — success, bad
input, roles, another clinic's ids (never leaked: a 400 like an id that does not exist), hostile input."""

from __future__ import annotations

import datetime as dt

import pytest

from common.api import CLINICIAN, FRONT_DESK
from pumps.models import Episode, EpisodeVisit, PumpCourse
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory
from tests.helpers import assert_error, client_for, staff_user
from tests.pumps.factories import PumpFactory, PumpMaintenanceFactory, PumpProtocolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC))]

PROPOSALS = "/api/v1/episodes/proposals/"
EPISODES = "/api/v1/episodes/"


@pytest.fixture
def site():
    def build():
        clinic = ClinicFactory(start_stagger_minutes=0)
        return {
            "clinic": clinic, "chair": ChairFactory(clinic=clinic), "nurse": NurseFactory(clinic=clinic),
            "pump": PumpFactory(clinic=clinic, label="Pump 1"), "patient": PatientFactory(clinic=clinic),
            "protocol": PumpProtocolFactory(clinic=clinic, episode_days=4),
        }

    home, away = build(), build()
    return {**home, "away": away, "desk": client_for(staff_user(FRONT_DESK, home["clinic"]))}


def body(site, **changes):
    return {"clinic": site["clinic"].pk, "patient": site["patient"].pk, "protocol": site["protocol"].pk,
            "fitting_start": "2027-03-01T09:00", **changes}


def query(site, **changes):
    return {"clinic": site["clinic"].pk, "patient": site["patient"].pk, "protocol": site["protocol"].pk,
            "earliest": "2027-03-01", **changes}


def test_proposals_answer_the_earliest_episode(site):
    response = site["desk"].get(PROPOSALS, query(site))
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["code"], data["timezone"]) == (None, "America/New_York")
    first = data["episodes"][0]
    assert (first["pump"], first["pump_label"], first["starts_at"]) == (site["pump"].pk, "Pump 1", "2027-03-01T13:00:00Z")
    assert [v["kind"] for v in first["visits"]] == ["fitting", "review", "review", "review", "removal"]
    assert first["visits"][0]["starts_local"] == "2027-03-01T08:00:00-05:00"


def test_proposals_explain_when_every_pump_is_out(site):
    PumpMaintenanceFactory(pump=site["pump"], starts_at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC),
                           ends_at=dt.datetime(2027, 5, 14, 15, tzinfo=dt.UTC))
    data = site["desk"].get(PROPOSALS, query(site)).json()
    assert (data["episodes"], data["code"]) == ([], "no_pump_free")
    assert data["message"] == "The pump is out until 14 May."
    site["pump"].status = "maintenance"
    site["pump"].save()
    data = site["desk"].get(PROPOSALS, query(site)).json()
    assert (data["code"], data["message"]) == ("no_pump", "The clinic has no pump in service.")


def test_booking_answers_201_with_the_episode_and_its_visits(site):
    chair2 = ChairFactory(clinic=site["clinic"])
    response = site["desk"].post(EPISODES, body(site, visits=[{"day": 0, "chair": chair2.pk}]), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    episode = Episode.objects.get()
    assert (data["id"], data["number"], data["pump"], data["status"]) == (episode.pk, 1, site["pump"].pk, "booked")
    assert data["starts_at"] == "2027-03-01T14:00:00Z"
    assert [(v["day"], v["kind"]) for v in data["visits"]] == [(0, "fitting"), (1, "review"), (2, "review"),
                                                             (3, "review"), (4, "removal")]
    assert data["visits"][0]["chair"] == chair2.pk
    assert data["visits"][4]["starts_local"] == "2027-03-05T09:00:00-05:00"


def test_a_clash_is_a_409_with_code_and_message(site):
    assert site["desk"].post(EPISODES, body(site), format="json").status_code == 201
    other = PatientFactory(clinic=site["clinic"])
    response = site["desk"].post(EPISODES, body(site, patient=other.pk, pump=site["pump"].pk,
                                                fitting_start="2027-03-02T11:00"), format="json")
    error = assert_error(response, 409, "pump_unavailable")
    assert "Pump 1" in error["message"]
    assert Episode.objects.count() == 1


def test_a_rule_broken_by_the_request_is_a_400(site):
    site["protocol"].phone_review_when_closed = False
    site["protocol"].save()
    response = site["desk"].post(EPISODES, body(site, fitting_start="2027-03-04T09:00"), format="json")
    assert_error(response, 400, "review_on_closed_day")
    assert_error(site["desk"].post(EPISODES, body(site, fitting_start="2027-03-14T02:30"), format="json"), 400,
                 "nonexistent_local_time")
    assert not PumpCourse.objects.exists()


@pytest.mark.parametrize("role", [CLINICIAN, None])
def test_other_roles_may_not_book_or_ask(site, role):
    client = client_for(staff_user(role, site["clinic"]))
    assert client.post(EPISODES, body(site), format="json").status_code == 403
    assert client.get(PROPOSALS, query(site)).status_code == 403
    assert client_for().post(EPISODES, body(site), format="json").status_code == 401
    assert not Episode.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("clinic", lambda away: away["clinic"].pk),
    ("patient", lambda away: away["patient"].pk),
    ("protocol", lambda away: away["protocol"].pk),
    ("pump", lambda away: away["pump"].pk),
])
def test_another_clinics_ids_are_400s_like_missing_ones(site, field, value):
    away_id = value(site["away"])
    response = site["desk"].post(EPISODES, body(site, **{field: away_id}), format="json")
    error = assert_error(response, 400, "validation_error", field)
    missing = site["desk"].post(EPISODES, body(site, **{field: 10**9}), format="json").json()
    assert error["details"][field][0].replace(str(away_id), "ID") == missing["details"][field][0].replace(str(10**9), "ID")
    if field != "pump":
        assert_error(site["desk"].get(PROPOSALS, query(site, **{field: away_id})), 400, "validation_error", field)
    assert not Episode.objects.exists()


def test_another_clinics_chair_or_nurse_in_visits_is_a_400(site):
    for name in ("chair", "nurse"):
        response = site["desk"].post(EPISODES, body(site, visits=[{"day": 0, name: site["away"][name].pk}]),
                                     format="json")
        assert_error(response, 400, "validation_error", "visits")
    assert not EpisodeVisit.objects.exists()


@pytest.mark.parametrize("changes", [
    {"fitting_start": "2027-03-01T09:00\x00"},
    {"fitting_start": "\x00"},
    {"fitting_start": "9999-12-31T23:59"},
    {"fitting_start": "9999-12-31T23:59:59-12:00"},
    {"fitting_start": "0001-01-01T00:00:00+14:00"},
    {"fitting_start": "1900-01-01T00:00"},
    {"fitting_start": "2027-03-01"},
    {"fitting_start": 20270301},
    {"fitting_start": None},
    {"patient": "1\x00"},
    {"patient": 2**70},
    {"pump": -1},
    {"visits": [{"day": 0}, {"day": 0}]},
    {"visits": [{"day": 99}]},
    {"visits": [{"day": 5}]},
    {"visits": "all"},
    {"visits": [{"day": 0, "chair": "\x00"}]},
    {"course": 2**63},
])
def test_hostile_bodies_are_4xx_never_500(site, changes):
    response = site["desk"].post(EPISODES, body(site, **changes), format="json")
    assert 400 <= response.status_code < 500, response.content
    assert set(response.json()) == {"code", "message", "details"}
    assert not Episode.objects.exists()


@pytest.mark.parametrize("changes", [
    {"earliest": "9999-12-31"}, {"earliest": "0001-01-01"}, {"earliest": "2027-03-01\x00"}, {"earliest": "soon"},
    {"clinic": "\x00"}, {"patient": "-5"}, {"protocol": "1e9"}, {"course": "99999999999999999999999"},
    {"earliest": "1900-01-01"},
])
def test_hostile_queries_are_4xx_never_500(site, changes):
    response = site["desk"].get(PROPOSALS, query(site, **changes))
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:  # a date in the past reads as today
        assert response.json()["episodes"]


def test_a_course_of_another_patient_is_a_400(site):
    site["desk"].post(EPISODES, body(site), format="json")
    course = PumpCourse.objects.get()
    other = PatientFactory(clinic=site["clinic"])
    response = site["desk"].post(EPISODES, body(site, patient=other.pk, course=course.pk,
                                                fitting_start="2027-03-22T09:00"), format="json")
    assert_error(response, 400, "validation_error", "course")
