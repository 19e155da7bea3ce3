"""The embedded mode's backups: SQLite's online backup API (sqlite3.Connection.backup), in both directions.

A backup reads the live database page by page inside one read transaction: in WAL mode (the settings') the
app's writers carry on meanwhile, and the copy is the database as it stood when the copy began. Copying the
file itself could catch a write half-done, and would miss what is still in the -wal file beside it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from backups.errors import BackupError

#: How long to wait for a writer's lock before giving up (the settings' own timeout).
_BUSY_SECONDS = 30


def backup(*, source: Path, into: Path) -> None:
    """Copy the database at `source` into the (empty) file `into`, as one self-contained file."""
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}: nothing to back up.")
    with closing(sqlite3.connect(source, timeout=_BUSY_SECONDS)) as live, closing(sqlite3.connect(into)) as copy:
        live.backup(copy)
        # The copy keeps the live database's WAL mode in its header; a backup is one file, with no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        _check(copy, into)


def check_backup(path: Path) -> int:
    """The number of tables in the backup at `path`, refused if it is not a whole SQLite database of this app."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    try:
        # Read-only: checking a backup never changes it.
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            _check(db, path)
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database (as `manage.py backup` writes in the embedded mode): {exc}.") from exc
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is a SQLite database but not one of this app (it has no django_migrations table).")
    return len(tables)


def restore(*, path: Path, target: Path) -> None:
    """Replace the database at `target` (created if missing) with the backup at `path`, in one step.

    The backup API writes the target under its exclusive lock: another connection sees the old database or the
    restored one, never a mix; the page size and WAL mode stay the target's.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source, closing(
            sqlite3.connect(target, timeout=_BUSY_SECONDS)
        ) as live:
            source.backup(live)
            _check(live, target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Restoring {path} into {target} failed: {exc}.") from exc


def _check(db: sqlite3.Connection, path: Path) -> None:
    verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"SQLite's check of {path} failed: {verdict}.")
