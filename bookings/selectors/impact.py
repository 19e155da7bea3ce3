"""Which booked sessions a calendar change strands, and why: each upcoming session in the change's scope is
re-checked with planning's own rules (hours, closures, a chair out of service or retired, the nurse on shift,
absent or retired) against the calendar as the change would leave it. Pure reads: a dry run writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bookings.models import UPCOMING_STATUSES, InfusionSession
from scheduler import error_codes as codes
from scheduler import planning
from scheduler.impact import Scope
from scheduler.models import Clinic
from scheduler.selectors import NO_CHANGE, CalendarChange, ClinicCalendar, clinic_calendar_load


@dataclass(frozen=True)
class Stranded:
    session: InfusionSession
    reasons: tuple[planning.Violation, ...]

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.reasons]


def session_strand_reasons(session, calendar: ClinicCalendar, *, in_clinic: bool = True) -> list[planning.Violation]:
    """Why a stored session can no longer happen under this calendar (empty: it still can).

    `session` is anything with `starts_at`, `ends_at`, `chair_id` and `nurse_id` (a pump visit too: pumps'
    worklist asks): a chair or nurse of None is not checked, and `in_clinic=False` (a phone review) skips the
    clinic's hours and closures."""
    rules = calendar.rules
    start, end = session.starts_at, session.ends_at
    found = planning.site_violations(start, end, rules) if in_clinic else []
    if session.chair_id is not None:
        if session.chair_id not in calendar.chair_ids:
            found.append(planning.Violation(codes.CHAIR_INACTIVE, "The chair is no longer in service.", {"chair": session.chair_id}))
        elif closed := planning.check_chair_closures(start, end, session.chair_id, rules):
            found.append(closed)
    if session.nurse_id is None:
        return found
    nurse = next((n for n in calendar.nurses if n.id == session.nurse_id), None)
    if nurse is None:
        found.append(
            planning.Violation(codes.NURSE_INACTIVE, "The nurse is no longer scheduled at this clinic.", {"nurse": session.nurse_id})
        )
        return found
    on_shift = planning.check_nurse_on_shift(start, end, planning.Nurse(nurse.id, nurse.shifts), rules.tz)
    if on_shift:
        found.append(planning.Violation(codes.NURSE_OFF_SHIFT, "The nurse is not on shift for the whole session.", {"nurse": nurse.id}))
    if any(off.overlaps(start, end) for off in nurse.time_off):
        found.append(planning.Violation(codes.NURSE_ABSENT, "The nurse has time off then.", {"nurse": nurse.id}))
    return found


def sessions_in_scope(*, clinic: Clinic, scope: Scope, now: datetime | None = None):
    """The clinic's booked or confirmed sessions not yet started that the scope covers (one query)."""
    now = now or timezone.now()
    spans = Q()
    for start, end in scope.spans:
        spans |= Q(ends_at__gt=start) & (Q(starts_at__lt=end) if end is not None else Q())
    rows = InfusionSession.objects.filter(clinic=clinic, status__in=UPCOMING_STATUSES, starts_at__gt=now).filter(spans)
    if scope.chair_ids is not None:
        rows = rows.filter(chair_id__in=scope.chair_ids)
    if scope.nurse_ids is not None:
        rows = rows.filter(nurse_id__in=scope.nurse_ids)
    return rows.select_related("patient", "chair", "nurse").order_by("starts_at", "pk")


def sessions_stranded(
    *, clinic: Clinic, scope: Scope, change: CalendarChange = NO_CHANGE, now: datetime | None = None,
    sessions: list[InfusionSession] | None = None,
) -> list[Stranded]:
    """The sessions in scope that the calendar, as `change` would leave it, strands (seven queries at most)."""
    if not scope.spans:
        return []
    if sessions is None:
        sessions = list(sessions_in_scope(clinic=clinic, scope=scope, now=now))
    if not sessions:
        return []
    calendar = clinic_calendar_load(
        clinic=clinic, window_start=min(s.starts_at for s in sessions), window_end=max(s.ends_at for s in sessions),
        change=change,
    )
    found = []
    for session in sessions:
        reasons = session_strand_reasons(session, calendar)
        if reasons:
            found.append(Stranded(session, tuple(reasons)))
    return found


def stranded_as_dict(item: Stranded) -> dict[str, Any]:
    """One stranded session as the API and the hook give it."""
    s = item.session
    return {
        "id": s.pk,
        "patient": {"id": s.patient_id, "name": f"{s.patient.first_name} {s.patient.last_name}"},
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "chair": {"id": s.chair_id, "name": s.chair.name},
        "nurse": {"id": s.nurse_id, "name": f"{s.nurse.first_name} {s.nurse.last_name}"},
        "reasons": [{"code": v.code, "message": v.message} for v in item.reasons],
    }


def sessions_needing_moves(*, clinic_ids, now: datetime | None = None):
    """The "Needs moving" worklist: upcoming sessions a saved change stranded, earliest first."""
    now = now or timezone.now()
    return (
        InfusionSession.objects.filter(
            clinic_id__in=clinic_ids, status__in=UPCOMING_STATUSES, needs_moving_since__isnull=False, starts_at__gt=now
        )
        .select_related("patient", "chair", "nurse", "clinic", "cycle__protocol")
        .order_by("starts_at", "pk")
    )
