"""Reads of bookings: the busy intervals planning needs, and lists for the API and pages."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from bookings.models import OCCUPYING_STATUSES, InfusionSession, Patient, TreatmentCycle
from scheduler import planning
from scheduler.models import Clinic


def occupancy_load(*, clinic_id: int, patient_id: int | None, window_start: dt.datetime, window_end: dt.datetime) -> planning.Occupancy:
    """One query: every occupying session of the clinic, or of the patient anywhere, in the window."""
    where = Q(clinic_id=clinic_id)
    if patient_id is not None:
        where |= Q(patient_id=patient_id)
    rows = (
        InfusionSession.objects.filter(where, status__in=OCCUPYING_STATUSES, starts_at__lt=window_end, ends_at__gt=window_start)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at", "chair_id", "nurse_id", "patient_id", "pk")
    )
    return planning.Occupancy(planning.Booking(*row) for row in rows)


# --- Patients ------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+")


def patient_list() -> QuerySet[Patient]:
    """Every patient, by name; one query per page (the API shows the home clinic as an id)."""
    return Patient.objects.order_by("last_name", "first_name", "pk")


def _phone_digits():
    expression = "phone"
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
