"""The outbox's write paths: the patient-email rows a booking change owes, written in its own transaction.

The booking services call these inside their transaction, handing over the rows they hold, so a booking and
its emails commit or roll back together. Sending is the delivery layer's (notifications), which claims due
rows and re-reads the session before each send.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from bookings.models import EmailKind, EmailStatus, InfusionSession, Patient, PatientEmail
from bookings.outbox import timing
from scheduler.models import Clinic


def _row(
    *, session: InfusionSession, kind: str, due_at: datetime, skip_reason: str = "",
    previous_starts_at: datetime | None = None,
) -> PatientEmail:
    status = EmailStatus.SKIPPED if skip_reason else EmailStatus.PENDING
    return PatientEmail(
        clinic_id=session.clinic_id, patient_id=session.patient_id, cycle_id=session.cycle_id, session=session,
        kind=kind, session_version=session.version, session_starts_at=session.starts_at,
        previous_starts_at=previous_starts_at,
        due_at=due_at, send_after=due_at, status=status, status_reason=skip_reason,
    )


def _session_reminders(session: InfusionSession, *, clinic: Clinic, patient: Patient, now: datetime) -> list[PatientEmail]:
    """The reminder rows of one upcoming session at its current version, at the clinic's offsets."""
    rows = []
    for hours in sorted(set(clinic.reminder_offsets_hours or []), reverse=True):
        due = timing.reminder_due(session.starts_at, hours, patient.tz, clinic.quiet_hours_start, clinic.quiet_hours_end)
        # A reminder whose time has passed when booked (a same-day booking) is skipped, not sent late.
        skip = "due before it was booked" if due <= now else ""
        rows.append(_row(session=session, kind=EmailKind.reminder(hours), due_at=due, skip_reason=skip))
    return rows


def _insert(rows: Sequence[PatientEmail]) -> None:
    # A row for the same (session, kind, version) already written is kept: the unique key makes planning
    # twice harmless.
    PatientEmail.objects.bulk_create(rows, ignore_conflicts=True)


def _cancel_open(query: Q, reason: str) -> int:
    """Cancel rows not yet sent. A row being sent right now is left to its task, which re-reads the session."""
    return PatientEmail.objects.filter(query, status=EmailStatus.PENDING).update(
        status=EmailStatus.CANCELLED, status_reason=reason, updated_at=timezone.now()
    )


def outbox_cycle_booked(
    *, sessions: Sequence[InfusionSession], clinic: Clinic, patient: Patient, now: datetime | None = None
) -> None:
    """A course was booked: the confirmation (the whole course, with its calendar file) and every reminder."""
    now = now or timezone.now()
    first = min(sessions, key=lambda s: s.sequence)
    rows = [_row(session=first, kind=EmailKind.CONFIRMATION, due_at=now)]
    for s in sessions:
        rows += _session_reminders(s, clinic=clinic, patient=patient, now=now)
    _insert(rows)


def outbox_session_moved(
    *, session: InfusionSession, previous_starts_at: datetime, clinic: Clinic, patient: Patient,
    now: datetime | None = None,
) -> None:
    """A session moved (its row already updated): old reminders cancelled, a change notice, new reminders."""
    now = now or timezone.now()
    _cancel_open(
        Q(session_id=session.pk) & ~Q(kind__in=[EmailKind.CONFIRMATION, EmailKind.CANCELLED]),
        "the session moved",
    )
    rows = [_row(session=session, kind=EmailKind.MOVED, due_at=now, previous_starts_at=previous_starts_at)]
    rows += _session_reminders(session, clinic=clinic, patient=patient, now=now)
    _insert(rows)


def outbox_session_cancelled(*, session: InfusionSession, notify: bool = True, now: datetime | None = None) -> None:
    """A session was cancelled (its row already updated): nothing more for it is sent but the notice."""
    now = now or timezone.now()
    _cancel_open(Q(session_id=session.pk) & ~Q(kind=EmailKind.CONFIRMATION), "the session was cancelled")
    if notify:
        _insert([_row(session=session, kind=EmailKind.CANCELLED, due_at=now)])


def outbox_cycle_cancelled(*, sessions: Sequence[InfusionSession], now: datetime | None = None) -> None:
    """A whole course was cancelled: its sessions' reminders cancelled, one notice for all of them."""
    now = now or timezone.now()
    if not sessions:
        return
    ids = [s.pk for s in sessions]
    first = min(sessions, key=lambda s: s.sequence)
    # Cancelled before its confirmation went out: the patient was never told of the course, so there is
    # nothing to take back (a confirmation already being sent still gets the notice).
    never_told = _cancel_open(
        Q(cycle_id=first.cycle_id, kind=EmailKind.CONFIRMATION), "the course was cancelled before it went out"
    )
    _cancel_open(Q(session_id__in=ids), "the course was cancelled")
    if not never_told:
        _insert([_row(session=first, kind=EmailKind.CYCLE_CANCELLED, due_at=now)])


def outbox_cycle_completed(
    *, last_session: InfusionSession, clinic: Clinic, patient: Patient, completed_at: datetime
) -> None:
    """A course completed: the booster recall, the clinic's number of days later (none if 0)."""
    days = clinic.booster_recall_days
    if not days:
        return
    due = timing.booster_due(completed_at, days, patient.tz, clinic.quiet_hours_start, clinic.quiet_hours_end)
    _insert([_row(session=last_session, kind=EmailKind.BOOSTER_RECALL, due_at=due)])


def outbox_session_done(*, session: InfusionSession) -> None:
    """The patient arrived or was marked a no-show: the session's remaining reminders are moot."""
    _cancel_open(Q(session_id=session.pk) & Q(kind__startswith=EmailKind.REMINDER_PREFIX), "the session has begun")


def outbox_patient_unsubscribed(*, patient_id: int) -> int:
    """The patient withdrew email consent: nothing pending for them is sent."""
    return _cancel_open(Q(patient_id=patient_id), "the patient unsubscribed")
