"""Generating a clinic's sessions, in pure Python (no database): courses booked day by day to the target use."""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.planner.clinic import (
    CHAIRS,
    CLOSES,
    DAY_MINUTES,
    GRID,
    HISTORY_CAP_DAYS,
    NURSE_CAPACITY,
    NURSES,
    OCCUPYING,
    OPENS,
    SESSIONS_PER_OPEN_DAY,
    SHAPES,
    STAGGER,
    TARGET_USE,
    WINDOW_DAYS,
    Shape,
    next_weekday,
    window_days,
)


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
            assert course.last_day is not None  # a course is open once its first session is held
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


def clinic_shares(size: int, clinics: int) -> list[int]:
    """`size` sessions split as evenly as can be over `clinics` clinics, the benchmark clinic first."""
    if not 1 <= clinics <= size:
        raise ValueError(f"cannot spread {size} sessions over {clinics} clinics")
    return [size // clinics + (1 if i < size % clinics else 0) for i in range(clinics)]


def plan_clinic(index: int, budget: int, seed: int, today: date) -> ClinicPlan:
    """Clinic `index` (0: the benchmark's) with at most `budget` rows: fewer only when three years of history
    (HISTORY_CAP_DAYS) and the window hold fewer. The same index, seed and day give the same rows."""
    first, last = window_days(today)
    future_estimate = round(SESSIONS_PER_OPEN_DAY * sum(1 for i in range(WINDOW_DAYS) if (first + timedelta(i)).weekday() < 5))
    if index == 0:
        plan = ClinicPlan("Bench clinic", "bench")
        # A holiday in the window, and two nurses' time off: a week for one, two days for another.
        holiday = first + timedelta(days=35)
        holiday += timedelta(days=(7 - holiday.weekday()) % 7)  # a Monday
        plan.closures = {holiday}
        week = first + timedelta(days=14 + (7 - (first + timedelta(days=14)).weekday()) % 7)
        plan.time_off = {1: {week + timedelta(days=i) for i in range(5)},
                         4: {week + timedelta(days=35 + i) for i in (1, 2)}}
    else:
        plan = ClinicPlan(f"Bench other clinic {index}", f"bench-other-{index}")
    rng = random.Random(seed * 1000 + index)
    start = first - timedelta(days=history_days_for(budget - future_estimate))
    generate(plan, rng, start, last, today)
    fit_to_budget(plan, budget, today, rng)
    return plan
