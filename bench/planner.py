"""Benchmark of the series planner: proposal and day-availability latency and SQL queries per call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench .venv/bin/python -m bench.planner \
        [--sizes 1000,10000,100000] [--calls 200] [--rebuild]

For each size N it builds (or reuses) a PostgreSQL database holding exactly N InfusionSession rows: a
busy clinic (12 chairs, 6 nurses, Mon–Fri 08:00–18:00) whose next 90 days are about 80 % booked, topped
up with past sessions (history) and, past three years of history, other clinics. Then it times
`bookings.selectors.cycle_proposal` and `bookings.selectors.day_availability` against it. Rows are
inserted with bulk_create, not through the booking service, so the builder itself keeps every row
valid: no chair or patient overlap (the database's exclusion constraints check that), nurse capacity
and stagger, opening hours, shifts, time off and closures (checked after the build with SQL and with
scheduler.planning's own rules). What is measured and the figures: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import platform
import random
import statistics
import sys
import time as clock
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

#: Bump when the shape of the generated data changes: a stored database of another version is rebuilt.
BUILDER_VERSION = 4
DEFAULT_SIZES = (1_000, 10_000, 100_000)

TZ = ZoneInfo("America/New_York")
OPENS, CLOSES = 8 * 60, 18 * 60  # local minutes, Mon–Fri
DAY_MINUTES = CLOSES - OPENS
GRID = 15  # every start lies on the quarter hour, as the planner's own grid
CHAIRS = 12
#: (first name, shift start, shift end) in local minutes, Mon–Fri: four full-time nurses, an early and a late one.
NURSES = (
    ("Ada", 480, 1080), ("Bo", 480, 1080), ("Cy", 480, 1080), ("Di", 480, 1080),
    ("Early", 480, 990), ("Late", 570, 1080),
)
NURSE_CAPACITY = 3
STAGGER = 15
TARGET_USE = 0.80
WINDOW_DAYS = 90
HISTORY_CAP_DAYS = 3 * 365  # per clinic; more history goes into further clinics
#: Earliest dates are drawn from the window's first WINDOW_DAYS - COURSE_DAYS days, so a course of up to three
#: weeks found from there lies inside the booked window rather than in the empty weeks after it.
COURSE_DAYS = 21
OCCUPYING = ("booked", "confirmed", "checked_in", "in_chair", "completed")


@dataclass(frozen=True)
class Shape:
    """How the builder books a protocol's course: chair minutes per session and calendar-day gaps."""

    slug: str
    weight: float  # share of new courses
    lengths: tuple[int, ...]
    min_days: int
    max_days: int
    consecutive: bool = False


SHAPES = (
    Shape("depression-iv", 0.40, (150,) + (120,) * 5, 2, 5),  # first visit 30 min longer
    Shape("ptsd-iv", 0.10, (120,) * 6, 2, 3),
    Shape("chronic-pain-iv", 0.10, (330,) * 5, 1, 1, consecutive=True),
    Shape("anxiety-sc", 0.12, (90,) * 4, 6, 8),
    Shape("booster-iv", 0.18, (120,), 0, 0),
    Shape("esketamine-nasal", 0.10, (150,) * 8, 3, 4),
)
MEAN_LENGTH = sum(s.weight * sum(s.lengths) for s in SHAPES) / sum(s.weight * len(s.lengths) for s in SHAPES)
SESSIONS_PER_OPEN_DAY = TARGET_USE * CHAIRS * DAY_MINUTES / MEAN_LENGTH


def next_weekday(day: date) -> date:
    return day + timedelta(days={4: 3, 5: 2}.get(day.weekday(), 1))


# --- Generating a clinic's sessions (pure Python, no database) ---------------------------------------


@dataclass(eq=False)
class Course:
    index: int
    shape: Shape
    patient: int | None = None
    next_seq: int = 1
    last_day: date | None = None
    finished: bool = False  # every session held
    rows: list[Row] = field(default_factory=list)


@dataclass(eq=False)
class Row:
    course: Course
    sequence: int
    day: date
    start: int  # local minutes
    length: int
    chair: int
    nurse: int
    status: str

    @property
    def occupying(self) -> bool:
        return self.status in OCCUPYING


@dataclass
class ClinicPlan:
    """One clinic to build: its days off and the sessions generated for it."""

    name: str
    slug: str
    closures: set[date] = field(default_factory=set)
    time_off: dict[int, set[date]] = field(default_factory=dict)  # nurse index -> days off
    rows: list[Row] = field(default_factory=list)
    dropped: int = 0  # sessions the nurse rules left out while generating


def _status(rng: random.Random, day: date, today: date) -> str:
    r = rng.random()
    if day < today:
        return "completed" if r < 0.89 else "cancelled" if r < 0.95 else "late_cancelled" if r < 0.97 else "no_show"
    if r < 0.03:
        return "cancelled"
    return "confirmed" if day <= today + timedelta(days=3) and r < 0.6 else "booked"


def generate(plan: ClinicPlan, rng: random.Random, first: date, last: date, today: date) -> None:
    """Book plan's clinic day by day from `first` to `last` at about TARGET_USE of its chair time.

    Each open day: the courses due a session come first (their gap reached, most urgent first), then new
    courses start until the day's chair minutes reach the target (corrected by how far the days so far
    fell short or over). Sessions go to the least-booked chair, are laid out with random idle gaps on the
    quarter-hour grid, and get the least-loaded nurse on shift who keeps capacity and stagger; a session
    no nurse can take is left out. A cancelled or missed session does not advance its course.
    """
    weights = [s.weight for s in SHAPES]
    open_courses: list[Course] = []
    idle_patients: deque[tuple[date, int]] = deque()
    next_patient = 0
    course_count = 0
    per_day_target = TARGET_USE * CHAIRS * DAY_MINUTES
    owed = 0.0  # target minus held chair minutes of the last days (a decaying correction)
    window_first = window_days(today)[0]
    day = first
    while day <= last:
        if day.weekday() >= 5 or day in plan.closures or day == today:
            day += timedelta(days=1)
            continue
        if day == window_first:
            owed = 0.0  # the booked window is filled to the target by itself, whatever history owed
        # Which courses are due today; drop those whose gap has run out.
        due: list[tuple[int, Course]] = []
        still_open = []
        for course in open_courses:
            if course.shape.consecutive:
                expected = next_weekday(course.last_day)
                if day > expected:
                    _close(course, day, idle_patients)
                    continue
                if day == expected:
                    due.append((0, course))
            else:
                gap = (day - course.last_day).days
                if gap > course.shape.max_days:
                    _close(course, day, idle_patients)
                    continue
                if gap >= course.shape.min_days:
                    due.append((course.shape.max_days - gap, course))
            still_open.append(course)
        open_courses = still_open
        due.sort(key=lambda pair: (pair[0], pair[1].index))

        booked = [0] * CHAIRS
        items: list[list[Course]] = [[] for _ in range(CHAIRS)]
        target = min(max(per_day_target + owed, 0.0), 0.97 * CHAIRS * DAY_MINUTES)

        for _, course in due:
            _place(course, booked, items, rng)
        misses = 0
        while sum(booked) < target and misses < 20:
            course = Course(course_count, rng.choices(SHAPES, weights)[0])
            if _place(course, booked, items, rng):
                course_count += 1
            else:
                misses += 1

        # Lay each chair's day out, then give every session a nurse in start order. A session no nurse can
        # take moves a quarter hour later while its chair stays free (as a desk staggers starts), else is left out.
        heap = []
        chair_next: list[list[int]] = []  # per chair: each session's current start, then closing time
        for chair in range(CHAIRS):
            order = items[chair][:]
            rng.shuffle(order)
            gaps = [0] * (len(order) + 1)
            for _ in range((DAY_MINUTES - booked[chair]) // GRID):
                gaps[rng.randrange(len(gaps))] += GRID
            at = OPENS + gaps[0]
            starts = []
            for i, course in enumerate(order):
                length = course.shape.lengths[course.next_seq - 1]
                heap.append((at, chair, i, length, course, _status(rng, day, today)))
                starts.append(at)
                at += length + gaps[i + 1]
            chair_next.append([*starts, CLOSES])
        heapq.heapify(heap)
        nurse_day: list[list[tuple[int, int]]] = [[] for _ in NURSES]
        on_duty = [n for n in range(len(NURSES)) if day not in plan.time_off.get(n, ())]
        held = 0
        while heap:
            start, chair, i, length, course, status = heapq.heappop(heap)
            end = start + length
            shifts = [n for n in on_duty if NURSES[n][1] <= start and end <= NURSES[n][2]]
            if status in OCCUPYING:
                fit = []
                for n in shifts:
                    load = sum(1 for _, e in nurse_day[n] if e > start)
                    if load < NURSE_CAPACITY and not any(s > start - STAGGER for s, _ in nurse_day[n]):
                        fit.append((load, (n - start // GRID) % len(NURSES), n))  # rotate among equals
                if not fit:
                    if end + GRID <= chair_next[chair][i + 1]:
                        chair_next[chair][i] = start + GRID
                        heapq.heappush(heap, (start + GRID, chair, i, length, course, status))
                    else:
                        plan.dropped += 1
                    continue
                nurse = min(fit)[2]
                nurse_day[nurse].append((start, end))
            elif shifts:
                nurse = rng.choice(shifts)
            else:
                continue
            if course.patient is None:
                if idle_patients and idle_patients[0][0] <= day - timedelta(days=28) and rng.random() < 0.3:
                    course.patient = idle_patients.popleft()[1]
                else:
                    course.patient, next_patient = next_patient, next_patient + 1
                open_courses.append(course)
            row = Row(course, course.next_seq, day, start, length, chair, nurse, status)
            course.rows.append(row)
            plan.rows.append(row)
            if row.occupying:
                held += length
                course.next_seq += 1
                course.last_day = day
                if course.next_seq > len(course.shape.lengths):
                    course.finished = True
        # A course whose first session found no nurse never started; one whose last was held is over.
        for course in [c for c in open_courses if c.finished or c.last_day is None]:
            if course.finished:
                _close(course, day, idle_patients)
            open_courses.remove(course)
        owed = 0.8 * owed + per_day_target - held
        day += timedelta(days=1)
    plan.rows.sort(key=lambda r: (r.day, r.start, r.chair))


def _place(course: Course, booked: list[int], items: list[list[Course]], rng: random.Random) -> bool:
    """Put the course's next session on the least-booked chair it fits on today."""
    length = course.shape.lengths[course.next_seq - 1]
    fits = [c for c in range(CHAIRS) if booked[c] + length <= DAY_MINUTES]
    if not fits:
        return False
    least = min(booked[c] for c in fits)
    chair = rng.choice([c for c in fits if booked[c] == least])
    booked[chair] += length
    items[chair].append(course)
    return True


def _close(course: Course, day: date, idle_patients: deque) -> None:
    idle_patients.append((day, course.patient))


def fit_to_budget(plan: ClinicPlan, budget: int, today: date, rng: random.Random) -> None:
    """Keep at most `budget` rows: drop the oldest history first, then thin the future by whole courses."""
    rows = plan.rows
    if len(rows) <= budget:
        return
    history = [r for r in rows if r.day < today]
    future = [r for r in rows if r.day > today]
    if len(future) <= budget:
        kept = history[len(history) - (budget - len(future)):] if budget > len(future) else []
        plan.rows = kept + future
    else:
        by_course: dict[int, list[Row]] = defaultdict(list)
        for r in future:
            by_course[r.course.index].append(r)
        order = list(by_course)
        rng.shuffle(order)
        total = len(future)
        dropped: set[int] = set()
        for index in order:
            if total - len(by_course[index]) >= budget:
                dropped.add(index)
                total -= len(by_course[index])
        kept = [r for r in future if r.course.index not in dropped]
        while len(kept) > budget:  # the last few: a course's latest sessions
            kept.remove(max((r for r in kept if r.course.index == kept[-1].course.index), key=lambda r: r.sequence))
        plan.rows = kept
    keep = {id(r) for r in plan.rows}
    for course in {id(r.course): r.course for r in rows}.values():
        course.rows = [r for r in course.rows if id(r) in keep]


def history_days_for(sessions: int) -> int:
    """Calendar days of history that hold about `sessions` sessions (with a margin; trimmed afterwards)."""
    if sessions <= 0:
        return 0
    open_days = sessions / SESSIONS_PER_OPEN_DAY * 1.08 + 5
    return min(HISTORY_CAP_DAYS, math.ceil(open_days * 7 / 5))


def window_days(today: date) -> tuple[date, date]:
    return today + timedelta(days=1), today + timedelta(days=WINDOW_DAYS)


def plan_all(size: int, seed: int, today: date) -> list[ClinicPlan]:
    """The clinics and rows of a database with exactly `size` sessions; the first clinic is the benchmark's."""
    first, last = window_days(today)
    future_estimate = round(SESSIONS_PER_OPEN_DAY * sum(1 for i in range(WINDOW_DAYS) if (first + timedelta(i)).weekday() < 5))
    bench = ClinicPlan("Bench clinic", "bench")
    # A holiday in the window, and two nurses' time off: a week for one, two days for another.
    holiday = first + timedelta(days=35)
    holiday += timedelta(days=(7 - holiday.weekday()) % 7)  # a Monday
    bench.closures = {holiday}
    week = first + timedelta(days=14 + (7 - (first + timedelta(days=14)).weekday()) % 7)
    bench.time_off = {1: {week + timedelta(days=i) for i in range(5)},
                      4: {week + timedelta(days=35 + i) for i in (1, 2)}}
    plans = []
    remaining = size
    index = 0
    while remaining > 0:
        plan = bench if index == 0 else ClinicPlan(f"Bench other clinic {index}", f"bench-other-{index}")
        rng = random.Random(seed * 1000 + index)
        start = first - timedelta(days=history_days_for(remaining - future_estimate))
        generate(plan, rng, start, last, today)
        fit_to_budget(plan, remaining, today, rng)
        remaining -= len(plan.rows)
        plans.append(plan)
        index += 1
        if index > 50:
            raise RuntimeError("the builder cannot reach the size asked for")
    return plans


# --- Database ------------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(message, flush=True)


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
            _say(f"Creating database {self.base} (the migrated, empty template of the size databases)")
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
            _say(f"  (template copy failed: {exc}; migrating instead)")
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
            patient_index = sorted({c.patient for c in courses})
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
            patient_ids = {p: row.pk for p, row in zip(patient_index, patients, strict=True)}
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
    extra = {}
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


# --- Checking what was built ----------------------------------------------------------------------------


#: Each counts the rows that break a promise of the builder, over every clinic and all of history.
SQL_CHECKS = {
    "chair_overlaps": """
        SELECT count(*) FROM bookings_infusionsession a JOIN bookings_infusionsession b
          ON b.chair_id = a.chair_id AND b.id > a.id AND b.status = ANY(%(occ)s)
         AND b.starts_at > a.starts_at - interval '1 day' AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at
        WHERE a.status = ANY(%(occ)s)""",
    "patient_overlaps": """
        SELECT count(*) FROM bookings_infusionsession a JOIN bookings_infusionsession b
          ON b.patient_id = a.patient_id AND b.id > a.id AND b.status = ANY(%(occ)s)
         AND b.starts_at > a.starts_at - interval '1 day' AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at
        WHERE a.status = ANY(%(occ)s)""",
    # The most patients a nurse watches at once is reached at some session's start.
    "nurse_over_capacity": """
        SELECT count(*) FROM bookings_infusionsession a JOIN scheduler_clinic c ON c.id = a.clinic_id
        WHERE a.status = ANY(%(occ)s) AND (
            SELECT count(*) FROM bookings_infusionsession b
            WHERE b.nurse_id = a.nurse_id AND b.status = ANY(%(occ)s) AND b.starts_at <= a.starts_at
              AND b.starts_at > a.starts_at - interval '1 day' AND b.ends_at > a.starts_at
        ) > c.nurse_max_concurrent""",
    # Consecutive starts of one nurse closer than the stagger.
    "stagger_breaches": """
        SELECT count(*) FROM (
            SELECT s.starts_at - lag(s.starts_at) OVER (PARTITION BY s.nurse_id ORDER BY s.starts_at) AS gap,
                   c.start_stagger_minutes AS stagger
            FROM bookings_infusionsession s JOIN scheduler_clinic c ON c.id = s.clinic_id
            WHERE s.status = ANY(%(occ)s)
        ) starts WHERE gap < make_interval(mins => stagger)""",
    "sequence_duplicates": """
        SELECT count(*) FROM (SELECT cycle_id, sequence FROM bookings_infusionsession
        WHERE status = ANY(%(occ)s) GROUP BY 1, 2 HAVING count(*) > 1) d""",
}


def check_database(size: int, clinic_id: int, today: date) -> dict:
    """Counts, the window's chair use, and every rule the builder promised, checked on the stored rows."""
    from django.db import connection

    first, last = window_days(today)
    occupying = list(OCCUPYING)
    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bookings_infusionsession")
        out["stored"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM scheduler_clinic WHERE slug LIKE 'bench%%'")
        out["clinics"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'bookings_infusionsession'::regclass AND contype = 'x'"
        )
        out["exclusion_constraints"] = cursor.fetchone()[0]
        lo, hi = _midnight(first), _midnight(last + timedelta(days=1))
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = ANY(%s)),"
            " coalesce(sum(extract(epoch FROM ends_at - starts_at)) FILTER (WHERE status = ANY(%s)), 0) / 60"
            " FROM bookings_infusionsession WHERE clinic_id = %s AND starts_at >= %s AND starts_at < %s",
            [occupying, occupying, clinic_id, lo, hi],
        )
        window_rows, window_occupying, minutes = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM scheduler_closure WHERE clinic_id = %s AND starts_at < %s AND ends_at > %s",
            [clinic_id, hi, lo],
        )
        closed_days = cursor.fetchone()[0]
        open_days = sum(1 for i in range(WINDOW_DAYS) if (first + timedelta(i)).weekday() < 5) - closed_days
        out.update(window_rows=window_rows, window_occupying=window_occupying, window_open_days=open_days,
                   chair_use=float(minutes) / (CHAIRS * DAY_MINUTES * open_days))
        for name, sql in SQL_CHECKS.items():
            cursor.execute(sql, {"occ": occupying})
            out[name] = cursor.fetchone()[0]
    out["rule_violations"] = check_window_rules(clinic_id, first, last)
    problems = [k for k in ("chair_overlaps", "patient_overlaps", "nurse_over_capacity", "stagger_breaches",
                            "sequence_duplicates") if out[k]]
    if out["stored"] != size:
        problems.append(f"stored {out['stored']} != {size}")
    if out["exclusion_constraints"] < 2:
        problems.append("exclusion constraints missing")
    if isinstance(out["rule_violations"], dict) and out["rule_violations"]:
        problems.append("rule violations in the window")
    out["problems"] = problems
    return out


def check_window_rules(clinic_id: int, first: date, last: date) -> dict | str:
    """Every occupying session of the benchmark clinic's window, re-checked with scheduler.planning's rules
    (hours, closures, chair, patient, nurse shift and time off, capacity, stagger) against all the others."""
    try:
        from bookings.models import InfusionSession
        from bookings.selectors import occupancy_load
        from scheduler import planning
        from scheduler.models import Clinic
        from scheduler.selectors import clinic_calendar_load
    except ImportError as exc:  # the planning code is being worked on
        return f"not checked: {exc}"
    clinic = Clinic.objects.get(pk=clinic_id)
    lo, hi = _midnight(first - timedelta(days=1)), _midnight(last + timedelta(days=2))
    calendar = clinic_calendar_load(clinic=clinic, window_start=lo, window_end=hi)
    occupancy = occupancy_load(clinic_id=clinic_id, patient_id=None, window_start=lo, window_end=hi)
    found: Counter = Counter()
    rows = InfusionSession.objects.filter(clinic_id=clinic_id, status__in=OCCUPYING, starts_at__gte=_midnight(first),
                                          starts_at__lt=_midnight(last + timedelta(days=1)))
    for s in rows.values_list("pk", "starts_at", "ends_at", "patient_id", "chair_id", "nurse_id"):
        pk, start, end, patient, chair, nurse = s
        assignment = planning.place_session(
            planning.Placement(start, end, patient, chair_id=chair, nurse_id=nurse),
            rules=calendar.rules, chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy,
            exclude=frozenset({pk}),
        )
        for v in assignment.violations:
            found[v.code] += 1
    return dict(found)


# --- Measuring ---------------------------------------------------------------------------------------


class QueryCounter:
    """connection.execute_wrapper: counts the queries of a call and the time spent in them."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = 0
        self.seconds = 0.0
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = clock.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = clock.perf_counter() - started
            self.count += 1
            self.seconds += took
            self.queries.append((sql, took))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Series:
    """What one kind of call measured: wall times (ms), SQL time (ms) and queries per call, outcomes."""

    ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    sql: dict = field(default_factory=lambda: defaultdict(list))  # statement start -> ms per execution
    extra: dict = field(default_factory=lambda: defaultdict(list))

    def summary(self) -> dict:
        if not self.ms:
            return {}
        return {
            "calls": len(self.ms),
            "p50_ms": statistics.median(self.ms), "p95_ms": percentile(self.ms, 95), "max_ms": max(self.ms),
            "mean_ms": statistics.fmean(self.ms),
            "sql_p50_ms": statistics.median(self.sql_ms), "sql_p95_ms": percentile(self.sql_ms, 95),
            "queries_min": min(self.queries), "queries_max": max(self.queries),
            "outcomes": dict(self.outcomes),
            "slowest_sql": sorted(
                ({"sql": k, "mean_ms": statistics.fmean(v), "max_ms": max(v), "runs": len(v)} for k, v in self.sql.items()),
                key=lambda d: -d["mean_ms"] * d["runs"],
            )[:3],
            **{k: statistics.fmean(v) for k, v in self.extra.items() if v},
        }


def _timed(counter: QueryCounter, series: Series | None, call):
    """Run `call`, recording its wall time, queries and SQL time into `series` (None: warm-up)."""
    counter.reset()
    started = clock.perf_counter()
    try:
        result, error = call(), None
    except Exception as exc:  # an ApplicationError is an answer too; anything else is counted and shown
        result, error = None, exc
    took = (clock.perf_counter() - started) * 1000
    if series is not None:
        series.ms.append(took)
        series.sql_ms.append(counter.seconds * 1000)
        series.queries.append(counter.count)
        for sql, seconds in counter.queries:
            series.sql[" ".join(sql.split())[:160]].append(seconds * 1000)
    return result, error


def measure(clinic_id: int, today: date, calls: int, warmup: int, seed: int, nofit_calls: int) -> dict:
    from django.db import connection

    from bookings import selectors
    from bookings.models import Patient
    from common.errors import ApplicationError
    from scheduler.models import Clinic, Closure, Protocol

    cycle_proposal = getattr(selectors, "cycle_proposal", None)
    day_availability = getattr(selectors, "day_availability", None)
    if cycle_proposal is None or day_availability is None:
        return {"missing": [n for n, f in (("cycle_proposal", cycle_proposal), ("day_availability", day_availability))
                            if f is None]}
    clinic = Clinic.objects.get(pk=clinic_id)
    protocol = Protocol.objects.get(clinic=None, slug="depression-iv")
    # Six PTSD sessions >= 40 h apart within 14 days cannot all fall on Mondays and Tuesdays: every such call
    # takes the slow road (search, explanation, the look three months further on) and must answer no_feasible_series.
    nofit_protocol = Protocol.objects.get(clinic=None, slug="ptsd-iv")
    patients = list(Patient.objects.filter(clinic=clinic).order_by("pk"))
    first, last = window_days(today)
    closed = {c.starts_at.astimezone(TZ).date() for c in Closure.objects.filter(clinic=clinic)}
    open_days = [d for d in (first + timedelta(i) for i in range(WINDOW_DAYS)) if d.weekday() < 5 and d not in closed]
    rng = random.Random(seed)
    proposal, availability, nofit = Series(), Series(), Series()
    counter = QueryCounter()

    def one_proposal(series: Series | None, nofit_case: bool = False):
        patient = rng.choice(patients)
        earliest = first + timedelta(days=rng.randrange(WINDOW_DAYS - COURSE_DAYS))
        if nofit_case:
            result, error = _timed(counter, series, lambda: cycle_proposal(
                patient=patient, protocol=nofit_protocol, clinic=clinic, earliest_date=earliest,
                weekdays=frozenset({0, 1})))
        else:
            result, error = _timed(counter, series, lambda: cycle_proposal(
                patient=patient, protocol=protocol, clinic=clinic, earliest_date=earliest))
        if series is None:
            return
        if error is None:
            series.outcomes["series"] += 1
            start = result.sessions[0].start.astimezone(TZ).date()
            series.extra["days_to_first"].append((start - earliest).days)
            span = (result.sessions[-1].start.astimezone(TZ).date() - start).days + 1
            series.extra["span_days"].append(span)
            series.extra["alternatives"].append(len(result.alternatives))
        elif isinstance(error, ApplicationError):
            series.outcomes[error.code] += 1
            if error.code == "no_feasible_series":
                series.outcomes[f"reason:{error.details.get('reason')}"] += 1
        else:
            series.outcomes[f"error:{type(error).__name__}: {error}"[:200]] += 1

    def one_availability(series: Series | None):
        day = rng.choice(open_days)
        result, error = _timed(counter, series, lambda: day_availability(clinic=clinic, protocol=protocol, day=day))
        if series is None:
            return
        if error is None:
            series.outcomes["answered"] += 1
            series.extra["slots"].append(len(result))
            series.extra["free_chairs_per_slot"].append(
                statistics.fmean(len(s.chair_ids) for s in result) if result else 0.0)
        elif isinstance(error, ApplicationError):
            series.outcomes[error.code] += 1
        else:
            series.outcomes[f"error:{type(error).__name__}: {error}"[:200]] += 1

    load_before = os.getloadavg()[0]
    with connection.execute_wrapper(counter):
        for _ in range(warmup):
            one_proposal(None)
            one_availability(None)
        for i in range(calls):  # interleaved, so drift on the machine hits every kind alike
            one_proposal(proposal)
            one_availability(availability)
            if i < nofit_calls:
                one_proposal(nofit, nofit_case=True)
    # Other work on the machine shows here: on 2 cores a load above ~1 before the run means shared CPUs.
    return {"proposal": proposal.summary(), "availability": availability.summary(), "nofit": nofit.summary(),
            "load_before": load_before, "load_after": os.getloadavg()[0]}


# --- Report ---------------------------------------------------------------------------------------------


def machine() -> dict:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu, "python": platform.python_version(), "django": get_version(),
        "postgresql": pg, "shared_buffers": buffers, "platform": platform.platform(), "code": code_state(),
    }


#: The code under test: figures move when these files do.
CODE_UNDER_TEST = ("scheduler/planning.py", "scheduler/selectors.py", "bookings/selectors/occupancy.py", "bookings/selectors/proposals.py")


def code_state() -> str:
    """The commit, and a short hash of each file under test (with * when it differs from the commit)."""
    import hashlib
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = set(subprocess.run(["git", "status", "--porcelain", "--", *CODE_UNDER_TEST], cwd=root,
                                   capture_output=True, text=True, check=True).stdout.split())
    except (OSError, subprocess.CalledProcessError):
        head, dirty = "?", set()
    files = []
    for name in CODE_UNDER_TEST:
        digest = hashlib.sha1((root / name).read_bytes()).hexdigest()[:8]  # noqa: S324 (an identity, not security)
        files.append(f"{name}@{digest}{'*' if name in dirty else ''}")
    return f"{head} " + " ".join(files)


def _q(summary: dict) -> str:
    if not summary:
        return "-"
    lo, hi = summary["queries_min"], summary["queries_max"]
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _ms(summary: dict, key: str) -> str:
    return f"{summary[key]:.1f}" if summary else "-"


def report(results: list[dict], info: dict) -> None:
    _say("")
    _say(f"machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, Django {info['django']}, "
         f"PostgreSQL {info['postgresql']} (shared_buffers {info['shared_buffers']})")
    _say(f"code: {info['code']}")
    _say("times in ms per call (wall clock, including SQL); queries per call; p95 targets at 10k: proposal <= 30, "
         "availability <= 10")
    head = ("stored", "future", "chair_use", "proposal_p50", "proposal_p95", "proposal_max", "proposal_queries",
            "avail_p50", "avail_p95", "avail_max", "avail_queries", "series/none", "load")
    rows = [head]
    for r in results:
        p, a = r["measured"].get("proposal", {}), r["measured"].get("availability", {})
        out = p.get("outcomes", {}) if p else {}
        rows.append((
            f"{r['stored']:,}", f"{r['window_occupying']:,}", f"{r['chair_use'] * 100:.1f}%",
            _ms(p, "p50_ms"), _ms(p, "p95_ms"), _ms(p, "max_ms"), _q(p),
            _ms(a, "p50_ms"), _ms(a, "p95_ms"), _ms(a, "max_ms"), _q(a),
            f"{out.get('series', 0)}/{out.get('no_feasible_series', 0)}" if p else "-",
            f"{r['measured']['load_before']:.1f}-{r['measured']['load_after']:.1f}" if p else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for row in rows:
        _say("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    if any(r["measured"].get("nofit") for r in results):
        _say("")
        _say("a proposal that cannot fit (ptsd-iv on Mondays and Tuesdays only): search, explanation, look further on")
        rows = [("stored", "nofit_p50", "nofit_p95", "nofit_max", "nofit_queries", "answers")]
        for r in results:
            n = r["measured"].get("nofit", {})
            if n:
                rows.append((f"{r['stored']:,}", _ms(n, "p50_ms"), _ms(n, "p95_ms"), _ms(n, "max_ms"), _q(n),
                             ", ".join(f"{k} {v}" for k, v in sorted(n["outcomes"].items()))))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            _say("  ".join(cell.rjust(w) if i < len(row) - 1 else cell for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    _say("")
    for r in results:
        p, a = r["measured"].get("proposal", {}), r["measured"].get("availability", {})
        if r["measured"].get("missing"):
            _say(f"{r['stored']:,}: selectors missing: {', '.join(r['measured']['missing'])}")
            continue
        if not p:
            continue
        _say(f"{r['stored']:,} stored: proposal SQL p50 {p['sql_p50_ms']:.1f} ms / p95 {p['sql_p95_ms']:.1f} ms, "
             f"availability SQL p50 {a['sql_p50_ms']:.1f} ms / p95 {a['sql_p95_ms']:.1f} ms")
        _say(f"  proposal outcomes: {p['outcomes']}; first session {p.get('days_to_first', 0):.1f} days after "
             f"earliest_date on average, course span {p.get('span_days', 0):.1f} days, "
             f"{p.get('alternatives', 0):.1f} alternatives")
        _say(f"  availability outcomes: {a['outcomes']}; {a.get('slots', 0):.1f} start times per day, "
             f"{a.get('free_chairs_per_slot', 0):.1f} free chairs per start")
        for label, s in (("proposal", p), ("availability", a)):
            for q in s["slowest_sql"][:2]:
                _say(f"  {label} SQL {q['mean_ms']:.2f} ms avg ({q['max_ms']:.2f} max, {q['runs']} runs): {q['sql'][:110]}")


# --- Main -----------------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    if any(s < 100 for s in sizes):
        raise argparse.ArgumentTypeError("sizes start at 100 sessions")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.planner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="stored InfusionSession rows per database, e.g. 1000,10000,100000 or 1k,10k,100k")
    parser.add_argument("--calls", type=int, default=200, help="measured calls of each selector per size")
    parser.add_argument("--warmup", type=int, default=20, help="calls of each before measuring")
    parser.add_argument("--nofit-calls", type=int, default=50,
                        help="measured calls of a proposal that cannot fit (the slowest path), per size")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true", help="build the databases again even if up to date")
    parser.add_argument("--build-only", action="store_true", help="build and check the data, measure nothing")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)

    base = check_target(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no query log kept in memory
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"Refusing to run on {connection.vendor}: the benchmark runs on PostgreSQL only.")

    today = datetime.now(TZ).date()
    dbs = Databases(base)
    dbs.prepare_base()
    results = []
    info = None
    for size in args.sizes:
        name = f"{base}_{size}"
        _say(f"== {size:,} stored sessions: database {name}")
        marker = None
        if not args.rebuild and dbs.exists(name):
            dbs.use(name)
            dbs.migrate()
            marker = read_marker()
            if not (marker and marker["size"] == size and marker["builder_version"] == BUILDER_VERSION
                    and marker["seed"] == args.seed and marker["built_on"] == today):
                marker = None
        if marker:
            _say(f"  reusing the data built today (built in {marker['build_seconds']:.1f} s); --rebuild to build again")
        else:
            started = clock.perf_counter()
            dbs.fresh(name)
            ready = clock.perf_counter()
            plans = plan_all(size, args.seed, today)
            generated = clock.perf_counter()
            ids = insert(plans, today)
            inserted = clock.perf_counter()
            marker = {
                "clinic": ids["clinic"], "patients": ids["patients"], "cycles": ids["cycles"],
                "clinics": len(plans), "dropped_by_nurse_rules": sum(p.dropped for p in plans),
                "database_seconds": ready - started, "generate_seconds": generated - ready,
                "insert_seconds": inserted - generated, "build_seconds": inserted - started,
            }
            write_marker(size, args.seed, today, marker)
            _say(f"  built in {marker['build_seconds']:.1f} s (database {marker['database_seconds']:.1f} s, generate "
                 f"{marker['generate_seconds']:.1f} s, bulk_create + ANALYZE {marker['insert_seconds']:.1f} s): "
                 f"{len(plans)} clinic(s), benchmark clinic {ids['patients']:,} patients, {ids['cycles']:,} courses")
        started = clock.perf_counter()
        checked = check_database(size, marker["clinic"], today)
        _say(f"  checked in {clock.perf_counter() - started:.1f} s: {checked['stored']:,} stored, window "
             f"{first_last(today)}: {checked['window_occupying']:,} occupying sessions on {checked['window_open_days']} "
             f"open days = {checked['chair_use'] * 100:.1f} % chair use; chair overlaps {checked['chair_overlaps']}, "
             f"patient overlaps {checked['patient_overlaps']}, nurse over capacity {checked['nurse_over_capacity']}, "
             f"stagger breaches {checked['stagger_breaches']}, planning-rule violations {checked['rule_violations'] or 0}")
        if checked["problems"]:
            _say(f"  PROBLEMS: {checked['problems']}")
        measured = {}
        if not args.build_only:
            measured = measure(marker["clinic"], today, args.calls, args.warmup, args.seed, args.nofit_calls)
            if measured.get("missing"):
                _say(f"  not measured: bookings.selectors has no {', '.join(measured['missing'])} yet")
            else:
                p, a = measured["proposal"], measured["availability"]
                _say(f"  proposal p50 {p['p50_ms']:.1f} ms p95 {p['p95_ms']:.1f} ms ({_q(p)} queries); "
                     f"availability p50 {a['p50_ms']:.1f} ms p95 {a['p95_ms']:.1f} ms ({_q(a)} queries)")
        info = info or machine()
        results.append({"size": size, **checked, "build": marker, "measured": measured})
        dbs.connection.close()
    report(results, info)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "today": today.isoformat(), "calls": args.calls, "results": results},
                      f, indent=2, default=str)
    return 1 if any(r["problems"] for r in results) else 0


def first_last(today: date) -> str:
    first, last = window_days(today)
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"


if __name__ == "__main__":
    sys.exit(main())
