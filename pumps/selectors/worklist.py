"""The pump courses' worklists for clinicians and the desk: reviews missed, pumps not back on time; and a clinic's
pump settings (its row, or the defaults of pumps.models)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, QuerySet, Value
from django.db.models.functions import Coalesce

from pumps.models import (
    DEFAULT_RETURN_GRACE_HOURS,
    DEFAULT_TURNAROUND_HOURS,
    Episode,
    EpisodeStatus,
    EpisodeVisit,
    PumpSettings,
    VisitKind,
    VisitStatus,
)

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
