"""Delivery of the outbox: claim what is due, send it in batches, and the staff's resend of a failed one.

The rows are bookings' (`bookings.models.PatientEmail`), written by the booking services in their own
transaction (bookings.outbox). Delivery is two steps: `emails_claim_due` (the beat sweep) marks due rows
`sending` with SKIP LOCKED and returns their ids, which it queues in batches of `OUTBOX_BATCH_SIZE`;
`emails_send` (one Celery task per batch) sends a batch over one connection to the mail server (`MailBatch`),
row by row: each in its own transaction, it locks the row, re-reads the session, sends, and records the
outcome before the next row. A worker that dies mid-send rolls back only the row on the wire, which is
claimed again after its lease (the rows of its batch not yet reached too, still `sending`): the one window
for a duplicate is an email the server accepted just before the worker died, before the row was marked sent.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template import loader
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


def _connection_lost(exc: BaseException) -> bool:
    """Whether the failure is the connection's (the server gone, unreachable or closing), not one message's."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # "service not available, closing transmission channel"
    if isinstance(exc, smtplib.SMTPException):  # a subclass of OSError: a recipient refused is about one message
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out, no route


class MailBatch:
    """One connection to the mail server (Django's `get_connection()`, any backend) for a batch of outbox rows,
    and the templates compiled for them.

    The connection opens at the first message that goes (a batch whose rows were all settled meanwhile never
    connects) and stays open for the rest. When it drops, it is closed and the next row opens a new one; when that
    fails as well, the batch stops: each row it has not reached is still locked, checked and recorded one by one,
    its attempt failing with the same error, so it goes back to `pending` with the usual back-off (or `failed` after
    the last attempt) without the server being tried again. The same for the task's soft time limit.
    """

    def __init__(self, *, what: str):
        self.what = what
        self.backend = get_connection(fail_silently=False)
        self.connections = 0  # opened, for the log and the tests
        self.stopped: BaseException | None = None
        self._open = False
        self._lost_in_a_row = 0
        self._templates: dict[str, object] = {}

    def template(self, name: str):
        """A compiled template, looked up once per batch."""
        if name not in self._templates:
            self._templates[name] = loader.get_template(name)
        return self._templates[name]

    def send(self, message: EmailMessage) -> None:
        if self.stopped is not None:
            raise self.stopped
        try:
            if not self._open:
                # Opened here, not by send_messages(), which would close a connection it opened after one message.
                self.backend.open()
                self._open = True
                self.connections += 1
            message.connection = self.backend
            message.send(fail_silently=False)
        except Exception as exc:
            if isinstance(exc, SoftTimeLimitExceeded):
                self.stopped = exc
            elif _connection_lost(exc):
                self.close()
                self._lost_in_a_row += 1
                if self._lost_in_a_row >= 2:  # it dropped and could not be reopened, or never opened twice
                    self.stopped = exc
                    logger.warning("%s batch stopped: %s", self.what, type(exc).__name__)
            raise
        self._lost_in_a_row = 0

    def close(self) -> None:
        if self._open:
            self._open = False
            with contextlib.suppress(Exception):  # a connection that dropped cannot say QUIT
                self.backend.close()

    def __enter__(self) -> MailBatch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def batches(ids: Sequence[int], size: int | None = None) -> Iterator[list[int]]:
    """`ids` in batches of `size` (`OUTBOX_BATCH_SIZE`), in the claim's order."""
    size = size or settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def outbox_send(ids: Iterable[int], send_one: Callable[[int, MailBatch], SendOutcome], *,
                what: str) -> list[SendOutcome]:
    """Send the claimed rows `ids` over one `MailBatch`, each through `send_one` (its own transaction and row lock,
    the outcome recorded before the next row)."""
    outcomes = []
    with MailBatch(what=what) as batch:
        for pk in ids:
            outcomes.append(send_one(pk, batch))
    if len(outcomes) > 1:
        logger.info("%s batch: %d rows over %d connection(s): %s", what, len(outcomes), batch.connections,
                    dict(Counter(o.status for o in outcomes)))
    return outcomes


def send_attempt(row, build: Callable[[], EmailMessage], *, now: datetime, message_id: str,
                 what: str, batch: MailBatch | None = None) -> SendOutcome:
    """One attempt at an outbox row its caller has claimed and holds locked (a patient email here, a pump episode's
    email in pumps.delivery): build the message and send it, then record the outcome on the row: `sent` with the
    Message-ID (a provider's own, else `message_id`), a retry with back-off, or `failed` after the last attempt or a
    permanent refusal. Rendering is inside: an email that cannot be built fails like one that cannot be sent
    (retried, then `failed` for staff), instead of rolling back to `sending` and being claimed again for ever.
    With a `batch`, the message goes over the batch's connection; without, over one of its own."""
    row.attempts += 1
    try:
        message = build()
        if batch is None:
            message.send(fail_silently=False)
        else:
            batch.send(message)
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
    """Send one claimed email (a batch of one)."""
    return emails_send(email_ids=[email_id], now=now)[0]


def emails_send(*, email_ids: Sequence[int], now: datetime | None = None) -> list[SendOutcome]:
    """Send a batch of claimed emails over one connection, each row locked until its outcome is recorded."""
    from notifications import emails  # the renderer imports templates; keep this module light

    forms_done: Callable[[InfusionSession], bool | None] = emails.forms_done
    if len(email_ids) > 1:
        # What the renderer would read row by row, read once for the batch (the rows re-read under lock below).
        forms_done = emails.forms_done_of(
            PatientEmail.objects.filter(pk__in=email_ids).select_related("session__cycle__protocol")
        )

    def send_one(pk: int, batch: MailBatch) -> SendOutcome:
        lookups = emails.Lookups(template=batch.template, forms_done=forms_done)
        return _email_send_one(pk, lookups=lookups, batch=batch, now=now)

    return outbox_send(email_ids, send_one, what="reminder")


def _email_send_one(email_id: int, *, lookups, batch: MailBatch, now: datetime | None) -> SendOutcome:
    from notifications.emails import build_message

    with transaction.atomic():
        # One query for the row and what it is about; only the reminder row is locked. Not first(): its ORDER BY
        # on one row by its key is work for nothing, row after row.
        row = next(iter(
            PatientEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("session", "cycle", "patient", "clinic")
            .filter(pk=email_id, status=EmailStatus.SENDING)
        ), None)
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
            message = build_message(row, session=session, cycle=cycle, patient=patient, clinic=clinic, now=now,
                                    lookups=lookups)
            message.extra_headers["Message-ID"] = message_id_for(row)
            return message

        outcome = send_attempt(row, build, now=now, message_id=message_id_for(row), what="reminder", batch=batch)
        if outcome.status != "sent":
            return outcome
        logger.info("reminder %s sent (%s)", row.pk, row.kind)
        return SendOutcome("sent")
