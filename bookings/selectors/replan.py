"""Re-plan: for each stranded ("needs moving") session, the nearest time and place that keeps its course valid.

First the same start with another chair or nurse (a chair out of service, a nurse absent: nothing changes for
the patient), else the nearest date, before or after the original, on which the planner's `session_days` finds
a start inside the dates the course's spacing leaves the session, at the time of day nearest the original. Sessions are planned one after
another, earliest first, against one picture of what is booked: each proposal is added to that picture, so two
proposals never take one chair, one nurse's place or one patient's time, and a later session of the same
course is spaced from its sibling's proposed time. One calendar, one occupancy and one course query serve
every session, so the query count does not grow with the number of stranded sessions. Pure reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from bookings.models import OCCUPYING_STATUSES, UPCOMING_STATUSES, InfusionSession
from bookings.selectors.impact import sessions_needing_moves
from bookings.selectors.occupancy import occupancy_load
from bookings.selectors.proposals import OPTIONS_MAX_DAYS, _day_bounds
from scheduler import planning
from scheduler.models import Clinic
from scheduler.selectors import ClinicCalendar, clinic_calendar_load, protocol_spacing

#: Proposal kinds: the same start with another chair or nurse; a new start; nothing found.
REASSIGN = "reassign"
MOVE = "move"
NONE = "none"
#: Why a session has no proposal: nothing keeps its course valid; or it can stay where it is (not stranded).
NO_TIME_FOUND = "no_time_found"
FITS_WHERE_IT_IS = "fits_where_it_is"
#: The most sessions re-planned at once (earliest first; the rest stay on the worklist for the next round).
REPLAN_MAX = 200


@dataclass(frozen=True)
class ReplanProposal:
    session: InfusionSession
    kind: str  # REASSIGN, MOVE or NONE
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    chair_id: int | None = None
    nurse_id: int | None = None
    #: When kind is NONE: (code, message).
    refusal: tuple[str, str] | None = None


def replan_sessions(*, clinic: Clinic, session_ids: Iterable[int] | None = None,
                    now: dt.datetime | None = None) -> list[InfusionSession]:
    """The sessions to re-plan, earliest first, at most REPLAN_MAX: the clinic's needs-moving worklist, or the
    given ids among the clinic's upcoming sessions (one query; ids of other clinics or of sessions that cannot
    move are left out)."""
    now = now or timezone.now()
    if session_ids is None:
        return list(sessions_needing_moves(clinic_ids=[clinic.pk], now=now)[:REPLAN_MAX])
    return list(
        InfusionSession.objects.filter(clinic=clinic, pk__in=list(session_ids), status__in=UPCOMING_STATUSES,
                                       starts_at__gt=now)
        .select_related("patient", "chair", "nurse", "clinic", "cycle__protocol")
        .order_by("starts_at", "pk")[:REPLAN_MAX]
    )


def _course_slots(sessions: Sequence[InfusionSession]) -> dict[int, dict[int, planning.Slot]]:
    """Every course's sessions that hold their time, by course and session id (one query)."""
    found: dict[int, dict[int, planning.Slot]] = {}
    rows = InfusionSession.objects.filter(
        cycle_id__in={s.cycle_id for s in sessions}, status__in=OCCUPYING_STATUSES
    ).values_list("pk", "cycle_id", "sequence", "starts_at", "ends_at")
    for pk, cycle_id, sequence, start, end in rows:
        found.setdefault(cycle_id, {})[pk] = planning.Slot(sequence, start, end)
    return found


def _dates(session: InfusionSession, others: list[planning.Slot], tz, today: dt.date) -> tuple[dt.date, dt.date]:
    """The clinic dates the session's course leaves it, from today, at most OPTIONS_MAX_DAYS either side of its
    own date (`last < first`: none)."""
    protocol = session.cycle.protocol
    window = planning.session_window(
        session.sequence, protocol.chair_minutes_for(session.sequence), others, protocol_spacing(protocol), tz
    )
    own = planning.local_date(session.starts_at, tz)
    first = max(d for d in (today, window.first, own - dt.timedelta(days=OPTIONS_MAX_DAYS)) if d is not None)
    last = own + dt.timedelta(days=OPTIONS_MAX_DAYS)
    if window.last is not None:
        last = min(last, window.last)
    return first, last


def _minutes_of_day(instant: dt.datetime, tz) -> int:
    local = instant.astimezone(tz)
    return local.hour * 60 + local.minute


def _nearest(planner: planning.SeriesPlanner, session: InfusionSession, minutes: int, others: list[planning.Slot],
             spacing: planning.Spacing, first: dt.date, last: dt.date, now: dt.datetime, tz) -> dt.datetime | None:
    """The start nearest the session's own that keeps its course valid: the nearest date first (either side; the
    earlier of two as near), then on it the time of day nearest the session's own (what the patient arranged
    their day around). Days are looked at outward from the session's own date."""
    own_day = planning.local_date(session.starts_at, tz)
    own_minutes = _minutes_of_day(session.starts_at, tz)
    k = 0
    while own_day - dt.timedelta(days=k) >= first or own_day + dt.timedelta(days=k) <= last:
        found: list[tuple[int, dt.datetime]] = []
        for day in sorted({own_day - dt.timedelta(days=k), own_day + dt.timedelta(days=k)}):
            if not first <= day <= last:
                continue
            days, _ = planner.session_days(
                session.sequence, minutes, others, spacing, earliest=day, last=day, not_before=now, days=1,
            )
            found += [(abs(_minutes_of_day(start, tz) - own_minutes), start) for _, starts in days for start in starts]
        if found:
            return min(found)[1]
        k += 1
    return None


def replan_proposals(*, clinic: Clinic, sessions: Sequence[InfusionSession],
                     calendar: ClinicCalendar | None = None) -> list[ReplanProposal]:
    """A proposal for each of `sessions` (from replan_sessions), planned earliest first, each against what the
    earlier ones proposed. Four queries (courses, calendar's six light ones, one occupancy), whatever the count."""
    if not sessions:
        return []
    now = timezone.now()
    tz = clinic.tz
    today = planning.local_date(now, tz)
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.pk))
    courses = _course_slots(ordered)
    ranges = {}
    for s in ordered:
        others = [slot for pk, slot in courses.get(s.cycle_id, {}).items() if pk != s.pk]
        ranges[s.pk] = _dates(s, others, tz, today)
    first_all = min([r[0] for r in ranges.values()] + [planning.local_date(s.starts_at, tz) for s in ordered])
    last_all = max([r[1] for r in ranges.values()] + [planning.local_date(s.starts_at, tz) for s in ordered])
    window_start, window_end = _day_bounds(clinic, first_all, last_all)
    calendar = calendar or clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
    occupancy = occupancy_load(
        clinic_id=clinic.pk, patient_id=None, window_start=window_start, window_end=window_end,
        patient_ids={s.patient_id for s in ordered},
    ).block_chairs(calendar.rules.chair_closures)

    proposals = []
    for s in ordered:
        protocol = s.cycle.protocol
        minutes = protocol.chair_minutes_for(s.sequence)
        spacing = protocol_spacing(protocol)
        course = courses.get(s.cycle_id, {})
        others = [slot for pk, slot in course.items() if pk != s.pk]
        planner = planning.SeriesPlanner(
            rules=calendar.rules, chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy,
            patient_id=s.patient_id, exclude=frozenset({s.pk}), last_day=last_all,
        )
        keep = planning.Preferences(earliest=today, not_before=now, chair_id=s.chair_id, nurse_id=s.nurse_id)
        chair_id, nurse_id, _ = planner.assign(s.starts_at, s.ends_at, keep)
        kind = REASSIGN
        start, end = s.starts_at, s.ends_at
        if (chair_id, nurse_id) == (s.chair_id, s.nurse_id) and start > now:
            message = "It can stay where it is: its time, chair and nurse are still free."
            proposals.append(ReplanProposal(s, NONE, refusal=(FITS_WHERE_IT_IS, message)))
            continue
        if chair_id is None or nurse_id is None or start <= now:
            first, last = ranges[s.pk]
            found = _nearest(planner, s, minutes, others, spacing, first, last, now, tz) if first <= last else None
            if found is None:
                proposals.append(ReplanProposal(s, NONE, refusal=(NO_TIME_FOUND, _none_message(first, last))))
                continue
            kind, start, end = MOVE, found, found + dt.timedelta(minutes=minutes)
            chair_id, nurse_id, _ = planner.assign(start, end, keep)
            if chair_id is None or nurse_id is None:  # session_days found it free: cannot happen, but stay honest
                proposals.append(ReplanProposal(s, NONE, refusal=(NO_TIME_FOUND, _none_message(first, last))))
                continue
        proposals.append(ReplanProposal(s, kind, start, end, chair_id, nurse_id))
        # Later sessions plan around this one: its new place is busy, its course's spacing counts its new time.
        occupancy.add(planning.Booking(start, end, chair_id, nurse_id, s.patient_id, s.pk))
        course[s.pk] = planning.Slot(s.sequence, start, end)
    return proposals


def _none_message(first: dt.date, last: dt.date) -> str:
    if last < first:
        return "No date is left that keeps the course's spacing and window."
    return f"No free time keeps the course valid between {first:%a %d %b} and {last:%a %d %b}."
