"""The series planner: proposes a whole course (and alternatives, day availability, one session's options
and the dates its course leaves it), or explains why none fits.

Sessions start on a grid (every `step`, from each opening interval's start) and each candidate is
judged by place_session's own rules, so whatever the planner proposes the booking service accepts.
A day's candidates are computed once per call and shared by every branch of the search.

Longer than the other modules: SeriesPlanner is one search whose day cache, refusal codes and
explanations share state; split, its parts would reach into one another's privates.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import TypeVar

from scheduler import error_codes as codes
from scheduler.planning.localtime import (
    LocalTimeError,
    _inside_stretches,
    _inside_weekly,
    _stretches,
    localize,
    next_weekday,
)
from scheduler.planning.occupancy import Occupancy
from scheduler.planning.rules import (
    CHAIR_STRATEGIES,
    chair_by_strategy,
    check_closures,
    check_patient,
    check_stagger,
    peak_load,
    site_violations,
)
from scheduler.planning.spacing import check_spacing
from scheduler.planning.values import ClinicRules, Nurse, Slot, Spacing, Violation, _utc
from scheduler.planning.window import numbered_by_time


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """What to plan: n sessions of `minutes` each (the first `first_extra_minutes` longer), so spaced."""

    count: int
    minutes: int
    spacing: Spacing
    first_extra_minutes: int = 0
    #: Fit the course within this many days first (the protocol's target); None: only the hard limit.
    target_window_days: int | None = None

    def minutes_for(self, sequence: int) -> int:
        return self.minutes + (self.first_extra_minutes if sequence == 1 else 0)


@dataclass(frozen=True, slots=True)
class Preferences:
    """The patient's and desk's wishes. A session starts at or after `time_from` and ends by `time_to`.

    `not_before` is "now": a session starts strictly after it, as the booking service refuses a start at
    or before the present instant.
    """

    earliest: date
    not_before: datetime
    weekdays: frozenset[int] | None = None
    time_from: time | None = None
    time_to: time | None = None
    chair_id: int | None = None
    nurse_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedSession:
    sequence: int
    start: datetime
    end: datetime
    chair_id: int
    nurse_id: int


@dataclass(frozen=True, slots=True)
class Proposal:
    sessions: tuple[PlannedSession, ...]
    warnings: tuple[Violation, ...] = ()


@dataclass(frozen=True, slots=True)
class Infeasible:
    """Why no series fits: the binding rule, the dates where it bound, and from when one would fit."""

    reason: str
    message: str
    dates: tuple[date, ...]
    earliest_date: date | None = None


@dataclass(frozen=True, slots=True)
class AvailableSlot:
    start: datetime
    end: datetime
    chair_ids: tuple[int, ...]
    nurse_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A start at which some chair and some nurse are free; which ones is settled for the chosen few."""

    start: datetime  # UTC
    end: datetime
    day: date  # clinic-local date
    local_start: time
    local_end: time


_T = TypeVar("_T")

#: A search branch that found nothing: (next sequence, previous start, first day, window).
_SearchKey = tuple[int, datetime, date, int | None]

_REASON_TEXT = {
    codes.CHAIR_CONFLICT: "every chair is taken at the times that would fit",
    codes.NURSE_CAPACITY: "the nurses on shift are already watching as many patients as allowed",
    codes.STAGGER: "the nurses are starting other infusions at those times",
    codes.NURSE_UNAVAILABLE: "no nurse is on shift then",
    codes.PATIENT_CONFLICT: "the patient already has sessions then",
    codes.CLINIC_CLOSED: "the clinic is closed",
    codes.OUTSIDE_HOURS: "the clinic is not open at the times asked for",
    codes.SPACING_TOO_FAR: "the sessions cannot be kept close enough together",
    codes.SPACING_TOO_CLOSE: "the sessions cannot be spaced far enough apart",
    codes.WINDOW_EXCEEDED: "the course cannot fit in the protocol's window",
}


class _DayNurses:
    """Each nurse's _nurse_refusal at a day's starts, from one look at the nurse's bookings of the day (taken
    when the nurse is first asked about) instead of a look per start.

    Capacity: the stretches where the nurse already watches `nurse_max_concurrent` patients (a sweep of starts
    and ends, an end before a start at the same instant, as peak_load counts); a session is refused exactly when
    one of them meets it. Stagger: the nurse's starts, bisected. Shifts: _inside_stretches' reading of each
    session in wall-clock time, taken once per start for every nurse.
    """

    def __init__(self, planner: SeriesPlanner, grid: Sequence[tuple[datetime, datetime]],
                 local: Sequence[tuple[datetime, datetime]]) -> None:
        self.planner = planner
        self.grid = grid
        self.lo = grid[0][0] if grid else None
        self.hi = max((end for _, end in grid), default=None)
        #: Each session's day, start and end on the wall clock (end None: past the next midnight, in no stretch).
        self.walls: list[tuple[date, time, time | None]] = []
        for local_start, local_end in local:
            day = local_start.date()
            if local_end.date() == day:
                self.walls.append((day, local_start.time(), local_end.time()))
            elif local_end.date() == day + timedelta(days=1) and local_end.time() == time(0):
                self.walls.append((day, local_start.time(), time.max))
            else:
                self.walls.append((day, local_start.time(), None))
        self._tables: dict[int, tuple[list[datetime], list[datetime], list[datetime]]] = {}

    def _table(self, nurse: Nurse) -> tuple[list[datetime], list[datetime], list[datetime]]:
        """(full from, full until, starts) of the nurse around the day."""
        table = self._tables.get(nurse.id)
        if table is None:
            planner = self.planner
            occupancy, exclude = planner.occupancy, planner.exclude
            limit, stagger = planner.rules.nurse_max_concurrent, planner.rules.stagger
            lo, hi = self.lo, self.hi
            assert lo is not None and hi is not None  # asked about a start, so the grid has one
            # A capacity of none (or less) is full all day, as check_nurse_capacity finds it.
            full_from: list[datetime] = [] if limit > 0 else [lo]
            full_until: list[datetime] = [] if limit > 0 else [hi]
            if limit > 0:
                events = sorted(
                    (t, step) for b in occupancy.overlapping("nurse", nurse.id, lo, hi, exclude)
                    for t, step in ((_utc(b.start), 1), (_utc(b.end), -1))
                )
                load = 0
                for at, step in events:
                    load += step
                    if step == 1 and load == limit:
                        full_from.append(at)
                    elif step == -1 and load == limit - 1:
                        full_until.append(at)
            starts: list[datetime] = []
            if stagger > timedelta(0):
                starts = [_utc(b.start) for b in occupancy.near("nurse", nurse.id, lo - stagger, hi + stagger, exclude)]
            table = self._tables[nurse.id] = (full_from, full_until, starts)
        return table

    def code(self, nurse: Nurse, i: int) -> str | None:
        """The nurse's _nurse_refusal for the day's `i`th start."""
        start, end = self.grid[i]
        day, begin, end_wall = self.walls[i]
        planner = self.planner
        shifts = planner._shift_cache.setdefault(nurse.id, {})
        if day not in shifts:
            shifts[day] = _stretches(nurse.shifts, day)
        if end_wall is None or not any(a <= begin and end_wall <= b for a, b in shifts[day]) or any(
            off.overlaps(start, end) for off in nurse.time_off
        ):
            return codes.NURSE_UNAVAILABLE
        full_from, full_until, starts = self._table(nurse)
        j = bisect_right(full_until, start)
        if j < len(full_from) and full_from[j] < end:
            return codes.NURSE_CAPACITY
        if starts:
            stagger = planner.rules.stagger
            j = bisect_left(starts, start - stagger + timedelta(microseconds=1))
            if j < len(starts) and starts[j] < start + stagger:
                return codes.STAGGER
        return None


class SeriesPlanner:
    """Plans courses for one patient in one clinic against a fixed picture of what is booked.

    Build one per request; it caches each day's feasible starts, so proposals, alternatives and
    explanations share the work.
    """

    #: How far past `earliest` the first session may be.
    FIRST_HORIZON_DAYS = 28
    #: Search nodes per first-session candidate before giving it up (a guard against pathological rules).
    NODE_BUDGET = 4000
    #: How far past its own `earliest` an alternative's first session may be.
    ALTERNATIVE_HORIZON_DAYS = 7
    #: How a free chair is chosen for a session (see _chair_for); "compact" is the default.
    CHAIR_STRATEGIES = CHAIR_STRATEGIES

    def __init__(
        self,
        *,
        rules: ClinicRules,
        chair_ids: Sequence[int],
        nurses: Sequence[Nurse],
        occupancy: Occupancy,
        patient_id: int | None,
        step: timedelta = timedelta(minutes=15),
        exclude: frozenset[int] = frozenset(),
        last_day: date | None = None,
        chair_strategy: str = "compact",
    ) -> None:
        if chair_strategy not in self.CHAIR_STRATEGIES:
            raise ValueError(f"unknown chair strategy {chair_strategy!r}: one of {', '.join(self.CHAIR_STRATEGIES)}")
        self.chair_strategy = chair_strategy
        self.rules = rules
        self.tz = rules.tz
        self.chair_ids = tuple(chair_ids)
        self.nurses = tuple(nurses)
        self.occupancy = occupancy
        self.patient_id = patient_id
        self.step = step
        self.exclude = exclude
        self.last_day = last_day
        #: Set when a branch that found nothing was cut short by `last_day`: with more days loaded it might
        #: have succeeded, so an answer from this planner may not be the earliest.
        self.truncated = False
        self._days: dict[tuple[date, int], list[_Candidate]] = {}
        self._rejections: dict[tuple[date, int], Counter[str]] = {}
        self._wanted_cache: dict[tuple[date, int, datetime, time | None, time | None],
                                 tuple[list[_Candidate], list[datetime]]] = {}
        self.spacing_failures: Counter[str] = Counter()
        self._shift_cache: dict[int, dict[date, list[tuple[time, time]]]] = {}
        #: Search nodes left for the current first-session candidate (set by _search, spent by _extend).
        self._budget = 0
        #: A branch was recorded as failed after the budget ran out (see _dominates).
        self._tainted = False

    # --- One day ---------------------------------------------------------------------------------

    def grid(self, day: date, minutes: int) -> list[tuple[datetime, datetime]]:
        """Every start on the step grid of the day's opening hours at which `minutes` fit before closing."""
        spans = sorted(
            (iv.start, iv.end) for iv in self.rules.opening_hours if iv.applies_on(day)
        )
        merged: list[list[time]] = []
        for span_start, span_end in spans:
            if merged and span_start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span_end)
            else:
                merged.append([span_start, span_end])
        length = timedelta(minutes=minutes)
        # On the day the clocks change, a stretch of wall-clock hours lasts an hour more or less than it
        # reads: count the wall clock with that much slack, then keep the starts whose real end is in hours.
        after = self.tz.utcoffset(datetime.combine(day + timedelta(days=1), time.min))
        before = self.tz.utcoffset(datetime.combine(day, time.min))
        assert after is not None and before is not None  # a ZoneInfo knows the offset of every wall-clock time
        slack = abs(after - before)
        out: list[tuple[datetime, datetime]] = []
        for opens, closes in merged:
            wall = datetime.combine(day, opens)
            last = datetime.combine(day, closes)
            while wall + length <= last + slack:
                try:
                    start = localize(wall, self.tz).astimezone(UTC)
                except LocalTimeError:
                    wall += self.step
                    continue
                end = start + length
                if not slack or _inside_weekly(start, end, self.rules.opening_hours, self.tz):
                    out.append((start, end))
                wall += self.step
        return out

    def day_candidates(self, day: date, minutes: int, prefs: Preferences | None = None) -> list[_Candidate]:
        """The feasible starts of a day, each with the chair and nurse it would take (cached per day).

        Whether the patient and some chair are free is swept once for the whole day (_free_until); the
        nurses are asked only at the starts that pass."""
        key = (day, minutes)
        found = self._days.get(key)
        if found is None:
            found = []
            rejected: Counter[str] = Counter()
            grid = self.grid(day, minutes)
            starts = [start for start, _ in grid]
            lo, hi = min(starts, default=None), max((end for _, end in grid), default=None)  # None: no grid
            chairs_until = self._free_until("chair", self.chair_ids, starts, lo, hi)
            patient_until = (
                self._free_until("patient", (self.patient_id,), starts, lo, hi) if self.patient_id is not None else None
            )
            local = [(start.astimezone(self.tz), end.astimezone(self.tz)) for start, end in grid]
            nurses = self._day_nurses(grid, local)
            for i, (start, end) in enumerate(grid):
                code = self.refusal(
                    start, end, patient_free=patient_until is None or patient_until[i] >= end,
                    chair_free=chairs_until[i] >= end, nurse_code=partial(nurses.code, i=i),
                )
                if code:
                    rejected[code] += 1
                    continue
                found.append(_Candidate(start, end, day, local[i][0].time(), local[i][1].time()))
            self._days[key] = found
            self._rejections[key] = rejected
        if prefs is None:
            return found
        return self._wanted_starts(day, minutes, prefs)[0]

    def _wanted_starts(self, day: date, minutes: int, prefs: Preferences) -> tuple[list[_Candidate], list[datetime]]:
        """The day's candidates that `prefs` wants, and their starts (for bisection), cached: a search asks
        for the same day again at every node that reaches it."""
        key = (day, minutes, prefs.not_before, prefs.time_from, prefs.time_to)
        found = self._wanted_cache.get(key)
        if found is None:
            wanted = [c for c in self.day_candidates(day, minutes) if self._wanted(c, prefs)]
            found = self._wanted_cache[key] = (wanted, [c.start for c in wanted])
        return found

    def _free_until(self, kind: str, keys: Iterable[int], starts: list[datetime], lo: datetime | None,
                    hi: datetime | None) -> list[datetime]:
        """For each of `starts` (UTC, inside [lo, hi)), how long some key of `keys` stays free from it, up to `hi`.

        A day's sweep instead of a bisection per key and start: [s, e) overlaps none of a key's bookings
        exactly when e is at most the earliest start among the bookings that end after s.
        """
        best = list(starts)  # free for no time at all
        if not starts:
            return best
        assert lo is not None and hi is not None  # the bounds of a non-empty day
        occupancy, exclude = self.occupancy, self.exclude
        for key in keys:
            spans = sorted((_utc(b.end), _utc(b.start)) for b in occupancy.overlapping(kind, key, lo, hi, exclude))
            if not spans:
                return [hi] * len(starts)
            ends = [end for end, _ in spans]
            earliest = [hi] * (len(spans) + 1)  # earliest[j]: the earliest start among spans[j:]
            for j in range(len(spans) - 1, -1, -1):
                earliest[j] = min(spans[j][1], earliest[j + 1])
            for i, start in enumerate(starts):
                until = earliest[bisect_right(ends, start)]
                if until > best[i]:
                    best[i] = until
        return best

    def _wanted(self, c: _Candidate, prefs: Preferences) -> bool:
        if c.start <= prefs.not_before:
            return False
        if prefs.time_from is not None and c.local_start < prefs.time_from:
            return False
        # An end past midnight (local_end < local_start) is never inside a time-of-day window.
        return not (prefs.time_to is not None and (c.local_end > prefs.time_to or c.local_end < c.local_start))

    def refusal(self, start: datetime, end: datetime, *, patient_free: bool | None = None,
                chair_free: bool | None = None, nurse_code: Callable[[Nurse], str | None] | None = None) -> str | None:
        """The code of the first rule that refuses a session at this time whatever chair and nurse, or None.

        Starts come from grid(), inside the opening hours by construction: only closures are checked here.
        `patient_free`, `chair_free` and `nurse_code` (a nurse's _nurse_refusal here) are the answers of
        day_candidates' sweeps, when it has them.
        """
        closed = check_closures(start, end, self.rules)
        if closed:
            return closed.code
        occupancy, exclude = self.occupancy, self.exclude
        if patient_free is None:
            patient_free = self.patient_id is None or occupancy.is_free("patient", self.patient_id, start, end, exclude)
        if not patient_free:
            return codes.PATIENT_CONFLICT
        if chair_free is None:
            chair_free = any(occupancy.is_free("chair", c, start, end, exclude) for c in self.chair_ids)
        if not chair_free:
            return codes.CHAIR_CONFLICT
        seen: list[str] = []
        for nurse in self.nurses:
            code = nurse_code(nurse) if nurse_code is not None else self._nurse_refusal(nurse, start, end)
            if code is None:
                return None
            seen.append(code)
        return next((c for c in (codes.STAGGER, codes.NURSE_CAPACITY) if c in seen), codes.NURSE_UNAVAILABLE)

    def _day_nurses(self, grid: Sequence[tuple[datetime, datetime]],
                    local: Sequence[tuple[datetime, datetime]]) -> _DayNurses:
        """The nurses' rules at a day's starts (UTC `grid`, `local` the same in the clinic's zone)."""
        return _DayNurses(self, grid, local)

    def _nurse_refusal(self, nurse: Nurse, start: datetime, end: datetime) -> str | None:
        """nurse_violations' first code, with the nurse's merged shifts of the day computed once per day."""
        shifts = self._shift_cache.setdefault(nurse.id, {})

        def stretches_of(day: date) -> list[tuple[time, time]]:
            if day not in shifts:
                shifts[day] = _stretches(nurse.shifts, day)
            return shifts[day]

        if not _inside_stretches(start, end, self.tz, stretches_of) or any(
            off.overlaps(start, end) for off in nurse.time_off
        ):
            return codes.NURSE_UNAVAILABLE
        # check_nurse_capacity's and check_stagger's answers without their messages; fewer bookings than the
        # capacity cannot reach it, whenever they run.
        limit = self.rules.nurse_max_concurrent
        concurrent = self.occupancy.overlapping("nurse", nurse.id, start, end, self.exclude)
        if len(concurrent) >= limit and peak_load(concurrent, start, end)[0] + 1 > limit:
            return codes.NURSE_CAPACITY
        if check_stagger(start, nurse.id, self.occupancy, self.rules.stagger, self.exclude):
            return codes.STAGGER
        return None

    def assign(self, start: datetime, end: datetime, prefs: Preferences | None = None) -> tuple[int | None, int | None, str | None]:
        """The chair and nurse a session at this time would take, or the code of the rule that refuses it.

        Among free chairs the strategy's choice wins (_chair_for; by default the one whose neighbouring sessions
        leave the smallest idle gap: a compact day); among free nurses the least loaded, then the one whose other starts are furthest away.
        A preferred chair or nurse is taken when free.
        """
        for violation in site_violations(start, end, self.rules):
            return None, None, violation.code
        if self.patient_id is not None and check_patient(start, end, self.patient_id, self.occupancy, self.exclude):
            return None, None, codes.PATIENT_CONFLICT
        chairs = self.free_chairs(start, end)
        if not chairs:
            return None, None, codes.CHAIR_CONFLICT
        nurses, code = self.free_nurses(start, end)
        if not nurses:
            return None, None, code
        chair = prefs.chair_id if prefs and prefs.chair_id in chairs else self._chair_for(chairs, start, end)
        nurse = prefs.nurse_id if prefs and prefs.nurse_id in nurses else nurses[0]
        return chair, nurse, None

    def free_chairs(self, start: datetime, end: datetime) -> list[int]:
        return [c for c in self.chair_ids if self.occupancy.is_free("chair", c, start, end, self.exclude)]

    def free_nurses(self, start: datetime, end: datetime) -> tuple[list[int], str]:
        """Nurses who may take the session, best first, or none and the code of what stopped them."""
        ranked: list[tuple[tuple[int, float, int], int]] = []
        codes_seen: list[str] = []
        for order, nurse in enumerate(self.nurses):
            code = self._nurse_refusal(nurse, start, end)  # nurse_violations' first code
            if code:
                codes_seen.append(code)
                continue
            load, _ = peak_load(self.occupancy.overlapping("nurse", nurse.id, start, end, self.exclude), start, end)
            ranked.append(((load, -self._start_distance(nurse.id, start), order), nurse.id))
        if ranked:
            return [nurse_id for _, nurse_id in sorted(ranked)], ""
        for code in (codes.STAGGER, codes.NURSE_CAPACITY):
            if code in codes_seen:
                return [], code
        return [], codes.NURSE_UNAVAILABLE

    def _chair_for(self, chairs: list[int], start: datetime, end: datetime) -> int:
        return chair_by_strategy(self.chair_strategy, chairs, start, end, self.occupancy, self.exclude, self.tz)

    def _start_distance(self, nurse_id: int, start: datetime) -> float:
        near = self.occupancy.near("nurse", nurse_id, start - timedelta(hours=2), start + timedelta(hours=2), self.exclude)
        if not near:
            return float("inf")
        return min(abs((_utc(b.start) - _utc(start)).total_seconds()) for b in near)

    def availability(self, day: date, minutes: int, not_before: datetime | None = None) -> list[AvailableSlot]:
        """Every start of the day (after `not_before`) at which a session of `minutes` could begin, with all
        its free chairs and nurses."""
        slots: list[AvailableSlot] = []
        grid = self.grid(day, minutes)
        nurse_at = self._day_nurses(grid, [(start.astimezone(self.tz), end.astimezone(self.tz)) for start, end in grid])
        for i, (start, end) in enumerate(grid):
            if not_before is not None and start <= not_before:
                continue
            if check_closures(start, end, self.rules):  # the grid keeps inside the opening hours
                continue
            if self.patient_id is not None and not self.occupancy.is_free("patient", self.patient_id, start, end, self.exclude):
                continue
            chairs = self.free_chairs(start, end)
            if not chairs:
                continue
            nurses = tuple(sorted(n.id for n in self.nurses if nurse_at.code(n, i) is None))
            if nurses:
                slots.append(AvailableSlot(start, end, tuple(chairs), nurses))
        return slots

    # --- A series --------------------------------------------------------------------------------

    def propose(self, spec: SeriesSpec, prefs: Preferences, *, horizon_days: int | None = None,
                budget: int | None = None, first_window_only: bool = False) -> Proposal | None:
        """The series whose first session is earliest (within `horizon_days` of `earliest`, default
        FIRST_HORIZON_DAYS), fitted in the target window if any fits there."""
        # The target first when it is tighter than the hard limit, then the hard limit (None: no limit). A
        # target alone never replaces the hard limit: a course past it would be refused when booked.
        hard, target = spec.spacing.window_days, spec.target_window_days
        windows: list[int | None] = [target] if target is not None and (hard is None or target < hard) else []
        windows.append(hard)
        for window in windows[:1] if first_window_only else windows:
            found = self._search(spec, prefs, window, horizon_days or self.FIRST_HORIZON_DAYS, budget or self.NODE_BUDGET)
            if found:
                _, warnings = check_spacing(
                    [Slot(s.sequence, s.start, s.end) for s in found.sessions], spec.spacing, self.tz
                )
                return Proposal(found.sessions, tuple(warnings))
        return None

    def _days_from(self, first: date, last: date, prefs: Preferences) -> Iterable[date]:
        day = first
        while day <= last and (self.last_day is None or day <= self.last_day):
            if prefs.weekdays is None or day.weekday() in prefs.weekdays:
                yield day
            day += timedelta(days=1)

    def _search(self, spec: SeriesSpec, prefs: Preferences, window: int | None, horizon_days: int,
                budget: int) -> Proposal | None:
        last_first = prefs.earliest + timedelta(days=horizon_days)
        failed: set[_SearchKey] = set()
        self._tainted = False
        for day in self._days_from(prefs.earliest, last_first, prefs):
            firsts = self.day_candidates(day, spec.minutes_for(1), prefs)
            for i, first in enumerate(firsts):
                self._budget = budget
                chosen = self._extend(spec, prefs, window, [first], failed)
                if chosen:
                    return Proposal(tuple(self._planned(k, c, prefs) for k, c in enumerate(chosen, start=1)))
                if self._dominates(spec):
                    for later in firsts[i + 1:]:
                        self._skip(spec, prefs, window, later, [later], failed, 2)
                    break
        if self.last_day is not None and last_first > self.last_day:
            self.truncated = True
        return None

    def _planned(self, sequence: int, c: _Candidate, prefs: Preferences) -> PlannedSession:
        chair_id, nurse_id, code = self.assign(c.start, c.end, prefs)
        # The candidate passed refusal() against the same occupancy: a chair and a nurse are free.
        assert code is None and chair_id is not None and nurse_id is not None, code
        return PlannedSession(sequence, c.start, c.end, chair_id, nurse_id)

    def _reach(self, spec: SeriesSpec, window: int | None, prev: _Candidate,
               first: _Candidate) -> tuple[date, date, datetime, datetime | None]:
        """Where the session after `prev` may be: its first and last day, and from and until when it may start.

        The spacing rules of check_spacing for the pair without building messages. The dates' rules hold on every
        day walked (_day_ok guards them); the times' rules keep one run of a day's sorted starts: from prev's end,
        a stagger and the smallest gap on, up to the largest gap, found by bisection. The stagger: the series'
        own sessions are not in the occupancy and may share a nurse, so their starts stay a stagger apart, or the
        booking service would refuse the later one (only very short sessions care).
        """
        sp = spec.spacing
        last = prev.day + timedelta(days=self.FIRST_HORIZON_DAYS + 31)
        if sp.max_gap_days is not None:
            last = min(last, prev.day + timedelta(days=sp.max_gap_days))
        if sp.max_gap is not None:
            last = min(last, (prev.start + sp.max_gap).astimezone(self.tz).date())
        if window is not None:
            last = min(last, first.day + timedelta(days=window - 1))
        start_day = prev.day + timedelta(days=sp.min_gap_days or 0)
        if sp.consecutive_weekdays:
            start_day = last_day = next_weekday(prev.day)
            last = min(last, last_day)
        after = max(prev.end, prev.start + self.rules.stagger, prev.start + sp.min_gap if sp.min_gap is not None else prev.end)
        until = prev.start + sp.max_gap if sp.max_gap is not None else None
        return start_day, last, after, until

    def _extend(
        self,
        spec: SeriesSpec,
        prefs: Preferences,
        window: int | None,
        chosen: list[_Candidate],
        failed: set[_SearchKey],
    ) -> list[_Candidate] | None:
        k = len(chosen) + 1
        if k > spec.count:
            return chosen
        prev, first = chosen[-1], chosen[0]
        key = (k, prev.start, first.day, window)
        if key in failed:
            return None
        sp = spec.spacing
        start_day, last, after, until = self._reach(spec, window, prev, first)
        cut = self.last_day is not None and last > self.last_day
        for day in self._days_from(start_day, last, prefs):
            options, starts = self._wanted_starts(day, spec.minutes_for(k), prefs)
            if not options:
                continue
            if self._day_ok(prev.day, day, sp):
                usable = options[bisect_left(starts, after):bisect_right(starts, until) if until is not None else None]
            else:
                usable = []
            if not usable:
                self.spacing_failures[codes.SPACING_TOO_CLOSE] += 1
            for i, candidate in enumerate(usable):
                self._budget -= 1
                if self._budget <= 0:
                    return None
                found = self._extend(spec, prefs, window, [*chosen, candidate], failed)
                if found:
                    return found
                if self._dominates(spec):
                    self._skip(spec, prefs, window, first, usable[i + 1:], failed, k + 1)
                    break
        if cut:
            self.truncated = True
        if self._budget <= 0:
            self._tainted = True
        failed.add(key)
        return None

    def _dominates(self, spec: SeriesSpec) -> bool:
        """A start that could not be followed dooms every later start of its day, in the same branch.

        Without a largest gap, a later start on the same day leaves the rest of the course fewer places (the
        next session must start later, by the same days) and the same window, so it fails too. That holds only
        for a failure fully searched: not when the budget ran out (the budget only falls within a first
        session's search), nor after a branch ran out of it and was recorded as failed anyway (`_tainted`).
        """
        return spec.spacing.max_gap is None and self._budget > 0 and not self._tainted

    def _skip(self, spec: SeriesSpec, prefs: Preferences, window: int | None, first: _Candidate,
              skipped: Sequence[_Candidate], failed: set[_SearchKey], k: int) -> None:
        """Record the later starts of a day as failed without searching them (see _dominates), as a search
        would have: their branches' keys, and `spacing_failures` where one of them would have found a day
        whose starts all come too early for it. Their `truncated` is the failed start's own (the same days)."""
        for prev in skipped:
            key = (k, prev.start, first.day, window)
            if key in failed:
                continue
            failed.add(key)
            if self.spacing_failures or k > spec.count:
                continue
            start_day, last, after, _ = self._reach(spec, window, prev, first)
            for day in self._days_from(start_day, last, prefs):
                options, starts = self._wanted_starts(day, spec.minutes_for(k), prefs)
                if options and (not self._day_ok(prev.day, day, spec.spacing) or starts[-1] < after):
                    self.spacing_failures[codes.SPACING_TOO_CLOSE] += 1
                    break

    @staticmethod
    def _day_ok(a: date, b: date, sp: Spacing) -> bool:
        """The spacing rules on the two dates alone (the days _extend walks keep them: a guard, not a filter)."""
        days = (b - a).days
        if sp.min_gap_days is not None and days < sp.min_gap_days:
            return False
        if sp.max_gap_days is not None and days > sp.max_gap_days:
            return False
        return not (sp.consecutive_weekdays and b != next_weekday(a))

    # --- Alternatives, explanations, single sessions -------------------------------------------

    def alternatives(self, spec: SeriesSpec, prefs: Preferences, primary: Proposal, count: int = 3) -> list[Proposal]:
        """Up to `count` further distinct series: another time of day, other weekdays, a later start."""
        first = primary.sessions[0]
        noon = time(12, 0)
        variants: list[Preferences] = []
        if first.start.astimezone(self.tz).time() < noon:
            variants.append(replace(prefs, time_from=max(noon, prefs.time_from or noon)))
        else:
            variants.append(replace(prefs, time_to=noon, time_from=prefs.time_from))
        used = {s.start.astimezone(self.tz).weekday() for s in primary.sessions}
        allowed = set(prefs.weekdays if prefs.weekdays is not None else range(7))
        if allowed - used:
            variants.append(replace(prefs, weekdays=frozenset(allowed - used)))
        variants.append(replace(prefs, earliest=first.start.astimezone(self.tz).date() + timedelta(days=1)))
        variants.append(replace(prefs, earliest=first.start.astimezone(self.tz).date() + timedelta(days=7)))
        seen = {tuple(s.start for s in primary.sessions)}
        found: list[Proposal] = []
        for variant in variants:
            if len(found) >= count:
                break
            # An alternative is an offer, not a guarantee: a shorter look, a smaller search, one window.
            proposal = self.propose(spec, variant, horizon_days=self.ALTERNATIVE_HORIZON_DAYS, budget=self.NODE_BUDGET // 8,
                                    first_window_only=True)
            if proposal is None:
                continue
            signature = tuple(s.start for s in proposal.sessions)
            if signature not in seen:
                seen.add(signature)
                found.append(proposal)
        return found

    def explain(self, spec: SeriesSpec, prefs: Preferences) -> Infeasible:
        """Why nothing fits: the rule that refused the most candidate starts in the searched days."""
        total: Counter[str] = Counter()
        dates: dict[str, set[date]] = {}
        for (day, _minutes), rejected in self._rejections.items():
            for code, n in rejected.items():
                if code == codes.OUTSIDE_HOURS:
                    continue
                total[code] += n
                dates.setdefault(code, set()).add(day)
        if total:
            reason = total.most_common(1)[0][0]
        elif self.spacing_failures:
            reason = self._spacing_reason(spec, prefs)
        else:
            reason = codes.OUTSIDE_HOURS
        return Infeasible(
            reason=reason,
            message=f"No series of {spec.count} sessions fits: {_REASON_TEXT.get(reason, reason)}.",
            dates=tuple(sorted(dates.get(reason, ()))[:31]),
        )

    def _spacing_reason(self, spec: SeriesSpec, prefs: Preferences) -> str:
        """Which spacing rule binds when every start was free but no series could be strung together.

        The window when a series fits without it (six PTSD sessions on Mondays and Thursdays need 15 days,
        not 14); else a maximum gap or consecutive days when the protocol has one; else the minimum gaps.
        """
        if {spec.target_window_days, spec.spacing.window_days} - {None} and self._search(spec, prefs, None, self.FIRST_HORIZON_DAYS, self.NODE_BUDGET):
            return codes.WINDOW_EXCEEDED
        sp = spec.spacing
        if sp.max_gap is not None or sp.max_gap_days is not None or sp.consecutive_weekdays:
            return codes.SPACING_TOO_FAR
        return codes.SPACING_TOO_CLOSE

    def session_options(
        self,
        sequence: int | None,
        minutes: int,
        course: Sequence[Slot],
        spacing: Spacing,
        *,
        earliest: date,
        not_before: datetime,
        count: int = 5,
        days: int = 28,
    ) -> list[PlannedSession]:
        """The next free starts for one session of a course that keep the whole course valid.

        `course` holds the course's other sessions (not this one); the caller excludes this session's own
        booking from the occupancy so its present time counts as free. `sequence` None: a new session of the
        course (a make-up), each option numbered by its time among `course`.
        """
        prefs = Preferences(earliest=earliest, not_before=not_before)
        found: list[PlannedSession] = []
        for _, starts in self._course_starts(sequence, minutes, course, spacing, prefs, earliest + timedelta(days=days)):
            for c in starts:
                number = sequence if sequence is not None else numbered_by_time(course, c.start, c.end)[0]
                found.append(self._planned(number, c, prefs))
                if len(found) >= count:
                    return found
        return found

    def _course_starts(
        self, sequence: int | None, minutes: int, course: Sequence[Slot], spacing: Spacing, prefs: Preferences, last: date,
        starts_between: Sequence[tuple[time, time]] = (),
    ) -> Iterable[tuple[date, list[_Candidate]]]:
        """Day by day from prefs.earliest to `last`, the starts (within `starts_between`, if any) at which
        session `sequence` keeps its course valid; a day's list is computed only when asked for."""
        others = [s for s in course if s.sequence != sequence]

        def keeps_course_valid(c: _Candidate) -> bool:
            if sequence is None:
                # A new session (a make-up), numbered by its time among the others; never before the first
                # visit, which holds the longer chair time.
                number, slots = numbered_by_time(others, c.start, c.end)
                if number == 1 and others:
                    return False
            else:
                slots = [*others, Slot(sequence, c.start, c.end)]
            return not check_spacing(slots, spacing, self.tz)[0]

        for day in self._days_from(prefs.earliest, last, prefs):
            yield day, [
                c
                for c in self.day_candidates(day, minutes, prefs)
                if (not starts_between or any(lo <= c.local_start < hi for lo, hi in starts_between))
                and keeps_course_valid(c)
            ]

    def session_days(
        self, sequence: int | None, minutes: int, course: Sequence[Slot], spacing: Spacing, *, earliest: date, last: date,
        not_before: datetime, days: int = 5, weekdays: frozenset[int] | None = None,
        starts_between: Sequence[tuple[time, time]] = (),
    ) -> tuple[list[tuple[date, list[datetime]]], date | None]:
        """One session's free starts spread over days (a slot grid): the first `days` dates from `earliest`
        to `last` with a start that keeps the course valid, each with all its such starts (UTC), and the
        next such date after them (None: none left up to `last`), where a later page begins.

        `weekdays` (0 = Monday) and `starts_between` (half-open local start-time ranges, any of them) narrow
        the search as the desk's filters ask. As in session_options, the caller excludes the session's own
        booking, so its present time counts as free.

        `sequence` None: a new session of the course (a make-up), numbered by its time among `course`.
        """
        prefs = Preferences(earliest=earliest, not_before=not_before, weekdays=weekdays)
        found: list[tuple[date, list[datetime]]] = []
        for day, starts in self._course_starts(sequence, minutes, course, spacing, prefs, last, starts_between):
            if not starts:
                continue
            if len(found) == days:
                return found, day
            found.append((day, [c.start for c in starts]))
        return found, None
