"""The benchmark clinic: its hours, chairs, nurses, rules, the protocols' course shapes, how busy it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

#: Bump when the shape of the generated data changes: a stored database of another version is rebuilt.
BUILDER_VERSION = 5
DEFAULT_SIZES = (1_000, 10_000, 100_000)
#: From this size on, the stored sessions are spread evenly over SPREAD_CLINICS clinics of the benchmark's shape
#: (unless --clinics says otherwise): at 1M, 100 clinics of 10k each, so the measured clinic is the 10k
#: database's clinic, row for row, with 99 others' rows in the same tables. Below it, one clinic is filled with up
#: to HISTORY_CAP_DAYS of history (100k: three years) and only the rest goes to further clinics.
SPREAD_FROM = 1_000_000
SPREAD_CLINICS = 100

TZ = ZoneInfo("America/New_York")
OPENS, CLOSES = 8 * 60, 18 * 60  # local minutes, Mon–Fri
DAY_MINUTES = CLOSES - OPENS
GRID = 15  # every start lies on the quarter hour, as the planner's own grid
CHAIRS = 12
#: (first name, shift start, shift end) in local minutes, Mon–Fri: four full-time nurses, an early and a late one.
NURSES = (
    ("Ada", 480, 1080), ("Bo", 480, 1080), ("Cy", 480, 1080), ("Di", 480, 1080),
    ("Early", 480, 990), ("Late", 570, 1080),
)
NURSE_CAPACITY = 3
STAGGER = 15
TARGET_USE = 0.80
WINDOW_DAYS = 90
HISTORY_CAP_DAYS = 3 * 365  # per clinic; more history goes into further clinics
#: Earliest dates are drawn from the window's first WINDOW_DAYS - COURSE_DAYS days, so a course of up to three
#: weeks found from there lies inside the booked window rather than in the empty weeks after it.
COURSE_DAYS = 21
OCCUPYING = ("booked", "confirmed", "checked_in", "in_chair", "completed")


@dataclass(frozen=True)
class Shape:
    """How the builder books a protocol's course: chair minutes per session and calendar-day gaps."""

    slug: str
    weight: float  # share of new courses
    lengths: tuple[int, ...]
    min_days: int
    max_days: int
    consecutive: bool = False


SHAPES = (
    Shape("depression-iv", 0.40, (150,) + (120,) * 5, 2, 5),  # first visit 30 min longer
    Shape("ptsd-iv", 0.10, (120,) * 6, 2, 3),
    Shape("chronic-pain-iv", 0.10, (330,) * 5, 1, 1, consecutive=True),
    Shape("anxiety-sc", 0.12, (90,) * 4, 6, 8),
    Shape("booster-iv", 0.18, (120,), 0, 0),
    Shape("esketamine-nasal", 0.10, (150,) * 8, 3, 4),
)
MEAN_LENGTH = sum(s.weight * sum(s.lengths) for s in SHAPES) / sum(s.weight * len(s.lengths) for s in SHAPES)
SESSIONS_PER_OPEN_DAY = TARGET_USE * CHAIRS * DAY_MINUTES / MEAN_LENGTH


def next_weekday(day: date) -> date:
    return day + timedelta(days={4: 3, 5: 2}.get(day.weekday(), 1))


def window_days(today: date) -> tuple[date, date]:
    return today + timedelta(days=1), today + timedelta(days=WINDOW_DAYS)


def default_clinics(size: int) -> int:
    return SPREAD_CLINICS if size >= SPREAD_FROM else 1
