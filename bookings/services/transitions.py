"""The session transitions (confirm, check in, start, complete, no-show, cancel) and ending a course.

Each changes a status by compare-and-swap (UPDATE … WHERE status IN the legal sources), bumps the version,
records an event and an audit entry, and settles the course's own status from its sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import records as audit
from bookings import error_codes as codes
from bookings.models import (
    CANCELLED_STATUSES,
    NEEDS_MOVING_CLEARED,
    UPCOMING_STATUSES,
    CancelledBy,
    CycleStatus,
    InfusionSession,
    ReviewReason,
    SessionStatus,
    TreatmentCycle,
)
from bookings.outbox import (
    outbox_cycle_cancelled,
    outbox_cycle_completed,
    outbox_session_cancelled,
    outbox_session_done,
)
from bookings.selectors import cancel_is_late
from bookings.services.audit import audit_cycle_update, audit_entry, event
from bookings.services.errors import BookingError, transition_error
from bookings.services.freed import slots_freed_on_commit
from bookings.services.gates import gates_check, review_wanted
from bookings.services.locks import lock_cycle, lock_session
from common.clock import format_clock
from scheduler import planning
from scheduler.models import Clinic, Protocol


def _transition(
    session: InfusionSession,
    action: str,
    *,
    sources: Sequence[str],
    target: str,
    by,
    now: datetime,
    fields: dict | None = None,
    data: dict | None = None,
) -> InfusionSession:
    """Compare-and-swap one session from one of `sources` to `target`; refuse if it is in another state."""
    before = session.status
    if target in CANCELLED_STATUSES and session.needs_moving_since is not None:
        fields = {**(fields or {}), **NEEDS_MOVING_CLEARED}  # a cancelled session no longer needs moving
    audited = ("status", "version", *(fields or {}))
    audit_before = audit.snapshot(session, audited)
    updated = InfusionSession.objects.filter(pk=session.pk, status__in=sources).update(
        status=target, version=F("version") + 1, updated_at=now, **(fields or {})
    )
    if updated != 1:
        raise transition_error(session, action)
    session.refresh_from_db()
    event(session, action, by=by, at=now, from_status=before, to_status=target, data=data).save()
    audit.record_many(
        [audit_entry(session, audit.UPDATE, audit.diff(audit_before, audit.snapshot(session, audited)), by)]
    )
    return session


def _local_today(clinic: Clinic, now: datetime) -> date:
    return planning.local_date(now, clinic.tz)


@transaction.atomic
def session_confirm(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient confirmed they are coming. Confirming twice changes nothing."""
    now = timezone.now()
    _, current = lock_session(session)
    if current.status == SessionStatus.CONFIRMED:
        return current
    return _transition(current, "confirm", sources=[SessionStatus.BOOKED], target=SessionStatus.CONFIRMED,
                       by=by, now=now, fields={"confirmed_at": now, "confirmed_by": by})


@transaction.atomic
def session_check_in(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient has arrived; allowed on the session's own day (clinic time)."""
    now = timezone.now()
    _, current = lock_session(session)
    if current.status in UPCOMING_STATUSES and planning.local_date(current.starts_at, current.clinic.tz) != _local_today(current.clinic, now):
        raise BookingError(
            codes.NOT_TODAY, "A patient can be checked in only on the day of the session.",
            details={"session": current.pk, "starts_at": current.starts_at.isoformat()},
        )
    current = _transition(current, "check_in", sources=UPCOMING_STATUSES, target=SessionStatus.CHECKED_IN,
                          by=by, now=now, fields={"checked_in_at": now, "checked_in_by": by})
    outbox_session_done(session=current)
    return current


@transaction.atomic
def session_start(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient is in the chair."""
    now = timezone.now()
    _, current = lock_session(session)
    if current.status == SessionStatus.CHECKED_IN:
        gates_check("start", current)
    return _transition(current, "start", sources=[SessionStatus.CHECKED_IN], target=SessionStatus.IN_CHAIR,
                       by=by, now=now, fields={"chair_started_at": now, "chair_started_by": by})


def completion_earliest_at(*, session: InfusionSession, protocol: Protocol) -> datetime | None:
    """When the protocol's chair time for this session has passed since the patient sat down (None before that).

    The chair time is the protocol's for this visit (the first visit's is longer): completing before it is the
    mistake of a button pressed too soon, or a session cut short, which a clinician must say.
    """
    if session.chair_started_at is None:
        return None
    return session.chair_started_at + timedelta(minutes=protocol.chair_minutes_for(session.sequence))


@transaction.atomic
def session_complete(*, session: InfusionSession, by=None, reason: str = "") -> InfusionSession:
    """The session is done; the course becomes active, is flagged for review, or completes.

    Before the protocol's chair time has passed it needs a `reason`, kept on the session and in its history;
    without one it is refused with `too_early_to_complete`.
    """
    now = timezone.now()
    reason = (reason or "").strip()
    cycle, current = lock_session(session)
    if current.status == SessionStatus.IN_CHAIR:
        gates_check("complete", current)
    fields: dict = {"completed_at": now, "completed_by": by}
    data = None
    earliest = completion_earliest_at(session=current, protocol=cycle.protocol) if current.status == SessionStatus.IN_CHAIR else None
    if earliest is not None and now < earliest:
        minutes = cycle.protocol.chair_minutes_for(current.sequence)
        if not reason:
            raise BookingError(
                codes.TOO_EARLY_TO_COMPLETE,
                f"This session holds the chair for {minutes} minutes; say why it is completed before "
                f"{format_clock(timezone.localtime(earliest, current.clinic.tz), current.clinic.clock_format)}.",
                details={"session": current.pk, "earliest_at": earliest.isoformat(), "chair_minutes": minutes},
            )
        fields["early_completion_reason"] = reason
        data = {"reason": reason, "early": True, "chair_minutes": minutes,
                "minutes_in_chair": int((now - (earliest - timedelta(minutes=minutes))).total_seconds() // 60)}
    current = _transition(current, "complete", sources=[SessionStatus.IN_CHAIR], target=SessionStatus.COMPLETED,
                          by=by, now=now, fields=fields, data=data)
    review = cycle.protocol.review_after_session
    if review and current.sequence == review and not cycle.needs_review and review_wanted(cycle):
        TreatmentCycle.objects.filter(pk=cycle.pk).update(needs_review=True, review_reason=ReviewReason.AFTER_SESSION)
        audit_cycle_update(cycle, {"needs_review": True, "review_reason": ReviewReason.AFTER_SESSION}, by)
    if _settle_cycle(cycle, by=by, now=now) == CycleStatus.COMPLETED:
        outbox_cycle_completed(
            last_session=current, clinic=current.clinic, patient=cycle.patient, completed_at=now
        )
    return current


_RUNNING_STATUSES = (SessionStatus.CHECKED_IN, SessionStatus.IN_CHAIR)


def _settle_cycle(cycle: TreatmentCycle, *, by, now: datetime) -> str | None:
    """Derive the course's status from its sessions, and bump its version.

    planned → active once a session is done; completed when n sessions are done. A course left with
    nothing upcoming or running and fewer than n done has ended: `abandoned` if any session was done,
    else `cancelled`.
    """
    statuses = list(InfusionSession.objects.filter(cycle=cycle).values_list("status", flat=True))
    done = statuses.count(SessionStatus.COMPLETED)
    pending = sum(1 for s in statuses if s in UPCOMING_STATUSES or s in _RUNNING_STATUSES)
    changes: dict = {}
    if cycle.status in (CycleStatus.PLANNED, CycleStatus.ACTIVE):
        if done >= cycle.session_count:
            changes.update(status=CycleStatus.COMPLETED, ended_at=now, ended_by=by)
        elif not pending:
            changes.update(status=CycleStatus.ABANDONED if done else CycleStatus.CANCELLED, ended_at=now, ended_by=by)
        elif done and cycle.status == CycleStatus.PLANNED:
            changes["status"] = CycleStatus.ACTIVE
    TreatmentCycle.objects.filter(pk=cycle.pk).update(version=F("version") + 1, **changes)
    audit_cycle_update(cycle, changes, by)
    return changes.get("status")


def _flag_early_dropout(cycle: TreatmentCycle, session: InfusionSession) -> None:
    """Half of patients do not finish an induction; a miss right after session 1 or 2 is the sign."""
    if session.sequence in (2, 3) and not cycle.needs_review:
        TreatmentCycle.objects.filter(pk=cycle.pk).update(needs_review=True, review_reason=ReviewReason.EARLY_DROPOUT)
        audit_cycle_update(cycle, {"needs_review": True, "review_reason": ReviewReason.EARLY_DROPOUT}, by=None)


@transaction.atomic
def session_no_show(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient did not come: allowed once the clinic's no-show minutes have passed since the start."""
    now = timezone.now()
    cycle, current = lock_session(session)
    allowed_from = current.starts_at + timedelta(minutes=current.clinic.no_show_minutes)
    if current.status in UPCOMING_STATUSES and now < allowed_from:
        raise BookingError(
            codes.TOO_EARLY_FOR_NO_SHOW,
            f"A no-show can be recorded from {current.clinic.no_show_minutes} minutes after the start.",
            details={"session": current.pk, "allowed_from": allowed_from.isoformat()},
        )
    current = _transition(current, "no_show", sources=UPCOMING_STATUSES, target=SessionStatus.NO_SHOW,
                          by=by, now=now, fields={"no_show_at": now, "no_show_by": by})
    outbox_session_done(session=current)
    _flag_early_dropout(cycle, current)
    _settle_cycle(cycle, by=by, now=now)
    return current


def _cancel_locked(
    cycle: TreatmentCycle, current: InfusionSession, *, by_party: str, reason: str, by, now: datetime, notify: bool = True
):
    late = cancel_is_late(session=current, now=now)
    target = SessionStatus.LATE_CANCELLED if late else SessionStatus.CANCELLED
    current = _transition(
        current, "cancel", sources=UPCOMING_STATUSES, target=target, by=by, now=now,
        fields={"cancelled_at": now, "cancelled_by": by, "cancelled_by_party": by_party, "cancel_reason": reason},
        data={"by": by_party, "reason": reason},
    )
    if by_party == CancelledBy.PATIENT:
        _flag_early_dropout(cycle, current)
    outbox_session_cancelled(session=current, notify=notify, now=now)
    return current


def _clean_cancel_args(by_party: str, reason: str) -> str:
    if by_party not in CancelledBy.values:
        raise BookingError(codes.INVALID_SCOPE, "by must be 'patient' or 'clinic'.", details={"by": by_party})
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(codes.REASON_REQUIRED, "Say why the session is cancelled.")
    return reason


@transaction.atomic
def session_cancel(*, session: InfusionSession, by_party: str, reason: str, by=None) -> InfusionSession:
    """Cancel one session. Inside the clinic's late-cancel window it is recorded as late-cancelled."""
    reason = _clean_cancel_args(by_party, reason)
    now = timezone.now()
    cycle, current = lock_session(session)
    current = _cancel_locked(cycle, current, by_party=by_party, reason=reason, by=by, now=now)
    _settle_cycle(cycle, by=by, now=now)
    slots_freed_on_commit(clinic_id=current.clinic_id, slots=[(current.chair_id, current.starts_at, current.ends_at)])
    return current


@transaction.atomic
def cycle_cancel(*, cycle: TreatmentCycle, reason: str, by_party: str = CancelledBy.CLINIC, by=None) -> TreatmentCycle:
    """End a course: its upcoming sessions are cancelled. A course with sessions done is `abandoned`."""
    reason = _clean_cancel_args(by_party, reason)
    now = timezone.now()
    locked = lock_cycle(cycle.pk)
    if locked.status not in (CycleStatus.PLANNED, CycleStatus.ACTIVE):
        raise BookingError(
            codes.INVALID_TRANSITION, f"A {locked.get_status_display().lower()} course cannot be cancelled.",
            details={"cycle": locked.pk, "status": locked.status, "action": "cancel"},
        )
    sessions = list(
        InfusionSession.objects.select_for_update(of=("self",)).select_related("clinic").filter(cycle=locked).order_by("sequence")
    )
    running = [s.pk for s in sessions if s.status in _RUNNING_STATUSES]
    if running:
        raise BookingError(
            codes.SESSION_IN_PROGRESS, "A session of this course is under way; finish it first.",
            details={"sessions": running},
        )
    cancelled = [
        _cancel_locked(locked, s, by_party=by_party, reason=reason, by=by, now=now, notify=False)
        for s in sessions
        if s.status in UPCOMING_STATUSES
    ]
    # One email for the whole course, not one per session.
    outbox_cycle_cancelled(sessions=cancelled, now=now)
    slots_freed_on_commit(clinic_id=locked.clinic_id, slots=[(s.chair_id, s.starts_at, s.ends_at) for s in cancelled])
    any_done = any(s.status == SessionStatus.COMPLETED for s in sessions)
    TreatmentCycle.objects.filter(pk=locked.pk).update(
        status=CycleStatus.ABANDONED if any_done else CycleStatus.CANCELLED,
        ended_at=now, ended_by=by, cancel_reason=reason, version=F("version") + 1,
    )
    audit_cycle_update(
        locked,
        {"status": CycleStatus.ABANDONED if any_done else CycleStatus.CANCELLED, "ended_at": now, "ended_by": by,
         "cancel_reason": reason},
        by,
    )
    locked.refresh_from_db()
    return locked
