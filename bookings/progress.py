"""Course progress, "session k of n": the one computation the API and the staff pages both show.

`k` is the session the patient is at: the lowest-numbered session still to happen (booked, confirmed,
checked in or in the chair). A course with none left reads "c of n done". Pure over the sessions given;
`cycle_progress` reads the course's sessions through `cycle.sessions.all()`, so a prefetch serves it
without a query. A running course is *short* when fewer sessions hold their time than its target
(`cycle_sessions_short`): a cancelled or missed one may then be made up (bookings.services.make_up). So may
one of a course that ended on its own when its last pending session was cancelled or missed
(`reopens_for_make_up`): the make-up reopens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from bookings.models import OCCUPYING_STATUSES, CycleStatus, InfusionSession, SessionStatus, TreatmentCycle

#: The states of a session that is still to happen (or happening now). A tuple, compared with ==: a
#: status read from the database is a plain str, which a set of enum members would not find.
PENDING = (SessionStatus.BOOKED, SessionStatus.CONFIRMED, SessionStatus.CHECKED_IN, SessionStatus.IN_CHAIR)


class ProgressDict(TypedDict):
    completed: int
    total: int
    next_sequence: int | None
    label: str


@dataclass(frozen=True)
class Progress:
    completed: int
    total: int
    next_sequence: int | None

    @property
    def label(self) -> str:
        if self.next_sequence:
            return f"session {self.next_sequence} of {self.total}"
        return f"{self.completed} of {self.total} done"

    def as_dict(self) -> ProgressDict:
        return {
            "completed": self.completed,
            "total": self.total,
            "next_sequence": self.next_sequence,
            "label": self.label,
        }


def progress_of(*, sessions: Iterable[InfusionSession], total: int) -> Progress:
    """The progress of a course of `total` sessions, from its sessions (any order)."""
    completed = 0
    upcoming: list[int] = []
    for session in sessions:
        if session.status == SessionStatus.COMPLETED:
            completed += 1
        elif session.status in PENDING:
            upcoming.append(session.sequence)
    return Progress(completed=completed, total=total, next_sequence=min(upcoming) if upcoming else None)


def cycle_progress(*, cycle: TreatmentCycle) -> Progress:
    """The progress of `cycle`, read from its (ideally prefetched) sessions."""
    return progress_of(sessions=cycle.sessions.all(), total=cycle.session_count)


#: A course in these states is still under way: a missed session of it may be made up.
RUNNING = (CycleStatus.PLANNED, CycleStatus.ACTIVE)


def reopens_for_make_up(cycle: TreatmentCycle) -> bool:
    """Whether `cycle` ended on its own, its last pending session cancelled or missed with sessions done (it was
    settled `abandoned` with no reason; a course the desk or the patient ended has one): a make-up reopens it."""
    return cycle.status == CycleStatus.ABANDONED and not cycle.cancel_reason


def make_up_status(cycle: TreatmentCycle) -> str:
    """The course's status as the make-up rules read it: one that a make-up reopens counts as active."""
    return CycleStatus.ACTIVE if reopens_for_make_up(cycle) else cycle.status


def sessions_short_of(*, sessions: Iterable[InfusionSession], total: int, status: str) -> int:
    """How many sessions a running course lacks to reach its target: `total` less those booked, confirmed,
    checked in, in the chair or completed (0 for a course that has ended)."""
    if status not in RUNNING:
        return 0
    held = sum(1 for s in sessions if s.status in OCCUPYING_STATUSES)
    return max(0, total - held)


def cycle_sessions_short(*, cycle: TreatmentCycle) -> int:
    """sessions_short_of for `cycle` (one a make-up reopens counts), read from its (ideally prefetched) sessions."""
    return sessions_short_of(sessions=cycle.sessions.all(), total=cycle.session_count, status=make_up_status(cycle))
