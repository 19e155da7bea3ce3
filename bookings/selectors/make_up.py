"""Make-up sessions, read side: whether a course may have one (the refusal the service, the API and the desk
share), and the free times for one (options and a slot grid of "a new session of this course").

A make-up is numbered by its time among the course's kept sessions (planning.numbered_by_time): see
bookings.services.make_up for why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from bookings import error_codes as codes
from bookings.models import MISSED_STATUSES, OCCUPYING_STATUSES, InfusionSession, TreatmentCycle
from bookings.progress import RUNNING, make_up_status, sessions_short_of
from bookings.selectors.proposals import SlotFilters, SlotGrid, _option_dates, _planner, slot_grid
from common.errors import ApplicationError
from scheduler import planning
from scheduler.selectors import protocol_spacing


def _refusal(code: str, message: str, **details) -> ApplicationError:
    return ApplicationError(code, message, details=details, status=codes.http_status(code))


def make_up_refusal(
    *, cycle: TreatmentCycle, sessions: Sequence[InfusionSession], replaces: InfusionSession | None = None
) -> ApplicationError | None:
    """Why `cycle` (with all its `sessions`) cannot have a make-up session (replacing `replaces`, when given);
    None when it can. One home for these rules: the service raises it under its locks, the options and the
    desk show it."""
    status = make_up_status(cycle)  # a course that ended on its own, its last session missed, may be reopened
    if status not in RUNNING:
        return _refusal(codes.COURSE_ENDED, f"This course is {cycle.get_status_display().lower()}: nothing can be added to it.",
                        cycle=cycle.pk, status=cycle.status)
    short = sessions_short_of(sessions=sessions, total=cycle.session_count, status=status)
    if short == 0:
        return _refusal(codes.COURSE_NOT_SHORT, f"The course holds all {cycle.session_count} of its sessions.",
                        cycle=cycle.pk, session_count=cycle.session_count)
    if replaces is not None:
        if replaces.cycle_id != cycle.pk:
            return _refusal(codes.NOT_IN_COURSE, "That session belongs to another course.", replaces=replaces.pk)
        if replaces.status not in MISSED_STATUSES:
            return _refusal(codes.NOT_MISSED, "Only a cancelled or missed session can be made up.",
                            replaces=replaces.pk, status=replaces.status)
        made_up = next((s.pk for s in sessions if s.made_up_for_id == replaces.pk and s.status in OCCUPYING_STATUSES), None)
        if made_up is not None:
            return _refusal(codes.ALREADY_MADE_UP, "That session has been made up already.",
                            replaces=replaces.pk, session=made_up)
    if not any(s.sequence == 1 and s.status in OCCUPYING_STATUSES for s in sessions):
        return _refusal(codes.FIRST_VISIT_MISSED,
                        "The course's first visit was missed: cancel the course and book it again rather than add a session.",
                        cycle=cycle.pk)
    return None


def make_up_candidates(*, cycle: TreatmentCycle, sessions: Sequence[InfusionSession]) -> list[InfusionSession]:
    """The missed sessions of a course that no make-up replaces yet, in course order: what a make-up may replace."""
    replaced = {s.made_up_for_id for s in sessions if s.made_up_for_id and s.status in OCCUPYING_STATUSES}
    return [s for s in sessions if s.status in MISSED_STATUSES and s.pk not in replaced]


def kept_slots(sessions: Sequence[InfusionSession]) -> list[planning.Slot]:
    """The course's sessions that hold their time, as the planner reads a course."""
    return [planning.Slot(s.sequence, s.starts_at, s.ends_at) for s in sessions if s.status in OCCUPYING_STATUSES]


def make_up_minutes(cycle: TreatmentCycle) -> int:
    """A make-up's chair time: never the first visit's (make_up_refusal keeps the first visit held)."""
    return cycle.protocol.chair_minutes_for(2)


def _ensure_possible(cycle: TreatmentCycle) -> list[InfusionSession]:
    sessions = list(cycle.sessions.all())
    refusal = make_up_refusal(cycle=cycle, sessions=sessions)
    if refusal is not None:
        raise refusal
    return sessions


def _window_closed(cycle: TreatmentCycle) -> ApplicationError:
    return _refusal(codes.MAKE_UP_WINDOW_CLOSED,
                    "No date is left on which a make-up keeps the course within its spacing and window.", cycle=cycle.pk)


def make_up_options(
    *, cycle: TreatmentCycle, count: int = 5, earliest: dt.date | None = None
) -> list[planning.PlannedSession]:
    """The next free times for a make-up session of `cycle` that keep the whole course valid, each numbered as
    it would be. Refused as the service refuses (make_up_refusal); `make_up_window_closed` when the course's
    spacing and window leave no date from today on. An empty list: no free time in the dates left."""
    sessions = _ensure_possible(cycle)
    clinic = cycle.clinic
    now = timezone.now()
    minutes = make_up_minutes(cycle)
    spacing = protocol_spacing(cycle.protocol)
    others = kept_slots(sessions)
    window = planning.new_session_window(minutes, others, spacing, clinic.tz)
    if window.last is not None and (
        (window.first is not None and window.first > window.last) or window.last < planning.local_date(now, clinic.tz)
    ):
        raise _window_closed(cycle)
    first, last = _option_dates(clinic, window, earliest, now)
    if last < first:
        if earliest is None:
            raise _window_closed(cycle)
        return []
    planner, _ = _planner(clinic, cycle.patient_id, first, last)
    return planner.session_options(None, minutes, others, spacing, earliest=first, not_before=now, count=count,
                                   days=(last - first).days)


def make_up_slot_grid(*, cycle: TreatmentCycle, filters: SlotFilters | None = None) -> SlotGrid:
    """A slot grid for a make-up session of `cycle` (slot_grid for a new session of the course)."""
    sessions = _ensure_possible(cycle)
    return slot_grid(clinic=cycle.clinic, protocol=cycle.protocol, patient_id=cycle.patient_id, sequence=None,
                     others=kept_slots(sessions), filters=filters or SlotFilters())
