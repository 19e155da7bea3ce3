"""`manage.py backup`: one full backup of the database into a new file (`make backup`)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from backups import files, postgres, sqlite
from backups.database import POSTGRESQL, describe, sqlite_path, vendor
from backups.errors import BackupError


class Command(BaseCommand):
    help = (
        "Back up the whole database: PostgreSQL with pg_dump (custom format, for pg_restore), SQLite with its "
        "online backup API. Writes a new file, readable by its owner only, and prints its path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--output", type=Path, help="the file to write (it must not exist)")
        where.add_argument(
            "--dir",
            dest="folder",
            type=Path,
            help="the folder to write a timestamped file into (default: backups/ in CLINIC_VAR_DIR, var/backups/)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(self, *args, output: Path | None, folder: Path | None, database: str, **options) -> None:
        connection = connections[database]
        try:
            kind = vendor(connection)
            if output is None:
                if kind == POSTGRESQL:
                    prefix, suffix = file_prefix(connection.settings_dict["NAME"]), files.POSTGRES_SUFFIX
                else:
                    prefix, suffix = sqlite_path(connection).stem, files.SQLITE_SUFFIX
                name = files.timestamped_name(prefix=prefix, suffix=suffix, now=timezone.now())
                output = (folder or Path(settings.VAR_DIR) / "backups") / name
            described = describe(connection)
            with files.writing(output) as partial:
                if kind == POSTGRESQL:
                    version = postgres.server_version(connection)
                    tool = postgres.dump(
                        settings_dict=connection.settings_dict, server_major=postgres.major_of(version), into=partial
                    )
                    how = f"pg_dump {tool.version} (the server is PostgreSQL {version})"
                else:
                    sqlite.backup(source=sqlite_path(connection), into=partial)
                    how = "SQLite's online backup"
        except (BackupError, NotImplementedError) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            # The database is missing or down: said in one line, not as a traceback.
            raise CommandError(f"The {describe(connection)} could not be used: {exc}".strip()) from exc
        self.stdout.write(f"Backed up the {described} with {how} to {output} ({files.size_text(output)}).")


def file_prefix(name: str) -> str:
    """A database's name as the start of a file name: letters, digits, `-` and `_` only."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "database"
