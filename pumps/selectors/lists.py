"""Lists of pumps, their maintenance and episodes for the API and pages: a fixed number of queries a page,
whatever it holds; and the time filter over episodes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet

from pumps.models import Episode, EpisodeVisit, Pump, PumpMaintenance
from scheduler.models import Clinic

TimeBound = dt.date | dt.datetime


def pump_list() -> QuerySet[Pump]:
    return Pump.objects.select_related("clinic").order_by("clinic", "label", "pk")


def maintenance_list(*, pump: Pump) -> QuerySet[PumpMaintenance]:
    return PumpMaintenance.objects.filter(pump=pump).order_by("starts_at", "pk")


def episode_list() -> QuerySet[Episode]:
    """Episodes by fitting time with their course's protocol, clinic, pump and visits: two queries a page."""
    return (
        Episode.objects.select_related("clinic", "pump", "course__protocol")
        .prefetch_related(Prefetch("visits", queryset=EpisodeVisit.objects.order_by("day", "kind", "pk")))
        .order_by("starts_at", "pk")
    )


def _instant(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """An aware instant as given; a naive one read in `tz`. Values a datetime cannot hold clamp."""
    try:
        return (value.replace(tzinfo=tz) if value.tzinfo is None else value).astimezone(dt.UTC)
    except OverflowError:
        return dt.datetime.max.replace(tzinfo=dt.UTC) if value.year > 5000 else dt.datetime.min.replace(tzinfo=dt.UTC)


def _bounds(start: TimeBound | None, end: TimeBound | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Naive bounds: a date as `start` is its first moment; as `end`, the day after's (it includes its day)."""
    lower = dt.datetime.combine(start, dt.time()) if isinstance(start, dt.date) and not isinstance(start, dt.datetime) else start
    if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
        upper: dt.datetime | None = None if end == dt.date.max else dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    else:
        upper = end
    return lower, upper


def _overlap(lower: dt.datetime | None, upper: dt.datetime | None, tz: ZoneInfo) -> Q:
    where = Q()
    if lower is not None:
        where &= Q(ends_at__gt=_instant(lower, tz))
    if upper is not None:
        where &= Q(starts_at__lt=_instant(upper, tz))
    return where


def episodes_between(queryset: QuerySet[Episode], *, start: TimeBound | None = None,
                     end: TimeBound | None = None) -> QuerySet[Episode]:
    """Episodes whose span (fitting to removal) meets [start, end): a date or a naive time is read in each
    episode's clinic zone (one query for the zones), an instant as given; a date as `end` includes its day."""
    lower, upper = _bounds(start, end)
    if lower is None and upper is None:
        return queryset
    if all(b is None or b.tzinfo is not None for b in (lower, upper)):
        return queryset.filter(_overlap(lower, upper, ZoneInfo("UTC")))
    where = Q(pk__in=[])
    for name in Clinic.objects.order_by().values_list("timezone", flat=True).distinct():
        where |= Q(clinic__timezone=name) & _overlap(lower, upper, ZoneInfo(name))
    return queryset.filter(where)
