"""The waitlist API: create, list, retrieve, withdraw; an entry's offers, and offering a slot by hand. Each with
success, bad input, the wrong role and another clinic's entry."""

from __future__ import annotations

import pytest

from bookings import services as booking
from bookings.models import CancelledBy
from common.api import CLINICIAN, FRONT_DESK
from tests.factories import ClinicFactory, PatientFactory
from tests.helpers import assert_error, client_for, staff_user
from tests.waitlist.conftest import NOW
from waitlist import services
from waitlist.models import EntryStatus, WaitlistEntry

pytestmark = pytest.mark.frozen(NOW)


@pytest.fixture
def desk(scene):
    return client_for(staff_user(FRONT_DESK, scene.clinic))


def test_create_list_retrieve_withdraw(scene, desk):
    patient = PatientFactory(clinic=scene.clinic)
    created = desk.post("/api/v1/waitlist/", {"clinic": scene.clinic.pk, "patient": patient.pk, "protocol":
                        scene.freed.cycle.protocol_id, "weekdays": [0, 2], "time_from": "09:00"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "course" and body["status"] == "waiting" and body["weekdays"] == [0, 2]
    listed = desk.get("/api/v1/waitlist/").json()
    assert [e["id"] for e in listed["results"]] == [e.pk for e in scene.entries] + [body["id"]]
    assert desk.get(f"/api/v1/waitlist/{body['id']}/").json()["time_from"] == "09:00:00"
    withdrawn = desk.post(f"/api/v1/waitlist/{body['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert_error(desk.post(f"/api/v1/waitlist/{body['id']}/withdraw/"), 409, "entry_not_waiting")


@pytest.mark.parametrize("body, status, code", [
    ({"weekdays": [7]}, 400, "validation_error"),
    ({"weekdays": "0"}, 400, "validation_error"),
    ({"time_from": "9am"}, 400, "validation_error"),
    ({"protocol": None}, 400, "entry_invalid"),
    ({"time_from": "12:00", "time_to": "09:00"}, 400, "entry_invalid"),
])
def test_bad_entries(scene, desk, body, status, code):
    base = {"clinic": scene.clinic.pk, "patient": scene.later[0].patient_id, "protocol": scene.freed.cycle.protocol_id}
    assert_error(desk.post("/api/v1/waitlist/", {**base, **body}, format="json"), status, code)


def test_offer_by_hand_and_list_offers(scene, desk):
    booking.session_cancel(session=scene.freed, by_party=CancelledBy.CLINIC, reason="x")
    entry = scene.entries[1]
    made = desk.post(f"/api/v1/waitlist/{entry.pk}/offers/", {"starts_at": "2027-03-08T10:00"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["starts_at"] == "2027-03-08T15:00:00Z" and made.json()["by_hand"] is True
    assert WaitlistEntry.objects.get(pk=entry.pk).status == EntryStatus.OFFERED
    offers = desk.get(f"/api/v1/waitlist/{entry.pk}/offers/").json()
    assert [o["id"] for o in offers] == [made.json()["id"]]
    assert_error(desk.post(f"/api/v1/waitlist/{entry.pk}/offers/", {"starts_at": "2027-03-08T10:00"}, format="json"),
                 409, "entry_not_waiting")
    # A time the course cannot take (the clinic is shut at night).
    assert_error(desk.post(f"/api/v1/waitlist/{scene.entries[0].pk}/offers/", {"starts_at": "2027-03-08T22:00"},
                           format="json"), 409, "slot_unsuited")
    assert_error(desk.post(f"/api/v1/waitlist/{scene.entries[0].pk}/offers/", {"starts_at": "soon"}, format="json"),
                 400, "validation_error")


def test_roles(scene):
    clinician = client_for(staff_user(CLINICIAN, scene.clinic))
    assert clinician.get("/api/v1/waitlist/").status_code == 200
    assert clinician.get(f"/api/v1/waitlist/{scene.entries[0].pk}/offers/").status_code == 200
    assert_error(clinician.post(f"/api/v1/waitlist/{scene.entries[0].pk}/withdraw/"), 403, "permission_denied")
    assert_error(clinician.post(f"/api/v1/waitlist/{scene.entries[0].pk}/offers/", {"starts_at": "2027-03-08T10:00"},
                                format="json"), 403, "permission_denied")
    assert_error(clinician.post("/api/v1/waitlist/", {}, format="json"), 403, "permission_denied")
    assert_error(client_for().get("/api/v1/waitlist/"), 401, "not_authenticated")


def test_another_clinics_entries_are_not_found(scene):
    other = ClinicFactory()
    stranger = client_for(staff_user(FRONT_DESK, other))
    entry = scene.entries[0]
    assert stranger.get("/api/v1/waitlist/").json()["results"] == []
    assert_error(stranger.get(f"/api/v1/waitlist/{entry.pk}/"), 404, "not_found")
    assert_error(stranger.post(f"/api/v1/waitlist/{entry.pk}/withdraw/"), 404, "not_found")
    assert_error(stranger.get(f"/api/v1/waitlist/{entry.pk}/offers/"), 404, "not_found")
    body = {"clinic": other.pk, "patient": entry.patient_id, "session": entry.session_id}
    assert_error(stranger.post("/api/v1/waitlist/", body, format="json"), 400, "validation_error")
    assert services.entry_withdraw  # the entry is untouched
    assert WaitlistEntry.objects.get(pk=entry.pk).status == EntryStatus.WAITING


def test_list_query_count_is_fixed(scene, desk, django_assert_max_num_queries):
    for _ in range(10):
        services.entry_create(clinic=scene.clinic, patient=scene.later[0].patient, session=scene.later[0])
    with django_assert_max_num_queries(12):
        assert desk.get("/api/v1/waitlist/").status_code == 200
