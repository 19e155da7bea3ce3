"""Load what planning needs for one clinic and window, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from common.errors import ApplicationError
from scheduler import error_codes as codes
from scheduler import planning
from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, StaffRole, TimeOff


@dataclass(frozen=True)
class ClinicCalendar:
    """A clinic's rules, chairs and nurses for a window, as planning's plain values."""

    clinic_id: int
    rules: planning.ClinicRules
    chair_ids: tuple[int, ...]
    nurses: tuple[planning.Nurse, ...]


def clinic_rules(
    *, clinic: Clinic, closures: tuple[planning.Interval, ...], hours,
    chair_closures: tuple[planning.ChairClosure, ...] = (),
) -> planning.ClinicRules:
    return planning.ClinicRules(
        tz=clinic.tz,
        opening_hours=tuple(hours),
        closures=closures,
        nurse_max_concurrent=clinic.nurse_max_concurrent,
        stagger=timedelta(minutes=clinic.start_stagger_minutes),
        clock=clinic.clock_format,
        chair_closures=chair_closures,
    )


@dataclass(frozen=True)
class CalendarChange:
    """A change to a clinic's calendar not saved (or not yet saved): the rows it drops and the rows it adds, as
    unsaved (or changed) model instances. `clinic_calendar_load(change=…)` loads the calendar as it would be,
    which is how the impact of a change is computed before saving it (a dry run writes nothing).

    A changed row is dropped (by id) and added (with its new values); a deleted one only dropped.
    """

    drop_closures: frozenset[int] = frozenset()
    add_closures: tuple[Closure, ...] = ()
    drop_time_off: frozenset[int] = frozenset()
    add_time_off: tuple[TimeOff, ...] = ()
    drop_shifts: frozenset[int] = frozenset()
    add_shifts: tuple[Shift, ...] = ()
    #: Opening hours: the clinic's whole set as it would be (None: unchanged).
    opening_hours: tuple[OpeningHours, ...] | None = None
    drop_chairs: frozenset[int] = frozenset()
    drop_nurses: frozenset[int] = frozenset()
    #: Shifts: nurses whose whole weekly pattern is replaced by `add_shifts` (the API's staff update).
    replace_shifts_of: frozenset[int] = field(default_factory=frozenset)


NO_CHANGE = CalendarChange()


def clinic_calendar_load(
    *, clinic: Clinic, window_start: datetime, window_end: datetime, change: CalendarChange = NO_CHANGE
) -> ClinicCalendar:
    """Six light queries whatever the window: hours, closures, chairs, nurses, their shifts and time off.

    With a `change`, the calendar as that change would leave it (the same six queries).
    """
    if change.opening_hours is not None:
        hour_rows = [(h.weekday, h.opens, h.closes) for h in change.opening_hours]
    else:
        hour_rows = list(OpeningHours.objects.filter(clinic=clinic).values_list("weekday", "opens", "closes"))
    hours = [planning.WeeklyInterval(weekday, opens, closes) for weekday, opens, closes in hour_rows]
    closure_rows: list[tuple[datetime, datetime, int | None, str]] = list(
        clinic.closures.filter(starts_at__lt=window_end, ends_at__gt=window_start)
        .exclude(pk__in=change.drop_closures)
        .values_list("starts_at", "ends_at", "chair_id", "reason")
    )
    closure_rows += [
        (c.starts_at, c.ends_at, c.chair_id, c.reason)
        for c in change.add_closures
        if c.starts_at < window_end and c.ends_at > window_start
    ]
    closure_rows.sort(key=lambda row: row[0])
    closures = tuple(planning.Interval(start, end) for start, end, chair_id, _ in closure_rows if chair_id is None)
    chair_closures = tuple(
        planning.ChairClosure(chair_id, start, end, reason)
        for start, end, chair_id, reason in closure_rows
        if chair_id is not None
    )
    chair_ids = tuple(
        Chair.objects.filter(clinic=clinic, is_active=True)
        .exclude(pk__in=change.drop_chairs)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    nurse_ids = list(
        StaffMember.objects.filter(clinic=clinic, role=StaffRole.NURSE, is_active=True)
        .exclude(pk__in=change.drop_nurses)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    shifts: dict[int, list[planning.WeeklyInterval]] = {pk: [] for pk in nurse_ids}
    shift_rows = list(
        Shift.objects.filter(staff_id__in=nurse_ids)
        .exclude(pk__in=change.drop_shifts)
        .exclude(staff_id__in=change.replace_shifts_of)
        .values_list("staff_id", "weekday", "starts", "ends", "valid_from", "valid_until")
    )
    shift_rows += [(s.staff_id, s.weekday, s.starts, s.ends, s.valid_from, s.valid_until) for s in change.add_shifts]
    shift_rows.sort(key=lambda row: (row[1], row[2]))
    for staff_id, weekday, starts, ends, valid_from, valid_until in shift_rows:
        if staff_id in shifts:
            shifts[staff_id].append(planning.WeeklyInterval(weekday, starts, ends, valid_from, valid_until))
    time_off: dict[int, list[planning.Interval]] = {pk: [] for pk in nurse_ids}
    off_rows = list(
        TimeOff.objects.filter(staff_id__in=nurse_ids, starts_at__lt=window_end, ends_at__gt=window_start)
        .exclude(pk__in=change.drop_time_off)
        .values_list("staff_id", "starts_at", "ends_at")
    )
    off_rows += [
        (t.staff_id, t.starts_at, t.ends_at)
        for t in change.add_time_off
        if t.starts_at < window_end and t.ends_at > window_start
    ]
    off_rows.sort(key=lambda row: row[1])
    for staff_id, start, end in off_rows:
        if staff_id in time_off:
            time_off[staff_id].append(planning.Interval(start, end))
    return ClinicCalendar(
        clinic_id=clinic.pk,
        rules=clinic_rules(clinic=clinic, closures=closures, hours=hours, chair_closures=chair_closures),
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
