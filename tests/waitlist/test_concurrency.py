"""Two patients accepting one offered slot at once: one booking, the other told it was taken (PostgreSQL,
threads with their own connections, released together)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from bookings import services as booking
from bookings.models import OCCUPYING_STATUSES, CancelledBy, InfusionSession
from tests.bookings.race import attempt_all
from tests.factories import ClinicFactory, PatientFactory, book_course
from waitlist import services
from waitlist.models import EntryStatus, OfferEmail, OfferStatus, WaitlistEntry, WaitlistOffer


def _next_monday(weeks: int) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=7 * weeks)
    return day - dt.timedelta(days=day.weekday())


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_of_one_slot_give_one_booking(monkeypatch):
    monkeypatch.setattr(services, "_send_later", lambda task, *args: None)  # no broker in this test
    monkeypatch.setattr("celery.current_app.send_task", lambda *a, **k: None)
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
    first_day = _next_monday(2)
    freed = book_course(patient=PatientFactory(clinic=clinic), protocol="booster-iv",
                        starts=[dt.datetime.combine(first_day, dt.time(10))]).sessions[0]
    waiting = []
    for k in range(2):
        patient = PatientFactory(clinic=clinic, consenting=True)
        session = book_course(patient=patient, protocol="booster-iv",
                              starts=[dt.datetime.combine(first_day + dt.timedelta(days=14 + k), dt.time(10))]).sessions[0]
        waiting.append(services.entry_create(clinic=clinic, patient=patient, session=session))
    booking.session_cancel(session=freed, by_party=CancelledBy.CLINIC, reason="Asked to")
    # The desk offers the freed time by hand to both: the first valid acceptance wins.
    offers = [services.offer_make(entry=e, starts_at=freed.starts_at, by_hand=True) for e in waiting]
    assert {(o.starts_at, o.chair_id) for o in offers} == {(freed.starts_at, freed.chair_id)}

    outcome = attempt_all([partial(lambda o: _accept(o), o) for o in offers])
    assert outcome == {"booked": 2}  # neither raised: one accepted, one told "taken"
    statuses = sorted(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == [OfferStatus.ACCEPTED, OfferStatus.TAKEN]
    assert InfusionSession.objects.filter(
        status__in=OCCUPYING_STATUSES, starts_at=freed.starts_at, chair_id=freed.chair_id
    ).count() == 1
    loser = WaitlistOffer.objects.get(status=OfferStatus.TAKEN)
    assert WaitlistEntry.objects.get(pk=loser.entry_id).status == EntryStatus.WAITING
    assert OfferEmail.objects.filter(offer=loser, kind="taken").count() == 1
    winner = WaitlistOffer.objects.get(status=OfferStatus.ACCEPTED)
    assert WaitlistEntry.objects.get(pk=winner.entry_id).status == EntryStatus.BOOKED


def _accept(offer):
    services.offer_accept(offer=WaitlistOffer.objects.get(pk=offer.pk))


@pytest.mark.django_db(transaction=True)
def test_one_freed_slot_handled_at_once_by_four_workers_gives_one_offer(monkeypatch):
    """The task and the sweep (or a redelivered message) at the same moment, and the same time freed twice (two
    rows): the rows are claimed under SKIP LOCKED and one chair's rows decided one at a time."""
    monkeypatch.setattr(services, "_send_later", lambda task, *args: None)
    monkeypatch.setattr("celery.current_app.send_task", lambda *a, **k: None)
    from bookings.models import FreedSlot
    from bookings.services.freed import slots_freed_on_commit
    from waitlist.freed import freed_slot_offer

    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
    first_day = _next_monday(2)
    freed = book_course(patient=PatientFactory(clinic=clinic), protocol="booster-iv",
                        starts=[dt.datetime.combine(first_day, dt.time(10))]).sessions[0]
    for k in range(3):
        patient = PatientFactory(clinic=clinic, consenting=True)
        session = book_course(patient=patient, protocol="booster-iv",
                              starts=[dt.datetime.combine(first_day + dt.timedelta(days=14 + k), dt.time(10))]).sessions[0]
        services.entry_create(clinic=clinic, patient=patient, session=session)
    booking.session_cancel(session=freed, by_party=CancelledBy.CLINIC, reason="Asked to")
    slots_freed_on_commit(clinic_id=clinic.pk, slots=[(freed.chair_id, freed.starts_at, freed.ends_at)], cause="test")
    rows = list(FreedSlot.objects.order_by("pk").values_list("pk", flat=True))
    assert len(rows) == 2

    outcomes = []

    def handle(pk):
        outcomes.append(freed_slot_offer(freed_id=pk))

    attempt_all([partial(handle, pk) for pk in rows * 2])
    assert WaitlistOffer.objects.count() == 1
    assert sorted(map(str, outcomes)) == ["None", "None", "none", "offered"]  # the second row: slot held already
    assert not FreedSlot.objects.filter(handled_at__isnull=True).exists()
