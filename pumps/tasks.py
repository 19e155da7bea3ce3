"""Celery tasks of the episode emails: a few lines each, handing off to pumps.outbox and pumps.delivery. Ids only.

No ETA or countdown: a retry is a later `send_after` on the row, found by the next sweep (as notifications.tasks).
"""

from celery import shared_task

from notifications.services import batches
from pumps import delivery, outbox


@shared_task(name="pumps.tasks.episode_emails_sweep", ignore_result=True)
def episode_emails_sweep() -> int:
    """Every minute (beat): write the return reminders of devices now overdue, claim what is due, queue the sends in
    batches of OUTBOX_BATCH_SIZE."""
    outbox.episode_overdue_emails()
    ids = delivery.episode_emails_claim_due()
    for batch in batches(ids):
        episode_emails_send.delay(batch)
    return len(ids)


@shared_task(name="pumps.tasks.episode_emails_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def episode_emails_send(email_ids: list[int]) -> list[str]:
    return [outcome.status for outcome in delivery.episode_emails_send(email_ids=email_ids)]


# One row per task, as queued before batches: kept so that messages still queued at an upgrade are sent.
@shared_task(name="pumps.tasks.episode_email_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def episode_email_send(email_id: int) -> str:
    return delivery.episode_email_send(email_id=email_id).status
