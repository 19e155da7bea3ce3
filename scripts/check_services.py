"""Before `make test`: say plainly whether the PostgreSQL and Redis the suite needs are reachable, and whether
the programs some tests start themselves (redis-server, pgbouncer) are installed.

Reads TEST_DATABASE_URL and TEST_REDIS_URL (the Makefile passes its defaults). Exits 0 when all is
there, 1 otherwise, with what is missing and how to start or install it. It only reads: it creates nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clinic"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
TIMEOUT_SECONDS = 3

POSTGRES_HINT = """\
    Start PostgreSQL, for example:
      Debian/Ubuntu:  sudo pg_ctlcluster <version> main start   (or: sudo systemctl start postgresql)
      macOS:          brew services start postgresql@16
      Docker:         docker run -d --name clinic-postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16
    or point TEST_DATABASE_URL at a server you have (a role that may create databases)."""

REDIS_HINT = """\
    Start Redis, for example:
      Debian/Ubuntu:  sudo systemctl start redis-server   (or: redis-server --daemonize yes --port 6379)
      macOS:          brew services start redis
      Docker:         docker run -d --name clinic-redis -p 6379:6379 redis:7
    or point TEST_REDIS_URL at a server you have."""


def redact(url: str) -> str:
    """The URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def check_postgres(url: str) -> str | None:
    """None when usable, else why not. The test runner creates its own database, so the one named
    in the URL need not exist; the role must be allowed to create databases."""
    import psycopg

    def connect(dbname: str | None = None):
        kwargs: dict[str, Any] = {"connect_timeout": TIMEOUT_SECONDS}
        if dbname:
            kwargs["dbname"] = dbname
        return psycopg.connect(url, **kwargs)

    try:
        try:
            conn = connect()
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
            conn = connect("postgres")  # the server answers; the named database is simply not there yet
    except Exception as exc:  # any failure here means "not reachable", said plainly
        return f"not reachable at {redact(url)}: {first_line(exc)}"
    with conn:
        row = conn.execute(
            "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not (row and row[0]):
            return f"reachable at {redact(url)}, but its role may not create databases (the tests need CREATEDB)"
        has_gist = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'").fetchone()
        if not has_gist:
            return f"reachable at {redact(url)}, but the btree_gist extension is not installed (postgresql-contrib)"
    return None


def check_redis(url: str) -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        client.ping()
    except Exception as exc:
        return f"not reachable at {redact(url)}: {first_line(exc)}"
    return None


REDIS_SERVER_HINT = """\
    The notification fault tests restart a private Redis of their own (tests/notifications/test_faults.py),
    so the redis-server program must be on PATH, whichever Redis TEST_REDIS_URL names:
      Debian/Ubuntu:  sudo apt-get install redis-server
      macOS:          brew install redis"""


def check_redis_server_binary() -> str | None:
    if shutil.which("redis-server"):
        return None
    return "the redis-server program is not on PATH"


PGBOUNCER_HINT = """\
    The transaction-pooling tests (tests/test_pooler.py) start a PgBouncer of their own in front of the test
    database, as docker-compose.yml puts one in front of PostgreSQL, so the pgbouncer program must be installed
    (no PgBouncer service need run):
      Debian/Ubuntu:  sudo apt-get install -y pgbouncer
      macOS:          brew install pgbouncer"""

# Debian installs it in /usr/sbin, which is not on every user's PATH.
PGBOUNCER_PLACES = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")


def check_pgbouncer_binary() -> str | None:
    if shutil.which("pgbouncer") or any(os.access(path, os.X_OK) for path in PGBOUNCER_PLACES):
        return None
    return "the pgbouncer program is not installed"


def main() -> int:
    database_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    problems = [
        ("PostgreSQL", check_postgres(database_url), POSTGRES_HINT),
        ("Redis", check_redis(redis_url), REDIS_HINT),
        ("redis-server", check_redis_server_binary(), REDIS_SERVER_HINT),
        ("pgbouncer", check_pgbouncer_binary(), PGBOUNCER_HINT),
    ]
    missing = [(name, why, hint) for name, why, hint in problems if why]
    if not missing:
        print(f"services: PostgreSQL at {redact(database_url)} and Redis at {redact(redis_url)} are reachable.")
        return 0
    names = " and ".join(name for name, _, _ in missing)
    verb = "is" if len(missing) == 1 else "are"
    print(f"\nmake test needs PostgreSQL, Redis and the redis-server and pgbouncer programs: {names} {verb} not available.\n",
          file=sys.stderr)
    for name, why, hint in missing:
        print(f"  {name}: {why}\n{hint}\n", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
