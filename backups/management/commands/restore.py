"""`manage.py restore PATH [--force]`: put a backup back into the database (`make restore FILE=…`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from backups import postgres, sqlite
from backups.database import POSTGRESQL, describe, holdings, holdings_text, migration_state, sqlite_path, tables, vendor
from backups.errors import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the database (DATABASE_URL). Refuses a database "
        "that holds any table unless --force is given. Stop the web, worker and beat processes first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file (.pgdump for PostgreSQL, .sqlite3 for SQLite)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what a database that is not empty holds with the backup's contents",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(self, *args, path: Path, force: bool, database: str, **options) -> None:
        connection = connections[database]
        try:
            kind = vendor(connection)
            target = describe(connection)
            if not path.is_file():
                raise BackupError(f"There is no backup file at {path}.")
            # The backup is checked before the database is looked at: a file that cannot be restored is said so
            # first, not after the operator has been told to add --force.
            if kind == POSTGRESQL:
                server = postgres.major_of(postgres.server_version(connection))
                tool, archive = postgres.check_archive(path, server_major=server)
                source = (
                    f"{path} (database {archive.dbname}, made {archive.created_at} by pg_dump "
                    f"{archive.pg_dump_version.split()[0]} from PostgreSQL {archive.server_version.split()[0]})"
                )
            else:
                source = f"{path} ({sqlite.check_backup(path)} tables)"

            existing = [] if kind != POSTGRESQL and not sqlite_path(connection).exists() else tables(connection)
            held = holdings(connection) if existing else []
            if existing and not force:
                raise BackupError(
                    f"Refused: the {target} is not empty: {len(existing)} tables, holding {holdings_text(held)}. "
                    "Nothing was changed. Restoring replaces its contents with the backup's: run again with --force "
                    "(make restore FILE=… FORCE=1) to do that, or restore into a new, empty database."
                )

            connection.close()
            if kind == POSTGRESQL:
                postgres.restore(settings_dict=connection.settings_dict, tool=tool, path=path, replace=bool(existing))
            else:
                sqlite.restore(path=path, target=sqlite_path(connection))
        except (BackupError, NotImplementedError) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            # The database is missing or down: said in one line, not as a traceback.
            raise CommandError(f"The {describe(connection)} could not be used: {exc}".strip()) from exc

        before = (
            f"replacing its {len(existing)} tables (--force), which held {holdings_text(held)}"
            if existing
            else "which was empty"
        )
        self.stdout.write(f"Restored {source} into the {target}, {before}.")
        connection.close()
        now_held = holdings(connection)
        self.stdout.write(f"It now holds {holdings_text(now_held)} ({len(tables(connection))} tables).")
        state = migration_state(connection)
        if state.unknown:
            self.stdout.write(
                f"The restored database has {len(state.unknown)} migrations this code does not know "
                f"({', '.join(state.unknown[:5])}{', …' if len(state.unknown) > 5 else ''}): the backup is newer "
                "than this code. Run it with the release it was made with."
            )
        if state.pending:
            self.stdout.write(
                f"{len(state.pending)} of this code's migrations are not applied: the backup is older than this "
                "code. Run `python manage.py migrate` (make migrate) before starting the app."
            )
        elif not state.unknown:
            self.stdout.write("Its migrations match this code's.")
