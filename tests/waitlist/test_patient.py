"""The patient's side of an offer: the email (sent once, no treatment words, the time in the patient's zone)
and the /p/offer/ pages (a GET shows, a POST acts once; signed, expiring)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from bookings import services as booking
from bookings.models import CancelledBy, Patient
from common.treatment_words import treatment_words_in
from tests.waitlist.conftest import NOW
from waitlist import delivery, links, services
from waitlist.matching import Slot
from waitlist.models import OfferEmail, OfferStatus

pytestmark = pytest.mark.frozen(NOW)


def _offer(scene):
    booking.session_cancel(session=scene.freed, by_party=CancelledBy.CLINIC, reason="Asked to")
    return services.slot_offer_next(slot=Slot(scene.clinic.pk, scene.chair.pk, scene.freed.starts_at, scene.freed.ends_at))


def _send_all() -> list[str]:
    return [delivery.offer_email_send(email_id=pk) for pk in delivery.offer_emails_pending()]


def _link(body: str, action: str) -> str:
    return re.search(rf"http://\S+/p/offer-{action}/\S+/", body).group(0).split("testserver")[-1]


def test_the_offer_email_says_when_in_the_patients_zone_and_nothing_of_the_treatment(scene):
    Patient.objects.filter(pk=scene.entries[0].patient_id).update(timezone="Europe/London")
    offer = _offer(scene)
    assert _send_all() == ["sent"]
    assert _send_all() == []  # sent once
    [message] = mail.outbox
    assert message.subject == "An earlier appointment is available"
    assert message.to == [scene.entries[0].patient.email]
    assert "Monday 8 March 2027, 15:00 (Europe/London, GMT)" in message.body
    assert "/p/offer-accept/" in message.body and "/p/offer-decline/" in message.body
    words = [offer.entry.session.cycle.protocol.name, *offer.entry.session.cycle.protocol.name.split()]
    assert treatment_words_in(message.subject + message.body, extra=words) == []
    assert OfferEmail.objects.get(offer=offer).status == "sent"


def test_no_email_without_consent(scene):
    Patient.objects.filter(pk=scene.entries[0].patient_id).update(email_consent=False)
    # An automatic offer goes to the next patient who can be emailed: one nobody reads would hold the slot for hours.
    offer = _offer(scene)
    assert offer.entry == scene.entries[1]
    services.offer_decline(offer=offer)
    mail.outbox.clear()
    # By hand (the desk phones her), the offer is made; its email is not sent.
    by_hand = services.offer_make(entry=scene.entries[0], starts_at=scene.freed.starts_at, by_hand=True)
    assert [delivery.offer_email_send(email_id=e.pk) for e in by_hand.emails.all()] == ["skipped"]
    assert mail.outbox == []


def test_no_automatic_offer_to_a_patient_without_an_email_address(scene):
    Patient.objects.filter(pk__in=[e.patient_id for e in scene.entries]).update(email="")
    assert _offer(scene) is None


def test_accepting_from_the_page_books_once(scene, settings):
    settings.SITE_URL = "http://testserver"
    offer = _offer(scene)
    _send_all()
    url = _link(mail.outbox[0].body, "accept")
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Book this appointment" in page.content
    assert page["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in page
    assert b"<script" not in page.content and b"style=" not in page.content
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED  # a GET does nothing
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    done = client.post(url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200
    assert b"Appointment booked" in done.content
    again = client.post(url, {"csrfmiddlewaretoken": token})
    assert again.status_code == 200 and b"Appointment booked" in again.content
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


def test_declining_from_the_page(scene, settings):
    settings.SITE_URL = "http://testserver"
    offer = _offer(scene)
    _send_all()
    response = Client().post(_link(mail.outbox[0].body, "decline"))
    assert response.status_code == 200 and b"Offer declined" in response.content
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED


def test_a_tampered_or_crossed_link_is_refused(scene):
    offer = _offer(scene)
    token = links.offer_token(action=links.DECLINE, offer_id=offer.pk, expires_at=offer.expires_at)
    assert Client().post(f"/p/offer-accept/{token}/").status_code == 400
    assert Client().get(f"/p/offer-accept/{token}x/").status_code == 400
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED


def test_an_expired_link_is_gone(scene, frozen):
    offer = _offer(scene)
    token = links.offer_token(action=links.ACCEPT, offer_id=offer.pk, expires_at=offer.expires_at)
    frozen.shift(dt.timedelta(hours=3))
    response = Client().post(f"/p/offer-accept/{token}/")
    assert response.status_code == 410
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED  # the sweep closes it


def test_taken_is_told_by_page_and_email(scene):
    offer = _offer(scene)
    assert _send_all() == ["sent"]
    second = services.offer_make(entry=scene.entries[1], starts_at=offer.starts_at, by_hand=True)
    services.offer_accept(offer=second)
    assert sorted(_send_all()) == ["sent", "skipped"]  # the taken notice; the winner's offer was closed unsent
    token = links.offer_token(action=links.ACCEPT, offer_id=offer.pk, expires_at=offer.expires_at)
    response = Client().get(f"/p/offer-accept/{token}/")
    assert response.status_code == 409 and b"This time was taken" in response.content
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["An earlier appointment is available", "The earlier appointment was taken"]
    taken = next(m for m in mail.outbox if "taken" in m.subject)
    assert taken.to == [scene.entries[0].patient.email]
    assert treatment_words_in(taken.subject + taken.body) == []
