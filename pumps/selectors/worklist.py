"""The pump courses' worklists for clinicians and the desk: reviews missed, pumps not back on time, visits a saved
calendar change left where they cannot happen; and a clinic's pump settings (its row, or the defaults of
pumps.models)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, QuerySet, Value
from django.db.models.functions import Coalesce

from bookings.selectors.impact import session_strand_reasons
from pumps.models import (
    DEFAULT_RETURN_GRACE_HOURS,
    DEFAULT_TURNAROUND_HOURS,
    Episode,
    EpisodeStatus,
    EpisodeVisit,
    PumpSettings,
    ReviewMode,
    VisitKind,
    VisitStatus,
)
from scheduler import planning
from scheduler.models import Clinic
from scheduler.selectors import clinic_calendar_load

#: An episode whose pump is still out: on the patient, or off them and not yet back.
OUT_STATUSES = (EpisodeStatus.FITTED, EpisodeStatus.REMOVED)


def settings_for(*, clinic_id: int) -> PumpSettings:
    """The clinic's pump settings; an unsaved row with the defaults when it has none."""
    found = PumpSettings.objects.filter(clinic_id=clinic_id).first()
    return found or PumpSettings(clinic_id=clinic_id, turnaround_hours=DEFAULT_TURNAROUND_HOURS,
                                 return_grace_hours=DEFAULT_RETURN_GRACE_HOURS)


def missed_reviews(*, clinic_ids: Iterable[int]) -> QuerySet[EpisodeVisit]:
    """Reviews recorded as missed while their pump is still out (fitted, or removed and not yet returned): on the
    clinicians' worklist from the moment they are recorded, oldest first. They leave it when the pump is back (the
    episode returned) — the missed review itself stays in the episode's history."""
    return (
        EpisodeVisit.objects.filter(
            clinic_id__in=list(clinic_ids), kind=VisitKind.REVIEW, status=VisitStatus.MISSED,
            episode__status__in=OUT_STATUSES,
        )
        .select_related("episode__pump", "patient", "clinic", "missed_by")
        .order_by("starts_at", "pk")
    )


def pumps_overdue(*, clinic_ids: Iterable[int], now: datetime) -> QuerySet[Episode]:
    """Episodes whose pump is not back by the removal's end plus the clinic's return grace (PumpSettings, default
    DEFAULT_RETURN_GRACE_HOURS): still fitted, or removed and not returned. Each row carries `overdue_at` (when it
    became overdue); longest overdue first."""
    grace = ExpressionWrapper(
        Coalesce(F("clinic__pump_settings__return_grace_hours"), Value(DEFAULT_RETURN_GRACE_HOURS))
        * Value(timedelta(hours=1)),
        output_field=DurationField(),
    )
    return (
        Episode.objects.filter(clinic_id__in=list(clinic_ids), status__in=OUT_STATUSES)
        .annotate(overdue_at=ExpressionWrapper(F("ends_at") + grace, output_field=DateTimeField()))
        .filter(overdue_at__lt=now)
        .select_related("pump", "patient", "clinic")
        .order_by("overdue_at", "pk")
    )


@dataclass(frozen=True)
class StrandedVisit:
    visit: EpisodeVisit
    reasons: tuple[planning.Violation, ...]


def visits_stranded(*, clinic: Clinic, now: datetime) -> list[StrandedVisit]:
    """Upcoming visits of booked or fitted episodes that the clinic's calendar, as saved now, no longer allows (a
    closure, a chair out of service, the nurse off shift or away): re-checked with the rules the infusion sessions'
    impact uses (bookings.selectors.impact.session_strand_reasons). A phone review with no nurse (the on-call
    clinician's) is never stranded. Read at each look, so a change is seen at once; one query, and the calendar's
    six when there are visits."""
    visits = list(
        EpisodeVisit.objects.filter(clinic=clinic, status=VisitStatus.PLANNED, starts_at__gt=now,
                                    episode__status__in=(EpisodeStatus.BOOKED, EpisodeStatus.FITTED))
        .select_related("episode__pump", "patient", "chair", "nurse")
        .order_by("starts_at", "pk")
    )
    if not visits:
        return []
    calendar = clinic_calendar_load(clinic=clinic, window_start=visits[0].starts_at,
                                    window_end=max(v.ends_at for v in visits))
    found = []
    for visit in visits:
        reasons = session_strand_reasons(visit, calendar, in_clinic=visit.mode == ReviewMode.VISIT)
        if reasons:
            found.append(StrandedVisit(visit, tuple(reasons)))
    return found
