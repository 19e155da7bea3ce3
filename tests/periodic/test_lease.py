"""The lease (periodic.lease): one holder at a time, renewed by its holder, taken over once it runs out or is given up."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from periodic.lease import lease_hold, lease_holder, lease_release
from periodic.models import Lease

pytestmark = pytest.mark.django_db


def run_out(name: str) -> None:
    """As if the holder had died a while ago: its lease ended a second back."""
    Lease.objects.filter(name=name).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def test_the_first_contender_takes_it_and_the_others_wait():
    assert lease_hold(name="beat", holder="a", seconds=30)
    assert not lease_hold(name="beat", holder="b", seconds=30)
    assert lease_holder(name="beat") == "a"


def test_the_holder_renews_and_keeps_it():
    lease_hold(name="beat", holder="a", seconds=30)
    first = Lease.objects.get(name="beat")
    assert lease_hold(name="beat", holder="a", seconds=60)
    renewed = Lease.objects.get(name="beat")
    assert renewed.expires_at > first.expires_at
    assert renewed.acquired_at == first.acquired_at  # still the same tenure


def test_a_lease_that_ran_out_goes_to_the_next_contender():
    lease_hold(name="beat", holder="a", seconds=30)
    run_out("beat")
    assert lease_holder(name="beat") == ""
    assert lease_hold(name="beat", holder="b", seconds=30)
    assert not lease_hold(name="beat", holder="a", seconds=30)  # the old holder, back, is now a follower
    assert lease_holder(name="beat") == "b"


def test_a_lease_given_up_goes_at_once():
    lease_hold(name="beat", holder="a", seconds=30)
    assert not lease_release(name="beat", holder="b")  # only the holder can give it up
    assert lease_release(name="beat", holder="a")
    assert lease_hold(name="beat", holder="b", seconds=30)


def test_leases_of_different_names_are_independent():
    assert lease_hold(name="beat", holder="a", seconds=30)
    assert lease_hold(name="other", holder="b", seconds=30)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True], ids=["first-ever", "ran-out"])
def test_of_many_contenders_at_once_exactly_one_wins(existing):
    """Ten processes' worth of connections ask at the same moment, for a lease never held or one that ran out."""
    if existing:
        lease_hold(name="beat", holder="old", seconds=30)
        run_out("beat")
    barrier = threading.Barrier(10)

    def contend(n: int) -> bool:
        try:
            barrier.wait(30)
            return lease_hold(name="beat", holder=f"p{n}", seconds=30)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        won = list(pool.map(contend, range(10)))
    assert won.count(True) == 1
    assert lease_holder(name="beat") == f"p{won.index(True)}"


SQLITE_SCRIPT = """
import datetime as dt, json, django
django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", "periodic", verbosity=0)
from periodic.lease import lease_hold, lease_holder, lease_release
from periodic.models import Lease
seen = [lease_hold(name="beat", holder="a", seconds=30), lease_hold(name="beat", holder="b", seconds=30),
        lease_hold(name="beat", holder="a", seconds=30)]
Lease.objects.filter(name="beat").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
seen += [lease_holder(name="beat"), lease_hold(name="beat", holder="b", seconds=30), lease_holder(name="beat"),
         lease_release(name="beat", holder="b"), lease_hold(name="beat", holder="a", seconds=30)]
print(json.dumps(seen))
"""


@pytest.mark.slow  # a Python process on SQLite
def test_the_same_lease_on_sqlite(tmp_path):
    """The embedded mode's beat uses the same lease: Now() and its arithmetic on SQLite."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST")) and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'lease.sqlite3'}", CLINIC_VAR_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run([sys.executable, "-c", SQLITE_SCRIPT], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, False, True, "", True, "b", True, True]
