"""Checking a whole course at once: each session placed seeing the ones before it, then the spacing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.planning.occupancy import Occupancy
from scheduler.planning.rules import Assignment, Placement, place_session
from scheduler.planning.spacing import check_spacing
from scheduler.planning.values import Booking, ClinicRules, Nurse, Slot, Spacing, Violation


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
    assignments: list[tuple[int, Assignment]] = []
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
