"""What the episode planner and the booking check need, loaded for one clinic and window: the clinic's calendar
and busy intervals (bookings' loaders, pumps' own busy provider included), the pumps with their maintenance and
holding episodes, the protocol as an EpisodeSpec, and the course's spacing. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from bookings.selectors.occupancy import occupancy_load
from pumps.models import (
    HOLDING_STATUSES,
    Episode,
    EpisodeStatus,
    Pump,
    PumpCourse,
    PumpMaintenance,
    PumpProtocol,
    PumpStatus,
)
from pumps.selectors.worklist import settings_for
from scheduler.models import Clinic
from scheduler.planning import pumps as planned
from scheduler.selectors import clinic_calendar_load

#: An episode not returned (fitted or removed) after its pump_until is out until it is returned (overdue).
OUT_UNTIL_RETURNED = (EpisodeStatus.FITTED, EpisodeStatus.REMOVED)


@dataclass(frozen=True)
class Loaded:
    spec: planned.EpisodeSpec
    clinic: planned.Clinic
    pumps: tuple[planned.Pump, ...]


def turnaround_of(clinic: Clinic) -> dt.timedelta:
    return dt.timedelta(hours=settings_for(clinic_id=clinic.pk).turnaround_hours)


def episode_spec(protocol: PumpProtocol, turnaround: dt.timedelta) -> planned.EpisodeSpec:
    return planned.EpisodeSpec(
        episode_days=protocol.episode_days, fitting_minutes=protocol.fitting_minutes,
        review_minutes=protocol.review_minutes, removal_minutes=protocol.removal_minutes,
        review_mode=protocol.review_mode, review_needs_chair=protocol.review_needs_chair,
        phone_review_when_closed=protocol.phone_review_when_closed, turnaround=turnaround,
    )


def day_bounds(clinic: Clinic, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants safely around the clinic-local days first..last (a day either side for zone edges)."""
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time.min, clinic.tz).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time.min, clinic.tz).astimezone(dt.UTC)
    return start, end


def pumps_load(*, clinic: Clinic, window_start: dt.datetime, window_end: dt.datetime, now: dt.datetime,
               pump_ids: list[int] | None = None) -> tuple[planned.Pump, ...]:
    """The clinic's pumps (not retired; or those of `pump_ids`) with their maintenance spans and the episodes
    holding them in the window; an episode fitted or removed and not returned by its pump_until holds its pump
    until it is returned (three queries)."""
    pumps = Pump.objects.filter(clinic=clinic)
    pumps = pumps.filter(pk__in=pump_ids) if pump_ids is not None else pumps.exclude(status=PumpStatus.RETIRED)
    rows = list(pumps.order_by("label", "pk").values_list("pk", "label", "status"))
    ids = [pk for pk, _, _ in rows]
    maintenance: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {pk: [] for pk in ids}
    for pump_id, start, end in PumpMaintenance.objects.filter(
        pump_id__in=ids, starts_at__lt=window_end, ends_at__gt=window_start,
    ).values_list("pump_id", "starts_at", "ends_at"):
        maintenance[pump_id].append((start, end))
    holds: dict[int, list[planned.PumpHold]] = {pk: [] for pk in ids}
    for pk, pump_id, start, until, status in Episode.objects.filter(
        Q(starts_at__lt=window_end, pump_until__gt=window_start) | Q(status__in=OUT_UNTIL_RETURNED, pump_until__lte=now),
        pump_id__in=ids, status__in=HOLDING_STATUSES,
    ).values_list("pk", "pump_id", "starts_at", "pump_until", "status"):
        overdue = status in OUT_UNTIL_RETURNED and until <= now
        holds[pump_id].append(planned.PumpHold(start, None if overdue else until, pk, overdue))
    return tuple(
        planned.Pump(pk, label, status, tuple(maintenance[pk]), tuple(holds[pk])) for pk, label, status in rows
    )


def planning_load(*, clinic: Clinic, patient_id: int, protocol: PumpProtocol, first: dt.date, last: dt.date,
                  now: dt.datetime, pump_ids: list[int] | None = None) -> Loaded:
    """Everything a search over fittings on first..last (or a check of one) reads."""
    spec = episode_spec(protocol, turnaround_of(clinic))
    # The episodes' reviews and removals run past the last fitting day, the pump's hold past the removal.
    tail = dt.timedelta(days=protocol.episode_days + 1) + spec.turnaround
    window_start, window_end = day_bounds(clinic, first, last)
    window_end += tail
    calendar = clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
    occupancy = occupancy_load(
        clinic_id=clinic.pk, patient_id=patient_id, window_start=window_start, window_end=window_end,
    ).block_chairs(calendar.rules.chair_closures)
    pumps = pumps_load(clinic=clinic, window_start=window_start, window_end=window_end, now=now, pump_ids=pump_ids)
    return Loaded(spec, planned.Clinic(calendar.rules, calendar.chair_ids, calendar.nurses, occupancy), pumps)


def course_gap(course: PumpCourse | None, protocol: PumpProtocol) -> planned.CourseGap | None:
    """The spacing from the course's last episode (None: a new course, or no episode yet)."""
    if course is None:
        return None
    previous = (
        Episode.objects.filter(course=course).exclude(status=EpisodeStatus.CANCELLED)
        .order_by("-number").values_list("ends_at", flat=True).first()
    )
    if previous is None:
        return None
    return planned.CourseGap(previous, protocol.min_days_between_episodes, protocol.max_days_between_episodes)


def course_booked(course: PumpCourse) -> int:
    return Episode.objects.filter(course=course).exclude(status=EpisodeStatus.CANCELLED).count()


def course_next_number(course: PumpCourse) -> int:
    """One past the highest number of the course's episodes that are not cancelled (a cancelled one's number is
    free again; a number is never taken twice)."""
    numbers = Episode.objects.filter(course=course).exclude(status=EpisodeStatus.CANCELLED).values_list("number", flat=True)
    return max(numbers, default=0) + 1
