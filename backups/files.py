"""Backup files: their names, their permissions, and the `.partial` file each is written through."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

from backups.errors import BackupError

#: The file name's ending per kind of backup.
POSTGRES_SUFFIX = ".pgdump"
SQLITE_SUFFIX = ".sqlite3"


def timestamped_name(*, prefix: str, suffix: str, now: dt.datetime) -> str:
    """`<prefix>-20261203T174500Z<suffix>`: sorts by time, in UTC whatever the server's zone."""
    return f"{prefix}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{suffix}"


@contextlib.contextmanager
def writing(output: Path) -> Iterator[Path]:
    """Yield an empty `<output>.partial`, readable by its owner only, and rename it to `output` once the block ends.

    A backup holds patient data: no other account on the machine may read it (0600, in a folder made 0700). A
    failed or interrupted backup leaves no file under the final name; an existing backup is never overwritten.
    """
    if output.exists():
        raise BackupError(f"{output} already exists: a backup is never overwritten. Choose another name.")
    if not output.parent.exists():
        output.parent.mkdir(mode=0o700, parents=True)
    partial = output.with_name(output.name + ".partial")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    except OSError as exc:
        raise BackupError(f"Cannot write {partial}: {exc.strerror}.") from exc
    try:
        yield partial
        partial.chmod(0o600)
        partial.rename(output)
    finally:
        partial.unlink(missing_ok=True)


def size_text(path: Path) -> str:
    size = path.stat().st_size
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size} bytes"
