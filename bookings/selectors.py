"""Reads of bookings: the busy intervals planning needs, and lists for the API and pages."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BigIntegerField, Count, Func, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone

from bookings.models import (
    OCCUPYING_STATUSES,
    EventKind,
    InfusionSession,
    Patient,
    PatientEmail,
    SessionEvent,
    TreatmentCycle,
)
from common.errors import ApplicationError
from scheduler import planning
from scheduler.models import Chair, Clinic, Protocol, StaffMember
from scheduler.selectors import ClinicCalendar, clinic_calendar_load, protocol_spacing

#: Longer than any session (a chair block is at most 12 hours): the lower bound that lets the query use
#: the (clinic, starts_at) index instead of reading a clinic's whole history.
_LONGEST_SESSION = dt.timedelta(days=1)


class EpochMicroseconds(Func):
    """PostgreSQL: an instant as whole microseconds since 1970 (exact, unlike a float of seconds)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def occupancy_load(*, clinic_id: int, patient_id: int | None, window_start: dt.datetime, window_end: dt.datetime) -> planning.Occupancy:
    """One query: every occupying session of the clinic, or of the patient anywhere, in the window."""
    where = Q(clinic_id=clinic_id)
    if patient_id is not None:
        where |= Q(patient_id=patient_id)
    rows = InfusionSession.objects.filter(
        where, status__in=OCCUPYING_STATUSES,
        starts_at__gt=window_start - _LONGEST_SESSION, starts_at__lt=window_end, ends_at__gt=window_start,
    ).order_by("starts_at")
    if connection.vendor != "postgresql":
        values = rows.values_list("starts_at", "ends_at", "chair_id", "nurse_id", "patient_id", "pk")
        return planning.Occupancy(planning.Booking(*row) for row in values)
    # Instants as integer microseconds: psycopg reads integers in C, timestamps in Python (3× slower here).
    values = rows.annotate(s_us=EpochMicroseconds("starts_at"), e_us=EpochMicroseconds("ends_at")).values_list("s_us", "e_us", "chair_id", "nurse_id", "patient_id", "pk")
    return planning.Occupancy(
        # The plugin types s_us and e_us as the timestamps they are computed from, not as EpochMicroseconds' bigint.
        planning.Booking(_from_us(s), _from_us(e), chair, nurse, patient, pk)  # type: ignore[arg-type]
        for s, e, chair, nurse, patient, pk in values
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _from_us(microseconds: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(0, 0, microseconds)  # exact, and 3× faster than fromtimestamp()


# --- Patients ------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+")


def patient_list() -> QuerySet[Patient]:
    """Every patient, by name; one query per page (the API shows the home clinic as an id)."""
    return Patient.objects.order_by("last_name", "first_name", "pk")


def _phone_digits():
    expression: str | Replace = "phone"
    for char in _PHONE_PUNCTUATION:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def patient_search(queryset: QuerySet[Patient], *, term: str) -> QuerySet[Patient]:
    """Patients matching every word of `term` in a name, email or phone; an ISO date matches the birth date.

    "jane doe" finds Jane Doe; "1985-05-17" the patients born that day; "555 0100" and "5550100" both
    find "+1 (555) 0100" (phone punctuation is ignored when a word is all digits).
    """
    words = term.split()
    if not words:
        return queryset
    if any(w.isdigit() and len(w) >= 3 for w in words):
        queryset = queryset.alias(phone_digits=_phone_digits())
    for word in words:
        match = (
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
            | Q(email__icontains=word) | Q(phone__icontains=word)
        )
        if word.isdigit() and len(word) >= 3:
            match |= Q(phone_digits__contains=word)
        if _ISO_DATE.match(word):
            with contextlib.suppress(ValueError):  # 1985-02-30 is no date; the word can still match text
                match |= Q(date_of_birth=dt.date.fromisoformat(word))
        queryset = queryset.filter(match)
    return queryset


# --- Cycles and sessions -------------------------------------------------------------------------


def session_list() -> QuerySet[InfusionSession]:
    """Sessions by start time, with what the API shows of their course and clinic: one query a page."""
    return InfusionSession.objects.select_related("cycle", "clinic").order_by("starts_at", "pk")


def cycle_list() -> QuerySet[TreatmentCycle]:
    """Courses, newest first, with their sessions in order: two queries a page whatever it holds."""
    return (
        TreatmentCycle.objects.select_related("clinic")
        # The prefetch sets each session's cycle itself; the sessions' clinics come in the same query.
        .prefetch_related(
            Prefetch("sessions", queryset=InfusionSession.objects.select_related("clinic").order_by("sequence", "pk"))
        )
        .order_by("-created_at", "-pk")
    )


# Bounds of a time filter: an aware instant is taken as given; a date or a naive date-time is a wall-clock
# time in each session's clinic zone, so "9 March" means 9 March wherever the session takes place.
TimeBound = dt.date | dt.datetime
_UTC_MIN = dt.datetime.min.replace(tzinfo=dt.UTC)
_UTC_MAX = dt.datetime.max.replace(tzinfo=dt.UTC)


def _utc(value: dt.datetime | None, tz: ZoneInfo | None = None) -> dt.datetime | None:
    """`value` as a UTC instant (a naive one read in `tz`; a time skipped by a DST change counts as its
    later self). Values a datetime cannot hold in UTC clamp to the first or last instant there is."""
    if value is None:
        return None
    try:
        return (value.replace(tzinfo=tz) if value.tzinfo is None else value).astimezone(dt.UTC)
    except OverflowError:
        return _UTC_MAX if value.year > 5000 else _UTC_MIN


def _as_start(bound: TimeBound | None) -> dt.datetime | None:
    if bound is None or isinstance(bound, dt.datetime):
        return bound
    return dt.datetime.combine(bound, dt.time())


def _as_end(bound: TimeBound | None) -> dt.datetime | None:
    """An exclusive upper bound: a date includes its whole day."""
    if bound is None or isinstance(bound, dt.datetime):
        return bound
    if bound == dt.date.max:
        return None
    return dt.datetime.combine(bound + dt.timedelta(days=1), dt.time())


def _in_range(start: dt.datetime | None, end: dt.datetime | None) -> Q:
    where = Q()
    if start is not None:
        where &= Q(starts_at__gte=start)
    if end is not None:
        where &= Q(starts_at__lt=end)
    return where


def sessions_starting_between(
    queryset: QuerySet[InfusionSession], *, start: TimeBound | None = None, end: TimeBound | None = None
) -> QuerySet[InfusionSession]:
    """Sessions starting at or after `start` and before `end` (a date as `end` includes that day).

    A date or a naive time is read in each clinic's own zone, which costs one query for the zones.
    """
    lower, upper = _as_start(start), _as_end(end)
    if lower is None and upper is None:
        return queryset
    if all(b is None or b.tzinfo is not None for b in (lower, upper)):
        return queryset.filter(_in_range(_utc(lower), _utc(upper)))
    where = Q(pk__in=[])
    for name in Clinic.objects.order_by().values_list("timezone", flat=True).distinct():
        tz = ZoneInfo(name)
        where |= Q(clinic__timezone=name) & _in_range(_utc(lower, tz), _utc(upper, tz))
    return queryset.filter(where)


def sessions_on_local_date(queryset: QuerySet[InfusionSession], *, day: dt.date) -> QuerySet[InfusionSession]:
    """Sessions starting on `day` in their clinic's time zone."""
    return sessions_starting_between(queryset, start=day, end=day)


def session_move_counts(*, session_ids: list[int]) -> dict[int, int]:
    """How many times each session moved, in one query (none when no ids): calendar files count revisions."""
    if not session_ids:
        return {}
    rows = (
        SessionEvent.objects.filter(session_id__in=session_ids, kind=EventKind.MOVED)
        .values("session_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("session_id", "n")
    )
    return dict.fromkeys(session_ids, 0) | dict(rows)


def emails_for_sessions(*, session_ids: list[int]) -> QuerySet[PatientEmail]:
    """The outbox rows about these sessions, in the order they are due."""
    return PatientEmail.objects.filter(session_id__in=session_ids).order_by("due_at", "pk")


# --- Planning reads ----------------------------------------------------------------------------
#
# Each loads the clinic's calendar (5 queries) and the busy intervals of its window (1 query), then
# plans in memory: the query count does not depend on how many sessions are stored.

#: How many days past the first session's horizon a course may run (the longest protocol window, 28 days,
#: and room for spacing beyond it).
_SERIES_SPAN_DAYS = 42
#: The bookings a proposal loads first (see cycle_proposal).
_FIRST_LOAD_DAYS = 35


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
    occupancy = occupancy_load(clinic_id=clinic.pk, patient_id=patient_id, window_start=window_start, window_end=window_end)
    planner = planning.SeriesPlanner(
        rules=calendar.rules, chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy,
        patient_id=patient_id, exclude=exclude, last_day=last,
    )
    return planner, calendar


def _protocol_offered(protocol: Protocol, clinic: Clinic) -> None:
    if not protocol.is_offered_at(clinic):
        raise ApplicationError(
            "protocol_unavailable", "That protocol is not offered at this clinic.", details={"protocol": protocol.pk}
        )


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
    _protocol_offered(protocol, clinic)
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
    _protocol_offered(protocol, clinic)
    planner, _ = _planner(clinic, patient.pk if patient else None, day, day)
    minutes = protocol.chair_minutes_for(1 if first_visit else 2)
    return planner.availability(day, minutes, not_before=timezone.now())


def session_options(*, session: InfusionSession, count: int = 5, days: int = 28) -> list[planning.PlannedSession]:
    """The next free times for one session that keep its course valid (its own time counts as free)."""
    cycle = session.cycle
    protocol = cycle.protocol
    clinic = session.clinic
    now = timezone.now()
    today = planning.local_date(now, clinic.tz)
    others = [
        planning.Slot(s.sequence, s.starts_at, s.ends_at)
        for s in InfusionSession.objects.filter(cycle=cycle, status__in=OCCUPYING_STATUSES).exclude(pk=session.pk)
    ]
    planner, _ = _planner(clinic, session.patient_id, today, today + dt.timedelta(days=days), exclude=frozenset({session.pk}))
    return planner.session_options(
        session.sequence, protocol.chair_minutes_for(session.sequence), others, protocol_spacing(protocol),
        earliest=today, not_before=now, count=count, days=days,
    )
