"""Concurrent bookings released together: the database lets exactly the right number through."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookings.models import OCCUPYING_STATUSES, InfusionSession
from tests.bookings import race

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_twenty_bookings_of_one_chair_on_postgresql():
    outcome = race.same_chair_race(20)
    assert outcome == {"booked": 1, "chair_conflict": 19}
    assert InfusionSession.objects.filter(status__in=OCCUPYING_STATUSES).count() == 1


@pytest.mark.django_db(transaction=True)
def test_nurse_capacity_under_concurrency_on_postgresql():
    outcome = race.nurse_capacity_race(10, capacity=3)
    assert outcome == {"booked": 3, "nurse_capacity": 7}
    assert InfusionSession.objects.filter(status__in=OCCUPYING_STATUSES).count() == 3


@pytest.mark.slow
def test_the_same_races_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}",
        CLINIC_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.bookings.race"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["same_chair"] == {"booked": 1, "chair_conflict": 19}
    assert outcome["nurse_capacity"] == {"booked": 3, "nurse_capacity": 7}
