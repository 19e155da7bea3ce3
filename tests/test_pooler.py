"""Through PgBouncer in transaction pooling mode (docker-compose.yml's pgbouncer): the booking locks still hold.

Each test starts a PgBouncer of its own on a free loopback port (a generated ini: pool_mode = transaction, a
server pool smaller than the number of clients, auth_type = any in front of the test database) and points the
booking threads' Django connections at it, as DATABASE_URL does in the compose stack. Twenty bookings of one
chair and ten of one nurse's capacity then race exactly as tests/bookings/test_concurrency.py races them directly.

Why they hold: every booking lock is transaction-level (row locks, pg_advisory_xact_lock), and PgBouncer in this
mode keeps a client on one server connection for a whole transaction. A session-level lock would not hold, and
the last test shows why: released to the pool at the end of its statement, it is found "held" by whichever client
gets that server connection next. The code scan below keeps such locks (and session-level SET) out of the project.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections

from bookings.models import OCCUPYING_STATUSES, InfusionSession
from tests.bookings import race
from tests.notifications.delivery import free_port, wait_while_progressing

ROOT = Path(__file__).resolve().parent.parent

PGBOUNCER = shutil.which("pgbouncer") or next(
    (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(path, os.X_OK)), None
)


@dataclass
class Bouncer:
    port: int
    proc: subprocess.Popen
    log: Path

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={dbname} user=clinic-tests connect_timeout=10"

    def stats(self, dbname: str) -> dict:
        """The admin console's SHOW STATS row of `dbname` (transactions and queries it has passed on)."""
        with psycopg.connect(self.dsn("pgbouncer"), autocommit=True, cursor_factory=psycopg.ClientCursor) as admin:
            cursor = admin.execute("SHOW STATS")
            names = [column.name for column in cursor.description or []]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return next((row for row in rows if row["database"] == dbname), {})


def start_pgbouncer(tmp_path: Path, *, pool_size: int) -> Bouncer:
    if not PGBOUNCER:
        pytest.fail("these tests need PgBouncer: apt-get install -y pgbouncer (make test checks for it)")
    if connection.vendor != "postgresql":
        pytest.fail("these tests need PostgreSQL: set DATABASE_URL (make test does)")
    db = connection.settings_dict
    port = free_port()
    server = " ".join(
        f"{key}={value}" for key, value in (
            ("host", db.get("HOST") or "127.0.0.1"), ("port", db.get("PORT") or 5432),
            ("user", db.get("USER") or "postgres"), ("password", db.get("PASSWORD")),
        ) if value
    )
    ini = tmp_path / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"* = {server}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        # Any client name is let in and logs in to PostgreSQL as the test database's user: loopback only.
        "auth_type = any\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {pool_size}\n"
        "min_pool_size = 0\n"
        "reserve_pool_size = 0\n"
        "max_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        "logfile =\n"
        "pidfile =\n"
    )
    ini.chmod(0o644)
    args = [PGBOUNCER]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root; it reads its ini first, then drops to this user
        args += ["-u", "postgres"]
    log = tmp_path / "pgbouncer.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen([*args, str(ini)], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    bouncer = Bouncer(port=port, proc=proc, log=log)

    def answers() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"pgbouncer exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            with psycopg.connect(bouncer.dsn(db["NAME"])) as probe:
                return probe.execute("SELECT 1").fetchone() == (1,)
        except psycopg.OperationalError:
            return False

    try:
        wait_while_progressing(answers, interval=0.1, what="pgbouncer to accept connections")
    except BaseException:
        stop(bouncer)
        raise
    return bouncer


def stop(bouncer: Bouncer) -> None:
    with contextlib.suppress(ProcessLookupError):
        bouncer.proc.terminate()
    try:
        bouncer.proc.wait(30)
    except subprocess.TimeoutExpired:
        bouncer.proc.kill()
        bouncer.proc.wait(10)


@pytest.fixture
def bouncer(tmp_path, django_db_setup):
    """A PgBouncer with 3 server connections for the booking threads (10 and 20 of them) to share."""
    started = start_pgbouncer(tmp_path, pool_size=3)
    yield started
    stop(started)


@pytest.fixture
def through_bouncer(bouncer, monkeypatch):
    """New threads' Django connections go through `bouncer`, as DATABASE_URL and DATABASE_POOLER=transaction
    make them in the compose stack; this thread's own connection (the factories, the checks) stays direct."""
    pooled = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(bouncer.port),
              "DISABLE_SERVER_SIDE_CURSORS": True, "CONN_MAX_AGE": 0}
    monkeypatch.setitem(connections.settings, "default", pooled)
    return bouncer


def overlapping_pairs() -> int:
    """Occupying sessions sharing a chair at overlapping times (what the locks exist to prevent)."""
    occupying = InfusionSession.objects.filter(status__in=OCCUPYING_STATUSES)
    return sum(
        occupying.filter(chair_id=s.chair_id, starts_at__lt=s.ends_at, ends_at__gt=s.starts_at).exclude(pk=s.pk).count()
        for s in occupying
    )


def nurse_over_capacity(capacity: int) -> bool:
    occupying = InfusionSession.objects.filter(status__in=OCCUPYING_STATUSES)
    return any(
        occupying.filter(nurse_id=s.nurse_id, starts_at__lt=s.ends_at, ends_at__gt=s.starts_at).count() > capacity
        for s in occupying
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_bookings_of_one_chair_through_pgbouncer(through_bouncer):
    dbname = connection.settings_dict["NAME"]
    before = through_bouncer.stats(dbname).get("total_xact_count", 0)

    outcome = race.same_chair_race(20)

    assert outcome == {"booked": 1, "chair_conflict": 19}
    assert InfusionSession.objects.filter(status__in=OCCUPYING_STATUSES).count() == 1
    assert overlapping_pairs() == 0
    # The twenty went through the pooler: at least a transaction each, over its three server connections.
    assert through_bouncer.stats(dbname)["total_xact_count"] - before >= 20


@pytest.mark.django_db(transaction=True)
def test_nurse_capacity_through_pgbouncer(through_bouncer):
    """No constraint can count a nurse's patients: only the per-(clinic, day) pg_advisory_xact_lock keeps this at 3."""
    dbname = connection.settings_dict["NAME"]
    before = through_bouncer.stats(dbname).get("total_xact_count", 0)

    outcome = race.nurse_capacity_race(10, capacity=3)

    assert outcome == {"booked": 3, "nurse_capacity": 7}
    assert InfusionSession.objects.filter(status__in=OCCUPYING_STATUSES).count() == 3
    assert not nurse_over_capacity(3)
    assert overlapping_pairs() == 0
    assert through_bouncer.stats(dbname)["total_xact_count"] - before >= 10


@pytest.mark.django_db(transaction=True)
def test_a_transaction_lock_holds_through_pgbouncer_and_a_session_lock_does_not(tmp_path):
    """Why the code takes only transaction-level locks: the pooler hands a server connection, with any session
    lock on it, to the next client."""
    dbname = connection.settings_dict["NAME"]
    key = 917_000_001

    # One server connection for everyone: a session lock taken by `a` is "held" by `b` too.
    (tmp_path / "single").mkdir()
    single = start_pgbouncer(tmp_path / "single", pool_size=1)
    try:
        with psycopg.connect(single.dsn(dbname), autocommit=True) as a, \
                psycopg.connect(single.dsn(dbname), autocommit=True) as b:
            a.execute("SELECT pg_advisory_lock(%s)", [key])
            assert b.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone() == (True,)
            b.execute("SELECT pg_advisory_unlock_all()")
    finally:
        stop(single)

    # A transaction lock stays with its transaction, which keeps its server connection until it ends.
    shared = start_pgbouncer(tmp_path, pool_size=2)
    try:
        with psycopg.connect(shared.dsn(dbname)) as a, psycopg.connect(shared.dsn(dbname), autocommit=True) as b:
            with a.transaction():
                a.execute("SELECT pg_advisory_xact_lock(%s)", [key])
                assert b.execute("SELECT pg_try_advisory_xact_lock(%s)", [key]).fetchone() == (False,)
            assert b.execute("SELECT pg_try_advisory_xact_lock(%s)", [key]).fetchone() == (True,)
    finally:
        stop(shared)


# --- No session state in the code -------------------------------------------------------------------------------

# What would not survive transaction pooling: a session-level advisory lock, a session-level SET or set_config,
# a prepared statement, a cursor that outlives its transaction, LISTEN.
SESSION_STATE = [
    (re.compile(r"pg_(?:try_)?advisory_lock(?:_shared)?\s*\(", re.IGNORECASE), "session-level advisory lock"),
    (re.compile(r"pg_advisory_unlock", re.IGNORECASE), "session-level advisory unlock"),
    (re.compile(r"""execute\(\s*[rbf]*["']{1,3}\s*SET\s+(?!LOCAL\b|CONSTRAINTS\b|TRANSACTION\b)""", re.IGNORECASE),
     "SET without LOCAL"),
    (re.compile(r"set_config\s*\([^)]*,\s*(?:false|0)\s*\)", re.IGNORECASE), "set_config for the session"),
    (re.compile(r"""execute\(\s*[rbf]*["']{1,3}\s*(?:PREPARE|LISTEN|DECLARE)\b""", re.IGNORECASE),
     "prepared statement, LISTEN or cursor"),
    (re.compile(r"WITH\s+HOLD", re.IGNORECASE), "cursor WITH HOLD"),
]
SCANNED = ("config", "common", "scheduler", "bookings", "notifications", "accounts", "audit", "frontdesk", "waitlist",
           "outcomes", "safety", "pumps", "periodic", "scripts")


def session_state_uses(root: Path = ROOT, packages: tuple[str, ...] = SCANNED) -> list[str]:
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if line.lstrip().startswith("#"):  # a comment may name what it avoids
                    continue
                for pattern, what in SESSION_STATE:
                    if pattern.search(line):
                        found.append(f"{path.relative_to(root)}:{number}: {what}: {line.strip()}")
    return found


def test_the_code_keeps_no_session_state_a_transaction_pooler_would_lose():
    assert session_state_uses() == []


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ('cursor.execute("SELECT pg_advisory_lock(%s)", [key])', "session-level advisory lock"),
        ('cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [a, b])', "session-level advisory lock"),
        ('cursor.execute("SET statement_timeout = 5000")', "SET without LOCAL"),
        ("cursor.execute('SET search_path TO clinic')", "SET without LOCAL"),
        ('cursor.execute("SELECT set_config(\'app.clinic\', %s, false)", [x])', "set_config for the session"),
        ('cursor.execute("LISTEN outbox")', "prepared statement, LISTEN or cursor"),
    ],
)
def test_the_scan_finds_session_state(tmp_path, line, what):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "locks.py").write_text(f"def lock(cursor):\n    {line}\n")
    found = session_state_uses(tmp_path, ("app",))
    assert len(found) == 1 and what in found[0], found


@pytest.mark.parametrize(
    "line",
    [
        'cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [clinic, day])',
        'cursor.execute("SET LOCAL statement_timeout = 5000")',
        'cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")',
        'Session.objects.filter(pk=1).update(status="cancelled")',
    ],
)
def test_the_scan_lets_transaction_scoped_state_be(tmp_path, line):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "locks.py").write_text(f"def lock(cursor):\n    {line}\n")
    assert session_state_uses(tmp_path, ("app",)) == []


# --- DATABASE_POOLER ---------------------------------------------------------------------------------------------

PRINT_DATABASE = (
    "import json, django; django.setup(); from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps({'cursors': d.get('DISABLE_SERVER_SIDE_CURSORS', False), "
    "'prepare': d['OPTIONS'].get('prepare_threshold', 'unset')}))"
)


def settings_with(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    outside = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**outside, "DJANGO_SETTINGS_MODULE": "config.settings", "CLINIC_VAR_DIR": str(tmp_path), **env},
    )


@pytest.mark.slow  # starts Python three times
def test_database_pooler_transaction_turns_off_what_needs_a_session(tmp_path):
    url = "postgres://clinic@pgbouncer.invalid:5432/clinic"  # settings connect to nothing
    pooled = settings_with(tmp_path, DATABASE_URL=url, DATABASE_POOLER="transaction")
    assert pooled.returncode == 0, pooled.stderr
    assert json.loads(pooled.stdout.strip().splitlines()[-1]) == {"cursors": True, "prepare": None}

    direct = settings_with(tmp_path, DATABASE_URL=url)
    assert direct.returncode == 0, direct.stderr
    assert json.loads(direct.stdout.strip().splitlines()[-1]) == {"cursors": False, "prepare": "unset"}

    for bad in ({"DATABASE_URL": url, "DATABASE_POOLER": "session"},
                {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DATABASE_POOLER": "transaction"}):
        refused = settings_with(tmp_path, **bad)
        assert refused.returncode != 0 and "DATABASE_POOLER" in refused.stderr, refused.stderr

