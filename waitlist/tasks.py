"""Celery tasks of the waitlist: a few lines each, handing off to waitlist.services. Ids only."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction

from bookings.services.freed import slots_freed_on_commit
from waitlist import delivery, services
from waitlist.freed import freed_slot_offer as _freed_slot_offer
from waitlist.freed import freed_slots_sweep


@shared_task(name="waitlist.tasks.freed_slot_offer", ignore_result=True, acks_late=True)
def freed_slot_offer(freed_id: int) -> str | None:
    """A slot was freed (bookings.services.freed's outbox row): offer it to the next match, once."""
    return _freed_slot_offer(freed_id=freed_id)


@shared_task(name="waitlist.tasks.slot_offer", ignore_result=True, acks_late=True)
def slot_offer(clinic_id: int, chair_id: int, starts_at: str, ends_at: str) -> str | None:
    """A message of the release before the outbox, still queued at an upgrade: it becomes an outbox row, handled
    at once (the sweep takes it if this fails), so no freed slot sent before the upgrade is lost."""
    with transaction.atomic():
        ids = slots_freed_on_commit(
            clinic_id=clinic_id, send=False,
            slots=[(chair_id, dt.datetime.fromisoformat(starts_at), dt.datetime.fromisoformat(ends_at))],
        )
    return _freed_slot_offer(freed_id=ids[0]) if ids else None


@shared_task(name="waitlist.tasks.offer_emails_send", ignore_result=True, acks_late=True)
def offer_emails_send(email_ids: list[int]) -> list[str]:
    return [delivery.offer_email_send(email_id=pk) for pk in email_ids]


@shared_task(name="waitlist.tasks.waitlist_sweep", ignore_result=True)
def waitlist_sweep() -> int:
    """Every minute (beat): expire offers past their hold (each slot goes to the next match), offer the freed
    slots whose message was lost, send the offer emails still pending."""
    expired = services.offers_expire()
    freed_slots_sweep()
    for pk in delivery.offer_emails_pending():
        delivery.offer_email_send(email_id=pk)
    return len(expired)
