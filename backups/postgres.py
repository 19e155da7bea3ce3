"""pg_dump and pg_restore for the PostgreSQL mode: custom-format archives (`-Fc`), one transaction per restore.

The tools connect where the app does: the host, port, user, password and database of DATABASE_URL (and its
SSL options) go to them as libpq's environment variables (PGHOST, PGPASSWORD, …), so no password appears
on a command line, where `ps` shows it to every account on the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backups.errors import BackupError

#: The folder of the PostgreSQL client tools to use, when those on PATH are not of the right major version
#: (Debian and Ubuntu install each version's beside the others: /usr/lib/postgresql/16/bin).
BIN_DIR_VARIABLE = "PG_BIN_DIR"

#: The connection's settings that libpq reads from an environment variable of its own (the others, Django's
#: own such as `pool`, mean nothing to the tools).
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}

_TOOL_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.\d+)*")
_HEADER = re.compile(r"^;\s+(Dumped from database version|Dumped by pg_dump version|dbname|Archive created at):?\s*(.*)$")
_MAJOR = re.compile(r"^(\d+)")


@dataclass(frozen=True)
class Tool:
    """A PostgreSQL client program and its version ("15.20")."""

    path: str
    version: str

    @property
    def major(self) -> int:
        return major_of(self.version)


@dataclass(frozen=True)
class Archive:
    """What a custom-format archive says of itself (its table of contents' header)."""

    dbname: str
    created_at: str
    server_version: str
    pg_dump_version: str


def major_of(version: str) -> int:
    """The major version of "15.20", "16.4 (Debian …)" or "17beta1": 15, 16, 17."""
    match = _MAJOR.match(version.strip())
    if not match:
        raise BackupError(f"Cannot read a PostgreSQL version from {version!r}.")
    return int(match.group(1))


def server_version(connection) -> str:
    """The server's version as "15.20", from Django's connection (server_version_num 150020)."""
    number = connection.pg_version
    return f"{number // 10000}.{number % 10000}"


def libpq_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """This process's environment with the connection's settings as libpq variables, over any the caller set.

    What the settings leave unset (no HOST: the local socket; no PASSWORD: ~/.pgpass) libpq finds as it does for
    the app's own connection, which reads the same environment.
    """
    env = dict(os.environ)
    given = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    given.update({variable: options.get(option) for option, variable in _LIBPQ_OPTIONS.items()})
    env.update({variable: str(value) for variable, value in given.items() if value not in (None, "")})
    return env


def find_tool(name: str) -> Tool:
    """pg_dump or pg_restore: from PG_BIN_DIR when it is set, else from PATH; with its version."""
    folder = os.environ.get(BIN_DIR_VARIABLE, "")
    path = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not path:
        where = f"in {BIN_DIR_VARIABLE}={folder}" if folder else "on PATH"
        raise BackupError(
            f"{name} was not found {where}. Install the PostgreSQL client tools of the server's major version "
            f"(Debian and Ubuntu: postgresql-client-<version>), or set {BIN_DIR_VARIABLE} to their folder."
        )
    shown = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603 (a client tool found above, no input of anyone's)
    match = _TOOL_VERSION.search(shown.stdout)
    if shown.returncode != 0 or not match:
        raise BackupError(f"{path} --version did not say which PostgreSQL version it is: {shown.stdout or shown.stderr}")
    return Tool(path=path, version=shown.stdout[match.start(1):match.end()].strip())


def dump_refusal(*, pg_dump_major: int, server_major: int) -> str | None:
    """Why this pg_dump cannot dump this server, or None. pg_dump reads servers of its own major version and older."""
    if pg_dump_major >= server_major:
        return None
    return (
        f"pg_dump {pg_dump_major} cannot back up a PostgreSQL {server_major} server: pg_dump reads servers of its own "
        f"major version and older only. Install PostgreSQL {server_major}'s client tools (Debian and Ubuntu: "
        f"postgresql-client-{server_major}) and set {BIN_DIR_VARIABLE} to their folder "
        f"(e.g. {BIN_DIR_VARIABLE}=/usr/lib/postgresql/{server_major}/bin)."
    )


def restore_refusal(*, pg_restore_major: int, archive: Archive, server_major: int) -> str | None:
    """Why this archive cannot be restored with this pg_restore into this server, or None.

    pg_restore reads the archives of its own and older pg_dump versions; PostgreSQL restores a dump into its
    own major version or a newer one, never an older.
    """
    made_by, made_from = major_of(archive.pg_dump_version), major_of(archive.server_version)
    if pg_restore_major < made_by:
        return (
            f"This backup was made by pg_dump {made_by}; pg_restore {pg_restore_major} cannot read it. Install "
            f"PostgreSQL {made_by}'s client tools (postgresql-client-{made_by}) and set {BIN_DIR_VARIABLE} to their folder."
        )
    if server_major < made_from:
        return (
            f"This backup is of a PostgreSQL {made_from} database and this server is PostgreSQL {server_major}: "
            f"a dump restores into its own major version or a newer one, never an older. Restore into PostgreSQL "
            f"{made_from} or newer."
        )
    return None


def dump(*, settings_dict: Mapping[str, Any], server_major: int, into: Path) -> Tool:
    """Write a custom-format archive of the whole database to `into` (an existing empty file); return the pg_dump used."""
    tool = find_tool("pg_dump")
    refusal = dump_refusal(pg_dump_major=tool.major, server_major=server_major)
    if refusal:
        raise BackupError(refusal)
    # --no-password: fail rather than wait for a password at a prompt no one may be watching (cron).
    _run(
        [tool.path, "--format=custom", "--no-password", f"--file={into}"],
        env=libpq_environment(settings_dict),
        failed="pg_dump failed; no backup was written",
    )
    return tool


def read_archive(path: Path) -> tuple[Tool, Archive]:
    """The pg_restore to use and what the archive at `path` says of itself; refused if it is not one pg_restore reads."""
    tool = find_tool("pg_restore")
    listed = subprocess.run(  # noqa: S603 (the path is an argument, never parsed by a shell)
        [tool.path, "--list", "--", str(path)], capture_output=True, text=True, timeout=600, check=False
    )
    if listed.returncode != 0:
        raise BackupError(
            f"{path} is not a backup pg_restore {tool.version} can read (a pg_dump custom-format archive, as "
            f"`manage.py backup` writes): {listed.stderr.strip()}"
        )
    header: dict[str, str] = {}
    for line in listed.stdout.splitlines():
        match = _HEADER.match(line)
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif header and not line.startswith(";"):
            break
    try:
        archive = Archive(
            dbname=header["dbname"],
            created_at=header["Archive created at"],
            server_version=header["Dumped from database version"],
            pg_dump_version=header["Dumped by pg_dump version"],
        )
    except KeyError as missing:
        raise BackupError(f"{path}: pg_restore lists no {missing.args[0]!r} in the archive's header.") from None
    return tool, archive


def check_archive(path: Path, *, server_major: int) -> tuple[Tool, Archive]:
    """The pg_restore to use and what the archive at `path` says of itself, refused if it cannot be restored here."""
    tool, archive = read_archive(path)
    refusal = restore_refusal(pg_restore_major=tool.major, archive=archive, server_major=server_major)
    if refusal:
        raise BackupError(refusal)
    return tool, archive


def restore(*, settings_dict: Mapping[str, Any], tool: Tool, path: Path, replace: bool) -> None:
    """Restore the archive at `path` (checked by check_archive) in one transaction: all of it or, on any error, nothing.

    The objects are created owned by the connecting user, with no GRANTs (--no-owner, --no-privileges): the roles
    of the server the backup came from need not exist here. With `replace`, each object the backup holds is
    dropped first (--clean --if-exists); objects it does not hold are left as they are.
    """
    args = [tool.path, "--no-password", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if replace:
        args += ["--clean", "--if-exists"]
    # The database's name, not a connection string: the rest of the connection (the password) is in the environment.
    args += [f"--dbname={settings_dict['NAME']}", "--", str(path)]
    _run(
        args,
        env=libpq_environment(settings_dict),
        failed="pg_restore failed and rolled back its transaction; the database is as it was",
    )


def _run(args: list[str], *, env: dict[str, str], failed: str) -> None:
    # No timeout: a large database takes as long as it takes, and the operator is watching (or cron is).
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (no shell; the arguments are ours)
    if done.returncode != 0:
        raise BackupError(f"{failed} (exit {done.returncode}): {done.stderr.strip()}")
