"""Delivery of the episode outbox: claim what is due, send it in batches, each email exactly once.

As notifications.services does for the sessions' emails, and through the same code (`outbox_claim_due`,
`outbox_send`, `send_attempt`), in two steps: `episode_emails_claim_due` (the beat sweep) marks due rows `sending`
with SKIP LOCKED and returns their ids, queued in batches; `episode_emails_send` (one Celery task per batch) sends
them over one connection to the mail server, row by row: each in its own transaction, it locks the row, re-reads
the episode, its visit and the patient's consent, sends, and records the outcome. A second run of the task for the
same rows finds them no longer `sending` and does nothing. A worker that dies mid-send rolls back the row on the
wire, and a later sweep takes it (and the batch's rows not reached) again once its lease is over. A failed send is
retried with back-off (a later `send_after`), then left `failed` with its error for staff; never swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit import records as audit
from bookings.models import EmailStatus
from notifications.services import MailBatch, SendOutcome, outbox_claim_due, outbox_send, send_attempt
from pumps import error_codes as codes
from pumps.errors import PumpError
from pumps.models import EpisodeEmail, EpisodeEmailKind, EpisodeStatus, VisitStatus
from pumps.outbox import return_grace

logger = logging.getLogger(__name__)

Kind = EpisodeEmailKind

#: The episode states in which each kind still makes sense.
_WANTS = {
    Kind.CONFIRMATION: (EpisodeStatus.BOOKED, EpisodeStatus.FITTED),
    Kind.FITTING_REMINDER: (EpisodeStatus.BOOKED,),
    Kind.REVIEW_REMINDER: (EpisodeStatus.BOOKED, EpisodeStatus.FITTED),
    Kind.REMOVAL_REMINDER: (EpisodeStatus.BOOKED, EpisodeStatus.FITTED),
    Kind.RETURN_REMINDER: (EpisodeStatus.FITTED, EpisodeStatus.REMOVED),
    Kind.CANCELLED: (EpisodeStatus.CANCELLED,),
    Kind.REMOVED_EARLY: (EpisodeStatus.REMOVED, EpisodeStatus.RETURNED),
}


@transaction.atomic
def episode_email_resend(*, email: EpisodeEmail, by=None) -> EpisodeEmail:
    """Send a failed email again, now (staff, from the admin): back to the outbox with a fresh count of attempts."""
    row = EpisodeEmail.objects.select_for_update().get(pk=email.pk)
    if row.status != EmailStatus.FAILED:
        raise PumpError(codes.EMAIL_NOT_RESENDABLE, f"Only a failed email can be sent again; this one is {row.status}.",
                        details={"email": row.pk, "status": row.status})
    row.status, row.send_after, row.attempts, row.claimed_at = EmailStatus.PENDING, timezone.now(), 0, None
    row.save(update_fields=["status", "send_after", "attempts", "claimed_at", "updated_at"])
    audit.record(row, audit.UPDATE, patient_id=row.patient_id, clinic_id=row.clinic_id, actor=by,
                 changes={"status": [EmailStatus.FAILED, EmailStatus.PENDING]})
    return row


def episode_emails_claim_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim the episode emails due now (and those whose claim went stale) for sending; return their ids."""
    return outbox_claim_due(EpisodeEmail, now=now, limit=limit, what="episode emails")


def _why_not(row: EpisodeEmail, *, now: datetime) -> tuple[str, str] | None:
    """(status, reason) when this email must not go out any more; None when it should."""
    patient, episode, visit = row.patient, row.episode, row.visit
    if not (patient.email_consent and patient.email):
        return EmailStatus.SKIPPED, "no email consent" if patient.email else "no email address"
    kind = Kind(row.kind)
    if episode.status not in _WANTS[kind]:
        return EmailStatus.CANCELLED, f"the episode is {episode.status}"
    if visit is not None:
        if visit.status != VisitStatus.PLANNED:
            return EmailStatus.CANCELLED, f"the visit is {visit.status}"
        if visit.starts_at != row.visit_starts_at:
            return EmailStatus.CANCELLED, "the visit moved"
        if visit.starts_at <= now:
            return EmailStatus.CANCELLED, "the visit has begun"
    if kind == Kind.RETURN_REMINDER and episode.ends_at + return_grace(row.clinic_id) > now:
        return EmailStatus.CANCELLED, "the device is not overdue"
    if kind == Kind.REMOVED_EARLY and not episode.early_removal_reason:
        return EmailStatus.CANCELLED, "the device was not taken off early"
    return None


def episode_email_send(*, email_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one claimed email (a batch of one)."""
    return episode_emails_send(email_ids=[email_id], now=now)[0]


def episode_emails_send(*, email_ids: Sequence[int], now: datetime | None = None) -> list[SendOutcome]:
    """Send a batch of claimed emails over one connection, each row locked until its outcome is recorded."""
    return outbox_send(email_ids, lambda pk, batch: _episode_email_send_one(pk, batch=batch, now=now),
                       what="episode email")


def _episode_email_send_one(email_id: int, *, batch: MailBatch, now: datetime | None) -> SendOutcome:
    from pumps.emails import build_message, message_id_for  # the renderer loads templates: keep this module light

    with transaction.atomic():
        row = next(iter(  # not first(): see notifications.services
            EpisodeEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("episode", "visit", "patient", "clinic")
            .filter(pk=email_id, status=EmailStatus.SENDING)
        ), None)
        if row is None:
            return SendOutcome("not_claimed")  # sent or settled already, or another worker holds it
        now = now or timezone.now()
        verdict = _why_not(row, now=now)
        if verdict:
            row.status, row.status_reason = verdict
            row.claimed_at = None
            row.save(update_fields=["status", "status_reason", "claimed_at", "updated_at"])
            logger.info("episode email %s %s: %s", row.pk, row.status, row.status_reason)
            return SendOutcome(row.status, row.status_reason)

        outcome = send_attempt(
            row, lambda: build_message(row, episode=row.episode, patient=row.patient, clinic=row.clinic, now=now,
                                       templates=batch.template),
            now=now, message_id=message_id_for(row), what="episode email", batch=batch,
        )
        if outcome.status != "sent":
            return outcome
        logger.info("episode email %s sent (%s)", row.pk, row.kind)
        return SendOutcome("sent")
