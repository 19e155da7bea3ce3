"""The booking services' locks, always taken in one order: the cycle row, its session rows, then the
per-(clinic, day) advisory locks."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from bookings.models import InfusionSession, TreatmentCycle
from scheduler import planning
from scheduler.models import Clinic


def lock_cycle(cycle_id: int) -> TreatmentCycle:
    return TreatmentCycle.objects.select_for_update(of=("self",)).select_related("protocol", "clinic").get(pk=cycle_id)


def lock_session(session: InfusionSession) -> tuple[TreatmentCycle, InfusionSession]:
    """The session's cycle, then the session itself, read afresh under their locks."""
    cycle = lock_cycle(session.cycle_id)
    return cycle, InfusionSession.objects.select_for_update(of=("self",)).select_related("clinic").get(pk=session.pk)


def lock_days(clinic: Clinic, instants: Iterable) -> None:
    """Serialise bookings of one clinic-day: nurse capacity is a rule no constraint can hold.

    Transaction-level advisory locks, taken in sorted order so two bookings never wait on each other.
    On SQLite the immediate transaction already serialises every writer.
    """
    if connection.vendor != "postgresql":
        return
    days = sorted({planning.local_date(i, clinic.tz).toordinal() for i in instants})
    with connection.cursor() as cursor:
        for day in days:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [clinic.pk % 2_147_483_647, day])
