"""The freed-slot outbox: every freed chair time offered once, none lost when the broker is down or a task runs
twice; the triggers (cancel, move, make-up cancelled, closure lifted, offer declined or expired)."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import services as booking
from bookings.models import CancelledBy, FreedSlot, InfusionSession
from bookings.services.freed import FREED_SLOT_GRACE, SLOT_FREED_TASK
from common.api import ADMIN
from scheduler import services as calendar
from scheduler.models import Closure
from tests.conftest import local
from tests.factories import PatientFactory, book_course, shared_protocol
from tests.helpers import client_for, staff_user
from tests.waitlist.conftest import NOW
from waitlist import services
from waitlist.freed import freed_slot_offer, freed_slots_sweep
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from waitlist.tasks import slot_offer, waitlist_sweep

pytestmark = pytest.mark.frozen(NOW)


class Broker:
    """`send_task` as the booking's commit calls it: records what was sent, or raises like a broker that is down."""

    def __init__(self, monkeypatch, *, down: bool = False):
        self.sent: list[tuple[str, list]] = []
        self.down = down
        monkeypatch.setattr("celery.current_app.send_task", self.send_task)

    def send_task(self, name, args=(), **kwargs):
        if self.down:
            raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((name, list(args)))

    def run(self) -> list[str | None]:
        """What a worker would do with the messages sent so far."""
        sent, self.sent = self.sent, []
        assert {name for name, _ in sent} <= {SLOT_FREED_TASK}
        return [freed_slot_offer(freed_id=args[0]) for _, args in sent]


def cancel(session, commit) -> None:
    with commit(execute=True):
        booking.session_cancel(session=session, by_party=CancelledBy.PATIENT, reason="Away")


def offers() -> list[tuple[int, dt.datetime, str]]:
    return list(WaitlistOffer.objects.order_by("pk").values_list("entry_id", "starts_at", "status"))


def test_the_row_is_written_with_the_cancel_and_sent_by_id(scene, django_capture_on_commit_callbacks, monkeypatch):
    broker = Broker(monkeypatch)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    row = FreedSlot.objects.get()
    assert broker.sent == [(SLOT_FREED_TASK, [row.pk])]
    assert row.handled_at is None and row.cause == "cancel"
    assert broker.run() == ["offered"]
    row.refresh_from_db()
    assert row.handled_at is not None and row.outcome == "offered"
    assert offers() == [(scene.entries[0].pk, scene.freed.starts_at, OfferStatus.OFFERED)]


def test_a_task_run_twice_offers_once(scene, django_capture_on_commit_callbacks, monkeypatch):
    broker = Broker(monkeypatch)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    (_, args), = broker.sent
    assert freed_slot_offer(freed_id=args[0]) == "offered"
    assert freed_slot_offer(freed_id=args[0]) is None  # handled already: nothing more
    assert len(offers()) == 1
    assert WaitlistEntry.objects.get(pk=scene.entries[1].pk).status == EntryStatus.WAITING


def test_a_message_queued_by_the_release_before_the_outbox_is_still_offered_once(scene, monkeypatch):
    """`waitlist.tasks.slot_offer(clinic, chair, start, end)` messages left in the queue at an upgrade."""
    Broker(monkeypatch)
    InfusionSession.objects.filter(pk=scene.freed.pk).update(status="cancelled")  # freed by the old release
    args = (scene.freed.clinic_id, scene.freed.chair_id, scene.freed.starts_at.isoformat(), scene.freed.ends_at.isoformat())
    assert slot_offer(*args) == "offered"
    assert offers() == [(scene.entries[0].pk, scene.freed.starts_at, OfferStatus.OFFERED)]
    assert FreedSlot.objects.get().outcome == "offered"


def test_a_broker_down_at_the_commit_loses_nothing_the_sweep_offers_it_once(
    scene, django_capture_on_commit_callbacks, monkeypatch, frozen
):
    broker = Broker(monkeypatch, down=True)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    assert InfusionSession.objects.get(pk=scene.freed.pk).status == "cancelled"  # the booking stands
    row = FreedSlot.objects.get()
    assert row.handled_at is None and offers() == []
    # Within the grace time the row's own message may still come: the sweep leaves it.
    waitlist_sweep()
    assert offers() == []
    frozen.shift(FREED_SLOT_GRACE)
    waitlist_sweep()
    assert offers() == [(scene.entries[0].pk, scene.freed.starts_at, OfferStatus.OFFERED)]
    # Later sweeps, and the message if the broker delivers it after all, offer nothing more.
    broker.down = False
    waitlist_sweep()
    assert freed_slot_offer(freed_id=row.pk) is None
    assert len(offers()) == 1
    assert FreedSlot.objects.get().outcome == "offered"


def test_handled_rows_are_forgotten_after_a_month_unhandled_ones_never(scene, django_capture_on_commit_callbacks,
                                                                       monkeypatch, frozen):
    broker = Broker(monkeypatch)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    broker.run()
    broker.down = True
    cancel(scene.later[1], django_capture_on_commit_callbacks)  # its message lost: unhandled a month on
    frozen.shift(dt.timedelta(days=30, seconds=1))
    freed_slots_sweep()
    assert list(FreedSlot.objects.values_list("starts_at", "outcome")) == [(scene.later[1].starts_at, "past")]
    frozen.shift(dt.timedelta(days=30, seconds=1))
    freed_slots_sweep()
    assert not FreedSlot.objects.exists()


def test_a_slot_whose_time_has_passed_is_handled_with_nothing_offered(scene, django_capture_on_commit_callbacks,
                                                                       monkeypatch, frozen):
    Broker(monkeypatch, down=True)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    frozen.move_to(scene.freed.starts_at + dt.timedelta(minutes=5))
    assert freed_slots_sweep() == [FreedSlot.objects.get().pk]
    assert FreedSlot.objects.get().outcome == "past"
    assert offers() == []


def test_a_slot_booked_again_before_it_is_offered_is_not_offered(scene, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    broker = Broker(monkeypatch)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    book_course(patient=PatientFactory(clinic=scene.clinic), protocol="booster-iv", starts=[dt.datetime(2027, 3, 8, 10)])
    assert broker.run() == ["not free"]
    assert offers() == []
    assert WaitlistEntry.objects.get(pk=scene.entries[0].pk).status == EntryStatus.WAITING


def test_a_move_away_frees_the_old_time(scene, django_capture_on_commit_callbacks, monkeypatch):
    broker = Broker(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        booking.session_reschedule(session=scene.freed, starts_at=dt.datetime(2027, 3, 9, 10))
    row = FreedSlot.objects.get()
    assert (row.starts_at, row.cause) == (scene.freed.starts_at, "move")
    assert broker.run() == ["offered"]
    assert offers()[0][:2] == (scene.entries[0].pk, scene.freed.starts_at)


def test_a_declined_offer_goes_to_the_next_patient_through_the_outbox(scene, django_capture_on_commit_callbacks,
                                                                      monkeypatch):
    broker = Broker(monkeypatch)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    broker.run()
    first = WaitlistOffer.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_decline(offer=first)
    assert FreedSlot.objects.filter(cause="offer declined", handled_at__isnull=True).count() == 1
    assert broker.run() == ["offered"]
    assert offers()[1][:2] == (scene.entries[1].pk, scene.freed.starts_at)


def test_an_expired_offer_leaves_a_row_the_sweep_offers_if_the_process_died(scene, django_capture_on_commit_callbacks,
                                                                             monkeypatch, frozen):
    broker = Broker(monkeypatch)
    cancel(scene.freed, django_capture_on_commit_callbacks)
    broker.run()
    frozen.shift(dt.timedelta(hours=3))
    # The expiry commits, then the process dies before offering the slot on.
    monkeypatch.setattr("waitlist.freed.freed_slot_offer", lambda *, freed_id: None)
    assert len(services.offers_expire()) == 1
    row = FreedSlot.objects.get(cause="offer expired")
    assert row.handled_at is None
    monkeypatch.undo()
    Broker(monkeypatch)
    frozen.shift(FREED_SLOT_GRACE)
    waitlist_sweep()
    assert [o[0] for o in offers()] == [scene.entries[0].pk, scene.entries[1].pk]
    assert offers()[1][2] == OfferStatus.OFFERED


def test_a_cancelled_make_up_frees_its_slot(scene, django_capture_on_commit_callbacks, monkeypatch):
    """'Make-up not needed': cancelling a make-up session frees its time like any cancel."""
    broker = Broker(monkeypatch)
    patient = PatientFactory(clinic=scene.clinic, consenting=True)
    cycle = booking.cycle_book(
        patient=patient, protocol=shared_protocol("depression-iv"), clinic=scene.clinic,
        sessions=[booking.SessionRequest(dt.datetime(2027, 3, d, 13)) for d in (1, 3, 5, 8, 10, 12)],
    ).cycle
    missed = cycle.sessions.get(sequence=6)
    cancel(missed, django_capture_on_commit_callbacks)
    made_up = booking.cycle_make_up(cycle=cycle, replaces=missed, starts_at=dt.datetime(2027, 3, 15, 13))
    broker.sent.clear()
    FreedSlot.objects.all().delete()
    cancel(made_up, django_capture_on_commit_callbacks)
    row = FreedSlot.objects.get()
    assert (row.starts_at, row.cause) == (local(scene.clinic, 2027, 3, 15, 13), "cancel")
    assert broker.run() == ["offered"]
    assert offers()[0][:2] == (scene.entries[0].pk, local(scene.clinic, 2027, 3, 15, 13))


def _closure(scene, day: int, *, days: int = 1, chair=None) -> Closure:
    return calendar.closure_add(clinic=scene.clinic, chair=chair, starts_at=local(scene.clinic, 2027, 3, day),
                                ends_at=local(scene.clinic, 2027, 3, day + days), reason="Burst pipe", by=None)


def test_adding_a_closure_frees_nothing(scene, django_capture_on_commit_callbacks, monkeypatch):
    broker = Broker(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        _closure(scene, 9)
    assert FreedSlot.objects.count() == 0 and broker.sent == []


def test_a_removed_closure_offers_each_open_day_of_each_chair(scene, django_capture_on_commit_callbacks, monkeypatch):
    broker = Broker(monkeypatch)
    row = _closure(scene, 9, days=2)  # Tuesday and Wednesday, all day
    with django_capture_on_commit_callbacks(execute=True):
        calendar.closure_remove(clinic=scene.clinic, closure_id=row.pk, by=None)
    freed = list(FreedSlot.objects.order_by("starts_at").values_list("chair_id", "starts_at", "ends_at", "cause"))
    clinic = scene.clinic
    assert freed == [  # within opening hours (08:00-18:00), one span per chair and day
        (scene.chair.pk, local(clinic, 2027, 3, 9, 8), local(clinic, 2027, 3, 9, 18), "closure lifted"),
        (scene.chair.pk, local(clinic, 2027, 3, 10, 8), local(clinic, 2027, 3, 10, 18), "closure lifted"),
    ]
    assert broker.run() == ["offered", "offered"]
    assert offers() == [(scene.entries[0].pk, local(clinic, 2027, 3, 9, 8), OfferStatus.OFFERED),
                        (scene.entries[1].pk, local(clinic, 2027, 3, 10, 8), OfferStatus.OFFERED)]


def test_a_shortened_closure_offers_only_the_time_it_gave_back(scene, django_capture_on_commit_callbacks, monkeypatch):
    Broker(monkeypatch)
    row = _closure(scene, 9, days=2)
    admin = staff_user(ADMIN, scene.clinic)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).patch(f"/api/v1/closures/{row.pk}/", {"ends_at": "2027-03-10T12:00:00"},
                                           format="json")
    assert response.status_code == 200, response.content
    assert list(FreedSlot.objects.values_list("starts_at", "ends_at")) == [
        (local(scene.clinic, 2027, 3, 10, 12), local(scene.clinic, 2027, 3, 10, 18))
    ]


def test_a_lifted_closure_leaves_out_booked_time_and_other_closures(scene, django_capture_on_commit_callbacks,
                                                                    monkeypatch):
    Broker(monkeypatch)
    row = _closure(scene, 8)  # Monday: over the booked 10:00 session (stranded, still booked)
    Closure.objects.create(clinic=scene.clinic, chair=scene.chair, starts_at=local(scene.clinic, 2027, 3, 8, 15),
                           ends_at=local(scene.clinic, 2027, 3, 8, 17), reason="Maintenance")
    with django_capture_on_commit_callbacks(execute=True):
        calendar.closure_remove(clinic=scene.clinic, closure_id=row.pk, by=None)
    freed = list(FreedSlot.objects.order_by("starts_at").values_list("starts_at", "ends_at"))
    clinic = scene.clinic
    end_of_booked = scene.freed.ends_at
    assert freed == [
        (local(clinic, 2027, 3, 8, 8), local(clinic, 2027, 3, 8, 10)),
        (end_of_booked, local(clinic, 2027, 3, 8, 15)),
        (local(clinic, 2027, 3, 8, 17), local(clinic, 2027, 3, 8, 18)),
    ]
