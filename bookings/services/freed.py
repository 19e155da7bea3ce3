"""Freed chair time for the waitlist: an outbox (FreedSlot rows), so no freed slot is lost or offered twice.

The transaction that frees the time (a cancel, a move away, a closure lifted, an offer closed) writes one row per
(chair, start, end); after the commit the waitlist's task is sent by name with the row's id (bookings sits below
the waitlist and never imports it). The task claims the row (`freed_slot_claim`: SELECT … FOR UPDATE SKIP
LOCKED, still unhandled) and marks it handled in the transaction that writes the offer, so running it twice
offers once. A row whose message was lost (broker down, worker killed) is picked up by the waitlist's sweep
once it is older than `FREED_SLOT_GRACE`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings.models import OCCUPYING_STATUSES, FreedSlot, InfusionSession
from scheduler.models import Chair, Clinic, Closure, OpeningHours

logger = logging.getLogger(__name__)

#: The waitlist's task (waitlist.tasks.freed_slot_offer), given a FreedSlot id.
SLOT_FREED_TASK = "waitlist.tasks.freed_slot_offer"
#: How old an unhandled row is before the sweep takes it (its own message had this long to arrive).
FREED_SLOT_GRACE = dt.timedelta(minutes=2)
#: How long a handled row is kept (what became of each freed slot, for a while).
FREED_SLOT_KEPT = dt.timedelta(days=30)


class Outcome:
    OFFERED = "offered"
    NONE = "none"  # free, but no waiting entry suits it
    PAST = "past"
    NOT_FREE = "not free"


def slots_freed_on_commit(
    *, clinic_id: int, slots: Iterable[tuple[int, dt.datetime, dt.datetime]], cause: str = "cancel", send: bool = True
) -> list[int]:
    """In the caller's transaction: one outbox row per (chair, start, end) still to come; after the commit, a
    message per row (unless the caller handles the rows itself: `send` false). The rows' ids."""
    now = timezone.now()
    rows = FreedSlot.objects.bulk_create(
        FreedSlot(clinic_id=clinic_id, chair_id=chair_id, starts_at=start, ends_at=end, cause=cause, created_at=now)
        for chair_id, start, end in slots
        if end > now
    )
    ids = [row.pk for row in rows]
    if ids and send:
        transaction.on_commit(lambda: freed_slots_send(ids))
    return ids


def freed_slots_send(ids: Iterable[int]) -> None:
    """A message per row; a broker that does not answer leaves the rows to the sweep."""
    from celery import current_app

    for pk in ids:
        try:
            current_app.send_task(SLOT_FREED_TASK, args=[pk])
        except Exception:  # noqa: BLE001 - the booking stands whatever the broker says; the sweep sends it later
            logger.warning("freed slot %s not sent to the waitlist: the sweep will offer it", pk)


def freed_slots_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Rows left unhandled past the grace time (their message lost), oldest first."""
    now = now or timezone.now()
    return list(
        FreedSlot.objects.filter(handled_at__isnull=True, created_at__lte=now - FREED_SLOT_GRACE)
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )


def freed_slots_purge(*, now: dt.datetime | None = None) -> int:
    """Forget rows handled more than FREED_SLOT_KEPT ago (the offers they led to stay). How many."""
    now = now or timezone.now()
    return FreedSlot.objects.filter(handled_at__lt=now - FREED_SLOT_KEPT).delete()[0]


def freed_slot_claim(*, freed_id: int) -> FreedSlot | None:
    """Inside the caller's transaction: the row locked, if it is unhandled and no one else holds it."""
    return FreedSlot.objects.select_for_update(skip_locked=True).filter(pk=freed_id, handled_at__isnull=True).first()


def freed_slot_handled(*, row: FreedSlot, outcome: str, now: dt.datetime | None = None) -> None:
    """Inside the transaction that claimed the row (and wrote the offer, if any)."""
    FreedSlot.objects.filter(pk=row.pk).update(handled_at=now or timezone.now(), outcome=outcome)


def freed_slot_still_free(row: FreedSlot) -> bool:
    """Whether the chair is in service and nothing holds any of its time then (no session, no closure)."""
    if not Chair.objects.filter(pk=row.chair_id, is_active=True).exists():
        return False
    overlapping = {"starts_at__lt": row.ends_at, "ends_at__gt": row.starts_at}
    if InfusionSession.objects.filter(chair_id=row.chair_id, status__in=OCCUPYING_STATUSES, **overlapping).exists():
        return False
    return not Closure.objects.filter(
        Q(chair__isnull=True) | Q(chair_id=row.chair_id), clinic_id=row.clinic_id, **overlapping
    ).exists()


# --- Time a calendar change freed (a closure lifted) ----------------------------------------------------------

#: How far ahead a lifted closure's time is offered (a year-long closure lifted does not queue a year of rows).
LIFTED_HORIZON = dt.timedelta(days=60)
#: Free stretches shorter than this are not worth offering.
LIFTED_MINIMUM = dt.timedelta(minutes=30)


def _open_windows(clinic: Clinic, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The clinic's opening hours between `start` and `end`, as instants (touching intervals merged)."""
    tz = clinic.tz
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in OpeningHours.objects.filter(clinic=clinic).values_list("weekday", "opens", "closes"):
        hours.setdefault(weekday, []).append((opens, closes))
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    while day <= last:
        for opens, closes in sorted(hours.get(day.weekday(), [])):
            a = max(dt.datetime.combine(day, opens, tzinfo=tz), start)
            b = min(dt.datetime.combine(day, closes, tzinfo=tz), end)
            if a >= b:
                continue
            if windows and a <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], b))
            else:
                windows.append((a, b))
        day += dt.timedelta(days=1)
    return windows


def _free_parts(window: tuple[dt.datetime, dt.datetime], busy: list[tuple[dt.datetime, dt.datetime]]):
    start, end = window
    for a, b in sorted(busy):
        if b <= start or a >= end:
            continue
        if a - start >= LIFTED_MINIMUM:
            yield start, a
        start = max(start, b)
    if end - start >= LIFTED_MINIMUM:
        yield start, end


def lifted_slots_freed(
    *, clinic: Clinic, spans: Iterable[tuple[dt.datetime, dt.datetime | None]], chair_ids: Iterable[int] | None,
    now: dt.datetime | None = None,
) -> list[int]:
    """In the caller's transaction, after a closure was removed or shortened: the time of `spans` that is now free
    (within opening hours, no closure, no session holding the chair), per chair in service and opening-hours
    stretch, into the outbox. Spans without an end (not a closure's) are skipped. The rows' ids."""
    now = now or timezone.now()
    # From the next quarter hour: a freed slot's start is a time a session could start at.
    soon = (now + dt.timedelta(minutes=14, seconds=59)).replace(second=0, microsecond=0)
    soon -= dt.timedelta(minutes=soon.minute % 15)
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in spans:
        if end is None or end <= soon:
            continue
        windows += _open_windows(clinic, max(start, soon), min(end, now + LIFTED_HORIZON))
    if not windows:
        return []
    chairs = Chair.objects.filter(clinic=clinic, is_active=True)
    if chair_ids is not None:
        chairs = chairs.filter(pk__in=list(chair_ids))
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    sessions = InfusionSession.objects.filter(
        clinic=clinic, status__in=OCCUPYING_STATUSES, starts_at__lt=last, ends_at__gt=first
    ).values_list("chair_id", "starts_at", "ends_at")
    closures = Closure.objects.filter(clinic=clinic, starts_at__lt=last, ends_at__gt=first).values_list(
        "chair_id", "starts_at", "ends_at"
    )
    slots = []
    for chair_id in chairs.order_by("pk").values_list("pk", flat=True):
        busy = [(a, b) for c, a, b in sessions if c == chair_id] + [(a, b) for c, a, b in closures if c in (None, chair_id)]
        for window in windows:
            slots += [(chair_id, a, b) for a, b in _free_parts(window, busy)]
    return slots_freed_on_commit(clinic_id=clinic.pk, slots=slots, cause="closure lifted")
