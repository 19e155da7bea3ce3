"""Pump availability: each pump of a clinic, day by clinic-local day, free or why not (an episode, its turnaround,
maintenance, retired). Three queries whatever the rows: the pumps, the episodes, the maintenance spans.

A day is the clinic's wall-clock day (23 or 25 hours across a daylight-saving change). A pump is taken on a day when
anything holds it for any part of that day: the board and the API show the day as not free, the planner looks at
instants. A pump still out after its episode (fitted or removed, not returned) once `pump_until` has passed is
overdue: it counts as out from then on, until it is returned (the booked end is not when it comes back).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from pumps.models import HOLDING_STATUSES, Episode, EpisodeStatus, Pump, PumpMaintenance, PumpStatus
from scheduler.models import Clinic

#: The most days one call covers (the API refuses more; two months is the longest board anyone reads).
MAX_DAYS = 62

FREE = "free"
EPISODE = "episode"
TURNAROUND = "turnaround"
MAINTENANCE = "maintenance"
RETIRED = "retired"
STATES = (FREE, EPISODE, TURNAROUND, MAINTENANCE, RETIRED)

#: Episodes not yet back in the clinic's hands: overdue once their `pump_until` has passed.
OUT_STATUSES = (EpisodeStatus.FITTED, EpisodeStatus.REMOVED)

#: Which state wins when several touch one day: the patient's episode first, then maintenance, then turnaround.
_RANK = {EPISODE: 3, MAINTENANCE: 2, TURNAROUND: 1}


@dataclass(frozen=True)
class DayState:
    day: dt.date
    state: str  # one of STATES
    episode_id: int | None = None
    #: The episode's pump should have been back by now and is not (fitted or removed, not returned).
    overdue: bool = False


@dataclass
class PumpDays:
    pump_id: int
    label: str
    status: str
    days: list[DayState] = field(default_factory=list)


@dataclass(frozen=True)
class _Hold:
    starts_at: dt.datetime
    ends_at: dt.datetime | None  # None: until it is returned (overdue)
    state: str
    episode_id: int | None = None
    overdue: bool = False


def _day_bounds(clinic: Clinic, start: dt.date, days: int) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """(day, its first instant, the next day's first instant) in UTC, for each clinic-local day."""
    tz = clinic.tz
    edges = [
        dt.datetime.combine(start + dt.timedelta(days=i), dt.time.min, tz).astimezone(dt.UTC) for i in range(days + 1)
    ]
    return [(start + dt.timedelta(days=i), edges[i], edges[i + 1]) for i in range(days)]


def _episode_holds(episode: Episode, now: dt.datetime) -> list[_Hold]:
    if episode.status in OUT_STATUSES and episode.pump_until <= now:
        # Not returned and past its time: out from its fitting on, with no end until it comes back.
        return [_Hold(episode.starts_at, None, EPISODE, episode.pk, overdue=True)]
    holds = [_Hold(episode.starts_at, episode.ends_at, EPISODE, episode.pk)]
    if episode.pump_until > episode.ends_at:
        holds.append(_Hold(episode.ends_at, episode.pump_until, TURNAROUND, episode.pk))
    return holds


def pump_availability(*, clinic: Clinic, start: dt.date, days: int, now: dt.datetime | None = None) -> list[PumpDays]:
    """Every pump of the clinic (retired ones too), by label, with its state on each of `days` clinic-local days
    from `start`. Three queries.

    A pump's status holds from today on: a retired pump is `retired`, one in maintenance `maintenance` (days before
    today show what held it then). A maintenance span or an episode shows on every day it touches; when several touch
    one day the episode wins, then maintenance, then the turnaround, and among episodes the earliest.
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1 to {MAX_DAYS}, not {days}")
    now = now or timezone.now()
    bounds = _day_bounds(clinic, start, days)
    window_start, window_end = bounds[0][1], bounds[-1][2]
    today = now.astimezone(clinic.tz).date()

    pumps = list(Pump.objects.filter(clinic=clinic).order_by("label", "pk"))
    episodes = Episode.objects.filter(
        Q(pump_until__gt=window_start) | Q(status__in=OUT_STATUSES, pump_until__lte=now),
        clinic=clinic, status__in=HOLDING_STATUSES, starts_at__lt=window_end,
    ).order_by("starts_at", "pk").only("pk", "pump_id", "status", "starts_at", "ends_at", "pump_until")
    holds: dict[int, list[_Hold]] = {}
    for episode in episodes:
        holds.setdefault(episode.pump_id, []).extend(_episode_holds(episode, now))
    spans = PumpMaintenance.objects.filter(
        pump__clinic=clinic, starts_at__lt=window_end, ends_at__gt=window_start
    ).order_by("starts_at", "pk").values_list("pump_id", "starts_at", "ends_at")
    for pump_id, starts_at, ends_at in spans:
        holds.setdefault(pump_id, []).append(_Hold(starts_at, ends_at, MAINTENANCE))

    answer = []
    for pump in pumps:
        mine = holds.get(pump.pk, [])
        row = PumpDays(pump.pk, pump.label, pump.status)
        for day, day_start, day_end in bounds:
            if day >= today and pump.status == PumpStatus.RETIRED:
                row.days.append(DayState(day, RETIRED))
                continue
            touching = [h for h in mine if h.starts_at < day_end and (h.ends_at is None or h.ends_at > day_start)]
            best: _Hold | None = None
            for hold in touching:  # in start order: among equals the earliest stays
                if best is None or _RANK[hold.state] > _RANK[best.state]:
                    best = hold
            if best is not None and best.state == EPISODE:
                row.days.append(DayState(day, EPISODE, best.episode_id, best.overdue))
            elif day >= today and pump.status == PumpStatus.MAINTENANCE:
                row.days.append(DayState(day, MAINTENANCE))
            elif best is not None:
                row.days.append(DayState(day, best.state, best.episode_id, best.overdue))
            else:
                row.days.append(DayState(day, FREE))
        answer.append(row)
    return answer
