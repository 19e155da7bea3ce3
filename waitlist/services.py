"""The waitlist's writes: add and withdraw entries, offer a slot, accept, decline, expire.

Holding (the choice): an automatic offer goes to one entry at a time per slot (no new automatic offer of a
chair at a time an open offer overlaps), and the held slot is not written into the bookings: the desk can
still book it, and then the acceptance is refused as "taken". The desk may offer a slot by hand to more
than one patient; then the first valid acceptance wins. Acceptance locks every open offer of the slot
(same chair, overlapping time) in id order before it books through the booking services, whose locks
and exclusion constraints stand behind it: two acceptances of one slot give one booking, and the other
offers are marked taken (their patients told, their entries waiting again).

Every write is atomic and audited; emails are OfferEmail rows written in the same transaction and sent
after the commit by a task (waitlist.delivery), ids only in task messages.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from audit import records as audit
from bookings import services as booking
from bookings.models import UPCOMING_STATUSES, InfusionSession, Patient
from bookings.services.freed import slots_freed_on_commit
from common.errors import ApplicationError
from scheduler import planning
from scheduler.models import Chair, Clinic, Protocol
from scheduler.selectors import protocol_ensure_offered
from waitlist import error_codes as codes
from waitlist.matching import Planned, Slot, entries_for_slot, entry_plan, slot_is_held
from waitlist.models import (
    EntryKind,
    EntryStatus,
    OfferEmail,
    OfferEmailKind,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    hold_minutes,
)

logger = logging.getLogger(__name__)

ENTRY_AUDIT_FIELDS = ("clinic", "patient", "kind", "protocol", "session", "weekdays", "time_from", "time_to",
                      "earliest_date", "latest_date", "status", "notes")


class WaitlistError(ApplicationError):
    def __init__(self, code: str, message: str, *, details: dict | None = None):
        super().__init__(code, message, details=details, status=codes.http_status(code))


def _audit(row: WaitlistEntry | WaitlistOffer, action, changes: dict, *, patient_id: int, clinic_id: int, by) -> None:
    audit.record_many([audit.entry(row, action, changes=changes, patient_id=patient_id, clinic_id=clinic_id, actor=by)])


def _queue_emails(ids: Sequence[int]) -> None:
    if ids:
        from waitlist.tasks import offer_emails_send

        transaction.on_commit(lambda: _send_later(offer_emails_send, list(ids)))


def _send_later(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a lost broker loses no email (the sweep sends pending rows)
        logger.warning("waitlist: could not queue %s", task.name)


# --- Entries -------------------------------------------------------------------------------------


def entry_create(
    *,
    clinic: Clinic,
    patient: Patient,
    protocol: Protocol | None = None,
    session: InfusionSession | None = None,
    weekdays: Sequence[int] = (),
    time_from: dt.time | None = None,
    time_to: dt.time | None = None,
    earliest_date: dt.date | None = None,
    latest_date: dt.date | None = None,
    notes: str = "",
    by=None,
) -> WaitlistEntry:
    """Put a patient on the clinic's waitlist for a new course (`protocol`) or an earlier `session`."""
    if (protocol is None) == (session is None):
        raise WaitlistError(codes.ENTRY_INVALID, "Give either a protocol (a new course) or a session (an earlier time).")
    if session is not None:
        if session.clinic_id != clinic.pk or session.patient_id != patient.pk:
            raise WaitlistError(codes.ENTRY_INVALID, "The session is not this patient's at this clinic.",
                                details={"session": session.pk})
        if session.status not in UPCOMING_STATUSES:
            raise WaitlistError(codes.ENTRY_INVALID, "Only a booked or confirmed session can wait for an earlier time.",
                                details={"session": session.pk, "status": session.status})
    if protocol is not None:
        protocol_ensure_offered(protocol=protocol, clinic=clinic)
    if any(not 0 <= d <= 6 for d in weekdays):
        raise WaitlistError(codes.ENTRY_INVALID, "Weekdays are 0 (Monday) to 6 (Sunday).", details={"weekdays": list(weekdays)})
    if time_from is not None and time_to is not None and time_to <= time_from:
        raise WaitlistError(codes.ENTRY_INVALID, "time_to must be after time_from.")
    if earliest_date is not None and latest_date is not None and latest_date < earliest_date:
        raise WaitlistError(codes.ENTRY_INVALID, "latest_date must not be before earliest_date.")
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            clinic=clinic, patient=patient, kind=EntryKind.SESSION if session else EntryKind.COURSE,
            protocol=protocol, session=session, weekdays=sorted(set(weekdays)), time_from=time_from, time_to=time_to,
            earliest_date=earliest_date, latest_date=latest_date, notes=notes, created_by=by,
        )
        _audit(entry, audit.CREATE, audit.created(entry, ENTRY_AUDIT_FIELDS), patient_id=patient.pk,
               clinic_id=clinic.pk, by=by)
    return entry


def entry_withdraw(*, entry: WaitlistEntry, by=None) -> WaitlistEntry:
    """Take an entry off the list; its open offer (if any) is withdrawn and the slot offered on."""
    now = timezone.now()
    freed: list[Slot] = []
    with transaction.atomic():
        updated = WaitlistEntry.objects.filter(
            pk=entry.pk, status__in=(EntryStatus.WAITING, EntryStatus.OFFERED)
        ).update(status=EntryStatus.WITHDRAWN, updated_at=now)
        if updated != 1:
            raise _not_waiting(entry)
        for offer in WaitlistOffer.objects.select_for_update().filter(entry=entry, status=OfferStatus.OFFERED):
            WaitlistOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.WITHDRAWN, decided_at=now)
            freed.append(_slot_of(offer))
        _audit(entry, audit.UPDATE, {"status": [entry.status, EntryStatus.WITHDRAWN]}, patient_id=entry.patient_id,
               clinic_id=entry.clinic_id, by=by)
        for slot in freed:
            slot_freed_later(slot, cause="offer withdrawn")
    entry.refresh_from_db()
    return entry


def _not_waiting(entry: WaitlistEntry) -> WaitlistError:
    current = WaitlistEntry.objects.filter(pk=entry.pk).values_list("status", flat=True).first()
    return WaitlistError(codes.ENTRY_NOT_WAITING, f"This waitlist entry is {current}, not waiting.",
                         details={"entry": entry.pk, "status": current})


# --- Offers --------------------------------------------------------------------------------------


def _slot_of(offer: WaitlistOffer) -> Slot:
    return Slot(offer.clinic_id, offer.chair_id, offer.starts_at, offer.ends_at)


def offer_make(
    *, entry: WaitlistEntry, starts_at: dt.datetime, chair: Chair | None = None, by=None, by_hand: bool = False,
    plan: list[Planned] | None = None,
) -> WaitlistOffer:
    """Offer the entry the slot starting at `starts_at` (a chair preferred), held for the clinic's hold time.

    Refused with `slot_unsuited` when the slot does not keep the entry's course valid or its constraints,
    `entry_not_waiting` when the entry is not waiting.
    """
    if entry.status != EntryStatus.WAITING:
        raise _not_waiting(entry)
    if timezone.is_naive(starts_at):  # a wall-clock time in the clinic's zone, as the booking services read it
        starts_at = planning.localize(starts_at, entry.clinic.tz).astimezone(dt.UTC)
    plan = plan or entry_plan(entry, starts_at=starts_at, chair_id=chair.pk if chair else None)
    if not plan:
        raise WaitlistError(codes.SLOT_UNSUITED, "That time does not suit this waitlist entry (its course, its "
                            "constraints, or the chairs and nurses then).", details={"entry": entry.pk})
    first = plan[0]
    now = timezone.now()
    with transaction.atomic():
        updated = WaitlistEntry.objects.filter(pk=entry.pk, status=EntryStatus.WAITING).update(
            status=EntryStatus.OFFERED, updated_at=now
        )
        if updated != 1:
            raise _not_waiting(entry)
        offer = WaitlistOffer.objects.create(
            entry=entry, clinic_id=entry.clinic_id, starts_at=first.starts_at, ends_at=first.ends_at,
            chair_id=first.chair_id, nurse_id=first.nurse_id, plan=[p.as_json() for p in plan],
            expires_at=now + dt.timedelta(minutes=hold_minutes(entry.clinic)), by_hand=by_hand, created_by=by,
        )
        email = OfferEmail.objects.create(offer=offer, kind=OfferEmailKind.OFFER)
        _audit(offer, audit.CREATE, audit.created(offer, ("entry", "starts_at", "chair", "nurse", "expires_at", "status")),
               patient_id=entry.patient_id, clinic_id=entry.clinic_id, by=by)
        _queue_emails([email.pk])
    entry.refresh_from_db()
    return offer


def _close(offer: WaitlistOffer, status: str, now: dt.datetime, *, by=None, email: str | None = None) -> int | None:
    """Close an open offer (compare-and-swap); its entry waits again. Returns the id of the email written."""
    if WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OFFERED).update(status=status, decided_at=now) != 1:
        return None
    WaitlistEntry.objects.filter(pk=offer.entry_id, status=EntryStatus.OFFERED).update(
        status=EntryStatus.WAITING, updated_at=now
    )
    entry = offer.entry
    _audit(offer, audit.UPDATE, {"status": [OfferStatus.OFFERED, status]}, patient_id=entry.patient_id,
           clinic_id=offer.clinic_id, by=by)
    if email is None:
        return None
    return OfferEmail.objects.create(offer=offer, kind=email).pk


def _lock_slot(offer: WaitlistOffer) -> list[WaitlistOffer]:
    """Every offer of the offer's slot (same chair, overlapping time) still open or accepted, locked in id order."""
    return list(
        WaitlistOffer.objects.select_for_update(of=("self",)).select_related("entry")
        .filter(clinic_id=offer.clinic_id, chair_id=offer.chair_id, starts_at__lt=offer.ends_at,
                ends_at__gt=offer.starts_at, status__in=(OfferStatus.OFFERED, OfferStatus.ACCEPTED))
        .order_by("pk")
    )


def offer_accept(*, offer: WaitlistOffer, by=None) -> WaitlistOffer:
    """The patient's acceptance: book the held slot through the booking services, once.

    Returns the offer as it ends: `accepted` (booked now, or before: acting twice is harmless), `taken`
    (another acceptance or booking got the slot first; the entry waits again and the patient is told), or
    refuses with `offer_not_open` (expired, declined, withdrawn).
    """
    now = timezone.now()
    emails: list[int] = []
    with transaction.atomic():
        slot_offers = _lock_slot(offer)
        mine = next((o for o in slot_offers if o.pk == offer.pk), None)
        if mine is None or mine.status == OfferStatus.ACCEPTED:
            offer.refresh_from_db()
            if offer.status in (OfferStatus.ACCEPTED, OfferStatus.TAKEN):
                return offer
            raise WaitlistError(codes.OFFER_NOT_OPEN, f"This offer is {offer.status}.",
                                details={"offer": offer.pk, "status": offer.status})
        if mine.expires_at <= now:
            _close(mine, OfferStatus.EXPIRED, now, by=by)
            raise WaitlistError(codes.OFFER_NOT_OPEN, "This offer has expired.",
                                details={"offer": offer.pk, "status": OfferStatus.EXPIRED})
        if any(o.status == OfferStatus.ACCEPTED for o in slot_offers):
            emails.append(_close(mine, OfferStatus.TAKEN, now, by=by, email=OfferEmailKind.TAKEN) or 0)
        else:
            try:
                with transaction.atomic():
                    cycle_id = _book(mine, by=by)
            except ApplicationError as exc:
                logger.info("waitlist offer %s: slot taken (%s)", mine.pk, exc.code)
                emails.append(_close(mine, OfferStatus.TAKEN, now, by=by, email=OfferEmailKind.TAKEN) or 0)
            else:
                WaitlistOffer.objects.filter(pk=mine.pk).update(status=OfferStatus.ACCEPTED, decided_at=now, cycle_id=cycle_id)
                WaitlistEntry.objects.filter(pk=mine.entry_id).update(status=EntryStatus.BOOKED, updated_at=now)
                _audit(mine, audit.UPDATE, {"status": [OfferStatus.OFFERED, OfferStatus.ACCEPTED]},
                       patient_id=mine.entry.patient_id, clinic_id=mine.clinic_id, by=by)
                for other in slot_offers:
                    if other.pk != mine.pk and other.status == OfferStatus.OFFERED:
                        emails.append(_close(other, OfferStatus.TAKEN, now, by=by, email=OfferEmailKind.TAKEN) or 0)
        _queue_emails([e for e in emails if e])
    offer.refresh_from_db()
    return offer


def _book(offer: WaitlistOffer, *, by) -> int:
    """Book what the offer holds: move the session, or book the whole course (all or nothing). The cycle's id."""
    entry = offer.entry
    plan = [Planned.from_json(p) for p in offer.plan]
    if entry.kind == EntryKind.SESSION:
        assert entry.session_id is not None
        session = InfusionSession.objects.select_related("clinic", "cycle").get(pk=entry.session_id)
        first = plan[0]
        # The booking services read a wall-clock time in the clinic's zone.
        booking.session_reschedule(session=session, starts_at=first.starts_at.astimezone(session.clinic.tz),
                                   chair=Chair.objects.get(pk=first.chair_id), nurse=offer.nurse, by=by)
        return session.cycle_id
    clinic = entry.clinic
    requests = [
        booking.SessionRequest(p.starts_at.astimezone(clinic.tz),
                               chair=Chair.objects.get(pk=p.chair_id), nurse=None)
        for p in plan
    ]
    assert entry.protocol is not None
    return booking.cycle_book(patient=entry.patient, protocol=entry.protocol, clinic=clinic, sessions=requests, by=by).cycle.pk


def offer_decline(*, offer: WaitlistOffer, by=None) -> WaitlistOffer:
    """The patient says no: the offer closes, the entry waits again, the slot goes to the next match."""
    now = timezone.now()
    with transaction.atomic():
        locked = WaitlistOffer.objects.select_for_update().select_related("entry").get(pk=offer.pk)
        if locked.status == OfferStatus.DECLINED:
            return locked
        if locked.status != OfferStatus.OFFERED:
            raise WaitlistError(codes.OFFER_NOT_OPEN, f"This offer is {locked.status}.",
                                details={"offer": offer.pk, "status": locked.status})
        _close(locked, OfferStatus.DECLINED, now, by=by)
        slot_freed_later(_slot_of(locked), cause="offer declined")
    offer.refresh_from_db()
    return offer


def offers_expire(*, now: dt.datetime | None = None) -> list[int]:
    """Close every open offer past its hold and offer each slot to the next match. The expired offers' ids."""
    from waitlist.freed import freed_slot_offer  # it builds on this module

    now = now or timezone.now()
    expired: list[int] = []
    due = list(WaitlistOffer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=now).values_list("pk", flat=True))
    for pk in due:
        freed_ids: list[int] = []
        with transaction.atomic():
            offer = (WaitlistOffer.objects.select_for_update(skip_locked=True).select_related("entry")
                     .filter(pk=pk, status=OfferStatus.OFFERED).first())
            if offer is None:
                continue
            _close(offer, OfferStatus.EXPIRED, now)
            expired.append(offer.pk)
            # The slot goes to the next match through the outbox: offered here just after the commit, or by a
            # later sweep if this process dies first.
            freed_ids = slot_freed_later(_slot_of(offer), cause="offer expired", send=False)
        for freed_id in freed_ids:
            freed_slot_offer(freed_id=freed_id)
    return expired


# --- A freed slot --------------------------------------------------------------------------------


def slot_freed_later(slot: Slot, *, cause: str, send: bool = True) -> list[int]:
    """In the caller's transaction: the slot goes into the freed-slot outbox (bookings.services.freed), offered to
    the next match by a worker after the commit (`send`), or by the sweep. The outbox rows' ids."""
    return slots_freed_on_commit(clinic_id=slot.clinic_id, slots=[(slot.chair_id, slot.starts_at, slot.ends_at)],
                                 cause=cause, send=send)


def slot_offer_next(*, slot: Slot) -> WaitlistOffer | None:
    """Offer a freed slot to the earliest waiting entry it suits (none while an open offer holds it)."""
    if slot.starts_at <= timezone.now() or slot_is_held(slot):
        return None
    clinic = Clinic.objects.get(pk=slot.clinic_id)
    for entry in entries_for_slot(clinic, slot):
        plan = entry_plan(entry, starts_at=slot.starts_at, chair_id=slot.chair_id)
        if not plan:
            continue
        try:
            return offer_make(entry=entry, starts_at=slot.starts_at, plan=plan)
        except WaitlistError:
            continue
    return None
