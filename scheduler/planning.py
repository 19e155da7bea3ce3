"""The feasibility rules of a clinic, as pure functions: can a session be here, then, with this nurse?

No ORM and no clock: callers load the rows (scheduler.selectors, bookings.selectors) into the plain
values below and pass "now" in when they need it. Each failure is a `Violation` named by one of the codes
in scheduler.error_codes. The series planner is built on these same functions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler import error_codes as codes


def _utc(instant: datetime) -> datetime:
    """The instant in UTC. Python compares and subtracts two datetimes sharing a tzinfo by their wall
    clocks (fold ignored), so across a DST change only UTC values give elapsed time and a true order."""
    return instant.astimezone(UTC)


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
    further than the longest booking in that list, so a look-up touches only nearby bookings. Starts and
    lengths are kept in UTC: bookings arrive both from the database (UTC) and from the desk (clinic zone).
    """

    def __init__(self, bookings: Iterable[Booking] = ()):
        self._by: dict[str, dict[int, list[Booking]]] = {"chair": {}, "nurse": {}, "patient": {}}
        self._starts: dict[str, dict[int, list[datetime]]] = {"chair": {}, "nurse": {}, "patient": {}}
        self._longest: dict[str, dict[int, timedelta]] = {"chair": {}, "nurse": {}, "patient": {}}
        for booking in bookings:
            self.add(booking)

    def add(self, booking: Booking) -> None:
        for kind, key in (("chair", booking.chair_id), ("nurse", booking.nurse_id), ("patient", booking.patient_id)):
            items = self._by[kind].setdefault(key, [])
            starts = self._starts[kind].setdefault(key, [])
            start = _utc(booking.start)
            at = bisect_left(starts, start)
            items.insert(at, booking)
            starts.insert(at, start)
            length = _utc(booking.end) - start
            self._longest[kind][key] = max(length, self._longest[kind].get(key, timedelta(0)))

    def overlapping(
        self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()
    ) -> list[Booking]:
        items = self._by[kind].get(key)
        if not items:
            return []
        start, end = _utc(start), _utc(end)
        longest = self._longest[kind][key]
        starts = self._starts[kind][key]
        hi = bisect_left(starts, end)
        found = []
        for i in range(hi - 1, -1, -1):
            booking = items[i]
            if starts[i] + longest <= start:
                break
            if _utc(booking.end) > start and booking.session_id not in exclude:
                found.append(booking)
        found.reverse()
        return found

    def near(
        self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()
    ) -> list[Booking]:
        """Bookings of `key` that start in [start, end)."""
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


def _inside_weekly(start: datetime, end: datetime, intervals: Iterable[WeeklyInterval], tz: ZoneInfo) -> bool:
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    day = local_start.date()
    if local_end.date() != day and not (local_end.date() == day + timedelta(days=1) and local_end.time() == time(0)):
        return False
    end_wall = local_end.time() if local_end.date() == day else time.max
    # Intervals that touch or overlap are one stretch: 08–12 and 12–18 are open 08–18 without a break.
    reach = local_start.time()
    for iv in sorted((iv for iv in intervals if iv.applies_on(day)), key=lambda iv: iv.start):
        if iv.start > reach:
            break
        if iv.end >= reach:
            reach = iv.end
            if end_wall <= reach:
                return True
    return False


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
