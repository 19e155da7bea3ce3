"""The bench databases (a migrated template and one per size), their marker row, and bulk loading of the
generated clinics."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse

from bench.planner.clinic import BUILDER_VERSION, CHAIRS, NURSE_CAPACITY, NURSES, SHAPES, STAGGER, TZ
from bench.planner.generate import ClinicPlan, Course, Row
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


def insert(plans: list[ClinicPlan], today: date) -> dict:
    """Store every clinic with bulk_create, in one transaction. Returns the benchmark clinic's ids."""
    from django.db import connection, transaction

    from bookings.models import InfusionSession, Patient, TreatmentCycle
    from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, TimeOff

    protocols = {p.slug: p for p in Protocol.objects.filter(clinic=None)}
    missing = {s.slug for s in SHAPES} - set(protocols)
    if missing:
        raise RuntimeError(f"shared protocols missing (migration scheduler.0002?): {sorted(missing)}")
    now = datetime.now(UTC)
    ids: dict = {}
    with transaction.atomic():
        for plan in plans:
            clinic = Clinic.objects.create(
                name=plan.name, slug=plan.slug, timezone=TZ.key,
                nurse_max_concurrent=NURSE_CAPACITY, start_stagger_minutes=STAGGER,
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
                for d in sorted(plan.closures)
            )
            TimeOff.objects.bulk_create(
                TimeOff(staff=nurses[n], starts_at=_midnight(d), ends_at=_midnight(d + timedelta(days=1)), reason="Leave")
                for n, days in sorted(plan.time_off.items())
                for d in sorted(days)
            )
            courses = list({id(r.course): r.course for r in plan.rows}.values())
            patient_index = sorted({c.patient for c in courses if c.patient is not None})  # every stored course has one
            patients = Patient.objects.bulk_create(
                (
                    Patient(
                        clinic=clinic, first_name=f"P{p}", last_name=plan.slug.title(),
                        date_of_birth=date(1950, 1, 1) + timedelta(days=(p * 7919) % 20000),
                        email=f"p{p}@{plan.slug}.example.org", timezone=TZ.key,
                    )
                    for p in patient_index
                ),
                batch_size=2000,
            )
            patient_ids: dict[int | None, int] = {p: row.pk for p, row in zip(patient_index, patients, strict=True)}
            cycles = TreatmentCycle.objects.bulk_create(
                (_cycle(c, clinic, protocols[c.shape.slug], patient_ids[c.patient], today) for c in courses),
                batch_size=2000,
            )
            cycle_ids = {c.index: row.pk for c, row in zip(courses, cycles, strict=True)}
            chair_ids = [c.pk for c in chairs]
            nurse_ids = [n.pk for n in nurses]
            InfusionSession.objects.bulk_create(
                (_session(r, clinic.pk, cycle_ids, patient_ids, chair_ids, nurse_ids, now) for r in plan.rows),
                batch_size=2000,
            )
            if plan is plans[0]:
                ids = {"clinic": clinic.pk, "patients": len(patients), "cycles": len(cycles)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time a real clinic had this much data
    return ids


def _cycle(course: Course, clinic, protocol, patient_id: int, today: date):
    from bookings.models import TreatmentCycle

    rows = course.rows
    done = any(r.status == "completed" for r in rows)
    last = max(rows, key=lambda r: (r.day, r.start))
    if any(r.day > today for r in rows):
        status, ended = ("active" if done else "planned"), None
    else:
        status = "completed" if course.finished else "abandoned" if done else "cancelled"
        ended = _instant(last.day, last.start + last.length)
    return TreatmentCycle(
        patient_id=patient_id, protocol=protocol, clinic=clinic, status=status,
        session_count=len(course.shape.lengths), ended_at=ended,
    )


def _session(r: Row, clinic_id, cycle_ids, patient_ids, chair_ids, nurse_ids, now):
    from bookings.models import InfusionSession

    start = _instant(r.day, r.start)
    end = start + timedelta(minutes=r.length)
    extra: dict[str, object] = {}
    if r.status == "completed":
        extra = {"completed_at": end, "checked_in_at": start - timedelta(minutes=10), "chair_started_at": start}
    elif r.status in ("cancelled", "late_cancelled"):
        before = timedelta(hours=3) if r.status == "late_cancelled" else timedelta(days=2)
        extra = {"cancelled_at": min(start - before, now), "cancelled_by_party": "patient", "cancel_reason": "Unwell"}
    elif r.status == "no_show":
        extra = {"no_show_at": start + timedelta(minutes=15)}
    elif r.status == "confirmed":
        extra = {"confirmed_at": now}
    return InfusionSession(
        cycle_id=cycle_ids[r.course.index], patient_id=patient_ids[r.course.patient], clinic_id=clinic_id,
        chair_id=chair_ids[r.chair], nurse_id=nurse_ids[r.nurse], starts_at=start, ends_at=end,
        sequence=r.sequence, status=r.status, extra_monitoring=r.sequence <= 3, **extra,
    )
