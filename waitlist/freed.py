"""Handling the freed-slot outbox (bookings.services.freed): each row offered once, to the next match.

A row is claimed with SELECT … FOR UPDATE SKIP LOCKED and marked handled in the transaction that writes the
offer: a task run twice, or a task and the sweep at once, give one offer. Per chair, one row is decided at a time
(a transaction-level advisory lock), so two rows freeing overlapping time never offer it to two patients.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from bookings.services.freed import (
    Outcome,
    freed_slot_claim,
    freed_slot_handled,
    freed_slot_still_free,
    freed_slots_due,
    freed_slots_purge,
)
from waitlist.matching import Slot
from waitlist.services import slot_offer_next

#: The advisory-lock key space of "a chair's freed time is being offered" (the one-bigint form, which does not
#: overlap the bookings' two-integer (clinic, day) locks).
CHAIR_LOCK_BASE = 0x57A1_0000_0000


def freed_slot_offer(*, freed_id: int) -> str | None:
    """Offer the row's slot to the earliest waiting entry it suits, once. The outcome, or None when the row was
    handled already (or is being handled)."""
    with transaction.atomic():
        row = freed_slot_claim(freed_id=freed_id)
        if row is None:
            return None
        if connection.vendor == "postgresql":  # on SQLite the immediate transaction serialises every writer
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIR_LOCK_BASE + row.chair_id])
        now = timezone.now()
        if row.starts_at <= now:
            outcome = Outcome.PAST
        elif not freed_slot_still_free(row):
            outcome = Outcome.NOT_FREE
        else:
            offer = slot_offer_next(slot=Slot(row.clinic_id, row.chair_id, row.starts_at, row.ends_at))
            outcome = Outcome.OFFERED if offer else Outcome.NONE
        freed_slot_handled(row=row, outcome=outcome, now=now)
    return outcome


def freed_slots_sweep() -> list[int]:
    """Rows whose message never came (broker down, worker killed): offered now. Their ids. Old handled rows go."""
    freed_slots_purge()
    handled = []
    for pk in freed_slots_due():
        if freed_slot_offer(freed_id=pk) is not None:
            handled.append(pk)
    return handled
