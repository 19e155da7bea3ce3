"""Reads of bookings: the busy intervals planning needs, and lists for the API and pages."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from bookings.models import OCCUPYING_STATUSES, InfusionSession
from scheduler import planning


def occupancy_load(*, clinic_id: int, patient_id: int | None, window_start: datetime, window_end: datetime) -> planning.Occupancy:
    """One query: every occupying session of the clinic, or of the patient anywhere, in the window."""
    where = Q(clinic_id=clinic_id)
    if patient_id is not None:
        where |= Q(patient_id=patient_id)
    rows = (
        InfusionSession.objects.filter(where, status__in=OCCUPYING_STATUSES, starts_at__lt=window_end, ends_at__gt=window_start)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at", "chair_id", "nurse_id", "patient_id", "pk")
    )
    return planning.Occupancy(planning.Booking(*row) for row in rows)
