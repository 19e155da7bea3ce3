"""Planning reads: a course's proposal, a day's free start times, one session's next free times and slot grid.

Each loads the clinic's calendar (5 queries) and the busy intervals of its window (1 query), then
plans in memory: the query count does not depend on how many sessions are stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone

from bookings import error_codes as booking_codes
from bookings.models import (
    OCCUPYING_STATUSES,
    UPCOMING_STATUSES,
    InfusionSession,
    Patient,
    SessionStatus,
    transition_refusal,
)
from bookings.selectors.occupancy import occupancy_load
from common.errors import ApplicationError
from scheduler import planning
from scheduler.models import Chair, Clinic, Protocol, StaffMember
from scheduler.selectors import ClinicCalendar, clinic_calendar_load, protocol_ensure_offered, protocol_spacing

#: How many days past the first session's horizon a course may run (the longest protocol window, 28 days,
#: and room for spacing beyond it).
_SERIES_SPAN_DAYS = 42
#: The bookings a proposal loads first (see cycle_proposal).
_FIRST_LOAD_DAYS = 35
#: The most clinic dates one session's options are looked for on (about three months, as far as a proposal
#: looks further on). Binds only where the spacing leaves the window open (a last session without a largest
#: gap or a window, a one-session course) or reaching far: a later `earliest` looks further.
OPTIONS_MAX_DAYS = 92


@dataclass
class CycleProposal:
    sessions: tuple[planning.PlannedSession, ...]
    warnings: tuple[planning.Violation, ...]
    alternatives: list[planning.Proposal]


def _series_spec(protocol: Protocol) -> planning.SeriesSpec:
    return planning.SeriesSpec(
        count=protocol.session_count,
        minutes=protocol.chair_minutes,
        spacing=protocol_spacing(protocol),
        first_extra_minutes=protocol.first_visit_extra_minutes,
        target_window_days=protocol.target_window_days,
    )


def _day_bounds(clinic: Clinic, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants safely around the clinic-local days first..last (a day either side for zone edges)."""
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time.min, clinic.tz).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time.min, clinic.tz).astimezone(dt.UTC)
    return start, end


def _planner(clinic: Clinic, patient_id: int | None, first: dt.date, last: dt.date, *, exclude=frozenset(),
             calendar: ClinicCalendar | None = None) -> tuple[planning.SeriesPlanner, ClinicCalendar]:
    window_start, window_end = _day_bounds(clinic, first, last)
    calendar = calendar or clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
    occupancy = occupancy_load(
        clinic_id=clinic.pk, patient_id=patient_id, window_start=window_start, window_end=window_end,
    ).block_chairs(calendar.rules.chair_closures)
    planner = planning.SeriesPlanner(
        rules=calendar.rules, chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy,
        patient_id=patient_id, exclude=exclude, last_day=last, chair_strategy=settings.PLANNER_CHAIR_STRATEGY,
    )
    return planner, calendar


def cycle_proposal(
    *,
    patient: Patient,
    protocol: Protocol,
    clinic: Clinic,
    earliest_date: dt.date,
    weekdays: frozenset[int] | None = None,
    time_from: dt.time | None = None,
    time_to: dt.time | None = None,
    chair: Chair | None = None,
    nurse: StaffMember | None = None,
    alternatives: int = 3,
) -> CycleProposal:
    """The earliest series that fits, and up to `alternatives` others; nothing is stored.

    Raises ApplicationError("no_feasible_series") naming the binding rule, the dates where it bound and
    the earliest date from which a series would fit (looked for up to three months further on).
    """
    protocol_ensure_offered(protocol=protocol, clinic=clinic)
    now = timezone.now()
    earliest = max(earliest_date, planning.local_date(now, clinic.tz))
    spec = _series_spec(protocol)
    prefs = planning.Preferences(
        earliest=earliest, not_before=now, weekdays=weekdays, time_from=time_from, time_to=time_to,
        chair_id=chair.pk if chair else None, nurse_id=nurse.pk if nurse else None,
    )
    horizon = planning.SeriesPlanner.FIRST_HORIZON_DAYS
    later_first = earliest + dt.timedelta(days=horizon + 1)
    later_last = later_first + dt.timedelta(days=90 + _SERIES_SPAN_DAYS)
    # One calendar for both the search and, should it fail, the look further on (closures and time off are few).
    calendar_start, _ = _day_bounds(clinic, earliest, earliest)
    _, calendar_end = _day_bounds(clinic, later_last, later_last)
    calendar = clinic_calendar_load(clinic=clinic, window_start=calendar_start, window_end=calendar_end)

    # Most courses start within days: plan on five weeks of bookings first, and load the whole horizon only
    # when a branch that found nothing was cut short by those five weeks.
    planner, _ = _planner(clinic, patient.pk, earliest, earliest + dt.timedelta(days=_FIRST_LOAD_DAYS), calendar=calendar)
    primary = planner.propose(spec, prefs)
    if primary is None or planner.truncated:
        planner, _ = _planner(clinic, patient.pk, earliest, earliest + dt.timedelta(days=horizon + _SERIES_SPAN_DAYS),
                              calendar=calendar)
        primary = planner.propose(spec, prefs)
    if primary is not None:
        return CycleProposal(primary.sessions, primary.warnings, planner.alternatives(spec, prefs, primary, alternatives))

    why = planner.explain(spec, prefs)
    further, _ = _planner(clinic, patient.pk, later_first, later_last, calendar=calendar)
    further.FIRST_HORIZON_DAYS = 90
    found = further.propose(spec, replace(prefs, earliest=later_first))
    earliest_fit = planning.local_date(found.sessions[0].start, clinic.tz) if found else None
    raise ApplicationError(
        "no_feasible_series",
        why.message + (f" The earliest a series would fit starts {earliest_fit:%a %Y-%m-%d}." if earliest_fit else ""),
        details={
            "reason": why.reason,
            "dates": [d.isoformat() for d in why.dates],
            "earliest_date": earliest_fit.isoformat() if earliest_fit else None,
        },
        status=409,
    )


def day_availability(
    *, clinic: Clinic, protocol: Protocol, day: dt.date, patient: Patient | None = None, first_visit: bool = False
) -> list[planning.AvailableSlot]:
    """Every start time on `day` at which a session of the protocol could begin, with the free chairs and nurses."""
    protocol_ensure_offered(protocol=protocol, clinic=clinic)
    planner, _ = _planner(clinic, patient.pk if patient else None, day, day)
    minutes = protocol.chair_minutes_for(1 if first_visit else 2)
    return planner.availability(day, minutes, not_before=timezone.now())


def _ensure_movable(session: InfusionSession) -> None:
    """A session that is not booked or confirmed cannot move: refused as the reschedule service refuses it."""
    if session.status not in UPCOMING_STATUSES:
        raise ApplicationError(
            booking_codes.INVALID_TRANSITION,
            transition_refusal(SessionStatus(session.status).label.lower(), "move"),
            details={"session": session.pk, "status": session.status, "action": "move"},
            status=booking_codes.http_status(booking_codes.INVALID_TRANSITION),
        )


def _course_others(session: InfusionSession) -> list[planning.Slot]:
    """The other sessions of the session's course that hold their time (one query)."""
    return [
        planning.Slot(s.sequence, s.starts_at, s.ends_at)
        for s in InfusionSession.objects.filter(cycle_id=session.cycle_id, status__in=OCCUPYING_STATUSES).exclude(pk=session.pk)
    ]


def _option_dates(clinic: Clinic, window: planning.SessionWindow, earliest: dt.date | None,
                  now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The clinic dates one session's times are looked for on: the spacing's window from today or `earliest`,
    at most OPTIONS_MAX_DAYS of them (`last < first`: none)."""
    first = max(d for d in (planning.local_date(now, clinic.tz), earliest, window.first) if d is not None)
    last = first + dt.timedelta(days=OPTIONS_MAX_DAYS - 1)
    if window.last is not None:
        last = min(last, window.last)
    return first, last


def session_options(
    *, session: InfusionSession, count: int = 5, earliest: dt.date | None = None
) -> list[planning.PlannedSession]:
    """The next free times for one session that keep its course valid (its own time counts as free).

    The search runs over the dates the course's spacing leaves the session (planning.session_window: after
    the session before it, before the one after it, inside the protocol's window), from today or `earliest`
    (a clinic date) if later, and at most OPTIONS_MAX_DAYS days from its first day: that many days of
    bookings are loaded in one query, so the cost is fixed. An empty list: no time in that range keeps the
    course valid (or `earliest` is past the window's end). A session that is not booked or confirmed cannot
    move: ApplicationError("invalid_transition"), as the reschedule service answers.
    """
    _ensure_movable(session)
    protocol = session.cycle.protocol
    clinic = session.clinic
    now = timezone.now()
    minutes = protocol.chair_minutes_for(session.sequence)
    spacing = protocol_spacing(protocol)
    others = _course_others(session)
    first, last = _option_dates(clinic, planning.session_window(session.sequence, minutes, others, spacing, clinic.tz),
                                earliest, now)
    if last < first:
        return []
    planner, _ = _planner(clinic, session.patient_id, first, last, exclude=frozenset({session.pk}))
    return planner.session_options(
        session.sequence, minutes, others, spacing, earliest=first, not_before=now, count=count, days=(last - first).days,
    )


#: The desk's time-of-day filters: local start times from (inclusive) to (exclusive).
DAY_PARTS: dict[str, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(0), dt.time(12)),
    "afternoon": (dt.time(12), dt.time(17)),
    "evening": (dt.time(17), dt.time.max),
}


@dataclass(frozen=True)
class SlotDay:
    day: dt.date
    #: The starts shown (UTC), spread over the day; `free` counts all the day's free starts.
    starts: tuple[dt.datetime, ...]
    free: int


@dataclass(frozen=True)
class SlotGrid:
    days: tuple[SlotDay, ...]
    #: The first date of the next page (more free times there), or None: none left in the course's window.
    next_from: dt.date | None


def _pick(starts: list[dt.datetime], count: int, tz) -> list[dt.datetime]:
    """`count` starts spread over the day, on the hour where enough are, else on the half hour: round times
    are what people ask for and remember."""
    for minutes in ((0,), (0, 30)):
        round_starts = [s for s in starts if s.astimezone(tz).minute in minutes]
        if len(round_starts) >= count:
            return planning.spread(round_starts, count)
    return planning.spread(starts, count)


@dataclass(frozen=True)
class SlotFilters:
    """What a slot grid page asks for: from which date, how many days and times a day, which weekdays
    (0 = Monday) and parts of the day (DAY_PARTS names; unknown ones are ignored). Empty: any."""

    earliest: dt.date | None = None
    days: int = 5
    per_day: int = 8
    weekdays: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()


def slot_grid(
    *,
    clinic: Clinic,
    protocol: Protocol,
    patient_id: int | None,
    sequence: int | None,
    others: list[planning.Slot],
    exclude: frozenset[int] = frozenset(),
    filters: SlotFilters = SlotFilters(),
) -> SlotGrid:
    """Free start times for session `sequence` of a course (its `others` stay), over the next `days` dates
    that have any, at most `per_day` a day: a slot grid. Unsaved rows (the booking page) pass their times as
    `others`; a stored session passes its siblings and excludes its own booking (session_slot_grid).

    The dates are those the course's spacing leaves the session (as session_options), from today or
    `earliest`, for at most OPTIONS_MAX_DAYS days; `sequence` None asks for a new session of the course (a
    make-up, make_up_slot_grid), numbered by its time among `others`. One calendar and one occupancy load serve the whole page,
    so the query count does not depend on how many days or sessions there are.
    """
    now = timezone.now()
    # sequence None: a new session of the course (a make-up), numbered by its time; never the first visit.
    minutes = protocol.chair_minutes_for(2 if sequence is None else sequence)
    spacing = protocol_spacing(protocol)
    if sequence is None:
        window = planning.new_session_window(minutes, others, spacing, clinic.tz)
    else:
        window = planning.session_window(sequence, minutes, others, spacing, clinic.tz)
    first, last = _option_dates(clinic, window, filters.earliest, now)
    if last < first:
        return SlotGrid((), None)
    planner, _ = _planner(clinic, patient_id, first, last, exclude=exclude)
    found, next_from = planner.session_days(
        sequence, minutes, others, spacing, earliest=first, last=last, not_before=now, days=filters.days,
        weekdays=filters.weekdays or None, starts_between=[DAY_PARTS[p] for p in sorted(filters.parts) if p in DAY_PARTS],
    )
    shown = [SlotDay(day, tuple(_pick(starts, filters.per_day, clinic.tz)), len(starts)) for day, starts in found]
    return SlotGrid(tuple(shown), next_from)


def proposal_slot_grid(
    *,
    patient: Patient,
    protocol: Protocol,
    clinic: Clinic,
    walls: list[dt.datetime | None],
    row: int,
    filters: SlotFilters = SlotFilters(),
) -> SlotGrid:
    """The slot grid of row `row` of a course not yet booked (the booking page's proposal): the other rows,
    given as wall-clock times in the clinic's zone, stay where they are (see slot_grid); nothing is stored.

    A row whose time is missing or does not exist on the clinic's clock holds no place. The rows are numbered
    by time, as the booking check numbers them; a row without a time takes its place in the order given.
    The protocol must be offered at the clinic (ApplicationError "protocol_unavailable").
    """
    protocol_ensure_offered(protocol=protocol, clinic=clinic)
    starts: list[dt.datetime | None] = []
    for wall in walls:
        try:
            starts.append(planning.localize(wall, clinic.tz) if wall is not None else None)
        except planning.LocalTimeError:
            starts.append(None)
    placed = sorted((start, i) for i, start in enumerate(starts) if start is not None and i != row)
    own = starts[row]
    before = sum(1 for start, i in placed if (start < own if own is not None else i < row))
    sequence = before + 1
    others = []
    for n, (start, _) in enumerate(placed, start=1):
        seq = n if n <= before else n + 1
        others.append(planning.Slot(seq, start, start + dt.timedelta(minutes=protocol.chair_minutes_for(seq))))
    return slot_grid(clinic=clinic, protocol=protocol, patient_id=patient.pk, sequence=sequence, others=others,
                     filters=filters)


def session_slot_grid(*, session: InfusionSession, filters: SlotFilters = SlotFilters()) -> SlotGrid:
    """A stored session's slot grid (see slot_grid): its own time counts as free. Refused as the reschedule
    is for a session that cannot move (ApplicationError "invalid_transition")."""
    _ensure_movable(session)
    return slot_grid(
        clinic=session.clinic, protocol=session.cycle.protocol, patient_id=session.patient_id, sequence=session.sequence,
        others=_course_others(session), exclude=frozenset({session.pk}), filters=filters,
    )
