"""The freed-slot trigger end to end with a real Celery worker process: a cancelled session is offered to the
waiting patient, whose offer email reaches an SMTP server; with the broker down at the commit, the sweep (run by
the worker, as beat sends it) offers it later, once.

Real parts (tests.notifications.delivery): the rows in PostgreSQL, the messages through Redis (REDIS_URL), a
prefork worker reading a queue of its own, aiosmtpd recording what arrives.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from bookings import services as booking
from bookings.models import CancelledBy, FreedSlot
from bookings.services.freed import FREED_SLOT_GRACE, SLOT_FREED_TASK
from tests.factories import ClinicFactory, PatientFactory, book_course
from tests.notifications.delivery import delivery_rig, smtp_server  # noqa: F401 (fixtures)
from waitlist import services
from waitlist.models import OfferEmail, OfferEmailStatus, OfferStatus, WaitlistOffer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _next_monday(weeks: int) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=7 * weeks)
    return day - dt.timedelta(days=day.weekday())


def _scene():
    """A booked booster two weeks ahead, and a waiting patient booked two weeks later who wants an earlier time."""
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1, email="desk@example.org")
    day = _next_monday(2)
    freed = book_course(patient=PatientFactory(clinic=clinic), protocol="booster-iv",
                        starts=[dt.datetime.combine(day, dt.time(10))]).sessions[0]
    waiting = PatientFactory(clinic=clinic, consenting=True, email="waiting@example.org")
    later = book_course(patient=waiting, protocol="booster-iv",
                        starts=[dt.datetime.combine(day + dt.timedelta(days=14), dt.time(10))]).sessions[0]
    entry = services.entry_create(clinic=clinic, patient=waiting, session=later)
    return freed, entry


@pytest.fixture
def rig(delivery_rig, monkeypatch):  # noqa: F811
    """One worker on a queue of its own; this process's messages go to that queue."""
    from config.celery import app

    rig = delivery_rig(workers=1)
    monkeypatch.setattr(app, "send_task", partial(app.send_task, queue=rig.queue))
    return rig


def _offer_mail(rig):
    (received,) = rig.smtp.wait_for(1)
    message = received.message
    assert received.rcpt_tos == ["waiting@example.org"]
    assert message["Subject"] == "An earlier appointment is available"
    assert "/p/offer-accept/" in message.get_body(("plain",)).get_content()
    return received


def test_a_cancel_reaches_the_waiting_patient_through_a_worker(rig):
    freed, entry = _scene()
    booking.session_cancel(session=freed, by_party=CancelledBy.PATIENT, reason="Away")  # commits: sends the id
    _offer_mail(rig)
    offer = WaitlistOffer.objects.get()
    assert (offer.entry_id, offer.starts_at, offer.status) == (entry.pk, freed.starts_at, OfferStatus.OFFERED)
    row = FreedSlot.objects.get()
    assert row.handled_at is not None and row.outcome == "offered"
    rig.wait(lambda: OfferEmail.objects.filter(status=OfferEmailStatus.SENT).count() == 1, what="the row marked sent")


def test_a_broker_down_at_the_commit_is_made_good_by_the_sweep(rig, monkeypatch):
    from config.celery import app

    freed, entry = _scene()
    working = app.send_task

    def down(name, *args, **kwargs):
        if name == SLOT_FREED_TASK:
            raise ConnectionRefusedError("Error 111 connecting to the broker. Connection refused.")
        return working(name, *args, **kwargs)

    monkeypatch.setattr(app, "send_task", down)
    booking.session_cancel(session=freed, by_party=CancelledBy.PATIENT, reason="Away")
    row = FreedSlot.objects.get()
    assert row.handled_at is None and not WaitlistOffer.objects.exists()
    # Beat's next sweeps, once the row is older than the grace time (its message never came): the worker offers it.
    FreedSlot.objects.filter(pk=row.pk).update(created_at=row.created_at - FREED_SLOT_GRACE)
    monkeypatch.setattr(app, "send_task", working)
    app.send_task("waitlist.tasks.waitlist_sweep")
    app.send_task("waitlist.tasks.waitlist_sweep")
    _offer_mail(rig)
    rig.wait(lambda: FreedSlot.objects.filter(handled_at__isnull=False).exists(), what="the row handled")
    assert WaitlistOffer.objects.get().entry_id == entry.pk
    assert len(rig.smtp.snapshot()) == 1
