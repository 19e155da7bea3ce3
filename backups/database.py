"""What a database is and holds, in the words a backup or restore reports: its name, its tables, its rows of note.

The rows counted are named by model label: this app imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

#: The rows a restore reports, each a model label and what its rows are called.
NOTABLE = (
    ("bookings.InfusionSession", "sessions"),
    ("bookings.PatientEmail", "patient emails"),
    ("pumps.EpisodeEmail", "pump emails"),
    ("waitlist.OfferEmail", "waitlist offer emails"),
    ("auditlog.LogEntry", "audit entries"),
)

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


def vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in (POSTGRESQL, SQLITE):
        raise NotImplementedError(f"Backups know PostgreSQL and SQLite, not {connection.display_name}.")
    return connection.vendor


def sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        raise NotImplementedError("An in-memory SQLite database has nothing to back up or restore into.")
    return Path(name)


def describe(connection: BaseDatabaseWrapper) -> str:
    """"PostgreSQL database clinic on db.internal:5432" or "SQLite database var/clinic.sqlite3" (never a password)."""
    if vendor(connection) == SQLITE:
        return f"SQLite database {sqlite_path(connection)}"
    s = connection.settings_dict
    where = f"{s.get('HOST') or 'the local socket'}" + (f":{s['PORT']}" if s.get("PORT") else "")
    return f"PostgreSQL database {s['NAME']} on {where}"


def tables(connection: BaseDatabaseWrapper) -> list[str]:
    """The database's tables and views (on PostgreSQL those its search path shows, the app's)."""
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor, include_views=True))


@dataclass(frozen=True)
class Holding:
    what: str
    rows: int


def holdings(connection: BaseDatabaseWrapper) -> list[Holding]:
    """The rows of note the database holds, for those of NOTABLE whose table it has."""
    present = set(tables(connection))
    found = []
    for label, what in NOTABLE:
        table = apps.get_model(label)._meta.db_table
        if table not in present:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a model's own table name, quoted)
            found.append(Holding(what, cursor.fetchone()[0]))
    return found


def holdings_text(found: list[Holding]) -> str:
    return ", ".join(f"{h.rows:,} {h.what}" for h in found) or "none of the app's tables"


@dataclass(frozen=True)
class MigrationState:
    #: This code's migrations the database has not applied (a backup older than the code: run migrate).
    pending: list[str]
    #: Migrations the database has applied that this code does not have (a backup newer than the code).
    unknown: list[str]


def migration_state(connection: BaseDatabaseWrapper) -> MigrationState:
    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    except DatabaseError:
        return MigrationState(pending=[], unknown=[])
    applied = set(loader.applied_migrations or ())
    known = set(loader.graph.nodes)
    return MigrationState(
        pending=sorted(f"{app}.{name}" for app, name in known - applied),
        unknown=sorted(f"{app}.{name}" for app, name in applied - known),
    )
