"""Load what planning needs for one clinic and window, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from common.errors import ApplicationError
from scheduler import error_codes as codes
from scheduler import planning
from scheduler.models import Chair, Clinic, OpeningHours, Protocol, Shift, StaffMember, StaffRole, TimeOff


@dataclass(frozen=True)
class ClinicCalendar:
    """A clinic's rules, chairs and nurses for a window, as planning's plain values."""

    clinic_id: int
    rules: planning.ClinicRules
    chair_ids: tuple[int, ...]
    nurses: tuple[planning.Nurse, ...]


def clinic_rules(*, clinic: Clinic, closures: tuple[planning.Interval, ...], hours) -> planning.ClinicRules:
    return planning.ClinicRules(
        tz=clinic.tz,
        opening_hours=tuple(hours),
        closures=closures,
        nurse_max_concurrent=clinic.nurse_max_concurrent,
        stagger=timedelta(minutes=clinic.start_stagger_minutes),
        clock=clinic.clock_format,
    )


def clinic_calendar_load(*, clinic: Clinic, window_start: datetime, window_end: datetime) -> ClinicCalendar:
    """Six light queries whatever the window: hours, closures, chairs, nurses, their shifts and time off."""
    hours = [
        planning.WeeklyInterval(weekday, opens, closes)
        for weekday, opens, closes in OpeningHours.objects.filter(clinic=clinic).values_list("weekday", "opens", "closes")
    ]
    closures = tuple(
        planning.Interval(start, end)
        for start, end in clinic.closures.filter(starts_at__lt=window_end, ends_at__gt=window_start)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    chair_ids = tuple(
        Chair.objects.filter(clinic=clinic, is_active=True).order_by("name", "pk").values_list("pk", flat=True)
    )
    nurse_ids = list(
        StaffMember.objects.filter(clinic=clinic, role=StaffRole.NURSE, is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    shifts: dict[int, list[planning.WeeklyInterval]] = {pk: [] for pk in nurse_ids}
    for staff_id, weekday, starts, ends, valid_from, valid_until in Shift.objects.filter(
        staff_id__in=nurse_ids
    ).order_by("weekday", "starts").values_list("staff_id", "weekday", "starts", "ends", "valid_from", "valid_until"):
        shifts[staff_id].append(planning.WeeklyInterval(weekday, starts, ends, valid_from, valid_until))
    time_off: dict[int, list[planning.Interval]] = {pk: [] for pk in nurse_ids}
    for staff_id, start, end in (
        TimeOff.objects.filter(staff_id__in=nurse_ids, starts_at__lt=window_end, ends_at__gt=window_start)
        .order_by("starts_at")
        .values_list("staff_id", "starts_at", "ends_at")
    ):
        time_off[staff_id].append(planning.Interval(start, end))
    return ClinicCalendar(
        clinic_id=clinic.pk,
        rules=clinic_rules(clinic=clinic, closures=closures, hours=hours),
        chair_ids=chair_ids,
        nurses=tuple(planning.Nurse(id=pk, shifts=tuple(shifts[pk]), time_off=tuple(time_off[pk])) for pk in nurse_ids),
    )


def protocol_spacing(protocol: Protocol) -> planning.Spacing:
    def hours(value):
        return timedelta(hours=value) if value is not None else None

    return planning.Spacing(
        min_gap=hours(protocol.min_gap_hours),
        max_gap=hours(protocol.max_gap_hours),
        min_gap_days=protocol.min_gap_days,
        max_gap_days=protocol.max_gap_days,
        consecutive_weekdays=protocol.consecutive_weekdays,
        window_days=protocol.window_days,
        warn_window_days=protocol.warn_window_days,
    )


def protocols_for_clinic(*, clinic: Clinic):
    """Active protocols a clinic may book: its own and the shared templates."""
    return Protocol.objects.offered_at(clinic).filter(is_active=True)


def protocol_offered_violation(*, protocol: Protocol, clinic: Clinic) -> planning.Violation | None:
    """Why this clinic may not book the protocol (another clinic's, or retired), or None."""
    if protocol.is_offered_at(clinic):
        return None
    return planning.Violation(
        codes.PROTOCOL_UNAVAILABLE, "That protocol is not offered at this clinic.", {"protocol": protocol.pk}
    )


def protocol_ensure_offered(*, protocol: Protocol, clinic: Clinic) -> None:
    """Raise ApplicationError("protocol_unavailable", 400) unless the clinic may book the protocol."""
    violation = protocol_offered_violation(protocol=protocol, clinic=clinic)
    if violation:
        raise ApplicationError(violation.code, violation.message, details=violation.details, status=400)
