"""Release N booking attempts at once and count the outcomes; used on PostgreSQL and on SQLite.

Run in-process by the PostgreSQL tests, and as `python -m tests.bookings.race` (with DATABASE_URL
pointing at a SQLite file) by the SQLite test, which reads the JSON it prints.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial


def attempt_all(calls, *, timeout: float = 60) -> Counter:
    """Run every call in its own thread, released together by a barrier; count results by code."""
    from django.db import connection

    from common.errors import ApplicationError

    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout)
            call()
            return "booked"
        except ApplicationError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return Counter(pool.map(run, calls))


def same_chair_race(n: int = 20) -> Counter:
    """n patients try to book the same chair at the same moment."""
    from tests.factories import ClinicFactory

    clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=10, chairs=1, nurses=1)
    chair = clinic.chairs.get()
    return attempt_all(boosters(clinic, [chair] * n))


def nurse_capacity_race(n: int = 10, capacity: int = 3) -> Counter:
    """n patients, n chairs, one nurse watching at most `capacity` at once: all at the same moment."""
    from tests.factories import ClinicFactory

    clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=capacity, chairs=n, nurses=1)
    return attempt_all(boosters(clinic, list(clinic.chairs.order_by("pk"))))


def boosters(clinic, chairs) -> list:
    """One call per chair, each booking a booster for a patient of its own in that chair, all at the same start."""
    from tests.factories import PatientFactory, book_course, shared_protocol

    patients = [PatientFactory(clinic=clinic) for _ in chairs]
    booster = shared_protocol("booster-iv")
    start = next_weekday_at(clinic, 10)
    return [
        partial(book_course, patient=patient, clinic=clinic, protocol=booster, starts=[start], chair=chair)
        for patient, chair in zip(patients, chairs, strict=True)
    ]


def next_weekday_at(clinic, hour: int) -> dt.datetime:
    """A wall-clock time on a weekday at least a week ahead (naive: the clinic's zone)."""
    day = dt.date.today() + dt.timedelta(days=7)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour))


if __name__ == "__main__":
    import json
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    assert connection.vendor == "sqlite", connection.vendor
    call_command("migrate", verbosity=0)
    print(json.dumps({"same_chair": same_chair_race(), "nurse_capacity": nurse_capacity_race()}))
