"""Release N episode bookings of one pump at once and count the outcomes; on PostgreSQL (in-process) and on SQLite
(`python -m tests.pumps.race` with DATABASE_URL pointing at a SQLite file, printing JSON), as tests/bookings/race.py
does for chairs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import partial


def same_pump_race(n: int = 20) -> Counter:
    """n patients book one pump for episodes whose days overlap (fittings over three days), all at once. Chairs and
    nurses to spare: only the pump can refuse them."""
    from pumps.services.booking import episode_book
    from tests.bookings.race import attempt_all
    from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory
    from tests.pumps.factories import PumpFactory, PumpProtocolFactory

    every_day = {d: [("07:00", "20:00")] for d in range(7)}
    clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=n, hours=every_day)
    for _ in range(n):
        ChairFactory(clinic=clinic)
    NurseFactory(clinic=clinic)
    pump = PumpFactory(clinic=clinic)
    protocol = PumpProtocolFactory(clinic=clinic, episode_days=4)
    day = dt.date.today() + dt.timedelta(days=30)
    calls = [
        partial(episode_book, clinic=clinic, patient=PatientFactory(clinic=clinic), protocol=protocol, pump=pump,
                fitting_start=dt.datetime.combine(day + dt.timedelta(days=k % 3), dt.time(8 + k % 10)), by=None)
        for k in range(n)
    ]
    return attempt_all(calls)


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
    from pumps.models import Episode

    outcome = same_pump_race()
    print(json.dumps({"same_pump": outcome, "episodes": Episode.objects.count()}))
