"""A clinic's pumps and their maintenance, written by its admins: each write atomic and in the audit trail."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from audit import records as audit
from common.errors import integrity_as_conflict
from pumps.models import Pump, PumpMaintenance, PumpStatus
from scheduler.models import Clinic

PUMP_AUDIT_FIELDS = ("clinic", "label", "serial_number", "status", "notes")
MAINTENANCE_AUDIT_FIELDS = ("pump", "starts_at", "ends_at", "reason")
#: The fields an update may change (a pump stays in the clinic it was created in).
PUMP_CHANGEABLE = ("label", "serial_number", "status", "notes")


def pump_create(*, clinic: Clinic, label: str, serial_number: str, status: str = PumpStatus.IN_SERVICE, notes: str = "",
                by) -> Pump:
    with integrity_as_conflict(), transaction.atomic():
        pump = Pump.objects.create(clinic=clinic, label=label, serial_number=serial_number, status=status, notes=notes)
        audit.record(pump, audit.CREATE, changes=audit.created(pump, PUMP_AUDIT_FIELDS), clinic_id=clinic.pk, actor=by)
    return pump


def pump_update(*, pump: Pump, by, **changes) -> Pump:
    """Change a pump's label, serial number, status or notes (those given)."""
    unknown = set(changes) - set(PUMP_CHANGEABLE)
    if unknown:
        raise TypeError(f"pump_update() cannot change {sorted(unknown)}")
    with integrity_as_conflict(), transaction.atomic():
        current = Pump.objects.select_for_update().get(pk=pump.pk)
        before = audit.snapshot(current, PUMP_AUDIT_FIELDS)
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        diff = audit.diff(before, audit.snapshot(current, PUMP_AUDIT_FIELDS))
        if diff:
            audit.record(current, audit.UPDATE, changes=diff, clinic_id=current.clinic_id, actor=by)
    return current


def maintenance_create(*, pump: Pump, starts_at: datetime, ends_at: datetime, reason: str = "", by) -> PumpMaintenance:
    with transaction.atomic():
        row = PumpMaintenance.objects.create(pump=pump, starts_at=starts_at, ends_at=ends_at, reason=reason)
        audit.record(row, audit.CREATE, changes=audit.created(row, MAINTENANCE_AUDIT_FIELDS), clinic_id=pump.clinic_id,
                     actor=by)
    return row
