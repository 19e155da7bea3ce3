"""The booking services: every write to cycles and sessions goes through one of these functions.

Each is atomic. Locks are taken in one order everywhere: the cycle row, then its session rows, then the
per-(clinic, day) advisory locks; the feasibility rules are re-checked under those locks, and
PostgreSQL's exclusion constraints stand behind them. A status changes only by compare-and-swap
(UPDATE … WHERE status IN the legal sources), and every change bumps the session's version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from audit import records as audit
from bookings import error_codes as codes
from bookings.models import (
    OCCUPYING_STATUSES,
    UPCOMING_STATUSES,
    CancelledBy,
    CycleStatus,
    InfusionSession,
    Patient,
    ReviewReason,
    SessionEvent,
    SessionStatus,
    TreatmentCycle,
)
from bookings.outbox import (
    outbox_cycle_booked,
    outbox_cycle_cancelled,
    outbox_cycle_completed,
    outbox_patient_unsubscribed,
    outbox_session_cancelled,
    outbox_session_done,
    outbox_session_moved,
)
from bookings.selectors import occupancy_load
from common.errors import ApplicationError
from scheduler import error_codes as rule_codes
from scheduler import planning
from scheduler.models import Chair, Clinic, Protocol, StaffMember
from scheduler.selectors import clinic_calendar_load, protocol_spacing


class BookingError(ApplicationError):
    def __init__(self, code: str, message: str, *, details: dict | None = None):
        super().__init__(code, message, details=details, status=codes.http_status(code))


@dataclass(frozen=True)
class SessionRequest:
    """One session asked for. A naive `starts_at` is a wall-clock time in the clinic's time zone."""

    starts_at: datetime
    chair: Chair | None = None
    nurse: StaffMember | None = None


@dataclass
class CycleBooked:
    cycle: TreatmentCycle
    sessions: list[InfusionSession]
    warnings: list[planning.Violation] = field(default_factory=list)


# --- Helpers -----------------------------------------------------------------------------------

# What the audit trail records of a new cycle or session, and of a moved session.
_CYCLE_AUDIT_FIELDS = ("patient", "protocol", "clinic", "status", "session_count")
_SESSION_AUDIT_FIELDS = (
    "cycle", "patient", "clinic", "sequence", "status", "starts_at", "ends_at", "chair", "nurse", "extra_monitoring",
)
_MOVE_AUDIT_FIELDS = ("starts_at", "ends_at", "chair", "nurse", "status", "confirmed_at", "confirmed_by", "version")


def _audit_entry(row: TreatmentCycle | InfusionSession, action, changes: dict, by):
    """An audit entry for a cycle or session, filed under its patient and clinic."""
    return audit.entry(row, action, changes=changes, patient_id=row.patient_id, clinic_id=row.clinic_id, actor=by)


def _audit_cycle_update(cycle: TreatmentCycle, fields: dict, by) -> None:
    """Record a queryset.update() of `fields` on a cycle whose in-memory values are the old ones."""
    changes = audit.diff(audit.snapshot(cycle, fields), fields)
    if changes:
        audit.record_many([_audit_entry(cycle, audit.UPDATE, changes, by)])


def _violation_error(violation: planning.Violation, sequence: int | None = None) -> BookingError:
    details = dict(violation.details)
    if sequence is not None:
        details["sequence"] = sequence
    message = violation.message if sequence is None else f"Session {sequence}: {violation.message}"
    return BookingError(violation.code, message, details=details)


def _localize(value: datetime, clinic: Clinic) -> datetime:
    """An instant in UTC, so that adding a session's minutes is elapsed time even across a DST change."""
    try:
        return planning.localize(value, clinic.tz).astimezone(UTC)
    except planning.LocalTimeError as exc:
        raise _violation_error(exc.violation) from None


def _lock_days(clinic: Clinic, instants: Iterable[datetime]) -> None:
    """Serialise bookings of one clinic-day: nurse capacity is a rule no constraint can hold.

    Transaction-level advisory locks, taken in sorted order so two bookings never wait on each other.
    On SQLite the immediate transaction already serialises every writer.
    """
    if connection.vendor != "postgresql":
        return
    days = sorted({planning.local_date(i, clinic.tz).toordinal() for i in instants})
    with connection.cursor() as cursor:
        for day in days:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [clinic.pk % 2_147_483_647, day])


def _check_resource_clinic(clinic: Clinic, chair: Chair | None, nurse: StaffMember | None) -> None:
    if chair is not None and chair.clinic_id != clinic.pk:
        raise BookingError(codes.WRONG_CLINIC, "That chair belongs to another clinic.", details={"chair": chair.pk})
    if chair is not None and not chair.is_active:
        raise BookingError(
            rule_codes.CHAIR_CONFLICT, "That chair is out of service.", details={"chair": chair.pk, "reason": "inactive"}
        )
    if nurse is not None and nurse.clinic_id != clinic.pk:
        raise BookingError(codes.WRONG_CLINIC, "That nurse works at another clinic.", details={"nurse": nurse.pk})


def _not_in_past(start: datetime, now: datetime, sequence: int | None = None) -> None:
    if start <= now:
        raise BookingError(
            codes.IN_PAST,
            "A session cannot start in the past." if sequence is None else f"Session {sequence} would start in the past.",
            details={"starts_at": start.isoformat(), **({"sequence": sequence} if sequence else {})},
        )


def _event(session: InfusionSession, kind: str, *, by, at: datetime, from_status="", to_status="", data=None) -> SessionEvent:
    return SessionEvent(
        session=session, kind=kind, from_status=from_status, to_status=to_status,
        version=session.version, at=at, by=by, data=data or {},
    )


_CONSTRAINT_CODES = {
    "session_no_chair_overlap": (rule_codes.CHAIR_CONFLICT, "That chair was taken by another booking a moment ago."),
    "session_no_patient_overlap": (rule_codes.PATIENT_CONFLICT, "The patient was booked elsewhere at this time a moment ago."),
    "session_one_active_per_sequence": (codes.INVALID_TRANSITION, "That session of the course was booked a moment ago."),
}


def _race_error(exc: IntegrityError, attempted: Sequence[planning.Booking]) -> BookingError:
    """A constraint caught what the locks did not (another clinic, a patient booked twice at once)."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name not in _CONSTRAINT_CODES:
        raise exc
    code, message = _CONSTRAINT_CODES[name]
    details: dict = {}
    field_name = {"session_no_chair_overlap": "chair_id", "session_no_patient_overlap": "patient_id"}.get(name)
    if field_name:
        for booking in attempted:
            key = getattr(booking, field_name)
            clash = (
                InfusionSession.objects.filter(
                    **{field_name: key}, status__in=OCCUPYING_STATUSES, starts_at__lt=booking.end, ends_at__gt=booking.start
                )
                .values_list("pk", flat=True)
                .first()
            )
            if clash:
                details = {field_name.removesuffix("_id"): key, "session": clash}
                break
    return BookingError(code, message, details=details)


def _busy_error(exc: OperationalError) -> BookingError:
    """Two writers that waited on each other (a PostgreSQL deadlock, a SQLite lock timeout): ask to retry."""
    sqlstate = getattr(getattr(exc.__cause__, "diag", None), "sqlstate", None)
    if sqlstate in ("40P01", "40001", "55P03") or "database is locked" in str(exc):
        return BookingError(codes.BUSY, "Another booking was being saved at the same moment; please try again.")
    raise exc


def _window(instants: Iterable[datetime]) -> tuple[datetime, datetime]:
    values = list(instants)
    return min(values) - timedelta(days=1), max(values) + timedelta(days=1)


def _protocol_available(protocol: Protocol, clinic: Clinic) -> None:
    if not protocol.is_offered_at(clinic):
        raise BookingError(
            codes.PROTOCOL_UNAVAILABLE, "That protocol is not offered at this clinic.", details={"protocol": protocol.pk}
        )


# --- Booking a cycle ---------------------------------------------------------------------------


def cycle_book(
    *,
    patient: Patient,
    protocol: Protocol,
    clinic: Clinic,
    sessions: Sequence[SessionRequest],
    by=None,
) -> CycleBooked:
    """Book a whole course at once: every session, or nothing at all.

    Sessions are numbered in time order. Chairs and nurses left out are chosen by the rules.
    """
    if not clinic.is_active:
        raise BookingError(codes.CLINIC_INACTIVE, "This clinic is not taking bookings.")
    _protocol_available(protocol, clinic)
    if len(sessions) != protocol.session_count:
        raise BookingError(
            codes.SESSION_COUNT_MISMATCH,
            f"This protocol has {protocol.session_count} sessions; {len(sessions)} were given.",
            details={"expected": protocol.session_count, "given": len(sessions)},
        )
    for request in sessions:
        _check_resource_clinic(clinic, request.chair, request.nurse)

    now = timezone.now()
    starts = [(_localize(r.starts_at, clinic), r) for r in sessions]
    starts.sort(key=lambda pair: pair[0])
    series = []
    for sequence, (start, request) in enumerate(starts, start=1):
        _not_in_past(start, now, sequence)
        end = start + timedelta(minutes=protocol.chair_minutes_for(sequence))
        series.append(
            planning.SeriesRequest(
                sequence,
                planning.Placement(
                    start, end, patient.pk,
                    chair_id=request.chair.pk if request.chair else None,
                    nurse_id=request.nurse.pk if request.nurse else None,
                ),
            )
        )

    attempted: list[planning.Booking] = []
    try:
        with transaction.atomic():
            _lock_days(clinic, [s.placement.start for s in series] + [s.placement.end for s in series])
            window_start, window_end = _window([s.placement.start for s in series] + [s.placement.end for s in series])
            calendar = clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
            occupancy = occupancy_load(
                clinic_id=clinic.pk, patient_id=patient.pk, window_start=window_start, window_end=window_end
            )
            check = planning.check_series(
                series, spacing=protocol_spacing(protocol), rules=calendar.rules,
                chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy,
            )
            failure = check.first_violation
            if failure:
                raise _violation_error(failure[1], failure[0])

            cycle = TreatmentCycle.objects.create(
                patient=patient, protocol=protocol, clinic=clinic, session_count=protocol.session_count, created_by=by,
            )
            assigned = dict(check.assignments)
            rows = []
            for item in series:
                assignment = assigned[item.sequence]
                assert assignment.chair_id is not None and assignment.nurse_id is not None  # no violation: both chosen
                p = item.placement
                attempted.append(planning.Booking(p.start, p.end, assignment.chair_id, assignment.nurse_id, patient.pk))
                rows.append(
                    InfusionSession(
                        cycle=cycle, patient=patient, clinic=clinic,
                        chair_id=assignment.chair_id, nurse_id=assignment.nurse_id,
                        starts_at=p.start, ends_at=p.end, sequence=item.sequence,
                        extra_monitoring=item.sequence <= protocol.extra_monitoring_sessions,
                        booked_by=by,
                    )
                )
            created = InfusionSession.objects.bulk_create(rows)
            SessionEvent.objects.bulk_create(
                _event(s, "booked", by=by, at=now, to_status=SessionStatus.BOOKED,
                       data={"starts_at": s.starts_at.isoformat(), "chair": s.chair_id, "nurse": s.nurse_id})
                for s in created
            )
            audit.record_many(
                [_audit_entry(cycle, audit.CREATE, audit.created(cycle, _CYCLE_AUDIT_FIELDS), by)]
                + [_audit_entry(s, audit.CREATE, audit.created(s, _SESSION_AUDIT_FIELDS), by) for s in created]
            )
            outbox_cycle_booked(sessions=created, clinic=clinic, patient=patient, now=now)
    except IntegrityError as exc:
        raise _race_error(exc, attempted) from None
    except OperationalError as exc:
        raise _busy_error(exc) from None
    return CycleBooked(cycle=cycle, sessions=created, warnings=list(check.warnings))


# --- Moving sessions ---------------------------------------------------------------------------

SCOPE_THIS = "this"
SCOPE_FOLLOWING = "following"


def _lock_cycle(cycle_id: int) -> TreatmentCycle:
    return TreatmentCycle.objects.select_for_update(of=("self",)).select_related("protocol", "clinic").get(pk=cycle_id)


def session_reschedule(
    *,
    session: InfusionSession,
    starts_at: datetime,
    chair: Chair | None = None,
    nurse: StaffMember | None = None,
    scope: str = SCOPE_THIS,
    by=None,
) -> list[InfusionSession]:
    """Move one session, or it and every later upcoming one by the same wall-clock offset.

    The moved sessions keep their chair and nurse where those are still free, else the rules choose.
    A moved session goes back to `booked` (the patient confirmed the old time) and its version grows.
    Returns the moved sessions.
    """
    if scope not in (SCOPE_THIS, SCOPE_FOLLOWING):
        raise BookingError(codes.INVALID_SCOPE, "scope must be 'this' or 'following'.", details={"scope": scope})
    clinic = session.clinic
    _check_resource_clinic(clinic, chair, nurse)
    new_start = _localize(starts_at, clinic)
    now = timezone.now()

    attempted: list[planning.Booking] = []
    try:
        with transaction.atomic():
            cycle = _lock_cycle(session.cycle_id)
            protocol = cycle.protocol
            siblings = list(
                InfusionSession.objects.select_for_update().filter(cycle=cycle).order_by("sequence", "pk")
            )
            target = next(s for s in siblings if s.pk == session.pk)
            if target.status not in UPCOMING_STATUSES:
                raise _transition_error(target, "move")
            moved = [target]
            if scope == SCOPE_FOLLOWING:
                moved += [s for s in siblings if s.sequence > target.sequence and s.status in UPCOMING_STATUSES]
            delta = planning.wall_clock_delta(target.starts_at, new_start, clinic.tz)

            plans = []
            for s in moved:
                start = new_start if s.pk == target.pk else _shifted(s.starts_at, delta, clinic, s.sequence)
                _not_in_past(start, now, s.sequence)
                end = start + timedelta(minutes=protocol.chair_minutes_for(s.sequence))
                plans.append((s, start, end))

            moved_ids = frozenset(s.pk for s in moved)
            instants = [t for _, start, end in plans for t in (start, end)] + [t for s in moved for t in (s.starts_at, s.ends_at)]
            _lock_days(clinic, instants)
            window_start, window_end = _window(instants)
            calendar = clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
            occupancy = occupancy_load(
                clinic_id=clinic.pk, patient_id=cycle.patient_id, window_start=window_start, window_end=window_end
            )
            nurses_by_id = {n.id: n for n in calendar.nurses}
            requests = []
            for s, start, end in plans:
                explicit = s.pk == target.pk
                chair_id = chair.pk if (explicit and chair) else None
                nurse_id = nurse.pk if (explicit and nurse) else None
                if chair_id is None and s.chair_id in calendar.chair_ids and not planning.check_chair(
                    start, end, s.chair_id, occupancy, moved_ids
                ):
                    chair_id = s.chair_id
                if nurse_id is None and s.nurse_id in nurses_by_id and not planning.nurse_violations(
                    start, end, nurses_by_id[s.nurse_id], calendar.rules, occupancy, moved_ids
                ):
                    nurse_id = s.nurse_id
                requests.append(
                    planning.SeriesRequest(s.sequence, planning.Placement(start, end, cycle.patient_id, chair_id, nurse_id))
                )
            staying = [
                planning.Slot(s.sequence, s.starts_at, s.ends_at)
                for s in siblings
                if s.pk not in moved_ids and s.status in OCCUPYING_STATUSES
            ]
            check = planning.check_series(
                requests, others=staying, spacing=protocol_spacing(protocol), rules=calendar.rules,
                chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy, exclude=moved_ids,
            )
            failure = check.first_violation
            if failure:
                raise _violation_error(failure[1], failure[0])

            assigned = dict(check.assignments)
            events = []
            audit_entries = []
            for s, start, end in plans:
                a = assigned[s.sequence]
                assert a.chair_id is not None and a.nurse_id is not None  # no violation: both chosen
                attempted.append(planning.Booking(start, end, a.chair_id, a.nurse_id, cycle.patient_id))
                before = {"starts_at": s.starts_at.isoformat(), "chair": s.chair_id, "nurse": s.nurse_id}
                old_status, old_start = s.status, s.starts_at
                audit_before = audit.snapshot(s, _MOVE_AUDIT_FIELDS)
                updated = InfusionSession.objects.filter(pk=s.pk, status__in=UPCOMING_STATUSES).update(
                    starts_at=start, ends_at=end, chair_id=a.chair_id, nurse_id=a.nurse_id,
                    status=SessionStatus.BOOKED, confirmed_at=None, confirmed_by=None, reschedule_requested_at=None,
                    version=F("version") + 1, updated_at=now,
                )
                if updated != 1:
                    raise _transition_error(s, "move")
                s.refresh_from_db()
                outbox_session_moved(session=s, previous_starts_at=old_start, clinic=clinic, patient=cycle.patient, now=now)
                events.append(
                    _event(s, "moved", by=by, at=now, from_status=old_status, to_status=s.status,
                           data={"before": before, "after": {"starts_at": start.isoformat(), "chair": a.chair_id, "nurse": a.nurse_id},
                                 "scope": scope})
                )
                audit_entries.append(
                    _audit_entry(s, audit.UPDATE, audit.diff(audit_before, audit.snapshot(s, _MOVE_AUDIT_FIELDS)), by)
                )
            SessionEvent.objects.bulk_create(events)
            audit.record_many(audit_entries)
            _touch_cycle(cycle)
    except IntegrityError as exc:
        raise _race_error(exc, attempted) from None
    except OperationalError as exc:
        raise _busy_error(exc) from None
    return [s for s, _, _ in plans]


def _shifted(instant: datetime, delta: timedelta, clinic: Clinic, sequence: int) -> datetime:
    try:
        return planning.shift_wall_clock(instant, delta, clinic.tz).astimezone(UTC)
    except planning.LocalTimeError as exc:
        raise _violation_error(exc.violation, sequence) from None


# --- Transitions -------------------------------------------------------------------------------

_TRANSITION_LABEL = {
    "move": "moved",
    "confirm": "confirmed",
    "check_in": "checked in",
    "start": "started",
    "complete": "completed",
    "cancel": "cancelled",
    "no_show": "marked a no-show",
}


def _transition_error(session: InfusionSession, action: str) -> BookingError:
    current = InfusionSession.objects.filter(pk=session.pk).values_list("status", flat=True).first()
    label = SessionStatus(current).label.lower() if current else "gone"
    return BookingError(
        codes.INVALID_TRANSITION,
        f"A session that is {label} cannot be {_TRANSITION_LABEL[action]}.",
        details={"session": session.pk, "status": current, "action": action},
    )


def _touch_cycle(cycle: TreatmentCycle) -> None:
    TreatmentCycle.objects.filter(pk=cycle.pk).update(version=F("version") + 1)


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
    audited = ("status", "version", *(fields or {}))
    audit_before = audit.snapshot(session, audited)
    updated = InfusionSession.objects.filter(pk=session.pk, status__in=sources).update(
        status=target, version=F("version") + 1, updated_at=now, **(fields or {})
    )
    if updated != 1:
        raise _transition_error(session, action)
    session.refresh_from_db()
    _event(session, action, by=by, at=now, from_status=before, to_status=target, data=data).save()
    audit.record_many(
        [_audit_entry(session, audit.UPDATE, audit.diff(audit_before, audit.snapshot(session, audited)), by)]
    )
    return session


def _locked(session: InfusionSession) -> tuple[TreatmentCycle, InfusionSession]:
    cycle = _lock_cycle(session.cycle_id)
    return cycle, InfusionSession.objects.select_for_update(of=("self",)).select_related("clinic").get(pk=session.pk)


def _local_today(clinic: Clinic, now: datetime) -> date:
    return planning.local_date(now, clinic.tz)


@transaction.atomic
def session_confirm(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient confirmed they are coming. Confirming twice changes nothing."""
    now = timezone.now()
    _, current = _locked(session)
    if current.status == SessionStatus.CONFIRMED:
        return current
    return _transition(current, "confirm", sources=[SessionStatus.BOOKED], target=SessionStatus.CONFIRMED,
                       by=by, now=now, fields={"confirmed_at": now, "confirmed_by": by})


@transaction.atomic
def session_check_in(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient has arrived; allowed on the session's own day (clinic time)."""
    now = timezone.now()
    _, current = _locked(session)
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
    _, current = _locked(session)
    return _transition(current, "start", sources=[SessionStatus.CHECKED_IN], target=SessionStatus.IN_CHAIR,
                       by=by, now=now, fields={"chair_started_at": now, "chair_started_by": by})


@transaction.atomic
def session_complete(*, session: InfusionSession, by=None) -> InfusionSession:
    """The session is done; the course becomes active, is flagged for review, or completes."""
    now = timezone.now()
    cycle, current = _locked(session)
    current = _transition(current, "complete", sources=[SessionStatus.IN_CHAIR], target=SessionStatus.COMPLETED,
                          by=by, now=now, fields={"completed_at": now, "completed_by": by})
    review = cycle.protocol.review_after_session
    if review and current.sequence == review and not cycle.needs_review:
        TreatmentCycle.objects.filter(pk=cycle.pk).update(needs_review=True, review_reason=ReviewReason.AFTER_SESSION)
        _audit_cycle_update(cycle, {"needs_review": True, "review_reason": ReviewReason.AFTER_SESSION}, by)
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
    _audit_cycle_update(cycle, changes, by)
    return changes.get("status")


def _flag_early_dropout(cycle: TreatmentCycle, session: InfusionSession) -> None:
    """Half of patients do not finish an induction; a miss right after session 1 or 2 is the sign."""
    if session.sequence in (2, 3) and not cycle.needs_review:
        TreatmentCycle.objects.filter(pk=cycle.pk).update(needs_review=True, review_reason=ReviewReason.EARLY_DROPOUT)
        _audit_cycle_update(cycle, {"needs_review": True, "review_reason": ReviewReason.EARLY_DROPOUT}, by=None)


@transaction.atomic
def session_no_show(*, session: InfusionSession, by=None) -> InfusionSession:
    """The patient did not come: allowed once the clinic's no-show minutes have passed since the start."""
    now = timezone.now()
    cycle, current = _locked(session)
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
    late = current.starts_at - now < timedelta(hours=current.clinic.late_cancel_hours)
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
    cycle, current = _locked(session)
    current = _cancel_locked(cycle, current, by_party=by_party, reason=reason, by=by, now=now)
    _settle_cycle(cycle, by=by, now=now)
    return current


@transaction.atomic
def cycle_cancel(*, cycle: TreatmentCycle, reason: str, by_party: str = CancelledBy.CLINIC, by=None) -> TreatmentCycle:
    """End a course: its upcoming sessions are cancelled. A course with sessions done is `abandoned`."""
    reason = _clean_cancel_args(by_party, reason)
    now = timezone.now()
    locked = _lock_cycle(cycle.pk)
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
    any_done = any(s.status == SessionStatus.COMPLETED for s in sessions)
    TreatmentCycle.objects.filter(pk=locked.pk).update(
        status=CycleStatus.ABANDONED if any_done else CycleStatus.CANCELLED,
        ended_at=now, ended_by=by, cancel_reason=reason, version=F("version") + 1,
    )
    _audit_cycle_update(
        locked,
        {"status": CycleStatus.ABANDONED if any_done else CycleStatus.CANCELLED, "ended_at": now, "ended_by": by,
         "cancel_reason": reason},
        by,
    )
    locked.refresh_from_db()
    return locked


# --- Patients' own requests (from the links in their emails) ----------------------------------------


@transaction.atomic
def session_request_reschedule(*, session: InfusionSession, note: str = "") -> InfusionSession:
    """The patient asked to move this session; it shows in the staff's worklist until it moves.

    Asking twice keeps the first request's time. Only an upcoming session can be asked about.
    """
    now = timezone.now()
    _, current = _locked(session)
    if current.status not in UPCOMING_STATUSES:
        raise _transition_error(current, "move")
    if current.reschedule_requested_at is None:
        InfusionSession.objects.filter(pk=current.pk).update(reschedule_requested_at=now, updated_at=now)
        current.refresh_from_db()
        _event(current, "reschedule_requested", by=None, at=now, data={"note": note[:300]} if note else None).save()
        audit.record_many([_audit_entry(current, audit.UPDATE, {"reschedule_requested_at": [None, now]}, None)])
    return current


@transaction.atomic
def patient_unsubscribe(*, patient: Patient, source: str = "email link") -> Patient:
    """The patient withdrew consent to email: nothing more is sent to them. Harmless twice."""
    now = timezone.now()
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.email_consent:
        Patient.objects.filter(pk=locked.pk).update(
            email_consent=False, email_consent_withdrawn_at=now, email_consent_source=source[:80], updated_at=now
        )
        audit.record(
            locked, audit.UPDATE, patient_id=locked.pk, clinic_id=locked.clinic_id,
            changes={"email_consent": [True, False], "email_consent_withdrawn_at": [None, now]},
        )
        locked.refresh_from_db()
    outbox_patient_unsubscribed(patient_id=locked.pk)
    return locked
