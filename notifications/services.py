"""The outbox's write paths: plan, move and cancel reminder rows; claim what is due; send one email.

The booking services call the `reminders_*` planning functions inside their own transaction, handing over
the rows they hold, so a booking and its emails commit or roll back together. Delivery is two steps:
`reminders_claim_due` (the beat sweep) marks due rows `sending` with SKIP LOCKED and returns their ids;
`reminder_send` (one Celery task per id) locks the row, re-reads the session, sends, and records the outcome
in the same transaction. A worker that dies mid-send rolls its transaction back, so the row is claimed
again after its lease: the one window for a duplicate is an email the server accepted just before the
worker died, before the row was marked sent.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import records as audit
from notifications import timing
from notifications.models import OPEN_STATUSES, Reminder, ReminderKind, ReminderStatus

logger = logging.getLogger(__name__)

# Session statuses as bookings names them (notifications does not import bookings; a test checks these
# against bookings.models).
UPCOMING_SESSION_STATUSES = ("booked", "confirmed")
CANCELLED_SESSION_STATUSES = ("cancelled", "late_cancelled")
COMPLETED_CYCLE_STATUS = "completed"

_BATCH = 500


# --- Planning: called by the booking services, inside their transaction ----------------------------


def _row(*, session, kind: str, due_at: datetime, now: datetime, skip_reason: str = "") -> Reminder:
    status = ReminderStatus.SKIPPED if skip_reason else ReminderStatus.PENDING
    return Reminder(
        clinic_id=session.clinic_id, patient_id=session.patient_id, cycle_id=session.cycle_id, session=session,
        kind=kind, session_version=session.version, session_starts_at=session.starts_at,
        due_at=due_at, send_after=due_at, status=status, status_reason=skip_reason,
    )


def _session_reminders(session, *, clinic, patient, now: datetime) -> list[Reminder]:
    """The reminder rows of one upcoming session at its current version, at the clinic's offsets."""
    rows = []
    for hours in sorted(set(clinic.reminder_offsets_hours or []), reverse=True):
        due = timing.reminder_due(session.starts_at, hours, patient.tz, clinic.quiet_hours_start, clinic.quiet_hours_end)
        # A reminder whose time has passed when booked (a same-day booking) is skipped, not sent late.
        skip = "due before it was booked" if due <= now else ""
        rows.append(_row(session=session, kind=ReminderKind.reminder(hours), due_at=due, now=now, skip_reason=skip))
    return rows


def _insert(rows: Sequence[Reminder]) -> None:
    # A row for the same (session, kind, version) already written is kept: the unique key makes planning
    # twice harmless.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def _cancel_open(query: Q, reason: str) -> int:
    """Cancel rows not yet sent. A row being sent right now is left to its task, which re-reads the session."""
    return Reminder.objects.filter(query, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, status_reason=reason, updated_at=timezone.now()
    )


def reminders_cycle_booked(*, sessions: Sequence, clinic, patient, now: datetime | None = None) -> None:
    """A course was booked: the confirmation (the whole course, with its calendar file) and every reminder."""
    now = now or timezone.now()
    first = min(sessions, key=lambda s: s.sequence)
    rows = [_row(session=first, kind=ReminderKind.CONFIRMATION, due_at=now, now=now)]
    for s in sessions:
        rows += _session_reminders(s, clinic=clinic, patient=patient, now=now)
    _insert(rows)


def reminders_session_moved(*, session, clinic, patient, now: datetime | None = None) -> None:
    """A session moved (its row already updated): old reminders cancelled, a change notice, new reminders."""
    now = now or timezone.now()
    _cancel_open(
        Q(session_id=session.pk) & ~Q(kind__in=[ReminderKind.CONFIRMATION, ReminderKind.CANCELLED]),
        "the session moved",
    )
    rows = [_row(session=session, kind=ReminderKind.MOVED, due_at=now, now=now)]
    rows += _session_reminders(session, clinic=clinic, patient=patient, now=now)
    _insert(rows)


def reminders_session_cancelled(*, session, notify: bool = True, now: datetime | None = None) -> None:
    """A session was cancelled (its row already updated): nothing more for it is sent but the notice."""
    now = now or timezone.now()
    _cancel_open(Q(session_id=session.pk) & ~Q(kind=ReminderKind.CONFIRMATION), "the session was cancelled")
    if notify:
        _insert([_row(session=session, kind=ReminderKind.CANCELLED, due_at=now, now=now)])


def reminders_cycle_cancelled(*, sessions: Sequence, now: datetime | None = None) -> None:
    """A whole course was cancelled: its sessions' reminders cancelled, one notice for all of them."""
    now = now or timezone.now()
    if not sessions:
        return
    ids = [s.pk for s in sessions]
    first = min(sessions, key=lambda s: s.sequence)
    # Cancelled before its confirmation went out: the patient was never told of the course, so there is
    # nothing to take back (a confirmation already being sent still gets the notice).
    never_told = _cancel_open(
        Q(cycle_id=first.cycle_id, kind=ReminderKind.CONFIRMATION), "the course was cancelled before it went out"
    )
    _cancel_open(Q(session_id__in=ids), "the course was cancelled")
    if not never_told:
        _insert([_row(session=first, kind=ReminderKind.CYCLE_CANCELLED, due_at=now, now=now)])


def reminders_cycle_completed(*, last_session, clinic, patient, completed_at: datetime) -> None:
    """A course completed: the booster recall, the clinic's number of days later (none if 0)."""
    days = clinic.booster_recall_days
    if not days:
        return
    due = timing.booster_due(completed_at, days, patient.tz, clinic.quiet_hours_start, clinic.quiet_hours_end)
    _insert([_row(session=last_session, kind=ReminderKind.BOOSTER_RECALL, due_at=due, now=completed_at)])


def reminders_session_done(*, session) -> None:
    """The patient arrived or was marked a no-show: the session's remaining reminders are moot."""
    _cancel_open(Q(session_id=session.pk) & Q(kind__startswith=ReminderKind.REMINDER_PREFIX), "the session has begun")


def reminders_patient_unsubscribed(*, patient_id: int) -> int:
    """The patient withdrew email consent: nothing pending for them is sent."""
    return _cancel_open(Q(patient_id=patient_id), "the patient unsubscribed")


# --- Staff actions -----------------------------------------------------------------------------------


class ReminderNotResendable(Exception):
    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


@transaction.atomic
def reminder_resend(*, reminder: Reminder, by=None) -> Reminder:
    """Send a failed email again, now: it goes back to the outbox with a fresh count of attempts."""
    row = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if row.status != ReminderStatus.FAILED:
        raise ReminderNotResendable(row.status)
    now = timezone.now()
    row.status = ReminderStatus.PENDING
    row.send_after = now
    row.attempts = 0
    row.resends += 1
    row.claimed_at = None
    row.save(update_fields=["status", "send_after", "attempts", "resends", "claimed_at", "updated_at"])
    audit.record(
        row, audit.UPDATE, patient_id=row.patient_id, clinic_id=row.clinic_id, actor=by,
        changes={"status": [ReminderStatus.FAILED, ReminderStatus.PENDING], "resends": [row.resends - 1, row.resends]},
    )
    return row


# --- Delivery ----------------------------------------------------------------------------------------


def reminders_claim_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim the rows due now (and rows whose claim went stale) for sending; return their ids.

    Each batch is its own short transaction with SKIP LOCKED, so two sweeps running at once split the
    rows between them and never claim one twice.
    """
    now = now or timezone.now()
    limit = settings.REMINDER_SWEEP_LIMIT if limit is None else limit
    stale = now - timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    due = Q(status=ReminderStatus.PENDING, send_after__lte=now) | Q(status=ReminderStatus.SENDING, claimed_at__lt=stale)
    claimed: list[int] = []
    while len(claimed) < limit:
        with transaction.atomic():
            ids = list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(due)
                .order_by("send_after", "pk")
                .values_list("pk", flat=True)[: min(_BATCH, limit - len(claimed))]
            )
            if ids:
                Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.SENDING, claimed_at=now, updated_at=now)
        claimed += ids
        if len(ids) < _BATCH:
            break
    if claimed:
        logger.info("reminders claimed: %d", len(claimed))
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


def _why_not(row: Reminder, session, cycle, patient) -> tuple[str, str] | None:
    """(status, reason) when this email must not go out any more; None when it should."""
    if not (patient.email_consent and patient.email):
        return ReminderStatus.SKIPPED, "no email consent" if patient.email else "no email address"
    kind = row.kind
    if kind == ReminderKind.CONFIRMATION:
        # Claimed before the course was cancelled: a confirmation of nothing is not sent.
        if not cycle.sessions.filter(status__in=UPCOMING_SESSION_STATUSES).exists():
            return ReminderStatus.CANCELLED, "nothing left to confirm in the course"
        return None
    if kind == ReminderKind.CYCLE_CANCELLED:
        return None
    if kind == ReminderKind.CANCELLED:
        if session.status not in CANCELLED_SESSION_STATUSES:
            return ReminderStatus.CANCELLED, "the session is no longer cancelled"
        return None
    if kind == ReminderKind.BOOSTER_RECALL:
        if cycle.status != COMPLETED_CYCLE_STATUS:
            return ReminderStatus.CANCELLED, "the course is not completed"
        if patient.cycles.filter(created_at__gt=cycle.created_at).exists():
            return ReminderStatus.CANCELLED, "the patient has booked again"
        return None
    # Reminders and move notices are about the session as it stands: not if it moved again or ended.
    if session.status not in UPCOMING_SESSION_STATUSES:
        return ReminderStatus.CANCELLED, f"the session is {session.status}"
    if session.starts_at != row.session_starts_at:
        return ReminderStatus.CANCELLED, "the session moved"
    return None


_EMAIL_ADDRESS = re.compile(r"[^\s<>()\[\]'\",;:]+@[^\s<>()\[\]'\",;:]+")


def _redacted(error: str) -> str:
    """An error as stored and shown to staff: without the email addresses SMTP servers like to quote."""
    return _EMAIL_ADDRESS.sub("[address]", error)


def message_id_for(row: Reminder) -> str:
    return f"<reminder.{row.pk}.{row.resends}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one claimed email, holding its row lock until the outcome is recorded."""
    from notifications.emails import build_message  # the renderer imports templates; keep this module light

    with transaction.atomic():
        row = (
            # One query for the row and what it is about; only the reminder row is locked.
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("session", "cycle", "patient", "clinic")
            .filter(pk=reminder_id, status=ReminderStatus.SENDING)
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

        row.attempts += 1
        try:
            # Rendering is inside: an email that cannot be built fails like one that cannot be sent (retried,
            # then `failed` for staff), instead of rolling back to `sending` and being reclaimed forever.
            message = build_message(row, session=session, cycle=cycle, patient=patient, clinic=clinic, now=now)
            message.extra_headers["Message-ID"] = message_id_for(row)
            message.send(fail_silently=False)
        except Exception as exc:  # any failure of rendering or the mail backend: recorded on the row, never swallowed
            row.last_error = _redacted(f"{type(exc).__name__}: {exc}")[:2000]
            if _permanent(exc) or row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
                row.status = ReminderStatus.FAILED
            else:
                row.status = ReminderStatus.PENDING
                row.send_after = now + timing.retry_delay(
                    row.attempts, settings.REMINDER_RETRY_BASE_SECONDS, settings.REMINDER_RETRY_MAX_SECONDS
                )
            row.claimed_at = None
            row.save(update_fields=["status", "last_error", "attempts", "send_after", "claimed_at", "updated_at"])
            logger.warning("reminder %s attempt %s %s: %s", row.pk, row.attempts, row.status, type(exc).__name__)
            return SendOutcome("failed" if row.status == ReminderStatus.FAILED else "retry", row.last_error)

        row.status = ReminderStatus.SENT
        row.sent_at = timezone.now()
        # A provider (django-anymail) reports its own id; SMTP keeps ours.
        provider_status = getattr(message, "anymail_status", None)
        row.message_id = str(provider_status.message_id) if provider_status and provider_status.message_id else message_id_for(row)
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "message_id", "last_error", "attempts", "updated_at"])
        logger.info("reminder %s sent (%s)", row.pk, row.kind)
        return SendOutcome("sent")


def reminders_for_sessions(session_ids: Iterable[int]):
    return Reminder.objects.filter(session_id__in=list(session_ids)).order_by("due_at", "pk")


__all__ = [
    "OPEN_STATUSES",
    "ReminderNotResendable",
    "SendOutcome",
    "message_id_for",
    "reminder_resend",
    "reminder_send",
    "reminders_claim_due",
    "reminders_cycle_booked",
    "reminders_cycle_cancelled",
    "reminders_cycle_completed",
    "reminders_for_sessions",
    "reminders_patient_unsubscribed",
    "reminders_session_cancelled",
    "reminders_session_done",
    "reminders_session_moved",
]
