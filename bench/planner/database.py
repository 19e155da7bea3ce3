"""The bench databases (a migrated template and one per size), their marker row, and bulk loading of the
generated clinics."""

from __future__ import annotations

import json
import multiprocessing
import sys
import time as clock
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse

from bench.planner.clinic import BUILDER_VERSION, CHAIRS, NURSE_CAPACITY, NURSES, SHAPES, STAGGER, TZ
from bench.planner.generate import ClinicPlan, Course, Row, clinic_shares, plan_clinic
from bench.planner.report import say


def check_target(url: str | None) -> str:
    """The database name to use as the base, refusing anything that is not a PostgreSQL bench database."""
    if not url:
        sys.exit("DATABASE_URL is not set: the benchmark runs on PostgreSQL only, e.g. "
                 "DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench")
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        sys.exit(f"Refusing to run on {parsed.scheme!r}: the benchmark runs on PostgreSQL only.")
    name = parsed.path.lstrip("/")
    if "bench" not in name or name.startswith("test"):
        sys.exit(f"Refusing database {name!r}: give a database of its own whose name contains 'bench' "
                 "(e.g. clinic_bench); the benchmark creates, fills and drops databases named after it.")
    return name


class Databases:
    """The base database (migrated, empty: the template) and one database per size, named <base>_<size>."""

    def __init__(self, base: str):
        from django.db import connection

        self.connection = connection
        self.base = base
        self.settings = connection.settings_dict

    def _admin(self):
        import psycopg

        s = self.settings
        return psycopg.connect(
            dbname="postgres", host=s.get("HOST") or None, port=s.get("PORT") or None,
            user=s.get("USER") or None, password=s.get("PASSWORD") or None, autocommit=True,
        )

    def exists(self, name: str) -> bool:
        with self._admin() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    def use(self, name: str) -> None:
        self.connection.close()
        self.settings["NAME"] = name

    def _bench_name(self, name: str) -> str:
        if name != self.base and not name.startswith(f"{self.base}_"):
            raise RuntimeError(f"not a benchmark database: {name}")
        return '"' + name.replace('"', '""') + '"'

    def create(self, name: str, template: str | None = None) -> None:
        self.connection.close()
        with self._admin() as conn:
            sql = f"CREATE DATABASE {self._bench_name(name)}"
            if template:
                sql += f" TEMPLATE {self._bench_name(template)}"
            conn.execute(sql)

    def drop(self, name: str) -> None:
        self.connection.close()
        with self._admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self._bench_name(name)}")

    def migrate(self) -> None:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)

    def prepare_base(self) -> None:
        if not self.exists(self.base):
            say(f"Creating database {self.base} (the migrated, empty template of the size databases)")
            self.create(self.base)
        self.use(self.base)
        self.migrate()
        self.connection.close()

    def fresh(self, name: str) -> None:
        """A new, migrated, empty database `name`: a copy of the base, or migrated itself if the copy fails."""
        self.drop(name)
        try:
            self.create(name, template=self.base)
        except Exception as exc:  # someone connected to the base: copy impossible, migrate instead
            say(f"  (template copy failed: {exc}; migrating instead)")
            self.create(name)
        self.use(name)
        self.migrate()


MARKER_DDL = """
CREATE TABLE IF NOT EXISTS bench_marker (
    id int PRIMARY KEY, size int NOT NULL, builder_version int NOT NULL, seed int NOT NULL,
    built_on date NOT NULL, info jsonb NOT NULL
)"""


def read_marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(MARKER_DDL)
        cursor.execute("SELECT size, builder_version, seed, built_on, info FROM bench_marker WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return None
    size, version, seed, built_on, info = row
    return {"size": size, "builder_version": version, "seed": seed, "built_on": built_on,
            **(info if isinstance(info, dict) else json.loads(info))}


def write_marker(size: int, seed: int, today: date, info: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(MARKER_DDL)
        cursor.execute("DELETE FROM bench_marker")
        cursor.execute(
            "INSERT INTO bench_marker (id, size, builder_version, seed, built_on, info) VALUES (1, %s, %s, %s, %s, %s)",
            [size, BUILDER_VERSION, seed, today, json.dumps(info)],
        )


def _instant(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ).astimezone(UTC)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ).astimezone(UTC)


@dataclass
class ClinicTables:
    """One generated clinic as the text of COPY rows: the ids of its patients and courses are local (counted from 0)
    until `store` numbers them; the tuples' last item is the text of the columns that need no id."""

    name: str
    slug: str
    closures: list[date]
    time_off: list[tuple[int, date]]  # (nurse index, day off)
    patients: list[str]
    cycles: list[tuple[int, str, str]]  # (local patient, protocol slug, the rest)
    sessions: list[tuple[int, int, int, int, str]]  # (local course, local patient, chair index, nurse index, the rest)
    dropped: int


PATIENT_COLUMNS = ("id", "clinic_id", "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
                   "email_consent", "email_consent_source", "created_at", "updated_at")
CYCLE_COLUMNS = ("id", "patient_id", "protocol_id", "clinic_id", "status", "session_count", "version", "needs_review",
                 "review_reason", "created_at", "ended_at", "cancel_reason")
SESSION_COLUMNS = ("id", "cycle_id", "patient_id", "clinic_id", "chair_id", "nurse_id", "starts_at", "ends_at",
                   "sequence", "status", "version", "extra_monitoring", "booked_at", "confirmed_at", "checked_in_at",
                   "chair_started_at", "completed_at", "cancelled_at", "cancelled_by_party", "cancel_reason", "no_show_at",
                   "early_completion_reason", "needs_moving_cause", "needs_moving_reasons", "updated_at")
NULL = "\\N"


def _text(value: datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def clinic_tables(plan: ClinicPlan, today: date, now: datetime) -> ClinicTables:
    """The clinic's rows as the models' defaults and the booking services would have written them (pure Python)."""
    stamp = _text(now)
    courses = list({id(r.course): r.course for r in plan.rows}.values())
    patient_index = sorted({c.patient for c in courses if c.patient is not None})  # every stored course has one
    local_patient: dict[int | None, int] = {p: i for i, p in enumerate(patient_index)}
    local_course = {c.index: i for i, c in enumerate(courses)}
    last_name = plan.slug.title()
    patients = [
        f"P{p}\t{last_name}\t{date(1950, 1, 1) + timedelta(days=(p * 7919) % 20000)}\tp{p}@{plan.slug}.example.org"
        f"\t\t{TZ.key}\tf\t\t{stamp}\t{stamp}"
        for p in patient_index
    ]
    cycles = []
    for c in courses:
        status, ended = _cycle_status(c, today)
        cycles.append((local_patient[c.patient], c.shape.slug,
                       f"{status}\t{len(c.shape.lengths)}\t1\tf\t\t{stamp}\t{_text(ended)}\t"))
    sessions = [
        (local_course[r.course.index], local_patient[r.course.patient], r.chair, r.nurse, _session_text(r, now, stamp))
        for r in plan.rows
    ]
    time_off = [(n, d) for n, days in sorted(plan.time_off.items()) for d in sorted(days)]
    return ClinicTables(plan.name, plan.slug, sorted(plan.closures), time_off, patients, cycles, sessions, plan.dropped)


def planned_tables(job: tuple[int, int, int, date, datetime]) -> ClinicTables:
    """Clinic `index` generated and turned into rows: the work of one process (`clinic_tables_all`)."""
    index, budget, seed, today, now = job
    return clinic_tables(plan_clinic(index, budget, seed, today), today, now)


def _cycle_status(course: Course, today: date) -> tuple[str, datetime | None]:
    rows = course.rows
    done = any(r.status == "completed" for r in rows)
    last = max(rows, key=lambda r: (r.day, r.start))
    if any(r.day > today for r in rows):
        return ("active" if done else "planned"), None
    return ("completed" if course.finished else "abandoned" if done else "cancelled"), _instant(last.day, last.start + last.length)


def _session_text(r: Row, now: datetime, stamp: str) -> str:
    start = _instant(r.day, r.start)
    end = start + timedelta(minutes=r.length)
    confirmed = checked_in = chair_started = completed = cancelled = no_show = None
    party = reason = ""
    if r.status == "completed":
        completed, checked_in, chair_started = end, start - timedelta(minutes=10), start
    elif r.status in ("cancelled", "late_cancelled"):
        before = timedelta(hours=3) if r.status == "late_cancelled" else timedelta(days=2)
        cancelled, party, reason = min(start - before, now), "patient", "Unwell"
    elif r.status == "no_show":
        no_show = start + timedelta(minutes=15)
    elif r.status == "confirmed":
        confirmed = now
    return (f"{start.isoformat()}\t{end.isoformat()}\t{r.sequence}\t{r.status}\t1\t{'t' if r.sequence <= 3 else 'f'}"
            f"\t{stamp}\t{_text(confirmed)}\t{_text(checked_in)}\t{_text(chair_started)}\t{_text(completed)}"
            f"\t{_text(cancelled)}\t{party}\t{reason}\t{_text(no_show)}\t\t\t[]\t{stamp}")


def clinic_tables_all(size: int, seed: int, today: date, now: datetime, clinics: int = 1,
                      processes: int = 1) -> Iterator[ClinicTables]:
    """`clinic_plans`' clinics as rows, one at a time; with `processes` > 1 generated in that many worker
    processes (in order) while the caller stores the clinics already handed over."""
    jobs = [(index, share, seed, today, now) for index, share in enumerate(clinic_shares(size, clinics))]
    made = 0
    if processes > 1 and len(jobs) > 1:
        # spawn, not fork: the parent holds an open database connection that a forked child would share.
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            for tables in pool.imap(planned_tables, jobs):
                made += len(tables.sessions)
                yield tables
    else:
        for job in jobs:
            tables = planned_tables(job)
            made += len(tables.sessions)
            yield tables
    index = len(jobs)
    while made < size:  # three years of history held less than a share: further clinics of the same shape
        if index > clinics + 50:
            raise RuntimeError("the builder cannot reach the size asked for")
        tables = planned_tables((index, size - made, seed, today, now))
        made += len(tables.sessions)
        index += 1
        yield tables


def _copy(cursor, table: str, columns: tuple[str, ...], lines: Iterable[str]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) == 5000:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))


#: The tables a build fills with COPY.
BULK_TABLES = ("bookings_patient", "bookings_treatmentcycle", "bookings_infusionsession")

#: Each (table, name, kind, definition) of BULK_TABLES' indexes and constraints that a load is faster without: all but
#: the primary keys (which other tables' foreign keys need) and the CHECKs (cheap). Kind: an index, or the
#: pg_constraint type (f foreign key, u unique, x exclusion).
DEFERRABLE_SCHEMA = """
    SELECT i.indrelid::regclass::text, c.relname, 'index', pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = ANY(%(tables)s::regclass[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
    UNION ALL
    SELECT conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE conrelid = ANY(%(tables)s::regclass[]) AND contype IN ('f', 'u', 'x')
    ORDER BY 1, 2"""


def _deferrable_schema(cursor) -> list[tuple[str, str, str, str]]:
    cursor.execute(DEFERRABLE_SCHEMA, {"tables": list(BULK_TABLES)})
    return cursor.fetchall()


def _declared() -> dict:
    """The bulk tables' unique and exclusion constraints as the models declare them, by name: made again by Django's
    schema editor, as the migrations made them (PostgreSQL's own text of their conditions reads back as another
    expression tree)."""
    from django.db.models import CheckConstraint

    from bookings.models import InfusionSession, Patient, TreatmentCycle

    return {c.name: (model, c) for model in (Patient, TreatmentCycle, InfusionSession)
            for c in model._meta.constraints if not isinstance(c, CheckConstraint)}


def _drop(cursor, schema: list[tuple[str, str, str, str]]) -> None:
    for table, name, kind, _ in sorted(schema, key=lambda item: item[2] != "f"):  # foreign keys first
        if kind == "index":
            cursor.execute(f'DROP INDEX "{name}"')
        else:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')


def _create(cursor, schema: list[tuple[str, str, str, str]]) -> None:
    from django.db import connection

    declared = _declared()
    with connection.schema_editor(atomic=False) as editor:
        for table, name, kind, definition in sorted(schema, key=lambda item: item[2] == "f"):  # foreign keys last
            # Each is checked as it is made: an overlap, a duplicate or a missing row fails the build here.
            if name in declared:
                editor.add_constraint(*declared[name])
            elif kind == "index":
                cursor.execute(definition)
            else:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def store(clinics: Iterable[ClinicTables]) -> dict:
    """Store the clinics in one transaction: the calendar with the ORM, patients, courses and sessions with COPY
    (ids given by the builder, the tables' identity sequences moved past them after). Then ANALYZE. Returns the
    benchmark clinic's ids and counts, and every clinic's session count.

    The sessions' indexes, foreign keys and exclusion constraints are dropped for the load and made again from
    their own definitions after it, in the same transaction: kept, the two GiST exclusion constraints and the
    deferred foreign-key checks cost about 0.6 ms a row (10 minutes at 1M on this machine); made again, PostgreSQL
    checks every row against them at once. The schema after is checked to be the schema before."""
    from django.db import connection, transaction

    from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, TimeOff

    protocols = {p.slug: p.pk for p in Protocol.objects.filter(clinic=None)}
    missing = {s.slug for s in SHAPES} - set(protocols)
    if missing:
        raise RuntimeError(f"shared protocols missing (migration scheduler.0002?): {sorted(missing)}")
    tables = ("bookings_patient", "bookings_treatmentcycle", "bookings_infusionsession")
    out: dict = {"clinic_rows": {}, "dropped_by_nurse_rules": 0}
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        bases = []
        for table in tables:
            raw.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (our own table names)
            bases.append(raw.fetchone()[0])
        patient_base, cycle_base, session_base = bases
        raw.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index builds sort in memory, not on disk
        schema = _deferrable_schema(raw)
        _drop(raw, schema)
        for t in clinics:
            clinic = Clinic.objects.create(
                name=t.name, slug=t.slug, timezone=TZ.key, nurse_max_concurrent=NURSE_CAPACITY, start_stagger_minutes=STAGGER,
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(clinic=clinic, weekday=d, opens=time(8), closes=time(18)) for d in range(5)
            )
            chairs = Chair.objects.bulk_create(Chair(clinic=clinic, name=f"Chair {i + 1:02d}") for i in range(CHAIRS))
            nurses = StaffMember.objects.bulk_create(
                StaffMember(clinic=clinic, first_name=name, last_name="Nurse") for name, _, _ in NURSES
            )
            Shift.objects.bulk_create(
                Shift(staff=nurse, weekday=d, starts=time(a // 60, a % 60), ends=time(b // 60, b % 60))
                for nurse, (_, a, b) in zip(nurses, NURSES, strict=True)
                for d in range(5)
            )
            Closure.objects.bulk_create(
                Closure(clinic=clinic, starts_at=_midnight(d), ends_at=_midnight(d + timedelta(days=1)), reason="Holiday")
                for d in t.closures
            )
            TimeOff.objects.bulk_create(
                TimeOff(staff=nurses[n], starts_at=_midnight(d), ends_at=_midnight(d + timedelta(days=1)), reason="Leave")
                for n, d in t.time_off
            )
            c, chair_ids, nurse_ids = clinic.pk, [x.pk for x in chairs], [x.pk for x in nurses]
            _copy(raw, tables[0], PATIENT_COLUMNS,
                  (f"{patient_base + i + 1}\t{c}\t{rest}\n" for i, rest in enumerate(t.patients)))
            _copy(raw, tables[1], CYCLE_COLUMNS,
                  (f"{cycle_base + i + 1}\t{patient_base + p + 1}\t{protocols[slug]}\t{c}\t{rest}\n"
                   for i, (p, slug, rest) in enumerate(t.cycles)))
            _copy(raw, tables[2], SESSION_COLUMNS,
                  (f"{session_base + i + 1}\t{cycle_base + cy + 1}\t{patient_base + p + 1}\t{c}\t{chair_ids[ch]}"
                   f"\t{nurse_ids[n]}\t{rest}\n" for i, (cy, p, ch, n, rest) in enumerate(t.sessions)))
            if not out["clinic_rows"]:
                out.update(clinic=c, patients=len(t.patients), cycles=len(t.cycles))
            out["clinic_rows"][t.slug] = len(t.sessions)
            out["dropped_by_nurse_rules"] += t.dropped
            patient_base += len(t.patients)
            cycle_base += len(t.cycles)
            session_base += len(t.sessions)
        for table in tables:  # the next row the application adds gets the next id
            raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")  # noqa: S608
        loaded = clock.perf_counter()
        _create(raw, schema)
        if _deferrable_schema(raw) != schema:
            raise RuntimeError("the indexes and constraints made again differ from those dropped")
        out["index_seconds"] = clock.perf_counter() - loaded
    started = clock.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time a real clinic had this much data
    out["analyze_seconds"] = clock.perf_counter() - started
    return out
