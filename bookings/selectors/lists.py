"""Lists of courses, sessions and their emails for the API and pages, and the time filters over them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet

from bookings.models import EventKind, InfusionSession, PatientEmail, SessionEvent, TreatmentCycle
from scheduler.models import Clinic


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

