"""Writes of a clinic's schedule from the desk: a nurse's weekly pattern (the week grid), time off, closures.

The same rules as the configuration API (scheduler.api.serializers): a shift ends after it starts on the same
day, and two shifts of one person on one weekday do not overlap while both are valid (`shifts_overlap`, which
the API's validation uses too). Each write is atomic and recorded in the audit trail on the staff member, with
the clinic, so the clinic's admins see it. Each marks, in its transaction, the booked sessions it strands
(scheduler.impact: the desk shows them first with a dry run); the row returned carries them as
`stranded_sessions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import records as audit
from common.clock import format_clock
from common.errors import ApplicationError
from scheduler.impact import closure_impact, impact_mark, staff_impact, time_off_impact
from scheduler.models import Chair, Clinic, Closure, Shift, StaffMember, StaffRole, TimeOff, Weekday

SHIFT_INVALID = "shift_invalid"
SHIFT_OVERLAP = "shift_overlap"
TIME_OFF_INVALID = "time_off_invalid"
CLOSURE_INVALID = "closure_invalid"
#: The longest time off entered at once: a typing slip (2207 for 2027) is refused, not stored.
TIME_OFF_LONGEST = dt.timedelta(days=366)


def shifts_overlap(a: Mapping, b: Mapping) -> bool:
    """Whether two shifts ({weekday, starts, ends, valid_from, valid_until}) overlap on a day both are valid."""
    if a["weekday"] != b["weekday"] or not (a["starts"] < b["ends"] and b["starts"] < a["ends"]):
        return False
    first = max(a.get("valid_from") or dt.date.min, b.get("valid_from") or dt.date.min)
    last = min(a.get("valid_until") or dt.date.max, b.get("valid_until") or dt.date.max)
    return first <= last


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _shift_dict(shift: Shift) -> dict:
    return {"weekday": shift.weekday, "starts": shift.starts, "ends": shift.ends,
            "valid_from": shift.valid_from, "valid_until": shift.valid_until}


def _pattern_text(rows) -> list[str]:
    return [f"{Weekday(r['weekday']).label} {_hhmm(r['starts'])}-{_hhmm(r['ends'])}" for r in rows]


def staff_week_check(
    *, staff: StaffMember, week: Mapping[int, tuple[dt.time, dt.time] | None]
) -> tuple[list[Shift], list[Shift], list[dict[str, Any]]]:
    """The stored shifts, those the week replaces, and the new ones (as dicts), or the ApplicationError why not.

    Weekdays not in `week` keep their shifts (the desk leaves out a day with a split shift, edited in the admin),
    and so do dated shifts (valid_from/valid_until): a new span may not overlap one of them.
    """
    errors: dict[str, list[str]] = {}
    for day, span in week.items():
        if day not in Weekday.values:
            errors["weekday"] = ["Not a weekday."]
        elif span is not None and span[1] <= span[0]:
            errors[str(day)] = [f"{Weekday(day).label}: the shift must end after it starts (not past midnight)."]
    if errors:
        raise ApplicationError(SHIFT_INVALID, "Some shifts are not valid.", details=errors)
    stored = list(Shift.objects.filter(staff=staff).order_by("weekday", "starts"))
    replaced = [s for s in stored if s.weekday in week and s.valid_from is None and s.valid_until is None]
    kept = [_shift_dict(s) for s in stored if s not in replaced]
    new: list[dict[str, Any]] = [{"weekday": d, "starts": span[0], "ends": span[1], "valid_from": None, "valid_until": None}
           for d, span in sorted(week.items()) if span is not None]
    fmt = staff.clinic.clock_format
    for a in new:
        for b in kept:
            if shifts_overlap(a, b):
                errors[str(a["weekday"])] = [
                    f"{Weekday(a['weekday']).label}: {format_clock(a['starts'], fmt)}–{format_clock(a['ends'], fmt)} "
                    f"overlaps the shift {format_clock(b['starts'], fmt)}–{format_clock(b['ends'], fmt)} kept from "
                    "the admin's dated patterns."
                ]
    if errors:
        raise ApplicationError(SHIFT_OVERLAP, "Some shifts overlap.", details=errors)
    return stored, replaced, new


def staff_week_pattern(*, staff: StaffMember, week: Mapping[int, tuple[dt.time, dt.time] | None]) -> list[Shift]:
    """The staff member's whole weekly pattern as the week would leave it, new shifts unsaved (for a dry run)."""
    stored, replaced, new = staff_week_check(staff=staff, week=week)
    return [s for s in stored if s not in replaced] + [Shift(staff=staff, **row) for row in new]


@transaction.atomic
def staff_week_set(*, staff: StaffMember, week: Mapping[int, tuple[dt.time, dt.time] | None], by) -> list[Shift]:
    """Replace the staff member's undated weekly shifts on the weekdays given (None: a day off); see
    staff_week_check. The sessions it strands are marked (the list is on the staff member, `stranded_sessions`)."""
    StaffMember.objects.select_for_update().filter(pk=staff.pk).first()  # one editor of this week at a time
    stored, replaced, new = staff_week_check(staff=staff, week=week)
    before, after = _pattern_text(_shift_dict(s) for s in replaced), _pattern_text(new)
    if before == after:
        return stored
    Shift.objects.filter(pk__in=[s.pk for s in replaced]).delete()
    made = Shift.objects.bulk_create(Shift(staff=staff, **row) for row in new)
    audit.record(staff, audit.UPDATE, changes={"shifts": [before, after]}, clinic_id=staff.clinic_id, actor=by)
    if staff.role == StaffRole.NURSE:
        impact = staff_impact(staff=staff, shifts=None, active=staff.is_active, nurse=True, now=timezone.now())
        staff.stranded_sessions = impact_mark(clinic=impact.clinic, scope=impact.scope, cause=impact.cause, by=by)  # type: ignore[attr-defined]
    return made


def time_off_check(*, staff: StaffMember, starts_at: dt.datetime, ends_at: dt.datetime, reason: str) -> TimeOff:
    """The time off as it would be stored, unsaved (for a dry run), or the ApplicationError why not."""
    if ends_at <= starts_at:
        raise ApplicationError(TIME_OFF_INVALID, "Time off must end after it starts.", details={"until": ["Must be after the start."]})
    if ends_at - starts_at > TIME_OFF_LONGEST:
        raise ApplicationError(TIME_OFF_INVALID, "Enter at most a year of time off at once.", details={"last_day": ["At most a year after the first day."]})
    return TimeOff(staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason)


@transaction.atomic
def time_off_add(*, staff: StaffMember, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, by) -> TimeOff:
    row = time_off_check(staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason)
    row.save()
    audit.record(row, audit.CREATE, changes=audit.created(row, ["staff", "starts_at", "ends_at", "reason"]),
                 clinic_id=staff.clinic_id, actor=by)
    impact = time_off_impact(old=None, new=row)
    row.stranded_sessions = impact_mark(clinic=impact.clinic, scope=impact.scope, cause=impact.cause, by=by)  # type: ignore[attr-defined]
    return row


@transaction.atomic
def time_off_remove(*, staff: StaffMember, time_off_id: int, by) -> None:
    row = TimeOff.objects.select_for_update().filter(staff=staff, pk=time_off_id).first()
    if row is None:
        raise TimeOff.DoesNotExist
    changes = {k: [v, None] for k, v in audit.snapshot(row, ["staff", "starts_at", "ends_at", "reason"]).items()}
    pk = row.pk
    row.staff = staff
    impact = time_off_impact(old=row, new=None)
    row.delete()
    audit.record((TimeOff, pk), audit.DELETE, changes=changes, clinic_id=staff.clinic_id, actor=by)
    impact_mark(clinic=impact.clinic, scope=impact.scope, cause=impact.cause, by=by)


# --- Closures (the whole clinic, or one chair out of service) ------------------------------------------------

CLOSURE_LONGEST = dt.timedelta(days=366)
_CLOSURE_FIELDS = ["clinic", "chair", "starts_at", "ends_at", "reason"]


def closure_check(
    *, clinic: Clinic, chair: Chair | None, starts_at: dt.datetime, ends_at: dt.datetime, reason: str
) -> Closure:
    """The closure as it would be stored, unsaved (for a dry run), or the ApplicationError why not."""
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["until"] = ["Must be after the start."]
    elif ends_at - starts_at > CLOSURE_LONGEST:
        errors["last_day"] = ["At most a year after the first day."]
    if chair is not None and chair.clinic_id != clinic.pk:
        errors["chair"] = ["That chair belongs to another clinic."]
    if not reason.strip():
        errors["reason"] = ["Say why (staff see it on the day board), e.g. “Burst pipe” or “Maintenance”."]
    if errors:
        raise ApplicationError(CLOSURE_INVALID, next(iter(errors.values()))[0], details=errors)
    return Closure(clinic=clinic, chair=chair, starts_at=starts_at, ends_at=ends_at, reason=reason.strip())


@transaction.atomic
def closure_add(*, clinic: Clinic, chair: Chair | None, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, by) -> Closure:
    row = closure_check(clinic=clinic, chair=chair, starts_at=starts_at, ends_at=ends_at, reason=reason)
    row.save()
    audit.record(row, audit.CREATE, changes=audit.created(row, _CLOSURE_FIELDS), clinic_id=clinic.pk, actor=by)
    impact = closure_impact(old=None, new=row)
    row.stranded_sessions = impact_mark(clinic=clinic, scope=impact.scope, cause=impact.cause, by=by)  # type: ignore[attr-defined]
    return row


@transaction.atomic
def closure_remove(*, clinic: Clinic, closure_id: int, by) -> None:
    """Delete a closure; the sessions it stranded are re-checked (their mark clears unless another cause holds)."""
    row = Closure.objects.select_for_update(of=("self",)).select_related("clinic", "chair").filter(clinic=clinic, pk=closure_id).first()
    if row is None:
        raise Closure.DoesNotExist
    changes = {k: [v, None] for k, v in audit.snapshot(row, _CLOSURE_FIELDS).items()}
    impact = closure_impact(old=row, new=None)
    pk = row.pk
    row.delete()
    audit.record((Closure, pk), audit.DELETE, changes=changes, clinic_id=clinic.pk, actor=by)
    impact_mark(clinic=clinic, scope=impact.scope, cause=impact.cause, by=by)
