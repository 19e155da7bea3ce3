"""Load what planning needs for one clinic and window, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch

from scheduler import planning
from scheduler.models import Chair, Clinic, Protocol, Shift, StaffMember, StaffRole, TimeOff


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
        opening_hours=tuple(planning.WeeklyInterval(h.weekday, h.opens, h.closes) for h in hours),
        closures=closures,
        nurse_max_concurrent=clinic.nurse_max_concurrent,
        stagger=timedelta(minutes=clinic.start_stagger_minutes),
    )


def clinic_calendar_load(*, clinic: Clinic, window_start: datetime, window_end: datetime) -> ClinicCalendar:
    """Five queries whatever the window: hours, closures, chairs, nurses with their shifts and time off."""
    hours = list(clinic.opening_hours.all())
    closures = tuple(
        planning.Interval(c.starts_at, c.ends_at)
        for c in clinic.closures.filter(starts_at__lt=window_end, ends_at__gt=window_start).order_by("starts_at")
    )
    chair_ids = tuple(
        Chair.objects.filter(clinic=clinic, is_active=True).order_by("name", "pk").values_list("pk", flat=True)
    )
    nurses = StaffMember.objects.filter(clinic=clinic, role=StaffRole.NURSE, is_active=True).order_by("pk").prefetch_related(
        Prefetch("shifts", queryset=Shift.objects.order_by("weekday", "starts")),
        Prefetch(
            "time_off",
            queryset=TimeOff.objects.filter(starts_at__lt=window_end, ends_at__gt=window_start).order_by("starts_at"),
        ),
    )
    return ClinicCalendar(
        clinic_id=clinic.pk,
        rules=clinic_rules(clinic=clinic, closures=closures, hours=hours),
        chair_ids=chair_ids,
        nurses=tuple(
            planning.Nurse(
                id=n.pk,
                shifts=tuple(
                    planning.WeeklyInterval(s.weekday, s.starts, s.ends, s.valid_from, s.valid_until) for s in n.shifts.all()
                ),
                time_off=tuple(planning.Interval(t.starts_at, t.ends_at) for t in n.time_off.all()),
            )
            for n in nurses
        ),
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
    from django.db.models import Q

    return Protocol.objects.filter(Q(clinic=clinic) | Q(clinic__isnull=True), is_active=True)
