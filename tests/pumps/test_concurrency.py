"""Twenty bookings of one pump for overlapping days released together: one episode, nineteen clear 409 conflicts,
on PostgreSQL (threads with their own connections) and on SQLite (a subprocess on a SQLite file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pumps.models import Episode, EpisodeVisit
from tests.pumps import race

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_twenty_bookings_of_one_pump_on_postgresql():
    outcome = race.same_pump_race(20)
    assert outcome == {"booked": 1, "pump_unavailable": 19}
    episode = Episode.objects.get()
    assert EpisodeVisit.objects.filter(episode=episode).count() == 5


@pytest.mark.slow
def test_twenty_bookings_of_one_pump_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}",
        CLINIC_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.pumps.race"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == {"same_pump": {"booked": 1, "pump_unavailable": 19}, "episodes": 1}
