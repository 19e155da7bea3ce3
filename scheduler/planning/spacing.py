"""The spacing rules of a course: gaps between consecutive sessions, consecutive weekdays, the window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler import error_codes as codes
from scheduler.planning.localtime import local_date, next_weekday
from scheduler.planning.values import Slot, Spacing, Violation, _utc


def check_spacing(slots: Sequence[Slot], spacing: Spacing, tz: ZoneInfo) -> tuple[list[Violation], list[Violation]]:
    """Spacing of a course's sessions, taken in sequence order. Returns (violations, warnings)."""
    ordered = sorted(slots, key=lambda s: s.sequence)
    violations: list[Violation] = []
    warnings: list[Violation] = []
    for a, b in pairwise(ordered):
        pair = {"sequences": [a.sequence, b.sequence]}
        gap = _utc(b.start) - _utc(a.start)  # elapsed hours, not wall-clock ones
        days = (local_date(b.start, tz) - local_date(a.start, tz)).days
        if _utc(b.start) < _utc(a.end):
            violations.append(Violation(
                codes.SPACING_TOO_CLOSE,
                f"Session {b.sequence} must come after session {a.sequence} has ended.",
                pair,
            ))
            continue
        if spacing.min_gap is not None and gap < spacing.min_gap:
            violations.append(Violation(
                codes.SPACING_TOO_CLOSE,
                f"Sessions {a.sequence} and {b.sequence} are {_hours(gap)} h apart; the protocol needs at least {_hours(spacing.min_gap)} h.",
                {**pair, "gap_hours": _hours(gap), "min_gap_hours": _hours(spacing.min_gap)},
            ))
        if spacing.min_gap_days is not None and days < spacing.min_gap_days:
            violations.append(Violation(
                codes.SPACING_TOO_CLOSE,
                f"Sessions {a.sequence} and {b.sequence} are {_days(days)} apart; the protocol needs at least {_days(spacing.min_gap_days)}.",
                {**pair, "gap_days": days, "min_gap_days": spacing.min_gap_days},
            ))
        if spacing.max_gap is not None and gap > spacing.max_gap:
            violations.append(Violation(
                codes.SPACING_TOO_FAR,
                f"Sessions {a.sequence} and {b.sequence} are {_hours(gap)} h apart; the protocol allows at most {_hours(spacing.max_gap)} h.",
                {**pair, "gap_hours": _hours(gap), "max_gap_hours": _hours(spacing.max_gap)},
            ))
        if spacing.max_gap_days is not None and days > spacing.max_gap_days:
            violations.append(Violation(
                codes.SPACING_TOO_FAR,
                f"Sessions {a.sequence} and {b.sequence} are {_days(days)} apart; the protocol allows at most {_days(spacing.max_gap_days)}.",
                {**pair, "gap_days": days, "max_gap_days": spacing.max_gap_days},
            ))
        if spacing.consecutive_weekdays:
            expected = next_weekday(local_date(a.start, tz))
            actual = local_date(b.start, tz)
            if actual != expected:
                violations.append(Violation(
                    codes.SPACING_TOO_CLOSE if actual < expected else codes.SPACING_TOO_FAR,
                    f"Session {b.sequence} must be on {expected:%a %Y-%m-%d}, the weekday after session {a.sequence}.",
                    {**pair, "expected_date": expected.isoformat()},
                ))
    if len(ordered) >= 2:
        first = min(local_date(s.start, tz) for s in ordered)
        last = max(local_date(s.start, tz) for s in ordered)
        span = (last - first).days + 1
        if spacing.window_days is not None and span > spacing.window_days:
            violations.append(Violation(
                codes.WINDOW_EXCEEDED,
                f"The course would take {span} days; the protocol fits it within {spacing.window_days}.",
                {"span_days": span, "window_days": spacing.window_days},
            ))
        elif spacing.warn_window_days is not None and span > spacing.warn_window_days:
            warnings.append(Violation(
                codes.WINDOW_WARNING,
                f"The course takes {span} days, longer than the {spacing.warn_window_days} days advised.",
                {"span_days": span, "warn_window_days": spacing.warn_window_days},
            ))
    return violations, warnings


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _days(count: int) -> str:
    """'1 day', '0 days', '3 days': the desk shows these messages as they are."""
    return f"{count} day" if count == 1 else f"{count} days"
