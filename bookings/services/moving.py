"""Moving sessions: one, or it and every later upcoming one of its course by the same wall-clock offset."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from audit import records as audit
from bookings import error_codes as codes
from bookings.models import (
    NEEDS_MOVING_CLEARED,
    OCCUPYING_STATUSES,
    UPCOMING_STATUSES,
    EventKind,
    InfusionSession,
    SessionEvent,
    SessionStatus,
)
from bookings.outbox import outbox_session_moved
from bookings.selectors import SessionRequest, session_requests_check, sessions_move_check, sessions_rules_check
from bookings.services.audit import MOVE_AUDIT_FIELDS, audit_entry, event, touch_cycle
from bookings.services.errors import BookingError, busy_error, race_error, raise_first, transition_error
from bookings.services.freed import slots_freed_on_commit
from bookings.services.locks import lock_cycle, lock_days
from scheduler import planning
from scheduler.models import Chair, StaffMember

SCOPE_THIS = "this"
SCOPE_FOLLOWING = "following"


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
    asked = session_requests_check(clinic=clinic, sessions=[SessionRequest(starts_at, chair=chair, nurse=nurse)])
    raise_first(asked)
    now = timezone.now()

    attempted: list[planning.Booking] = []
    try:
        with transaction.atomic():
            cycle = lock_cycle(session.cycle_id)
            protocol = cycle.protocol
            siblings = list(
                InfusionSession.objects.select_for_update().filter(cycle=cycle).order_by("sequence", "pk")
            )
            target = next(s for s in siblings if s.pk == session.pk)
            if target.status not in UPCOMING_STATUSES:
                raise transition_error(target, "move")
            moved = [target]
            if scope == SCOPE_FOLLOWING:
                moved += [s for s in siblings if s.sequence > target.sequence and s.status in UPCOMING_STATUSES]
            check = sessions_move_check(
                clinic=clinic, protocol=protocol, moved=moved, target=asked.sessions[0], target_id=target.pk, now=now
            )
            raise_first(check)

            moved_ids = frozenset(s.pk for s in moved)
            lock_days(clinic, [t for s in check.sessions for t in (s.start, s.end)]
                      + [t for s in moved for t in (s.starts_at, s.ends_at)])
            staying = [
                planning.Slot(s.sequence, s.starts_at, s.ends_at)
                for s in siblings
                if s.pk not in moved_ids and s.status in OCCUPYING_STATUSES
            ]
            sessions_rules_check(
                check, clinic=clinic, protocol=protocol, patient_id=cycle.patient_id, others=staying, exclude=moved_ids
            )
            raise_first(check)

            events = []
            audit_entries = []
            freed: list[tuple[int, datetime, datetime]] = []
            for s, a in zip(moved, check.placed(), strict=True):
                attempted.append(planning.Booking(a.start, a.end, a.chair_id, a.nurse_id, cycle.patient_id))
                before = {"starts_at": s.starts_at.isoformat(), "chair": s.chair_id, "nurse": s.nurse_id}
                old_status, old_start = s.status, s.starts_at
                freed.append((s.chair_id, s.starts_at, s.ends_at))
                audit_before = audit.snapshot(s, MOVE_AUDIT_FIELDS)
                updated = InfusionSession.objects.filter(pk=s.pk, status__in=UPCOMING_STATUSES).update(
                    starts_at=a.start, ends_at=a.end, chair_id=a.chair_id, nurse_id=a.nurse_id,
                    status=SessionStatus.BOOKED, confirmed_at=None, confirmed_by=None, reschedule_requested_at=None,
                    version=F("version") + 1, updated_at=now, **NEEDS_MOVING_CLEARED,
                )
                if updated != 1:
                    raise transition_error(s, "move")
                s.refresh_from_db()
                outbox_session_moved(session=s, previous_starts_at=old_start, clinic=clinic, patient=cycle.patient, now=now)
                events.append(
                    event(s, "moved", by=by, at=now, from_status=old_status, to_status=s.status,
                          data={"before": before,
                                "after": {"starts_at": a.start.isoformat(), "chair": a.chair_id, "nurse": a.nurse_id},
                                "scope": scope})
                )
                audit_entries.append(
                    audit_entry(s, audit.UPDATE, audit.diff(audit_before, audit.snapshot(s, MOVE_AUDIT_FIELDS)), by)
                )
            SessionEvent.objects.bulk_create(events)
            audit.record_many(audit_entries)
            touch_cycle(cycle)
            slots_freed_on_commit(clinic_id=clinic.pk, slots=freed, cause="move")
    except IntegrityError as exc:
        raise race_error(exc, attempted) from None
    except OperationalError as exc:
        raise busy_error(exc) from None
    return moved


def session_reassign(*, session: InfusionSession, chair: Chair, nurse: StaffMember, by=None) -> InfusionSession:
    """Give a session another chair and/or nurse at the same time (a chair out of service, a nurse absent).

    Checked as a move to the same start with that chair and nurse (the session's own booking counts as free),
    under the same locks. Nothing changes for the patient (the emails name neither chair nor nurse), so the
    session keeps its status, version (its links and reminders stay valid) and owes no email; the needs-moving
    mark is cleared, a `reassigned` event and an audit entry are written.
    """
    clinic = session.clinic
    asked = session_requests_check(clinic=clinic, sessions=[SessionRequest(session.starts_at, chair=chair, nurse=nurse)])
    raise_first(asked)
    now = timezone.now()
    attempted: list[planning.Booking] = []
    try:
        with transaction.atomic():
            cycle = lock_cycle(session.cycle_id)
            siblings = list(
                InfusionSession.objects.select_for_update().filter(cycle=cycle).order_by("sequence", "pk")
            )
            target = next(s for s in siblings if s.pk == session.pk)
            if target.status not in UPCOMING_STATUSES or target.starts_at != session.starts_at:
                raise transition_error(target, "move")
            check = sessions_move_check(
                clinic=clinic, protocol=cycle.protocol, moved=[target], target=asked.sessions[0], target_id=target.pk,
                now=now,
            )
            raise_first(check)
            lock_days(clinic, [target.starts_at, target.ends_at])
            staying = [
                planning.Slot(s.sequence, s.starts_at, s.ends_at)
                for s in siblings
                if s.pk != target.pk and s.status in OCCUPYING_STATUSES
            ]
            sessions_rules_check(
                check, clinic=clinic, protocol=cycle.protocol, patient_id=cycle.patient_id, others=staying,
                exclude=frozenset({target.pk}),
            )
            raise_first(check)
            placed = check.placed()[0]
            attempted.append(planning.Booking(placed.start, placed.end, placed.chair_id, placed.nurse_id, cycle.patient_id))
            before = audit.snapshot(target, MOVE_AUDIT_FIELDS)
            updated = InfusionSession.objects.filter(pk=target.pk, status__in=UPCOMING_STATUSES).update(
                chair_id=placed.chair_id, nurse_id=placed.nurse_id, updated_at=now, **NEEDS_MOVING_CLEARED,
            )
            if updated != 1:
                raise transition_error(target, "move")
            old = {"chair": target.chair_id, "nurse": target.nurse_id}
            target.refresh_from_db()
            SessionEvent.objects.bulk_create([
                event(target, EventKind.REASSIGNED, by=by, at=now, from_status=target.status, to_status=target.status,
                      data={"before": old, "after": {"chair": placed.chair_id, "nurse": placed.nurse_id}})
            ])
            audit.record_many(
                [audit_entry(target, audit.UPDATE, audit.diff(before, audit.snapshot(target, MOVE_AUDIT_FIELDS)), by)]
            )
            touch_cycle(cycle)
    except IntegrityError as exc:
        raise race_error(exc, attempted) from None
    except OperationalError as exc:
        raise busy_error(exc) from None
    return target
