"""Writes of the safety checks: the pre-session checks (with a clinician's override), the recovery check.

Each is atomic under the session's lock (the same lock the start and completion take, so a check recorded and a
start asked at once are serialised), adds rows and never changes one: a correction is the next version. Every
row written is in the audit trail with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import records as audit
from bookings.models import InfusionSession, SessionStatus
from bookings.services.locks import lock_session
from common.access import CLINICIAN, user_roles
from common.errors import ApplicationError
from safety import error_codes as codes
from safety.models import CheckEntry, CheckKind, CheckOverride, OverridePhase, RecoveryCheck, settings_for
from safety.selectors import ChecksStatus, bp_flagged, checks_status, entry_flagged

# Physiological bounds: a value outside them is a typing error, not a reading.
SYSTOLIC_RANGE = (50, 300)
DIASTOLIC_RANGE = (20, 200)
HEART_RATE_RANGE = (20, 250)
OXYGEN_SATURATION_RANGE = (50, 100)
WEIGHT_RANGE = (Decimal(20), Decimal(400))

ENTRY_AUDIT_FIELDS = ("session", "kind", "version", "flagged", "recorded_at")
RECOVERY_AUDIT_FIELDS = ("session", "version", "flagged", "chair_minutes", "recorded_at")
OVERRIDE_AUDIT_FIELDS = ("session", "phase", "reason", "covers", "overridden_at")


class SafetyError(ApplicationError):
    def __init__(self, code: str, message: str, *, details: dict | None = None):
        super().__init__(code, message, details=details, status=codes.http_status(code))


@dataclass(frozen=True)
class Vitals:
    """What one request records; None: not given."""

    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    oxygen_saturation: int | None = None
    weight_kg: Decimal | None = None
    pregnancy: str | None = None
    fasting: bool | None = None
    escort: bool | None = None


def _bounded(value, bounds, code: str, name: str, unit: str) -> None:
    low, high = bounds
    if value is not None and not low <= value <= high:
        raise SafetyError(code, f"{name} must be between {low} and {high}{unit}.",
                          details={"value": str(value), "min": str(low), "max": str(high)})


def blood_pressure_check(systolic: int | None, diastolic: int | None) -> None:
    if (systolic is None) != (diastolic is None):
        raise SafetyError(codes.BLOOD_PRESSURE_INCOMPLETE, "Give both the systolic and the diastolic pressure.")
    if systolic is None or diastolic is None:
        return
    _bounded(systolic, SYSTOLIC_RANGE, codes.BLOOD_PRESSURE_OUT_OF_RANGE, "The systolic pressure", " mmHg")
    _bounded(diastolic, DIASTOLIC_RANGE, codes.BLOOD_PRESSURE_OUT_OF_RANGE, "The diastolic pressure", " mmHg")
    if diastolic >= systolic:
        raise SafetyError(codes.BLOOD_PRESSURE_OUT_OF_RANGE, "The systolic pressure must be above the diastolic one.",
                          details={"systolic": systolic, "diastolic": diastolic})


def vitals_check(v: Vitals) -> None:
    """Refuse values no patient can have (400, a code per check)."""
    blood_pressure_check(v.systolic, v.diastolic)
    _bounded(v.heart_rate, HEART_RATE_RANGE, codes.HEART_RATE_OUT_OF_RANGE, "The heart rate", " per minute")
    _bounded(v.oxygen_saturation, OXYGEN_SATURATION_RANGE, codes.OXYGEN_SATURATION_OUT_OF_RANGE,
             "The oxygen saturation", " %")
    _bounded(v.weight_kg, WEIGHT_RANGE, codes.WEIGHT_OUT_OF_RANGE, "The weight", " kg")


def _reason(override_reason: str | None, by) -> str | None:
    if override_reason is None:
        return None
    reason = override_reason.strip()
    if not reason:
        raise SafetyError(codes.OVERRIDE_REASON_REQUIRED, "An override needs a reason.")
    if CLINICIAN not in user_roles(by):
        raise SafetyError(codes.OVERRIDE_NOT_ALLOWED, "Only a clinician may override the safety checks.")
    return reason


def _audit(row, fields, by) -> audit.LogEntry:
    return audit.entry(row, audit.CREATE, changes=audit.created(row, fields), patient_id=row.patient_id,
                       clinic_id=row.clinic_id, actor=by)


def checks_record(*, session: InfusionSession, by, vitals: Vitals, override_reason: str | None = None) -> ChecksStatus:
    """Record the pre-session checks given (each a new version of its check) and, with `override_reason`, a
    clinician's override of what is still pending or flagged after them."""
    vitals_check(vitals)
    reason = _reason(override_reason, by)
    values = {
        CheckKind.BLOOD_PRESSURE: {"systolic": vitals.systolic, "diastolic": vitals.diastolic}
        if vitals.systolic is not None else None,
        CheckKind.HEART_RATE: {"value": vitals.heart_rate} if vitals.heart_rate is not None else None,
        CheckKind.OXYGEN_SATURATION: {"value": vitals.oxygen_saturation}
        if vitals.oxygen_saturation is not None else None,
        CheckKind.WEIGHT: {"value": vitals.weight_kg} if vitals.weight_kg is not None else None,
        CheckKind.PREGNANCY: {"answer": vitals.pregnancy} if vitals.pregnancy else None,
        CheckKind.FASTING: {"confirmed": vitals.fasting} if vitals.fasting is not None else None,
        CheckKind.ESCORT: {"confirmed": vitals.escort} if vitals.escort is not None else None,
    }
    given = {kind: v for kind, v in values.items() if v is not None}
    if not given and reason is None:
        raise SafetyError(codes.NOTHING_TO_RECORD, "Give at least one check's value, or an override with its reason.")
    with transaction.atomic():
        _, current = lock_session(session)
        if current.status != SessionStatus.CHECKED_IN:
            raise SafetyError(codes.CHECKS_CLOSED, "Safety checks are recorded once the patient is checked in and "
                              "before the session starts.", details={"session": current.pk, "status": current.status})
        now = timezone.now()
        settings = settings_for(current.clinic_id)
        versions = dict(CheckEntry.objects.filter(session=current).values_list("kind").annotate(Max("version")))
        rows = [
            CheckEntry(clinic_id=current.clinic_id, patient_id=current.patient_id, session=current, kind=kind,
                       version=versions.get(kind, 0) + 1, recorded_at=now, recorded_by=by,
                       flagged=entry_flagged(kind=kind, settings=settings, **v), **v)
            for kind, v in given.items()
        ]
        CheckEntry.objects.bulk_create(rows)
        audit.record_many(_audit(row, ENTRY_AUDIT_FIELDS, by) for row in rows)
        status = checks_status(session=current, at=now)
        if reason is not None:
            if not status.uncovered:
                raise SafetyError(codes.NOTHING_TO_OVERRIDE, "Nothing is pending or flagged: there is nothing to "
                                  "override.", details={"session": current.pk, "state": status.state})
            _override(current, OverridePhase.START, reason, status.outstanding, by, now)
            status = checks_status(session=current, at=now)
    return status


def _override(session: InfusionSession, phase: str, reason: str, covers: dict, by, now) -> CheckOverride:
    row = CheckOverride.objects.create(
        clinic_id=session.clinic_id, patient_id=session.patient_id, session=session, phase=phase, reason=reason,
        covers=covers, overridden_at=now, overridden_by=by,
    )
    audit.record_many([_audit(row, OVERRIDE_AUDIT_FIELDS, by)])
    return row


def recovery_record(*, session: InfusionSession, by, systolic: int | None = None, diastolic: int | None = None,
                    alert_and_oriented: bool | None = None, escort_present: bool | None = None,
                    override_reason: str | None = None) -> ChecksStatus:
    """Record the recovery check (a new version of it when one exists) and, with `override_reason`, a clinician's
    override of what it flags. Without values, an override of the latest check's flags alone."""
    parts = (systolic, diastolic, alert_and_oriented, escort_present)
    given = any(p is not None for p in parts)
    if given and any(p is None for p in parts):
        raise SafetyError(codes.NOTHING_TO_RECORD, "A recovery check gives the blood pressure, alert and oriented, "
                          "and escort present.", details={"required": ["systolic", "diastolic", "alert_and_oriented",
                                                                       "escort_present"]})
    blood_pressure_check(systolic, diastolic)
    reason = _reason(override_reason, by)
    if not given and reason is None:
        raise SafetyError(codes.NOTHING_TO_RECORD, "Give the recovery check's values, or an override with its reason.")
    with transaction.atomic():
        _, current = lock_session(session)
        if current.status != SessionStatus.IN_CHAIR:
            raise SafetyError(codes.RECOVERY_CHECK_CLOSED, "The recovery check is recorded while the patient is in "
                              "the chair.", details={"session": current.pk, "status": current.status})
        now = timezone.now()
        if given:
            assert systolic is not None and diastolic is not None  # noqa: S101 (checked above)
            settings = settings_for(current.clinic_id)
            last = RecoveryCheck.objects.filter(session=current).aggregate(v=Max("version"))["v"] or 0
            started = current.chair_started_at or now
            row = RecoveryCheck.objects.create(
                clinic_id=current.clinic_id, patient_id=current.patient_id, session=current, version=last + 1,
                systolic=systolic, diastolic=diastolic, alert_and_oriented=bool(alert_and_oriented),
                escort_present=bool(escort_present), chair_minutes=max(0, int((now - started).total_seconds() // 60)),
                flagged=bp_flagged(systolic, diastolic, settings) or not alert_and_oriented or not escort_present,
                recorded_at=now, recorded_by=by,
            )
            audit.record_many([_audit(row, RECOVERY_AUDIT_FIELDS, by)])
        status = checks_status(session=current, at=now)
        if reason is not None:
            if status.recovery is None or not status.recovery_uncovered:
                raise SafetyError(codes.NOTHING_TO_OVERRIDE, "The recovery check flags nothing to override (or has "
                                  "not been recorded).", details={"session": current.pk, "state": status.recovery_state})
            _override(current, OverridePhase.COMPLETE, reason, status.recovery_outstanding, by, now)
            status = checks_status(session=current, at=now)
    return status
