"""The single-session rules: hours, closures, chair, patient, nurse shift, capacity and stagger, and
`place_session`, which checks them all and chooses a chair and a nurse where none is given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.clock import format_clock
from scheduler import error_codes as codes
from scheduler.planning.localtime import _inside_weekly
from scheduler.planning.occupancy import Occupancy
from scheduler.planning.values import Booking, ClinicRules, Nurse, Violation, _utc


def _fmt(instant: datetime, tz: ZoneInfo, clock_format: str) -> str:
    local = instant.astimezone(tz)
    return f"{local:%a %Y-%m-%d} {format_clock(local, clock_format)}"


def check_opening_hours(start: datetime, end: datetime, rules: ClinicRules) -> Violation | None:
    if _inside_weekly(start, end, rules.opening_hours, rules.tz):
        return None
    return Violation(
        codes.OUTSIDE_HOURS,
        f"{_fmt(start, rules.tz, rules.clock)}–{format_clock(end.astimezone(rules.tz), rules.clock)} is not inside the "
        "clinic's opening hours.",
        {"starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )


def check_closures(start: datetime, end: datetime, rules: ClinicRules) -> Violation | None:
    for closure in rules.closures:
        if closure.overlaps(start, end):
            return Violation(
                codes.CLINIC_CLOSED,
                f"The clinic is closed from {_fmt(closure.start, rules.tz, rules.clock)} to "
                f"{_fmt(closure.end, rules.tz, rules.clock)}.",
                {"closed_from": closure.start.isoformat(), "closed_until": closure.end.isoformat()},
            )
    return None


def check_chair_closures(start: datetime, end: datetime, chair_id: int, rules: ClinicRules) -> Violation | None:
    """The chair is out of service (a closure of that chair) during [start, end)."""
    for closure in rules.chair_closures:
        if closure.chair_id == chair_id and closure.overlaps(start, end):
            return Violation(
                codes.CHAIR_OUT_OF_SERVICE,
                f"The chair is out of service from {_fmt(closure.start, rules.tz, rules.clock)} to {_fmt(closure.end, rules.tz, rules.clock)}"
                + (f": {closure.reason}." if closure.reason else "."),
                {"chair": chair_id, "out_of_service_from": closure.start.isoformat(),
                 "out_of_service_until": closure.end.isoformat()},
            )
    return None


def check_chair(
    start: datetime, end: datetime, chair_id: int, occupancy: Occupancy, exclude: frozenset[int] = frozenset()
) -> Violation | None:
    clash = occupancy.overlapping("chair", chair_id, start, end, exclude)
    if not clash:
        return None
    closed = next((b for b in clash if b.out_of_service), None)
    if closed is not None:
        return Violation(
            codes.CHAIR_OUT_OF_SERVICE,
            "That chair is out of service at this time.",
            {"chair": chair_id, "out_of_service_from": closed.start.isoformat(), "out_of_service_until": closed.end.isoformat()},
        )
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
    events: list[tuple[datetime, int]] = []
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


#: How a free chair is chosen for a session (chair_by_strategy); "compact" is the clinics' default.
CHAIR_STRATEGIES = ("compact", "first", "spread")


def chair_by_strategy(
    strategy: str,
    chairs: Sequence[int],
    start: datetime,
    end: datetime,
    occupancy: Occupancy,
    exclude: frozenset[int],
    tz: ZoneInfo,
) -> int:
    """The free chair (of `chairs`, non-empty) the strategy picks, the first listed on a tie.

    "compact" (best fit): the smallest idle gap to the chair's nearest session that day, so free time stays in
    long stretches; "first": the first free chair in the clinic's order (fills chair 1, then chair 2, ...);
    "spread": the chair with the fewest booked minutes that day (evens out wear and cleaning).
    """
    if strategy == "first":
        return chairs[0]
    day = start.astimezone(tz).date()
    day_start = datetime.combine(day, time.min, tz)
    day_end = day_start + timedelta(days=1)

    def that_day(chair_id: int) -> list[Booking]:
        return list(occupancy.overlapping("chair", chair_id, day_start, day_end, exclude))

    def booked(chair_id: int) -> float:
        return sum((_utc(b.end) - _utc(b.start)).total_seconds() for b in that_day(chair_id))

    def idle(chair_id: int) -> float:
        """Idle seconds between this session and the chair's nearest session the same day (∞ if none)."""
        best = float("inf")
        for b in that_day(chair_id):
            gap = (_utc(start) - _utc(b.end)) if _utc(b.end) <= _utc(start) else (_utc(b.start) - _utc(end))
            best = min(best, gap.total_seconds())
        return best

    order = {c: i for i, c in enumerate(chairs)}
    if strategy == "spread":
        return min(chairs, key=lambda c: (booked(c), order[c]))
    return min(chairs, key=lambda c: (idle(c), order[c]))


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
            found.append(no_nurse_violation(start, end, nurses, rules, occupancy, exclude))
    elif nurse_id not in by_id:
        found.append(
            Violation(codes.NURSE_UNAVAILABLE, "That nurse is not scheduled at this clinic.", {"nurse": nurse_id})
        )
    else:
        found.extend(nurse_violations(start, end, by_id[nurse_id], rules, occupancy, exclude))
    return Assignment(chair_id, nurse_id, tuple(found))


def no_nurse_violation(
    start: datetime,
    end: datetime,
    nurses: Sequence[Nurse],
    rules: ClinicRules,
    occupancy: Occupancy,
    exclude: frozenset[int],
) -> Violation:
    """Why no nurse fits. Stagger wins when some nurse is blocked by it alone (a few minutes' move would do);
    capacity when every nurse on shift is full; nurse_unavailable when nobody is on shift."""
    on_shift = [n for n in nurses if check_nurse_on_shift(start, end, n, rules.tz) is None]
    if not on_shift:
        return Violation(codes.NURSE_UNAVAILABLE, "No nurse is on shift for the whole session.", {"nurse": None})
    capacity_at: str | None = None
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
