"""The simulated demand, in pure Python: course requests, the patients' preferences and each session's fate."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

#: The protocol mix of the domain notes (bench.planner's shares of new courses), by protocol slug.
MIX = (
    ("depression-iv", 0.40), ("ptsd-iv", 0.10), ("chronic-pain-iv", 0.10),
    ("anxiety-sc", 0.12), ("booster-iv", 0.18), ("esketamine-nasal", 0.10),
)
#: Shares of sessions that end otherwise than done.
CANCEL, LATE_CANCEL, NO_SHOW = 0.06, 0.02, 0.03
#: Share of patients asking for three given weekdays; for mornings; for afternoons.
WEEKDAY_WISH, MORNING_WISH, AFTERNOON_WISH = 0.30, 0.25, 0.20
MORNING = (None, time(13, 0))
AFTERNOON = (time(12, 0), None)


@dataclass(frozen=True)
class Request:
    index: int
    day: date
    minute: int  # local minutes after midnight at which the desk takes the call
    protocol: str
    weekdays: frozenset[int] | None
    time_from: time | None
    time_to: time | None


@dataclass(frozen=True)
class Fate:
    """What becomes of a session: "done", "cancel" (lead days before), "late_cancel" or "no_show"."""

    kind: str
    lead_days: int = 0


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the few requests a day drawn here."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def requests_per_open_day(*, load: float, chairs: int, open_minutes: int, course_minutes: dict[str, int]) -> float:
    """Requests a day whose courses ask for `load` of the chair-minutes (the mix's mean course length)."""
    mean = sum(share * course_minutes[slug] for slug, share in MIX) / sum(share for _, share in MIX)
    return load * chairs * open_minutes / mean


def requests(rng: random.Random, *, first: date, days: int, per_day: float) -> list[Request]:
    """Requests on the weekdays of `days` days from `first`, Poisson a day, taken between 08:00 and 17:00."""
    slugs, weights = zip(*MIX, strict=True)
    out: list[Request] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for minute in sorted(rng.randrange(8 * 60, 17 * 60) for _ in range(poisson(rng, per_day))):
            slug = rng.choices(slugs, weights)[0]
            weekdays = None
            # Consecutive weekdays (pain) cannot keep to three chosen days: those patients take any day.
            if slug != "chronic-pain-iv" and rng.random() < WEEKDAY_WISH:
                weekdays = frozenset(rng.sample(range(5), 3))
            part = rng.random()
            time_from, time_to = MORNING if part < MORNING_WISH else AFTERNOON if part < MORNING_WISH + AFTERNOON_WISH else (None, None)
            out.append(Request(len(out), day, minute, slug, weekdays, time_from, time_to))
    return out


def fate(rng: random.Random) -> Fate:
    u = rng.random()
    if u < CANCEL:
        return Fate("cancel", rng.randint(2, 7))
    if u < CANCEL + LATE_CANCEL:
        return Fate("late_cancel")
    if u < CANCEL + LATE_CANCEL + NO_SHOW:
        return Fate("no_show")
    return Fate("done")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear between the closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
