"""Counters of what the services do, for Prometheus (served at /metrics by config.metrics).

Incremented where the thing happens, after the commit (a rolled-back booking is no booking). Each process counts
its own; under gunicorn with PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py) the processes of one web instance
write to files there and a scrape adds them up (prometheus_client's multiprocess mode). No label holds patient
data: a kind and an error code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from prometheus_client import Counter

from common.errors import ApplicationError

BOOKINGS = Counter(
    "clinic_bookings", "Bookings committed: a course (all its sessions at once) or a make-up session.", ["kind"]
)
SESSIONS_BOOKED = Counter("clinic_sessions_booked", "Infusion sessions committed by those bookings.", ["kind"])
BOOKING_CONFLICTS = Counter(
    "clinic_booking_conflicts", "Bookings refused with a 409 conflict (a chair, nurse or patient taken; a race lost).",
    ["code"],
)


def booking_counted(*, kind: str, sessions: int) -> None:
    """In the booking's transaction: counted once it commits."""
    def count() -> None:
        BOOKINGS.labels(kind=kind).inc()
        if sessions:
            SESSIONS_BOOKED.labels(kind=kind).inc(sessions)

    transaction.on_commit(count)


def conflict_counted(*, code: str) -> None:
    BOOKING_CONFLICTS.labels(code=code).inc()


@contextmanager
def conflicts_counted() -> Iterator[None]:
    """Around a booking service (or as its decorator): a refusal answered with 409 is counted by its code."""
    try:
        yield
    except ApplicationError as exc:
        if exc.status == 409:
            conflict_counted(code=exc.code)
        raise
