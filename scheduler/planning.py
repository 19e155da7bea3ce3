"""The feasibility rules of a clinic, as pure functions: can a session be here, then, with this nurse?

No ORM and no clock: callers load the rows (scheduler.selectors, bookings.selectors) into the plain
values below and pass "now" in when they need it. Each failure is a `Violation` named by one of the codes
in scheduler.error_codes. The series planner is built on these same functions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler import error_codes as codes


def _utc(instant: datetime) -> datetime:
    """The instant in UTC. Python compares and subtracts two datetimes sharing a tzinfo by their wall
    clocks (fold ignored), so across a DST change only UTC values give elapsed time and a true order."""
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


# --- Values ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return _utc(self.start) < _utc(end) and _utc(start) < _utc(self.end)


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WeeklyInterval:
    """Wall-clock hours on one weekday (0 = Monday), optionally valid only between two dates."""

    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True, slots=True)
class ClinicRules:
    tz: ZoneInfo
    opening_hours: tuple[WeeklyInterval, ...]
    closures: tuple[Interval, ...] = ()
    nurse_max_concurrent: int = 3
    stagger: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Nurse:
    id: int
    shifts: tuple[WeeklyInterval, ...]
    time_off: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True)
class Booking:
    """A stored (or provisionally planned) session that holds a chair, a nurse and a patient."""

    start: datetime
    end: datetime
    chair_id: int
    nurse_id: int
    patient_id: int
    session_id: int | None = None


@dataclass(frozen=True, slots=True)
class Spacing:
    """How a course's sessions are spaced, from one session's start to the next one's."""

    min_gap: timedelta | None = None
    max_gap: timedelta | None = None
    min_gap_days: int | None = None
    max_gap_days: int | None = None
    consecutive_weekdays: bool = False
    window_days: int | None = None
    warn_window_days: int | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """One session of a series: its place in the course and its time."""

    sequence: int
    start: datetime
    end: datetime


class Occupancy:
    """The busy intervals of chairs, nurses and patients, indexed for overlap look-ups.

    Lists are kept sorted by start; an overlap search bisects to the query's end and walks back no
    further than the longest booking in that list, so a look-up touches only nearby bookings. Starts,
    ends and lengths are kept in UTC: bookings arrive both from the database (UTC) and from the desk
    (clinic zone).
    """

    KINDS = ("chair", "nurse", "patient")

    def __init__(self, bookings: Iterable[Booking] = ()):
        self._by: dict[str, dict[int, list[Booking]]] = {k: {} for k in self.KINDS}
        self._starts: dict[str, dict[int, list[datetime]]] = {k: {} for k in self.KINDS}
        self._ends: dict[str, dict[int, list[datetime]]] = {k: {} for k in self.KINDS}
        self._longest: dict[str, dict[int, timedelta]] = {k: {} for k in self.KINDS}
        #: (kind, key) whose bookings overlap one another (a nurse's do; a chair's or a patient's only in
        #: hand-made data): is_free() then walks instead of trusting the last booking alone.
        self._tangled: set[tuple[str, int]] = set()
        # Grouped by key in one pass; a key's sorted lists are built when first asked for (most patients
        # of a clinic's month never are).
        self._pending: dict[str, dict[int, list[Booking]]] = {k: {} for k in self.KINDS}
        chairs, nurses, patients = (self._pending[k] for k in self.KINDS)
        for booking in bookings:
            chairs.setdefault(booking.chair_id, []).append(booking)
            nurses.setdefault(booking.nurse_id, []).append(booking)
            patients.setdefault(booking.patient_id, []).append(booking)

    def _index(self, kind: str, key: int) -> None:
        pending = self._pending[kind].pop(key, None)
        if not pending:
            return
        # Built in one go (as _place_one would, appending in start order): a stable sort, then the lists.
        spans = sorted(((_utc(b.start), _utc(b.end), b) for b in pending), key=lambda t: t[0])
        starts = [s for s, _, _ in spans]
        ends = [e for _, e, _ in spans]
        self._by[kind][key] = [b for _, _, b in spans]
        self._starts[kind][key] = starts
        self._ends[kind][key] = ends
        self._longest[kind][key] = max(timedelta(0), *(e - s for s, e, _ in spans))
        if any(a > b for a, b in zip(ends, starts[1:], strict=False)):
            self._tangled.add((kind, key))

    def add(self, booking: Booking) -> None:
        for kind, key in (("chair", booking.chair_id), ("nurse", booking.nurse_id), ("patient", booking.patient_id)):
            self._index(kind, key)
            self._place_one(kind, key, booking)

    def _place_one(self, kind: str, key: int, booking: Booking) -> None:
        start, end = _utc(booking.start), _utc(booking.end)
        items = self._by[kind].setdefault(key, [])
        starts = self._starts[kind].setdefault(key, [])
        ends = self._ends[kind].setdefault(key, [])
        at = bisect_right(starts, start)
        if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            self._tangled.add((kind, key))
        items.insert(at, booking)
        starts.insert(at, start)
        ends.insert(at, end)
        longest = self._longest[kind]
        longest[key] = max(end - start, longest.get(key, timedelta(0)))

    def overlapping(
        self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()
    ) -> list[Booking]:
        if key in self._pending[kind]:
            self._index(kind, key)
        items = self._by[kind].get(key)
        if not items:
            return []
        start, end = _utc(start), _utc(end)
        longest = self._longest[kind][key]
        starts = self._starts[kind][key]
        ends = self._ends[kind][key]
        hi = bisect_left(starts, end)
        found = []
        for i in range(hi - 1, -1, -1):
            if starts[i] + longest <= start:
                break
            if ends[i] > start and items[i].session_id not in exclude:
                found.append(items[i])
        found.reverse()
        return found

    def is_free(self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()) -> bool:
        """No booking of `key` overlaps [start, end), for a kind whose bookings never overlap each other.

        Chairs and patients hold one session at a time (the database's exclusion constraints), so only
        the last booking starting before `end` can reach into the span: one bisection, no walk.
        """
        if key in self._pending[kind]:
            self._index(kind, key)
        if exclude or (kind, key) in self._tangled:
            return not self.overlapping(kind, key, start, end, exclude)
        starts = self._starts[kind].get(key)
        if not starts:
            return True
        i = bisect_left(starts, _utc(end)) - 1
        return i < 0 or self._ends[kind][key][i] <= _utc(start)

    def near(
        self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()
    ) -> list[Booking]:
        """Bookings of `key` that start in [start, end)."""
        if key in self._pending[kind]:
            self._index(kind, key)
        items = self._by[kind].get(key) or []
        starts = self._starts[kind].get(key) or []
        lo, hi = bisect_left(starts, _utc(start)), bisect_left(starts, _utc(end))
        return [b for b in items[lo:hi] if b.session_id not in exclude]


# --- Local time --------------------------------------------------------------------------------


class LocalTimeError(ValueError):
    def __init__(self, violation: Violation):
        super().__init__(violation.message)
        self.violation = violation


def localize(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as an aware instant.

    A time inside a spring-forward gap does not exist and is refused. A time that occurs twice (the
    fall-back hour) is taken at its first occurrence, the one still on daylight time (fold=0).
    """
    if local.tzinfo is not None:
        return local
    candidate = local.replace(tzinfo=tz, fold=0)
    round_trip = candidate.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local:
        raise LocalTimeError(
            Violation(
                codes.NONEXISTENT_LOCAL_TIME,
                f"{local:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip that hour.",
                {"local_time": local.isoformat(), "timezone": tz.key},
            )
        )
    return candidate


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def shift_wall_clock(instant: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """Move an instant by `delta` of wall-clock time, so 10:00 stays 10:00 across a DST change."""
    wall = instant.astimezone(tz).replace(tzinfo=None) + delta
    return localize(wall, tz)


def wall_clock_delta(old: datetime, new: datetime, tz: ZoneInfo) -> timedelta:
    return new.astimezone(tz).replace(tzinfo=None) - old.astimezone(tz).replace(tzinfo=None)


def next_weekday(day: date) -> date:
    step = {4: 3, 5: 2}.get(day.weekday(), 1)
    return day + timedelta(days=step)


# --- Single-session rules ----------------------------------------------------------------------


def _fmt(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


def _stretches(intervals: Iterable[WeeklyInterval], day: date) -> list[tuple[time, time]]:
    """The day's intervals merged: those that touch or overlap are one stretch (08–12 and 12–18 are 08–18)."""
    merged: list[tuple[time, time]] = []
    for iv in sorted((iv for iv in intervals if iv.applies_on(day)), key=lambda iv: iv.start):
        if merged and iv.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], iv.end))
        else:
            merged.append((iv.start, iv.end))
    return merged


def _inside_stretches(start: datetime, end: datetime, tz: ZoneInfo, stretches_of) -> bool:
    """[start, end) lies, in `tz`'s wall-clock time, inside one of the stretches of its day
    (`stretches_of(day)`); it may end exactly at midnight, not later."""
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    day = local_start.date()
    if local_end.date() != day and not (local_end.date() == day + timedelta(days=1) and local_end.time() == time(0)):
        return False
    end_wall = local_end.time() if local_end.date() == day else time.max
    begin = local_start.time()
    return any(a <= begin and end_wall <= b for a, b in stretches_of(day))


def _inside_weekly(start: datetime, end: datetime, intervals: Iterable[WeeklyInterval], tz: ZoneInfo) -> bool:
    return _inside_stretches(start, end, tz, lambda day: _stretches(intervals, day))


def check_opening_hours(start: datetime, end: datetime, rules: ClinicRules) -> Violation | None:
    if _inside_weekly(start, end, rules.opening_hours, rules.tz):
        return None
    return Violation(
        codes.OUTSIDE_HOURS,
        f"{_fmt(start, rules.tz)}–{end.astimezone(rules.tz):%H:%M} is not inside the clinic's opening hours.",
        {"starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )


def check_closures(start: datetime, end: datetime, rules: ClinicRules) -> Violation | None:
    for closure in rules.closures:
        if closure.overlaps(start, end):
            return Violation(
                codes.CLINIC_CLOSED,
                f"The clinic is closed from {_fmt(closure.start, rules.tz)} to {_fmt(closure.end, rules.tz)}.",
                {"closed_from": closure.start.isoformat(), "closed_until": closure.end.isoformat()},
            )
    return None


def check_chair(
    start: datetime, end: datetime, chair_id: int, occupancy: Occupancy, exclude: frozenset[int] = frozenset()
) -> Violation | None:
    clash = occupancy.overlapping("chair", chair_id, start, end, exclude)
    if not clash:
        return None
    return Violation(
        codes.CHAIR_CONFLICT,
        "That chair is already taken at this time.",
        {"chair": chair_id, "session": clash[0].session_id},
    )


def check_patient(
    start: datetime, end: datetime, patient_id: int, occupancy: Occupancy, exclude: frozenset[int] = frozenset()
) -> Violation | None:
    clash = occupancy.overlapping("patient", patient_id, start, end, exclude)
    if not clash:
        return None
    return Violation(
        codes.PATIENT_CONFLICT,
        "The patient already has a session at this time.",
        {"patient": patient_id, "session": clash[0].session_id},
    )


def check_nurse_on_shift(start: datetime, end: datetime, nurse: Nurse, tz: ZoneInfo) -> Violation | None:
    if not _inside_weekly(start, end, nurse.shifts, tz):
        return Violation(
            codes.NURSE_UNAVAILABLE,
            "The nurse is not on shift for the whole session.",
            {"nurse": nurse.id, "reason": "off_shift"},
        )
    for off in nurse.time_off:
        if off.overlaps(start, end):
            return Violation(
                codes.NURSE_UNAVAILABLE,
                "The nurse has time off then.",
                {"nurse": nurse.id, "reason": "time_off"},
            )
    return None


def peak_load(bookings: Sequence[Booking], start: datetime, end: datetime) -> tuple[int, datetime]:
    """The most of `bookings` running at one instant inside [start, end), and when that is."""
    events = []
    for b in bookings:
        events.append((max(b.start, start, key=_utc), 1))
        events.append((min(b.end, end, key=_utc), -1))
    events.sort(key=lambda e: (_utc(e[0]), e[1]))  # an end and a start at the same instant do not overlap
    load = peak = 0
    peak_at = start
    for at, step in events:
        load += step
        if load > peak:
            peak, peak_at = load, at
    return peak, peak_at


def check_nurse_capacity(
    start: datetime,
    end: datetime,
    nurse_id: int,
    occupancy: Occupancy,
    max_concurrent: int,
    exclude: frozenset[int] = frozenset(),
) -> Violation | None:
    concurrent = occupancy.overlapping("nurse", nurse_id, start, end, exclude)
    peak, peak_at = peak_load(concurrent, start, end)
    if peak + 1 <= max_concurrent:
        return None
    return Violation(
        codes.NURSE_CAPACITY,
        f"The nurse would watch {peak + 1} patients at once; the clinic allows {max_concurrent}.",
        {"nurse": nurse_id, "at": peak_at.isoformat(), "sessions": [b.session_id for b in concurrent]},
    )


def check_stagger(
    start: datetime, nurse_id: int, occupancy: Occupancy, stagger: timedelta, exclude: frozenset[int] = frozenset()
) -> Violation | None:
    if stagger <= timedelta(0):
        return None
    start = _utc(start)
    close = occupancy.near("nurse", nurse_id, start - stagger + timedelta(microseconds=1), start + stagger, exclude)
    if not close:
        return None
    minutes = int(stagger.total_seconds() // 60)
    return Violation(
        codes.STAGGER,
        f"The nurse already starts another infusion within {minutes} minutes of this one.",
        {"nurse": nurse_id, "session": close[0].session_id, "stagger_minutes": minutes},
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """A session asked for: its time, and the chair and nurse (None: let the rules choose)."""

    start: datetime
    end: datetime
    patient_id: int
    chair_id: int | None = None
    nurse_id: int | None = None


def site_violations(start: datetime, end: datetime, rules: ClinicRules) -> list[Violation]:
    """What is wrong with the time itself, whatever chair and nurse: hours and closures."""
    return [v for v in (check_opening_hours(start, end, rules), check_closures(start, end, rules)) if v]


def nurse_violations(
    start: datetime,
    end: datetime,
    nurse: Nurse,
    rules: ClinicRules,
    occupancy: Occupancy,
    exclude: frozenset[int] = frozenset(),
) -> list[Violation]:
    found = [
        check_nurse_on_shift(start, end, nurse, rules.tz),
        check_nurse_capacity(start, end, nurse.id, occupancy, rules.nurse_max_concurrent, exclude),
        check_stagger(start, nurse.id, occupancy, rules.stagger, exclude),
    ]
    return [v for v in found if v]


def choose_chair(
    start: datetime, end: datetime, chair_ids: Sequence[int], occupancy: Occupancy, exclude: frozenset[int] = frozenset()
) -> int | None:
    for chair_id in chair_ids:
        if check_chair(start, end, chair_id, occupancy, exclude) is None:
            return chair_id
    return None


def choose_nurse(
    start: datetime,
    end: datetime,
    nurses: Sequence[Nurse],
    rules: ClinicRules,
    occupancy: Occupancy,
    exclude: frozenset[int] = frozenset(),
) -> int | None:
    """The feasible nurse with the lightest load over the session, the first listed on a tie."""
    best: tuple[int, int] | None = None
    for order, nurse in enumerate(nurses):
        if nurse_violations(start, end, nurse, rules, occupancy, exclude):
            continue
        load, _ = peak_load(occupancy.overlapping("nurse", nurse.id, start, end, exclude), start, end)
        if best is None or (load, order) < best:
            best = (load, order)
    return nurses[best[1]].id if best else None


@dataclass(frozen=True, slots=True)
class Assignment:
    chair_id: int | None
    nurse_id: int | None
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


def place_session(
    placement: Placement,
    *,
    rules: ClinicRules,
    chair_ids: Sequence[int],
    nurses: Sequence[Nurse],
    occupancy: Occupancy,
    exclude: frozenset[int] = frozenset(),
) -> Assignment:
    """Check one session against every single-session rule, choosing a chair and a nurse where not given.

    `chair_ids` and `nurses` are the clinic's active ones; a chair or nurse named outside them is
    reported as a conflict on that resource. The first violation is the binding one.
    """
    start, end = placement.start, placement.end
    found = site_violations(start, end, rules)
    patient = check_patient(start, end, placement.patient_id, occupancy, exclude)
    if patient:
        found.append(patient)

    chair_id = placement.chair_id
    if chair_id is None:
        chair_id = choose_chair(start, end, chair_ids, occupancy, exclude)
        if chair_id is None:
            found.append(Violation(codes.CHAIR_CONFLICT, "No chair is free at this time.", {"chair": None}))
    elif chair_id not in chair_ids:
        found.append(
            Violation(
                codes.CHAIR_CONFLICT, "That chair is not in service at this clinic.", {"chair": chair_id, "reason": "inactive"}
            )
        )
    else:
        clash = check_chair(start, end, chair_id, occupancy, exclude)
        if clash:
            found.append(clash)

    nurse_id = placement.nurse_id
    by_id = {n.id: n for n in nurses}
    if nurse_id is None:
        nurse_id = choose_nurse(start, end, nurses, rules, occupancy, exclude)
        if nurse_id is None:
            found.append(_no_nurse_violation(start, end, nurses, rules, occupancy, exclude))
    elif nurse_id not in by_id:
        found.append(
            Violation(codes.NURSE_UNAVAILABLE, "That nurse is not scheduled at this clinic.", {"nurse": nurse_id})
        )
    else:
        found.extend(nurse_violations(start, end, by_id[nurse_id], rules, occupancy, exclude))
    return Assignment(chair_id, nurse_id, tuple(found))


def _no_nurse_violation(start, end, nurses, rules, occupancy, exclude) -> Violation:
    """Why no nurse fits. Stagger wins when some nurse is blocked by it alone (a few minutes' move would do);
    capacity when every nurse on shift is full; nurse_unavailable when nobody is on shift."""
    on_shift = [n for n in nurses if check_nurse_on_shift(start, end, n, rules.tz) is None]
    if not on_shift:
        return Violation(codes.NURSE_UNAVAILABLE, "No nurse is on shift for the whole session.", {"nurse": None})
    capacity_at = None
    for nurse in on_shift:
        found = nurse_violations(start, end, nurse, rules, occupancy, exclude)
        full = next((v for v in found if v.code == codes.NURSE_CAPACITY), None)
        if full is None:
            minutes = int(rules.stagger.total_seconds() // 60)
            return Violation(
                codes.STAGGER,
                f"The nurses on shift start other infusions within {minutes} minutes of this one; try a little earlier or later.",
                {"nurse": None, "stagger_minutes": minutes},
            )
        capacity_at = capacity_at or full.details["at"]
    return Violation(
        codes.NURSE_CAPACITY,
        "Every nurse on shift is watching as many patients as allowed.",
        {"nurse": None, "at": capacity_at},
    )


# --- Series rules ------------------------------------------------------------------------------


def check_spacing(slots: Sequence[Slot], spacing: Spacing, tz: ZoneInfo) -> tuple[list[Violation], list[Violation]]:
    """Spacing of a course's sessions, taken in sequence order. Returns (violations, warnings)."""
    ordered = sorted(slots, key=lambda s: s.sequence)
    violations: list[Violation] = []
    warnings: list[Violation] = []
    for a, b in pairwise(ordered):
        pair = {"sequences": [a.sequence, b.sequence]}
        gap = _utc(b.start) - _utc(a.start)  # elapsed hours, not wall-clock ones
        days = (local_date(b.start, tz) - local_date(a.start, tz)).days
        if _utc(b.start) < _utc(a.end):
            violations.append(Violation(
                codes.SPACING_TOO_CLOSE,
                f"Session {b.sequence} must come after session {a.sequence} has ended.",
                pair,
            ))
            continue
        if spacing.min_gap is not None and gap < spacing.min_gap:
            violations.append(Violation(
                codes.SPACING_TOO_CLOSE,
                f"Sessions {a.sequence} and {b.sequence} are {_hours(gap)} h apart; the protocol needs at least {_hours(spacing.min_gap)} h.",
                {**pair, "gap_hours": _hours(gap), "min_gap_hours": _hours(spacing.min_gap)},
            ))
        if spacing.min_gap_days is not None and days < spacing.min_gap_days:
            violations.append(Violation(
                codes.SPACING_TOO_CLOSE,
                f"Sessions {a.sequence} and {b.sequence} are {days} days apart; the protocol needs at least {spacing.min_gap_days}.",
                {**pair, "gap_days": days, "min_gap_days": spacing.min_gap_days},
            ))
        if spacing.max_gap is not None and gap > spacing.max_gap:
            violations.append(Violation(
                codes.SPACING_TOO_FAR,
                f"Sessions {a.sequence} and {b.sequence} are {_hours(gap)} h apart; the protocol allows at most {_hours(spacing.max_gap)} h.",
                {**pair, "gap_hours": _hours(gap), "max_gap_hours": _hours(spacing.max_gap)},
            ))
        if spacing.max_gap_days is not None and days > spacing.max_gap_days:
            violations.append(Violation(
                codes.SPACING_TOO_FAR,
                f"Sessions {a.sequence} and {b.sequence} are {days} days apart; the protocol allows at most {spacing.max_gap_days}.",
                {**pair, "gap_days": days, "max_gap_days": spacing.max_gap_days},
            ))
        if spacing.consecutive_weekdays:
            expected = next_weekday(local_date(a.start, tz))
            actual = local_date(b.start, tz)
            if actual != expected:
                violations.append(Violation(
                    codes.SPACING_TOO_CLOSE if actual < expected else codes.SPACING_TOO_FAR,
                    f"Session {b.sequence} must be on {expected:%a %Y-%m-%d}, the weekday after session {a.sequence}.",
                    {**pair, "expected_date": expected.isoformat()},
                ))
    if len(ordered) >= 2:
        first = min(local_date(s.start, tz) for s in ordered)
        last = max(local_date(s.start, tz) for s in ordered)
        span = (last - first).days + 1
        if spacing.window_days is not None and span > spacing.window_days:
            violations.append(Violation(
                codes.WINDOW_EXCEEDED,
                f"The course would take {span} days; the protocol fits it within {spacing.window_days}.",
                {"span_days": span, "window_days": spacing.window_days},
            ))
        elif spacing.warn_window_days is not None and span > spacing.warn_window_days:
            warnings.append(Violation(
                codes.WINDOW_WARNING,
                f"The course takes {span} days, longer than the {spacing.warn_window_days} days advised.",
                {"span_days": span, "warn_window_days": spacing.warn_window_days},
            ))
    return violations, warnings


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


# --- Whole series ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    sequence: int
    placement: Placement


@dataclass(frozen=True, slots=True)
class SeriesCheck:
    assignments: tuple[tuple[int, Assignment], ...]
    spacing_violations: tuple[Violation, ...]
    warnings: tuple[Violation, ...]

    @property
    def first_violation(self) -> tuple[int | None, Violation] | None:
        for sequence, assignment in self.assignments:
            if assignment.violations:
                return sequence, assignment.violations[0]
        if self.spacing_violations:
            return None, self.spacing_violations[0]
        return None


def check_series(
    requests: Sequence[SeriesRequest],
    *,
    others: Sequence[Slot] = (),
    spacing: Spacing,
    rules: ClinicRules,
    chair_ids: Sequence[int],
    nurses: Sequence[Nurse],
    occupancy: Occupancy,
    exclude: frozenset[int] = frozenset(),
) -> SeriesCheck:
    """Place several sessions of one course together, each seeing the ones placed before it.

    `others` are the course's sessions that stay where they are; spacing is checked over all of them.
    `occupancy` gains the placed sessions (the caller passes a copy it may spend).
    """
    assignments = []
    for request in sorted(requests, key=lambda r: r.placement.start):
        assignment = place_session(
            request.placement, rules=rules, chair_ids=chair_ids, nurses=nurses, occupancy=occupancy, exclude=exclude
        )
        assignments.append((request.sequence, assignment))
        if assignment.chair_id is not None and assignment.nurse_id is not None:
            p = request.placement
            occupancy.add(Booking(p.start, p.end, assignment.chair_id, assignment.nurse_id, p.patient_id, None))
    slots = [*others, *(Slot(r.sequence, r.placement.start, r.placement.end) for r in requests)]
    violations, warnings = check_spacing(slots, spacing, rules.tz)
    assignments.sort(key=lambda a: a[0])
    return SeriesCheck(tuple(assignments), tuple(violations), tuple(warnings))


# --- Series planner ----------------------------------------------------------------------------
#
# Sessions start on a grid (every `step`, from each opening interval's start) and each candidate is
# judged by place_session's own rules, so whatever the planner proposes the booking service accepts.
# A day's candidates are computed once per call and shared by every branch of the search.


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
    ):
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
        self._rejections: dict[tuple[date, int], Counter] = {}
        self.spacing_failures: Counter = Counter()
        self._shift_cache: dict[int, dict[date, list[tuple[time, time]]]] = {}

    # --- One day ---------------------------------------------------------------------------------

    def grid(self, day: date, minutes: int) -> list[tuple[datetime, datetime]]:
        """Every start on the step grid of the day's opening hours at which `minutes` fit before closing."""
        spans = sorted(
            (iv.start, iv.end) for iv in self.rules.opening_hours if iv.applies_on(day)
        )
        merged: list[list[time]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        length = timedelta(minutes=minutes)
        # On the day the clocks change, a stretch of wall-clock hours lasts an hour more or less than it
        # reads: count the wall clock with that much slack, then keep the starts whose real end is in hours.
        slack = abs(
            self.tz.utcoffset(datetime.combine(day + timedelta(days=1), time.min))
            - self.tz.utcoffset(datetime.combine(day, time.min))
        )
        out = []
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
            found, rejected = [], Counter()
            grid = self.grid(day, minutes)
            starts = [start for start, _ in grid]
            lo, hi = min(starts, default=None), max((end for _, end in grid), default=None)  # None: no grid
            chairs_until = self._free_until("chair", self.chair_ids, starts, lo, hi)
            patient_until = (
                self._free_until("patient", (self.patient_id,), starts, lo, hi) if self.patient_id is not None else None
            )
            for i, (start, end) in enumerate(grid):
                code = self.refusal(
                    start, end, patient_free=patient_until is None or patient_until[i] >= end,
                    chair_free=chairs_until[i] >= end,
                )
                if code:
                    rejected[code] += 1
                    continue
                found.append(
                    _Candidate(start, end, day, start.astimezone(self.tz).time(), end.astimezone(self.tz).time())
                )
            self._days[key] = found
            self._rejections[key] = rejected
        if prefs is None:
            return found
        return [c for c in found if self._wanted(c, prefs)]

    def _free_until(self, kind: str, keys: Iterable[int], starts: list[datetime], lo: datetime | None,
                    hi: datetime | None) -> list[datetime]:
        """For each of `starts` (UTC, inside [lo, hi)), how long some key of `keys` stays free from it, up to `hi`.

        A day's sweep instead of a bisection per key and start: [s, e) overlaps none of a key's bookings
        exactly when e is at most the earliest start among the bookings that end after s.
        """
        best = list(starts)  # free for no time at all
        if not starts:
            return best
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
                chair_free: bool | None = None) -> str | None:
        """The code of the first rule that refuses a session at this time whatever chair and nurse, or None.

        Starts come from grid(), inside the opening hours by construction: only closures are checked here.
        `patient_free` and `chair_free` are the answers of day_candidates' sweep, when it has them.
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
        seen = []
        for nurse in self.nurses:
            code = self._nurse_refusal(nurse, start, end)
            if code is None:
                return None
            seen.append(code)
        return next((c for c in (codes.STAGGER, codes.NURSE_CAPACITY) if c in seen), codes.NURSE_UNAVAILABLE)

    def _nurse_refusal(self, nurse: Nurse, start: datetime, end: datetime) -> str | None:
        """nurse_violations' first code, with the nurse's merged shifts of the day computed once per day."""
        shifts = self._shift_cache.setdefault(nurse.id, {})

        def stretches_of(day):
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

        Among free chairs the one whose neighbouring sessions leave the smallest idle gap wins (a compact
        day); among free nurses the least loaded, then the one whose other starts are furthest away.
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
        chair = prefs.chair_id if prefs and prefs.chair_id in chairs else min(chairs, key=lambda c: (self._idle(c, start, end), chairs.index(c)))
        nurse = prefs.nurse_id if prefs and prefs.nurse_id in nurses else nurses[0]
        return chair, nurse, None

    def free_chairs(self, start: datetime, end: datetime) -> list[int]:
        return [c for c in self.chair_ids if self.occupancy.is_free("chair", c, start, end, self.exclude)]

    def free_nurses(self, start: datetime, end: datetime) -> tuple[list[int], str]:
        """Nurses who may take the session, best first, or none and the code of what stopped them."""
        ranked, codes_seen = [], []
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

    def _idle(self, chair_id: int, start: datetime, end: datetime) -> float:
        """Idle seconds between this session and the chair's nearest session the same day (∞ if none)."""
        day = start.astimezone(self.tz).date()
        window_start = datetime.combine(day, time.min, self.tz)
        window_end = window_start + timedelta(days=1)
        best = float("inf")
        for b in self.occupancy.overlapping("chair", chair_id, window_start, window_end, self.exclude):
            gap = (_utc(start) - _utc(b.end)) if _utc(b.end) <= _utc(start) else (_utc(b.start) - _utc(end))
            best = min(best, gap.total_seconds())
        return best

    def _start_distance(self, nurse_id: int, start: datetime) -> float:
        near = self.occupancy.near("nurse", nurse_id, start - timedelta(hours=2), start + timedelta(hours=2), self.exclude)
        if not near:
            return float("inf")
        return min(abs((_utc(b.start) - _utc(start)).total_seconds()) for b in near)

    def availability(self, day: date, minutes: int, not_before: datetime | None = None) -> list[AvailableSlot]:
        """Every start of the day (after `not_before`) at which a session of `minutes` could begin, with all
        its free chairs and nurses."""
        slots = []
        for start, end in self.grid(day, minutes):
            if not_before is not None and start <= not_before:
                continue
            if check_closures(start, end, self.rules):  # the grid keeps inside the opening hours
                continue
            if self.patient_id is not None and not self.occupancy.is_free("patient", self.patient_id, start, end, self.exclude):
                continue
            chairs = self.free_chairs(start, end)
            if not chairs:
                continue
            nurses = tuple(sorted(n.id for n in self.nurses if self._nurse_refusal(n, start, end) is None))
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
        windows = [target] if target is not None and (hard is None or target < hard) else []
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
        failed: set = set()
        for day in self._days_from(prefs.earliest, last_first, prefs):
            for first in self.day_candidates(day, spec.minutes_for(1), prefs):
                self._budget = budget
                chosen = self._extend(spec, prefs, window, [first], failed)
                if chosen:
                    return Proposal(tuple(self._planned(k, c, prefs) for k, c in enumerate(chosen, start=1)))
        if self.last_day is not None and last_first > self.last_day:
            self.truncated = True
        return None

    def _planned(self, sequence: int, c: _Candidate, prefs: Preferences) -> PlannedSession:
        chair_id, nurse_id, code = self.assign(c.start, c.end, prefs)
        assert code is None, code  # the candidate passed refusal() against the same occupancy
        return PlannedSession(sequence, c.start, c.end, chair_id, nurse_id)

    def _extend(self, spec, prefs, window, chosen: list[_Candidate], failed: set) -> list[_Candidate] | None:
        k = len(chosen) + 1
        if k > spec.count:
            return chosen
        prev, first = chosen[-1], chosen[0]
        key = (k, prev.start, first.day, window)
        if key in failed:
            return None
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
        cut = self.last_day is not None and last > self.last_day
        for day in self._days_from(start_day, last, prefs):
            options = self.day_candidates(day, spec.minutes_for(k), prefs)
            usable = [c for c in options if self._pair_ok(prev, c, sp)]
            if options and not usable:
                self.spacing_failures[codes.SPACING_TOO_CLOSE] += 1
            for candidate in usable:
                self._budget -= 1
                if self._budget <= 0:
                    return None
                found = self._extend(spec, prefs, window, [*chosen, candidate], failed)
                if found:
                    return found
        if cut:
            self.truncated = True
        failed.add(key)
        return None

    def _pair_ok(self, a: _Candidate, b: _Candidate, sp: Spacing) -> bool:
        """The spacing rules of check_spacing for one consecutive pair, without building messages."""
        if b.start < a.end:
            return False
        # The series' own sessions are not in the occupancy and may share a nurse: keep their starts a
        # stagger apart, or the booking service would refuse the later one (only very short sessions care).
        if b.start - a.start < self.rules.stagger:
            return False
        gap = b.start - a.start
        days = (b.day - a.day).days
        if sp.min_gap is not None and gap < sp.min_gap:
            return False
        if sp.min_gap_days is not None and days < sp.min_gap_days:
            return False
        if sp.max_gap is not None and gap > sp.max_gap:
            return False
        if sp.max_gap_days is not None and days > sp.max_gap_days:
            return False
        return not (sp.consecutive_weekdays and b.day != next_weekday(a.day))

    # --- Alternatives, explanations, single sessions -------------------------------------------

    def alternatives(self, spec: SeriesSpec, prefs: Preferences, primary: Proposal, count: int = 3) -> list[Proposal]:
        """Up to `count` further distinct series: another time of day, other weekdays, a later start."""
        first = primary.sessions[0]
        noon = time(12, 0)
        variants = []
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
        total: Counter = Counter()
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
        sequence: int,
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
        booking from the occupancy so its present time counts as free.
        """
        prefs = Preferences(earliest=earliest, not_before=not_before)
        others = [s for s in course if s.sequence != sequence]
        found = []
        for day in self._days_from(earliest, earliest + timedelta(days=days), prefs):
            for c in self.day_candidates(day, minutes, prefs):
                violations, _ = check_spacing([*others, Slot(sequence, c.start, c.end)], spacing, self.tz)
                if violations:
                    continue
                found.append(self._planned(sequence, c, prefs))
                if len(found) >= count:
                    return found
        return found
