"""Make-up sessions: a running course short of its target gets a session back for one it lost (cancelled,
late-cancelled or a no-show), under the same guarantees as a booking.

Numbering: the make-up takes the number of its place in time among the sessions the course keeps, and the
kept sessions after it move up to close the gap; the missed session keeps its number, status and history.
So "session k of n" stays the patient's k-th visit (what patients and clinicians read it as, and what the
extra-monitoring flag of sessions 1-3 is about), n stays the target, and the database's one-active-session-
per-number constraint holds (it counts only sessions that hold their time). Renumbering changes no session's
time, place or version: patients' links and reminders stay valid. Each renumbered session gets a
`renumbered` event and an audit entry; the missed session a `made_up` event naming its make-up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from audit import records as audit
from bookings import error_codes as codes
from bookings.models import (
    OCCUPYING_STATUSES,
    CycleStatus,
    EventKind,
    InfusionSession,
    SessionEvent,
    SessionStatus,
    TreatmentCycle,
)
from bookings.outbox import outbox_cycle_booked
from bookings.progress import reopens_for_make_up
from bookings.selectors import (
    BookingCheck,
    CheckedSession,
    SessionRequest,
    make_up_minutes,
    make_up_refusal,
    session_requests_check,
    sessions_rules_check,
)
from bookings.services.audit import SESSION_AUDIT_FIELDS, audit_cycle_update, audit_entry, event, touch_cycle
from bookings.services.errors import BookingError, busy_error, race_error, raise_first
from bookings.services.locks import lock_cycle, lock_days
from common.metrics import booking_counted, conflicts_counted
from scheduler import planning
from scheduler.models import Chair, StaffMember

RENUMBER_AUDIT_FIELDS = ("sequence", "extra_monitoring")


@conflicts_counted()
def cycle_make_up(
    *,
    cycle: TreatmentCycle,
    replaces: InfusionSession,
    starts_at: datetime,
    chair: Chair | None = None,
    nurse: StaffMember | None = None,
    by=None,
) -> InfusionSession:
    """Add a session to `cycle` in place of `replaces` (a cancelled or missed session of it), starting at
    `starts_at` (naive: the clinic's wall clock). The whole course must stay valid (spacing, window, chairs,
    nurses, the patient's other sessions); chair and nurse left out are chosen by the rules. Refused when the
    course has ended or is not short, or `replaces` was not missed or has a make-up already. Returns the
    new session; the patient is sent the course's sessions again, with a calendar file, and its reminders.
    A course that ended on its own when its last pending session was missed (bookings.progress.
    reopens_for_make_up) is active again, audited.
    """
    clinic = cycle.clinic
    asked = session_requests_check(clinic=clinic, sessions=[SessionRequest(starts_at, chair=chair, nurse=nurse)])
    raise_first(asked)
    target = asked.sessions[0]
    if target.start is None:  # raise_first refused every request without a time
        raise RuntimeError("The make-up has no time.")
    start = target.start
    now = timezone.now()
    if start <= now:
        raise BookingError(codes.IN_PAST, "A session cannot start in the past.", details={"starts_at": start.isoformat()})

    attempted: list[planning.Booking] = []
    try:
        with transaction.atomic():
            cycle = lock_cycle(cycle.pk)
            protocol = cycle.protocol
            siblings = list(InfusionSession.objects.select_for_update().filter(cycle=cycle).order_by("sequence", "pk"))
            missed = next((s for s in siblings if s.pk == replaces.pk), replaces)
            refusal = make_up_refusal(cycle=cycle, sessions=siblings, replaces=missed)
            if refusal is not None:
                raise BookingError(refusal.code, refusal.message, details=refusal.details)

            end = start + timedelta(minutes=make_up_minutes(cycle))
            kept = sorted((s for s in siblings if s.status in OCCUPYING_STATUSES), key=lambda s: (s.starts_at, s.pk))
            sequence, numbered = planning.numbered_by_time(
                [planning.Slot(s.sequence, s.starts_at, s.ends_at) for s in kept], start, end
            )
            if sequence == 1:
                raise BookingError(
                    codes.MAKE_UP_BEFORE_FIRST_VISIT, "A make-up session comes after the course's first visit.",
                    details={"starts_at": start.isoformat(), "first_visit": kept[0].pk},
                )
            # The kept sessions in time order take 1..n, skipping the make-up's number.
            renumber = [(s, k if k < sequence else k + 1) for k, s in enumerate(kept, start=1)]

            lock_days(clinic, [start, end])
            check = BookingCheck([CheckedSession(
                0, sequence, start, end, chair_id=target.chair_id, nurse_id=target.nurse_id,
            )])
            sessions_rules_check(
                check, clinic=clinic, protocol=protocol, patient_id=cycle.patient_id,
                others=[s for s in numbered if s.sequence != sequence],
            )
            raise_first(check)
            placed = check.placed()[0]

            events: list[SessionEvent] = []
            entries = []
            # Ascending: each number only falls or stays, so no two held sessions ever share one.
            for s, new in renumber:
                if s.sequence == new:
                    continue
                before = audit.snapshot(s, RENUMBER_AUDIT_FIELDS)
                old = s.sequence
                s.sequence = new
                s.extra_monitoring = s.extra_monitoring or new <= protocol.extra_monitoring_sessions
                InfusionSession.objects.filter(pk=s.pk).update(
                    sequence=s.sequence, extra_monitoring=s.extra_monitoring, updated_at=now
                )
                entries.append(audit_entry(s, audit.UPDATE, audit.diff(before, audit.snapshot(s, RENUMBER_AUDIT_FIELDS)), by))
                events.append(event(s, EventKind.RENUMBERED, by=by, at=now, data={"from": old, "to": new}))

            attempted.append(planning.Booking(start, end, placed.chair_id, placed.nurse_id, cycle.patient_id))
            made = InfusionSession.objects.create(
                cycle=cycle, patient_id=cycle.patient_id, clinic=clinic, chair_id=placed.chair_id,
                nurse_id=placed.nurse_id, starts_at=start, ends_at=end, sequence=sequence,
                extra_monitoring=sequence <= protocol.extra_monitoring_sessions, booked_by=by, made_up_for=missed,
            )
            events.append(event(
                made, EventKind.BOOKED, by=by, at=now, to_status=SessionStatus.BOOKED,
                data={"starts_at": start.isoformat(), "chair": made.chair_id, "nurse": made.nurse_id,
                      "made_up_for": missed.pk},
            ))
            events.append(event(missed, EventKind.MADE_UP, by=by, at=now, data={"make_up": made.pk}))
            if reopens_for_make_up(cycle):
                reopened = {"status": CycleStatus.ACTIVE, "ended_at": None, "ended_by": None}
                TreatmentCycle.objects.filter(pk=cycle.pk).update(**reopened)
                audit_cycle_update(cycle, reopened, by)
            SessionEvent.objects.bulk_create(events)
            entries.append(audit_entry(made, audit.CREATE, audit.created(made, (*SESSION_AUDIT_FIELDS, "made_up_for")), by))
            audit.record_many(entries)
            outbox_cycle_booked(sessions=[made], clinic=clinic, patient=cycle.patient, now=now)
            touch_cycle(cycle)
            booking_counted(kind="make_up", sessions=1)
    except IntegrityError as exc:
        raise race_error(exc, attempted) from None
    except OperationalError as exc:
        raise busy_error(exc) from None
    return made
