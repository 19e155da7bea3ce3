"""The busy intervals planning needs: every occupying session of a clinic (or of a patient) in a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import BigIntegerField, Func, Q

from bookings.models import OCCUPYING_STATUSES, InfusionSession
from scheduler import planning

#: Longer than any session (a chair block is at most 12 hours): the lower bound on starts that lets a query use
#: the (clinic, starts_at) index instead of reading a clinic's whole history.
LONGEST_SESSION = dt.timedelta(days=1)

#: Other apps' rows that hold a chair, a nurse or a patient (pumps: an episode's visits, and the patient over the
#: whole episode). Each provider answers, for a clinic (and patients anywhere) and a window, the busy intervals as
#: planning Bookings (`session_id` None; a chair or nurse of -1 where none is held). Registered in an app's
#: `ready()`: bookings may not import the apps above it (import-linter), yet every check and planner must see them.
BusyProvider = Callable[..., Iterable[planning.Booking]]
_BUSY_PROVIDERS: list[BusyProvider] = []


def busy_provider_register(provider: BusyProvider) -> None:
    """Add a provider of busy intervals (idempotent: a provider registered twice is asked once)."""
    if provider not in _BUSY_PROVIDERS:
        _BUSY_PROVIDERS.append(provider)


def _provided(*, clinic_id: int, patient_ids: list[int], window_start: dt.datetime,
              window_end: dt.datetime) -> list[planning.Booking]:
    found: list[planning.Booking] = []
    for provider in _BUSY_PROVIDERS:
        found.extend(provider(clinic_id=clinic_id, patient_ids=patient_ids, window_start=window_start,
                              window_end=window_end))
    return found


class EpochMicroseconds(Func):
    """PostgreSQL: an instant as whole microseconds since 1970 (exact, unlike a float of seconds)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def occupancy_load(*, clinic_id: int, patient_id: int | None, window_start: dt.datetime, window_end: dt.datetime,
                   patient_ids: Iterable[int] = ()) -> planning.Occupancy:
    """Every occupying session of the clinic, or of the patient (or `patient_ids`) anywhere, in the window (one
    query), and what the registered busy providers hold there (pumps: one query more)."""
    where = Q(clinic_id=clinic_id)
    if patient_id is not None:
        where |= Q(patient_id=patient_id)
    patient_ids = list(patient_ids)
    if patient_ids:
        where |= Q(patient_id__in=patient_ids)
    rows = InfusionSession.objects.filter(
        where, status__in=OCCUPYING_STATUSES,
        starts_at__gt=window_start - LONGEST_SESSION, starts_at__lt=window_end, ends_at__gt=window_start,
    ).order_by("starts_at")
    everyone = ([patient_id] if patient_id is not None else []) + patient_ids
    provided = _provided(clinic_id=clinic_id, patient_ids=everyone, window_start=window_start, window_end=window_end)
    if connection.vendor != "postgresql":
        values = rows.values_list("starts_at", "ends_at", "chair_id", "nurse_id", "patient_id", "pk")
        return planning.Occupancy([*(planning.Booking(*row) for row in values), *provided])
    # Instants as integer microseconds: psycopg reads integers in C, timestamps in Python (3× slower here). The rows
    # are fetched with the cursor itself: the queryset's iterator would pass each of a few thousand rows through
    # Python converters (int() of each instant) that psycopg's integers do not need.
    micros = rows.annotate(s_us=EpochMicroseconds("starts_at"), e_us=EpochMicroseconds("ends_at")).values_list("s_us", "e_us", "chair_id", "nurse_id", "patient_id", "pk")
    with connection.cursor() as cursor:
        cursor.execute(*micros.query.sql_with_params())
        fetched = cursor.fetchall()
    booking, epoch, micro = planning.Booking, _EPOCH, dt.timedelta(microseconds=1)
    return planning.Occupancy([
        *(booking(epoch + s * micro, epoch + e * micro, chair, nurse, patient, pk) for s, e, chair, nurse, patient, pk in fetched),
        *provided,
    ])


#: Microseconds since the epoch become instants by adding a timedelta to it: exact, and 3× faster than fromtimestamp().
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
