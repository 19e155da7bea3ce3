"""The desk's waitlist page: the list with constraints and offers, offer by hand, withdraw, add from a patient."""

from __future__ import annotations

import pytest
from django.test import Client

from bookings import services as booking
from bookings.models import CancelledBy
from common.api import CLINICIAN, FRONT_DESK
from tests.factories import ClinicFactory, shared_protocol
from tests.helpers import signed_in, staff_user
from tests.waitlist.conftest import NOW
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

pytestmark = pytest.mark.frozen(NOW)


@pytest.fixture
def desk(scene):
    return signed_in(Client(), staff_user(FRONT_DESK, scene.clinic))


def test_the_list_shows_entries_offers_and_outcomes(scene, desk):
    booking.session_cancel(session=scene.freed, by_party=CancelledBy.CLINIC, reason="x")
    made = desk.post(f"/waitlist/{scene.entries[0].pk}/offer/", {"starts_at": "2027-03-08T10:00"})
    assert made.status_code == 302
    offer = WaitlistOffer.objects.get(entry=scene.entries[0])
    assert offer.status == OfferStatus.OFFERED and offer.by_hand
    page = desk.get(f"/waitlist/?clinic={scene.clinic.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert scene.entries[0].patient.last_name in text
    assert "Mon 8 Mar, 10:00" in text and "Offered" in text and "(by hand)" in text


def test_an_unsuited_time_is_explained(scene, desk):
    response = desk.post(f"/waitlist/{scene.entries[0].pk}/offer/", {"starts_at": "2027-03-08T22:00"}, follow=True)
    assert "does not suit" in response.content.decode()
    assert not WaitlistOffer.objects.exists()


def test_withdraw(scene, desk):
    desk.post(f"/waitlist/{scene.entries[0].pk}/withdraw/")
    assert WaitlistEntry.objects.get(pk=scene.entries[0].pk).status == EntryStatus.WITHDRAWN


def test_add_from_the_patients_page(scene, desk):
    patient = scene.freed.patient
    assert f"/patients/{patient.pk}/waitlist/" in desk.get(f"/patients/{patient.pk}/").content.decode()
    form = desk.get(f"/patients/{patient.pk}/waitlist/")
    assert form.status_code == 200
    response = desk.post(f"/patients/{patient.pk}/waitlist/", {
        "protocol": shared_protocol("booster-iv").pk, "weekdays": ["0", "2"], "time_from": "09:00", "notes": "Mornings",
    })
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(patient=patient)
    assert entry.weekdays == [0, 2] and entry.notes == "Mornings" and entry.kind == "course"
    refused = desk.post(f"/patients/{patient.pk}/waitlist/", {"time_from": "12:00", "time_to": "09:00"})
    assert refused.status_code == 200 and "Give either a protocol" in refused.content.decode()


def test_roles_and_other_clinics(scene):
    clinician = signed_in(Client(), staff_user(CLINICIAN, scene.clinic))
    assert clinician.get(f"/waitlist/?clinic={scene.clinic.pk}").status_code == 200
    assert clinician.post(f"/waitlist/{scene.entries[0].pk}/withdraw/").status_code == 403
    stranger = signed_in(Client(), staff_user(FRONT_DESK, ClinicFactory()))
    assert stranger.post(f"/waitlist/{scene.entries[0].pk}/withdraw/").status_code == 404
    assert stranger.get(f"/patients/{scene.freed.patient_id}/waitlist/").status_code == 404
    assert WaitlistEntry.objects.get(pk=scene.entries[0].pk).status == EntryStatus.WAITING
