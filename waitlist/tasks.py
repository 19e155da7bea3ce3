"""Celery tasks of the waitlist: a few lines each, handing off to waitlist.services. Ids and instants only."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from waitlist import delivery, services
from waitlist.matching import Slot


@shared_task(name="waitlist.tasks.slot_offer", ignore_result=True, acks_late=True)
def slot_offer(clinic_id: int, chair_id: int, starts_at: str, ends_at: str) -> int | None:
    """A slot was freed (a cancel, a move, a declined or expired offer): offer it to the next match."""
    slot = Slot(clinic_id, chair_id, dt.datetime.fromisoformat(starts_at), dt.datetime.fromisoformat(ends_at))
    offer = services.slot_offer_next(slot=slot)
    return offer.pk if offer else None


@shared_task(name="waitlist.tasks.offer_emails_send", ignore_result=True, acks_late=True)
def offer_emails_send(email_ids: list[int]) -> list[str]:
    return [delivery.offer_email_send(email_id=pk) for pk in email_ids]


@shared_task(name="waitlist.tasks.waitlist_sweep", ignore_result=True)
def waitlist_sweep() -> int:
    """Every minute (beat): expire offers past their hold (each slot goes to the next match), send what is pending."""
    expired = services.offers_expire()
    for pk in delivery.offer_emails_pending():
        delivery.offer_email_send(email_id=pk)
    return len(expired)
