"""Celery tasks: a few lines each, handing off to notifications.services. Messages carry ids only.

No ETA or countdown anywhere: a retry is a later `send_after` on the row, found by the next sweep
(Redis redelivers long-ETA tasks after its visibility timeout, which would duplicate emails).
"""

from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.reminders_sweep", ignore_result=True)
def reminders_sweep() -> int:
    """Every minute (beat): claim what is due and queue one send task per batch of OUTBOX_BATCH_SIZE rows."""
    ids = services.emails_claim_due()
    for batch in services.batches(ids):
        reminders_send.delay(batch)
    return len(ids)


@shared_task(name="notifications.tasks.reminders_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def reminders_send(reminder_ids: list[int]) -> list[str]:
    return [outcome.status for outcome in services.emails_send(email_ids=reminder_ids)]


# One row per task, as queued before batches: kept so that messages still queued at an upgrade are sent.
@shared_task(name="notifications.tasks.reminder_send", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def reminder_send(reminder_id: int) -> str:
    return services.email_send(email_id=reminder_id).status
