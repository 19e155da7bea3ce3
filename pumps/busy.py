"""What pumps hold for bookings' checks and planners: each holding visit's chair, nurse and patient, and each
holding episode's whole span as its patient's busy time (bookings.selectors.occupancy's busy providers).

A visit without a chair (a phone review, a chairless visit) or without a nurse (the on-call phone review) holds
chair or nurse -1, which no real row has. One query for both: a UNION of the visits and the episodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import IntegerField, Q, Value

from pumps.models import HOLDING_STATUSES, VISIT_HOLDING_STATUSES, Episode, EpisodeVisit
from scheduler import planning

#: No chair, no nurse (ids are positive).
NONE = -1


def pump_busy(*, clinic_id: int, patient_ids: Iterable[int], window_start: dt.datetime,
              window_end: dt.datetime) -> list[planning.Booking]:
    """The busy intervals pumps hold in [window_start, window_end): the clinic's visits and the patients' visits
    (chair, nurse, patient), and the patients' episodes over their whole span (patient only)."""
    patient_ids = list(patient_ids)
    where = Q(clinic_id=clinic_id)
    if patient_ids:
        where |= Q(patient_id__in=patient_ids)
    visits = EpisodeVisit.objects.filter(
        where, status__in=VISIT_HOLDING_STATUSES, episode__status__in=HOLDING_STATUSES,
        starts_at__lt=window_end, ends_at__gt=window_start,
    ).values_list("starts_at", "ends_at", "chair_id", "nurse_id", "patient_id").order_by()
    if patient_ids:
        spans = Episode.objects.filter(
            patient_id__in=patient_ids, status__in=HOLDING_STATUSES, starts_at__lt=window_end, ends_at__gt=window_start,
        ).annotate(
            no_chair=Value(None, output_field=IntegerField()), no_nurse=Value(None, output_field=IntegerField()),
        ).values_list("starts_at", "ends_at", "no_chair", "no_nurse", "patient_id").order_by()
        rows = visits.union(spans, all=True)
    else:
        rows = visits
    return [
        planning.Booking(start, end, chair if chair is not None else NONE, nurse if nurse is not None else NONE, patient)
        for start, end, chair, nurse, patient in rows
    ]
