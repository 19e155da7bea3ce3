"""Backups: a backup restored into a fresh database holds every row (sessions, emails, audit entries, all the rest),
on PostgreSQL and on SQLite; a restore refuses a database that is not empty; pg_dump's version is checked; no
password reaches a command line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backups import files, postgres
from backups.errors import BackupError
from backups.postgres import Archive
from tests.backups.seed import seed_clinic

ROOT = Path(__file__).resolve().parents[2]
# Rows a backup must carry, read back through SQL of each database's own (not the app's models).
SESSIONS, EMAILS, AUDIT = "bookings_infusionsession", "notifications_reminder", "auditlog_logentry"


def run(args: list[str], *, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A hang guard only (a stuck process), not a speed limit.
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False)


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment, with a var/ of the test's own (the secret key, the embedded broker) and `extra`."""
    env = dict(os.environ)
    env.update(CLINIC_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


# --- PostgreSQL ------------------------------------------------------------------------------------


def pg_connect(name: str) -> psycopg.Connection:
    s = connection.settings_dict
    db = psycopg.connect(
        dbname=name, host=s["HOST"], port=s["PORT"] or None, user=s["USER"], password=s["PASSWORD"] or None, autocommit=True
    )
    db.execute("SET TIME ZONE 'UTC'")
    return db


def pg_rows(name: str) -> dict[str, list[str]]:
    """Every row of every table of the database `name`, each as the server writes it in JSON, sorted per table."""
    with closing(pg_connect(name)) as db:
        tables = [t for (t,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {t: sorted(r for (r,) in db.execute(f'SELECT row_to_json(t)::text FROM "{t}" t')) for t in tables}  # noqa: S608


def pg_schema(name: str) -> dict[str, set]:
    """The constraints (exclusion constraints among them), indexes and triggers of the database `name`."""
    with closing(pg_connect(name)) as db:
        return {
            "constraints": set(db.execute(
                "SELECT conrelid::regclass::text, conname, contype FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'"
            )),
            # By name: a partial index's WHERE comes back from the dump's SQL spelled differently, meaning the same.
            "indexes": set(db.execute("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'")),
            "triggers": set(db.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")),
        }


def by_id(rows: list[str]) -> dict[int, dict]:
    return {row["id"]: row for row in map(json.loads, rows)}


@pytest.fixture
def fresh_database(transactional_db):
    """The name of a new, empty PostgreSQL database beside the test database, dropped after the test."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with closing(pg_connect("postgres")) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    yield name
    with closing(pg_connect("postgres")) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_into(name: str, backup: Path, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess:
    """`manage.py restore` in a process of its own, its DATABASE_URL naming the database `name`."""
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    return run([sys.executable, "manage.py", "restore", str(backup), *flags], env=app_env(tmp_path, DATABASE_URL=url))


@pytest.mark.slow  # pg_dump, pg_restore and manage.py in processes of their own
def test_a_postgresql_backup_restored_into_a_fresh_database_holds_every_row(fresh_database, tmp_path):
    seeded = seed_clinic()
    backup = tmp_path / "clinic.pgdump"
    said = StringIO()
    call_command("backup", output=backup, stdout=said)
    assert f"to {backup}" in said.getvalue()
    assert backup.stat().st_mode & 0o077 == 0, "a backup holds patient data: its owner alone may read it"
    assert not backup.with_name(backup.name + ".partial").exists()

    restored = restore_into(fresh_database, backup, tmp_path)
    assert restored.returncode == 0, output(restored)
    assert f"into the PostgreSQL database {fresh_database} " in restored.stdout
    assert "which was empty" in restored.stdout
    assert f"It now holds {seeded['sessions']} sessions" in restored.stdout
    assert "Its migrations match this code's." in restored.stdout

    source, copy = pg_rows(connection.settings_dict["NAME"]), pg_rows(fresh_database)
    # Every table, every row, every column.
    assert set(copy) == set(source)
    for table in source:
        assert copy[table] == source[table], table
    # Named, the rows the backup is for.
    sessions, emails, audit = by_id(copy[SESSIONS]), by_id(copy[EMAILS]), by_id(copy[AUDIT])
    assert len(sessions) == seeded["sessions"]
    assert sum(s["status"] == "cancelled" for s in sessions.values()) == seeded["cancelled_sessions"]
    sent = [e for e in emails.values() if e["status"] == "sent"]
    assert len(sent) == seeded["emails_sent"]
    assert len(emails) - len(sent) == seeded["emails_unsent"]
    assert all(e["sent_at"] and e["message_id"].startswith(f"<reminder.{e['id']}.") for e in sent)
    assert {e["status"] for e in emails.values()} >= {"sent", "pending", "cancelled"}
    assert len(audit) == seeded["audit_entries"]
    assert by_id(source[AUDIT]) == audit
    assert {entry["additional_data"]["clinic"] for entry in audit.values() if entry["additional_data"]}

    # What the schema enforces came back too: every constraint, index and trigger, and the audit trail still
    # refuses a change.
    assert pg_schema(fresh_database) == pg_schema(connection.settings_dict["NAME"])
    with closing(pg_connect(fresh_database)) as db, pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        db.execute(f"UPDATE {AUDIT} SET remote_addr = NULL")


@pytest.mark.slow  # pg_dump, pg_restore and manage.py in processes of their own
def test_a_postgresql_restore_refuses_a_database_that_is_not_empty_without_force(fresh_database, tmp_path):
    seed_clinic()
    backup = tmp_path / "clinic.pgdump"
    call_command("backup", output=backup, stdout=StringIO())
    assert restore_into(fresh_database, backup, tmp_path).returncode == 0
    # The database moves on after the restore: emails written off, one booking gone.
    with closing(pg_connect(fresh_database)) as db:
        db.execute(f"DELETE FROM {EMAILS} WHERE status <> 'sent'")
    moved_on = pg_rows(fresh_database)

    refused = restore_into(fresh_database, backup, tmp_path)
    assert refused.returncode != 0
    assert f"Refused: the PostgreSQL database {fresh_database} " in refused.stderr
    assert "is not empty" in refused.stderr and "Nothing was changed" in refused.stderr and "--force" in refused.stderr
    assert pg_rows(fresh_database) == moved_on

    forced = restore_into(fresh_database, backup, tmp_path, "--force")
    assert forced.returncode == 0, output(forced)
    assert "replacing its" in forced.stdout and "(--force)" in forced.stdout
    assert pg_rows(fresh_database) == pg_rows(connection.settings_dict["NAME"])


@pytest.mark.django_db
def test_a_restore_of_a_file_that_is_no_backup_is_refused_before_anything(tmp_path):
    junk = tmp_path / "clinic.pgdump"
    junk.write_text("not an archive")
    with pytest.raises(CommandError, match="is not a backup pg_restore .* can read"):
        call_command("restore", str(junk), force=True)


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install(tmp_path, monkeypatch):
    """The only way to meet a pg_dump of another major version on this machine: a stand-in that says it is one."""
    server = postgres.major_of(postgres.server_version(connection))
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {server - 1}.3'\n")
    fake.chmod(0o755)
    monkeypatch.setenv(postgres.BIN_DIR_VARIABLE, str(fake.parent))
    output_file = tmp_path / "backups" / "clinic.pgdump"
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=output_file)
    message = str(refused.value)
    assert f"pg_dump {server - 1} cannot back up a PostgreSQL {server} server" in message
    assert f"postgresql-client-{server}" in message and postgres.BIN_DIR_VARIABLE in message
    assert not output_file.exists() and not list(output_file.parent.iterdir())


@pytest.mark.django_db
def test_the_password_reaches_pg_dump_in_its_environment_never_its_arguments(tmp_path, monkeypatch):
    seen = tmp_path / "seen.json"
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "if sys.argv[1:] == ['--version']:\n"
        "    print('pg_dump (PostgreSQL) 99.0')\n"
        "    sys.exit(0)\n"
        f"json.dump({{'argv': sys.argv, 'env': {{k: v for k, v in os.environ.items() if k.startswith('PG')}}}}, open({str(seen)!r}, 'w'))\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv(postgres.BIN_DIR_VARIABLE, str(fake.parent))
    settings_dict = {**connection.settings_dict, "PASSWORD": "s3cret-Pa55", "HOST": "db.internal", "PORT": "6543"}
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "sslmode": "verify-full"}
    into = tmp_path / "out.pgdump"
    postgres.dump(settings_dict=settings_dict, server_major=15, into=into)
    recorded = json.loads(seen.read_text())
    assert not any("s3cret" in arg for arg in recorded["argv"])
    assert recorded["env"]["PGPASSWORD"] == "s3cret-Pa55"
    assert recorded["env"]["PGHOST"] == "db.internal" and recorded["env"]["PGPORT"] == "6543"
    assert recorded["env"]["PGDATABASE"] == connection.settings_dict["NAME"]
    assert recorded["env"]["PGSSLMODE"] == "verify-full"
    assert "--format=custom" in recorded["argv"] and f"--file={into}" in recorded["argv"]


# --- The version rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pg_dump_major", "server_major", "refused"),
    [(15, 15, False), (16, 15, False), (17, 13, False), (15, 16, True), (14, 17, True)],
)
def test_pg_dump_reads_its_own_major_version_and_older(pg_dump_major, server_major, refused):
    assert bool(postgres.dump_refusal(pg_dump_major=pg_dump_major, server_major=server_major)) is refused


def archive(*, pg_dump: str, server: str) -> Archive:
    return Archive(dbname="clinic", created_at="2026-12-03 17:00:00 UTC", server_version=server, pg_dump_version=pg_dump)


@pytest.mark.parametrize(
    ("pg_restore_major", "made", "server_major", "refusal"),
    [
        (15, archive(pg_dump="15.20 (Debian 15.20-0+deb12u1)", server="15.20"), 15, None),
        (16, archive(pg_dump="15.2", server="15.2"), 16, None),  # into a newer server: PostgreSQL's upgrade path
        (16, archive(pg_dump="16.1", server="14.9"), 15, None),
        (15, archive(pg_dump="16.4", server="16.4"), 16, "made by pg_dump 16; pg_restore 15 cannot read it"),
        (16, archive(pg_dump="16.4", server="16.4"), 15, "PostgreSQL 16 database and this server is PostgreSQL 15"),
    ],
)
def test_a_backup_restores_into_its_own_major_version_or_newer(pg_restore_major, made, server_major, refusal):
    said = postgres.restore_refusal(pg_restore_major=pg_restore_major, archive=made, server_major=server_major)
    assert (said is None) if refusal is None else (refusal in said)


@pytest.mark.parametrize(
    ("version", "major"), [("15.20", 15), ("16.4 (Debian 16.4-1.pgdg120+1)", 16), ("17beta1", 17), ("9.6.24", 9)]
)
def test_major_of(version, major):
    assert postgres.major_of(version) == major


def test_a_version_that_cannot_be_read_is_an_error_not_a_guess():
    with pytest.raises(BackupError):
        postgres.major_of("unknown")


# --- Files ------------------------------------------------------------------------------------------


def test_a_backup_file_is_never_overwritten_and_a_failed_one_leaves_nothing(tmp_path):
    existing = tmp_path / "clinic.pgdump"
    existing.write_text("yesterday's backup")
    with pytest.raises(BackupError, match="never overwritten"), files.writing(existing):
        pass
    assert existing.read_text() == "yesterday's backup"

    failed = tmp_path / "new" / "clinic.pgdump"
    with pytest.raises(RuntimeError), files.writing(failed) as partial:
        partial.write_text("half a dump")
        raise RuntimeError("pg_dump died")
    assert list(failed.parent.iterdir()) == []
    assert failed.parent.stat().st_mode & 0o077 == 0


def test_timestamped_names_sort_by_time_in_utc():
    import datetime as dt
    from zoneinfo import ZoneInfo

    evening_in_new_york = dt.datetime(2026, 12, 3, 20, 15, 7, tzinfo=ZoneInfo("America/New_York"))
    assert files.timestamped_name(prefix="clinic", suffix=".pgdump", now=evening_in_new_york) == "clinic-20261204T011507Z.pgdump"


# --- SQLite (the embedded mode) -----------------------------------------------------------------------


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}  # noqa: S608


def sqlite_by_id(path: Path, table: str) -> dict[int, sqlite3.Row]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        return {row["id"]: dict(row) for row in db.execute(f'SELECT * FROM "{table}"')}  # noqa: S608


@pytest.mark.slow  # migrate, seed, make backup and make restore in processes of their own, on SQLite files
def test_an_embedded_backup_restored_into_a_fresh_file_holds_every_row_and_refuses_to_overwrite(tmp_path):
    live, fresh, folder = tmp_path / "live.sqlite3", tmp_path / "fresh.sqlite3", tmp_path / "backups"
    env = {k: v for k, v in app_env(tmp_path).items() if k not in ("DATABASE_URL", "REDIS_URL")}
    on_live, on_fresh = {**env, "DATABASE_URL": f"sqlite:///{live}"}, {**env, "DATABASE_URL": f"sqlite:///{fresh}"}
    migrated = run([sys.executable, "manage.py", "migrate", "--noinput"], env=on_live)
    assert migrated.returncode == 0, output(migrated)
    seeding = run([sys.executable, "-m", "tests.backups.seed"], env=on_live)
    assert seeding.returncode == 0, output(seeding)
    seeded = json.loads(seeding.stdout.strip().splitlines()[-1])

    # Through the Makefile, as an operator runs it (-o: the virtualenv is the one running the tests, not to reinstall).
    make = ["make", "-s", "--no-print-directory", "-o", ".venv/.requirements.stamp", f"PY={sys.executable}"]
    backed_up = run([*make, "backup", f"BACKUP_DIR={folder}"], env=on_live)
    assert backed_up.returncode == 0, output(backed_up)
    (backup,) = folder.iterdir()
    assert backup.name.startswith("live-") and backup.suffix == ".sqlite3"
    assert backup.stat().st_mode & 0o077 == 0

    restored = run([*make, "restore", f"FILE={backup}"], env=on_fresh)
    assert restored.returncode == 0, output(restored)
    assert f"into the SQLite database {fresh}, which was empty" in restored.stdout
    assert f"It now holds {seeded['sessions']} sessions" in restored.stdout

    assert sqlite_rows(fresh) == sqlite_rows(live)
    sessions, emails, audit = (sqlite_by_id(fresh, t) for t in (SESSIONS, EMAILS, AUDIT))
    assert len(sessions) == seeded["sessions"] and len(audit) == seeded["audit_entries"]
    sent = [e for e in emails.values() if e["status"] == "sent"]
    assert len(sent) == seeded["emails_sent"] and len(emails) - len(sent) == seeded["emails_unsent"]
    assert all(e["sent_at"] and e["message_id"] for e in sent)
    assert sqlite_by_id(live, AUDIT) == audit

    # Not empty now: refused without FORCE, replaced with it.
    with closing(sqlite3.connect(fresh)) as db, db:
        db.execute(f"DELETE FROM {EMAILS} WHERE status <> 'sent'")  # noqa: S608
    moved_on = sqlite_rows(fresh)
    refused = run([*make, "restore", f"FILE={backup}"], env=on_fresh)
    assert refused.returncode != 0
    assert f"Refused: the SQLite database {fresh} is not empty" in refused.stderr and "Nothing was changed" in refused.stderr
    assert sqlite_rows(fresh) == moved_on
    forced = run([*make, "restore", f"FILE={backup}", "FORCE=1"], env=on_fresh)
    assert forced.returncode == 0, output(forced)
    assert "replacing its" in forced.stdout
    assert sqlite_rows(fresh) == sqlite_rows(live)


def test_an_embedded_restore_refuses_a_file_that_is_no_backup(tmp_path):
    junk = tmp_path / "clinic.sqlite3"
    junk.write_text("not a database")
    from backups import sqlite

    with pytest.raises(BackupError, match="is not a SQLite database"):
        sqlite.check_backup(junk)
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE notes (id integer)")
    with pytest.raises(BackupError, match="not one of this app"):
        sqlite.check_backup(other)
