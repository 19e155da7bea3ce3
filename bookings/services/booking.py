"""Booking a whole course at once: the booking check under the locks, then every session, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from audit import records as audit
from bookings.models import InfusionSession, Patient, SessionEvent, SessionStatus, TreatmentCycle
from bookings.outbox import outbox_cycle_booked
from bookings.selectors import SessionRequest, cycle_check_times, sessions_rules_check
from bookings.services.audit import CYCLE_AUDIT_FIELDS, SESSION_AUDIT_FIELDS, audit_entry, event
from bookings.services.errors import busy_error, race_error, raise_first
from bookings.services.locks import lock_days
from common.metrics import booking_counted, conflicts_counted
from scheduler import planning
from scheduler.models import Clinic, Protocol


@dataclass
class CycleBooked:
    cycle: TreatmentCycle
    sessions: list[InfusionSession]
    warnings: list[planning.Violation] = field(default_factory=list)


@conflicts_counted()
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
    now = timezone.now()
    check = cycle_check_times(clinic=clinic, protocol=protocol, sessions=sessions, now=now)
    raise_first(check)

    attempted: list[planning.Booking] = []
    try:
        with transaction.atomic():
            lock_days(clinic, [s.start for s in check.sessions] + [s.end for s in check.sessions])
            sessions_rules_check(check, clinic=clinic, protocol=protocol, patient_id=patient.pk)
            raise_first(check)

            cycle = TreatmentCycle.objects.create(
                patient=patient, protocol=protocol, clinic=clinic, session_count=protocol.session_count, created_by=by,
            )
            rows = []
            for s in sorted(check.placed(), key=lambda s: s.sequence):
                attempted.append(planning.Booking(s.start, s.end, s.chair_id, s.nurse_id, patient.pk))
                rows.append(
                    InfusionSession(
                        cycle=cycle, patient=patient, clinic=clinic, chair_id=s.chair_id, nurse_id=s.nurse_id,
                        starts_at=s.start, ends_at=s.end, sequence=s.sequence,
                        extra_monitoring=s.sequence <= protocol.extra_monitoring_sessions,
                        booked_by=by,
                    )
                )
            created = InfusionSession.objects.bulk_create(rows)
            SessionEvent.objects.bulk_create(
                event(s, "booked", by=by, at=now, to_status=SessionStatus.BOOKED,
                      data={"starts_at": s.starts_at.isoformat(), "chair": s.chair_id, "nurse": s.nurse_id})
                for s in created
            )
            audit.record_many(
                [audit_entry(cycle, audit.CREATE, audit.created(cycle, CYCLE_AUDIT_FIELDS), by)]
                + [audit_entry(s, audit.CREATE, audit.created(s, SESSION_AUDIT_FIELDS), by) for s in created]
            )
            outbox_cycle_booked(sessions=created, clinic=clinic, patient=patient, now=now)
            booking_counted(kind="course", sessions=len(created))
    except IntegrityError as exc:
        raise race_error(exc, attempted) from None
    except OperationalError as exc:
        raise busy_error(exc) from None
    return CycleBooked(cycle=cycle, sessions=created, warnings=list(check.warnings))
