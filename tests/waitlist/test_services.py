"""Waitlist services: entries, offers of a freed slot, acceptance through the booking services, decline, expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import services as booking
from bookings.models import CancelledBy, FreedSlot, InfusionSession, SessionStatus
from common.errors import ApplicationError
from tests.conftest import local
from tests.factories import PatientFactory, shared_protocol
from tests.waitlist.conftest import NOW
from waitlist import services
from waitlist.matching import Slot
from waitlist.models import EntryStatus, OfferEmail, OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistSettings

pytestmark = pytest.mark.frozen(NOW)


def _free(scene) -> Slot:
    booking.session_cancel(session=scene.freed, by_party=CancelledBy.CLINIC, reason="Patient asked")
    return Slot(scene.clinic.pk, scene.chair.pk, scene.freed.starts_at, scene.freed.ends_at)


def test_a_freed_slot_is_offered_to_the_earliest_waiting_entry(scene):
    offer = services.slot_offer_next(slot=_free(scene))
    assert offer is not None
    assert offer.entry == scene.entries[0]
    assert offer.starts_at == local(scene.clinic, 2027, 3, 8, 10)
    assert offer.chair == scene.chair
    assert offer.expires_at == offer.created_at + dt.timedelta(minutes=120)
    assert WaitlistEntry.objects.get(pk=scene.entries[0].pk).status == EntryStatus.OFFERED
    assert list(OfferEmail.objects.filter(offer=offer).values_list("kind", flat=True)) == ["offer"]


def test_a_held_slot_is_not_offered_twice(scene):
    slot = _free(scene)
    assert services.slot_offer_next(slot=slot) is not None
    assert services.slot_offer_next(slot=slot) is None
    assert WaitlistOffer.objects.count() == 1


def test_the_hold_is_the_clinics_setting(scene):
    WaitlistSettings.objects.create(clinic=scene.clinic, waitlist_hold_minutes=30)
    offer = services.slot_offer_next(slot=_free(scene))
    assert offer.expires_at - offer.created_at == dt.timedelta(minutes=30)


def test_accepting_moves_the_session_through_the_booking_service(scene):
    offer = services.slot_offer_next(slot=_free(scene))
    offer = services.offer_accept(offer=offer)
    assert offer.status == OfferStatus.ACCEPTED
    moved = InfusionSession.objects.get(pk=scene.later[0].pk)
    assert moved.starts_at == local(scene.clinic, 2027, 3, 8, 10)
    assert moved.version == 2
    assert WaitlistEntry.objects.get(pk=scene.entries[0].pk).status == EntryStatus.BOOKED
    # Accepting again is harmless.
    assert services.offer_accept(offer=offer).status == OfferStatus.ACCEPTED


def test_constraints_keep_an_entry_from_a_slot(scene):
    WaitlistEntry.objects.filter(pk=scene.entries[0].pk).update(weekdays=[2, 3])  # not a Monday
    offer = services.slot_offer_next(slot=_free(scene))
    assert offer.entry == scene.entries[1]


def test_a_time_of_day_outside_the_entrys_hours_is_not_offered(scene):
    WaitlistEntry.objects.filter(pk__in=[e.pk for e in scene.entries]).update(time_from=dt.time(13))
    assert services.slot_offer_next(slot=_free(scene)) is None


def test_a_new_course_entry_books_the_whole_course(scene):
    patient = PatientFactory(clinic=scene.clinic, consenting=True)
    entry = services.entry_create(clinic=scene.clinic, patient=patient, protocol=shared_protocol("booster-iv"),
                                  weekdays=[0], time_from=dt.time(10))
    for e in scene.entries:
        services.entry_withdraw(entry=e)
    offer = services.slot_offer_next(slot=_free(scene))
    assert offer.entry == entry
    assert offer.starts_at == local(scene.clinic, 2027, 3, 8, 10)
    offer = services.offer_accept(offer=offer)
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.cycle.patient == patient
    assert [s.starts_at for s in offer.cycle.sessions.all()] == [local(scene.clinic, 2027, 3, 8, 10)]


def test_a_slot_booked_by_the_desk_meanwhile_is_taken(scene):
    offer = services.slot_offer_next(slot=_free(scene))
    other = PatientFactory(clinic=scene.clinic)
    booking.cycle_book(patient=other, protocol=shared_protocol("booster-iv"), clinic=scene.clinic,
                       sessions=[booking.SessionRequest(dt.datetime(2027, 3, 8, 10))])
    offer = services.offer_accept(offer=offer)
    assert offer.status == OfferStatus.TAKEN
    assert WaitlistEntry.objects.get(pk=offer.entry_id).status == EntryStatus.WAITING
    assert InfusionSession.objects.get(pk=scene.later[0].pk).starts_at == local(scene.clinic, 2027, 3, 22, 10)
    assert set(OfferEmail.objects.filter(offer=offer).values_list("kind", flat=True)) == {"offer", "taken"}


def test_declining_keeps_the_entry_waiting(scene):
    offer = services.slot_offer_next(slot=_free(scene))
    offer = services.offer_decline(offer=offer)
    assert offer.status == OfferStatus.DECLINED
    assert WaitlistEntry.objects.get(pk=offer.entry_id).status == EntryStatus.WAITING
    with pytest.raises(ApplicationError) as refused:
        services.offer_accept(offer=offer)
    assert refused.value.code == "offer_not_open"


def test_an_expired_offer_goes_to_the_next_patient(scene, frozen):
    slot = _free(scene)
    first = services.slot_offer_next(slot=slot)
    assert first.entry == scene.entries[0]
    frozen.shift(dt.timedelta(minutes=119))
    assert services.offers_expire() == []
    frozen.shift(dt.timedelta(minutes=1))
    assert services.offers_expire() == [first.pk]
    first.refresh_from_db()
    assert first.status == OfferStatus.EXPIRED
    assert WaitlistEntry.objects.get(pk=scene.entries[0].pk).status == EntryStatus.WAITING
    second = WaitlistOffer.objects.get(status=OfferStatus.OFFERED)
    assert second.entry == scene.entries[1]
    assert second.starts_at == first.starts_at
    with pytest.raises(ApplicationError) as refused:
        services.offer_accept(offer=first)
    assert refused.value.code == "offer_not_open"
    assert services.offer_accept(offer=second).status == OfferStatus.ACCEPTED
    assert InfusionSession.objects.get(pk=scene.later[1].pk).starts_at == slot.starts_at


def test_withdrawing_closes_the_open_offer(scene):
    offer = services.slot_offer_next(slot=_free(scene))
    services.entry_withdraw(entry=offer.entry)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    with pytest.raises(ApplicationError) as refused:
        services.entry_withdraw(entry=offer.entry)
    assert refused.value.code == "entry_not_waiting"


@pytest.mark.parametrize("kwargs, code", [
    ({}, "entry_invalid"),
    ({"weekdays": [7]}, "entry_invalid"),
    ({"time_from": dt.time(12), "time_to": dt.time(9)}, "entry_invalid"),
    ({"earliest_date": dt.date(2027, 3, 9), "latest_date": dt.date(2027, 3, 8)}, "entry_invalid"),
])
def test_bad_entries_are_refused(scene, kwargs, code):
    patient = scene.later[0].patient
    if kwargs:
        kwargs = {"session": scene.later[0], **kwargs}
    with pytest.raises(ApplicationError) as refused:
        services.entry_create(clinic=scene.clinic, patient=patient, **kwargs)
    assert refused.value.code == code


def test_a_cancelled_session_cannot_wait(scene):
    booking.session_cancel(session=scene.later[0], by_party=CancelledBy.CLINIC, reason="x")
    with pytest.raises(ApplicationError):
        services.entry_create(clinic=scene.clinic, patient=scene.later[0].patient,
                              session=InfusionSession.objects.get(pk=scene.later[0].pk))
    assert InfusionSession.objects.get(pk=scene.later[0].pk).status == SessionStatus.CANCELLED


def test_cancelling_a_session_asks_the_waitlist_after_the_commit(scene, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("celery.current_app.send_task", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        booking.session_cancel(session=scene.freed, by_party=CancelledBy.PATIENT, reason="x")
    row = FreedSlot.objects.get()
    assert (row.chair_id, row.starts_at, row.ends_at, row.cause) == (scene.chair.pk, scene.freed.starts_at,
                                                                     scene.freed.ends_at, "cancel")
    assert sent == [("waitlist.tasks.freed_slot_offer", [row.pk])]
    from waitlist.tasks import freed_slot_offer

    assert freed_slot_offer(*sent[0][1]) == "offered"
    assert WaitlistOffer.objects.get().entry == scene.entries[0]
