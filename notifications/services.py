"""Delivery of the outbox: claim what is due, send one email, and the staff's resend of a failed one.

The rows are bookings' (`bookings.models.PatientEmail`), written by the booking services in their own
transaction (bookings.outbox). Delivery is two steps: `emails_claim_due` (the beat sweep) marks due rows
`sending` with SKIP LOCKED and returns their ids; `email_send` (one Celery task per id) locks the row,
re-reads the session, sends, and records the outcome in the same transaction. A worker that dies mid-send
rolls its transaction back, so the row is claimed again after its lease: the one window for a duplicate is
an email the server accepted just before the worker died, before the row was marked sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import records as audit
from bookings.models import (
    CANCELLED_STATUSES,
    UPCOMING_STATUSES,
    CycleStatus,
    EmailKind,
    EmailStatus,
    InfusionSession,
    Patient,
    PatientEmail,
    TreatmentCycle,
)
from bookings.outbox import timing
from common.errors import ApplicationError
from common.redaction import redact_addresses
from notifications import error_codes as codes

logger = logging.getLogger(__name__)

_BATCH = 500

# --- Staff actions -----------------------------------------------------------------------------------


class EmailNotResendable(ApplicationError):
    """Only a failed email can be sent again (it changed since the page or list was shown)."""

    def __init__(self, row: PatientEmail):
        super().__init__(
            codes.REMINDER_NOT_RESENDABLE,
            f"Only a failed email can be sent again; this one is {row.status}.",
            details={"reminder": row.pk, "status": row.status},
            status=codes.http_status(codes.REMINDER_NOT_RESENDABLE),
        )


@transaction.atomic
def email_resend(*, email: PatientEmail, by=None) -> PatientEmail:
    """Send a failed email again, now: it goes back to the outbox with a fresh count of attempts."""
    row = PatientEmail.objects.select_for_update().get(pk=email.pk)
    if row.status != EmailStatus.FAILED:
        raise EmailNotResendable(row)
    now = timezone.now()
    row.status = EmailStatus.PENDING
    row.send_after = now
    row.attempts = 0
    row.resends += 1
    row.claimed_at = None
    row.save(update_fields=["status", "send_after", "attempts", "resends", "claimed_at", "updated_at"])
    audit.record(
        row, audit.UPDATE, patient_id=row.patient_id, clinic_id=row.clinic_id, actor=by,
        changes={"status": [EmailStatus.FAILED, EmailStatus.PENDING], "resends": [row.resends - 1, row.resends]},
    )
    return row


# --- Delivery ----------------------------------------------------------------------------------------


def emails_claim_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim the patient emails due now (and those whose claim went stale) for sending; return their ids."""
    return outbox_claim_due(PatientEmail, now=now, limit=limit, what="patient emails")


def outbox_claim_due(model, *, now: datetime | None = None, limit: int | None = None, what: str) -> list[int]:
    """Claim the rows of an outbox `model` (patient emails here, pump episode emails in pumps.delivery) due now, and
    the rows whose claim went stale, for sending; return their ids.

    Each batch is its own short transaction with SKIP LOCKED, so two sweeps running at once split the
    rows between them and never claim one twice.
    """
    now = now or timezone.now()
    limit = settings.REMINDER_SWEEP_LIMIT if limit is None else limit
    stale = now - timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    due = Q(status=EmailStatus.PENDING, send_after__lte=now) | Q(status=EmailStatus.SENDING, claimed_at__lt=stale)
    claimed: list[int] = []
    while len(claimed) < limit:
        with transaction.atomic():
            ids = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(due)
                .order_by("send_after", "pk")
                .values_list("pk", flat=True)[: min(_BATCH, limit - len(claimed))]
            )
            if ids:
                model.objects.filter(pk__in=ids).update(status=EmailStatus.SENDING, claimed_at=now, updated_at=now)
        claimed += ids
        if len(ids) < _BATCH:
            break
    if claimed:
        logger.info("%s claimed: %d", what, len(claimed))
    return claimed


@dataclass(frozen=True)
class SendOutcome:
    status: str  # sent, retry, failed, cancelled, skipped, not_claimed
    reason: str = ""


def _permanent(exc: Exception) -> bool:
    """Whether trying again cannot help: the server refused the recipient or the message for good."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPServerDisconnected)
    return False


def send_attempt(row, build: Callable[[], EmailMessage], *, now: datetime, message_id: str,
                 what: str) -> SendOutcome:
    """One attempt at an outbox row its caller has claimed and holds locked (a patient email here, a pump episode's
    email in pumps.delivery): build the message and send it, then record the outcome on the row: `sent` with the
    Message-ID (a provider's own, else `message_id`), a retry with back-off, or `failed` after the last attempt or a
    permanent refusal. Rendering is inside: an email that cannot be built fails like one that cannot be sent
    (retried, then `failed` for staff), instead of rolling back to `sending` and being claimed again for ever."""
    row.attempts += 1
    try:
        message = build()
        message.send(fail_silently=False)
    except Exception as exc:  # any failure of rendering or the mail backend: recorded on the row, never swallowed
        row.last_error = redact_addresses(f"{type(exc).__name__}: {exc}")[:2000]
        if _permanent(exc) or row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            row.status = EmailStatus.FAILED
        else:
            row.status = EmailStatus.PENDING
            row.send_after = now + timing.retry_delay(
                row.attempts, settings.REMINDER_RETRY_BASE_SECONDS, settings.REMINDER_RETRY_MAX_SECONDS
            )
        row.claimed_at = None
        row.save(update_fields=["status", "last_error", "attempts", "send_after", "claimed_at", "updated_at"])
        logger.warning("%s %s attempt %s %s: %s", what, row.pk, row.attempts, row.status, type(exc).__name__)
        return SendOutcome("failed" if row.status == EmailStatus.FAILED else "retry", row.last_error)

    row.status = EmailStatus.SENT
    row.sent_at = timezone.now()
    # A provider (django-anymail) reports its own id; SMTP keeps ours.
    provider_status = getattr(message, "anymail_status", None)
    row.message_id = str(provider_status.message_id) if provider_status and provider_status.message_id else message_id
    row.last_error = ""
    row.claimed_at = None
    row.save(update_fields=["status", "sent_at", "message_id", "last_error", "attempts", "claimed_at", "updated_at"])
    return SendOutcome("sent")


def _why_not(
    row: PatientEmail, session: InfusionSession, cycle: TreatmentCycle, patient: Patient
) -> tuple[str, str] | None:
    """(status, reason) when this email must not go out any more; None when it should."""
    if not (patient.email_consent and patient.email):
        return EmailStatus.SKIPPED, "no email consent" if patient.email else "no email address"
    kind = row.kind
    if kind == EmailKind.CONFIRMATION:
        # Claimed before the course was cancelled: a confirmation of nothing is not sent.
        if not cycle.sessions.filter(status__in=UPCOMING_STATUSES).exists():
            return EmailStatus.CANCELLED, "nothing left to confirm in the course"
        return None
    if kind == EmailKind.CYCLE_CANCELLED:
        return None
    if kind == EmailKind.CANCELLED:
        if session.status not in CANCELLED_STATUSES:
            return EmailStatus.CANCELLED, "the session is no longer cancelled"
        return None
    if kind == EmailKind.BOOSTER_RECALL:
        if cycle.status != CycleStatus.COMPLETED:
            return EmailStatus.CANCELLED, "the course is not completed"
        if patient.cycles.filter(created_at__gt=cycle.created_at).exists():
            return EmailStatus.CANCELLED, "the patient has booked again"
        return None
    # Reminders and move notices are about the session as it stands: not if it moved again or ended.
    if session.status not in UPCOMING_STATUSES:
        return EmailStatus.CANCELLED, f"the session is {session.status}"
    if session.starts_at != row.session_starts_at:
        return EmailStatus.CANCELLED, "the session moved"
    return None


def message_id_for(row: PatientEmail) -> str:
    return f"<reminder.{row.pk}.{row.resends}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def email_send(*, email_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one claimed email, holding its row lock until the outcome is recorded."""
    from notifications.emails import build_message  # the renderer imports templates; keep this module light

    with transaction.atomic():
        row = (
            # One query for the row and what it is about; only the reminder row is locked.
            PatientEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("session", "cycle", "patient", "clinic")
            .filter(pk=email_id, status=EmailStatus.SENDING)
            .first()
        )
        if row is None:
            return SendOutcome("not_claimed")  # sent or settled already, or another worker holds it
        now = now or timezone.now()
        session, cycle, patient, clinic = row.session, row.cycle, row.patient, row.clinic
        verdict = _why_not(row, session, cycle, patient)
        if verdict:
            row.status, row.status_reason = verdict
            row.save(update_fields=["status", "status_reason", "updated_at"])
            logger.info("reminder %s %s: %s", row.pk, row.status, row.status_reason)
            return SendOutcome(row.status, row.status_reason)

        def build():
            message = build_message(row, session=session, cycle=cycle, patient=patient, clinic=clinic, now=now)
            message.extra_headers["Message-ID"] = message_id_for(row)
            return message

        outcome = send_attempt(row, build, now=now, message_id=message_id_for(row), what="reminder")
        if outcome.status != "sent":
            return outcome
        logger.info("reminder %s sent (%s)", row.pk, row.kind)
        return SendOutcome("sent")
