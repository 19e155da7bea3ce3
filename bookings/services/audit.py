"""What the booking services record of each write: audit entries and session events."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from audit import records as audit
from bookings.models import InfusionSession, SessionEvent, TreatmentCycle

# What the audit trail records of a new cycle or session, and of a moved session.
CYCLE_AUDIT_FIELDS = ("patient", "protocol", "clinic", "status", "session_count")
SESSION_AUDIT_FIELDS = (
    "cycle", "patient", "clinic", "sequence", "status", "starts_at", "ends_at", "chair", "nurse", "extra_monitoring",
)
MOVE_AUDIT_FIELDS = (
    "starts_at", "ends_at", "chair", "nurse", "status", "confirmed_at", "confirmed_by", "version", "needs_moving_since",
)


def audit_entry(row: TreatmentCycle | InfusionSession, action, changes: dict, by):
    """An audit entry for a cycle or session, filed under its patient and clinic."""
    return audit.entry(row, action, changes=changes, patient_id=row.patient_id, clinic_id=row.clinic_id, actor=by)


def audit_cycle_update(cycle: TreatmentCycle, fields: dict, by) -> None:
    """Record a queryset.update() of `fields` on a cycle whose in-memory values are the old ones."""
    changes = audit.diff(audit.snapshot(cycle, fields), fields)
    if changes:
        audit.record_many([audit_entry(cycle, audit.UPDATE, changes, by)])


def event(session: InfusionSession, kind: str, *, by, at: datetime, from_status="", to_status="", data=None) -> SessionEvent:
    return SessionEvent(
        session=session, kind=kind, from_status=from_status, to_status=to_status,
        version=session.version, at=at, by=by, data=data or {},
    )


def touch_cycle(cycle: TreatmentCycle) -> None:
    """Bump the cycle's version: something in it changed."""
    TreatmentCycle.objects.filter(pk=cycle.pk).update(version=F("version") + 1)
