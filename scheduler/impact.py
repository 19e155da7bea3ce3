"""The impact of a change to a clinic's calendar on booked sessions, through a hook the bookings app fills.

scheduler imports no other app (import-linter), yet saving a closure, a nurse's time off or shift, opening hours
or a chair must show, and then mark, the booked sessions it strands. The bookings app registers an
`ImpactProvider` in its AppConfig.ready() (no database work there); scheduler's API views and admin call
`impact_dry_run` before a write and `impact_mark` inside the write's transaction. Without a provider (scheduler
alone) both answer an empty list.

A `Scope` says which sessions a change can touch: sessions overlapping one of its spans (None: no end), only
these chairs or nurses when given. The change itself is a `CalendarChange` (scheduler.selectors).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Protocol

from scheduler.models import Chair, Clinic, Closure, OpeningHours, Shift, StaffMember, TimeOff
from scheduler.selectors import NO_CHANGE, CalendarChange


@dataclass(frozen=True)
class Scope:
    spans: tuple[tuple[datetime, datetime | None], ...]
    chair_ids: frozenset[int] | None = None
    nurse_ids: frozenset[int] | None = None


class ImpactProvider(Protocol):
    def dry_run(self, *, clinic: Clinic, scope: Scope, change: CalendarChange) -> list[dict[str, Any]]: ...

    def mark(self, *, clinic: Clinic, scope: Scope, cause: str, by) -> list[dict[str, Any]]: ...


_provider: ImpactProvider | None = None


def impact_provider_register(provider: ImpactProvider) -> None:
    global _provider
    _provider = provider


def impact_dry_run(*, clinic: Clinic, scope: Scope, change: CalendarChange = NO_CHANGE) -> list[dict[str, Any]]:
    """The booked, not yet started sessions the change would strand (each with its reasons); writes nothing."""
    return _provider.dry_run(clinic=clinic, scope=scope, change=change) if _provider else []


def impact_mark(*, clinic: Clinic, scope: Scope, cause: str, by) -> list[dict[str, Any]]:
    """After a change is written (in its transaction): mark the sessions it strands as needing a move, and clear
    the mark of those in scope it no longer strands. Answers the sessions now marked."""
    return _provider.mark(clinic=clinic, scope=scope, cause=cause, by=by) if _provider else []


def span_union(*spans: tuple[datetime, datetime | None] | None) -> tuple[tuple[datetime, datetime | None], ...]:
    """The spans given (old and new version of a row), without the Nones."""
    return tuple(s for s in spans if s is not None)


# --- What each kind of change touches -----------------------------------------------------------------------
# Each answers (clinic, scope, change, cause): the sessions the change can strand, the calendar as it would be,
# and the change in words (stored on each session it strands; staff read it, patients never do).


@dataclass(frozen=True)
class Impact:
    clinic: Clinic
    scope: Scope
    change: CalendarChange
    cause: str


def _span(row) -> tuple[datetime, datetime | None] | None:
    return (row.starts_at, row.ends_at) if row is not None else None


def closure_impact(*, old: Closure | None, new: Closure | None) -> Impact:
    """Adding (old None), changing, or deleting (new None) a closure of the clinic or of one chair."""
    row = new or old
    assert row is not None
    chairs = {r.chair_id for r in (old, new) if r is not None}
    scope = Scope(span_union(_span(old), _span(new)), chair_ids=None if None in chairs else frozenset(chairs))  # type: ignore[arg-type]
    change = CalendarChange(
        drop_closures=frozenset({old.pk}) if old is not None and old.pk else frozenset(),
        add_closures=(new,) if new is not None else (),
    )
    what = f"{row.chair.name} out of service" if row.chair is not None else "Closure"
    verb = "removed" if new is None else "changed" if old is not None else "added"
    return Impact(row.clinic, scope, change, f"{what} {verb}: {row.reason}" if row.reason else f"{what} {verb}")


def time_off_impact(*, old: TimeOff | None, new: TimeOff | None) -> Impact:
    row = new or old
    assert row is not None
    staff = row.staff
    scope = Scope(span_union(_span(old), _span(new)), nurse_ids=frozenset({staff.pk}))
    change = CalendarChange(
        drop_time_off=frozenset({old.pk}) if old is not None and old.pk else frozenset(),
        add_time_off=(new,) if new is not None else (),
    )
    verb = "removed" if new is None else "changed" if old is not None else "added"
    return Impact(staff.clinic, scope, change, f"Time off {verb} for {staff.first_name} {staff.last_name}")


def staff_impact(*, staff: StaffMember, shifts: list[Shift] | None, active: bool, nurse: bool, now: datetime) -> Impact:
    """A staff member's weekly pattern replaced (`shifts`, None: unchanged), deactivated, or no longer a nurse."""
    change = CalendarChange(
        replace_shifts_of=frozenset({staff.pk}) if shifts is not None else frozenset(),
        add_shifts=tuple(shifts or ()),
        drop_nurses=frozenset() if active and nurse else frozenset({staff.pk}),
    )
    what = "Shift pattern changed" if active and nurse else "No longer scheduled"
    return Impact(staff.clinic, Scope(((now, None),), nurse_ids=frozenset({staff.pk})), change,
                  f"{what}: {staff.first_name} {staff.last_name}")


def opening_hours_impact(*, clinic: Clinic, hours: list[OpeningHours], now: datetime) -> Impact:
    return Impact(clinic, Scope(((now, None),)), CalendarChange(opening_hours=tuple(hours)), "Opening hours changed")


def chair_impact(*, chair: Chair, active: bool, now: datetime) -> Impact:
    change = CalendarChange(drop_chairs=frozenset() if active else frozenset({chair.pk}))
    return Impact(chair.clinic, Scope(((now, None),), chair_ids=frozenset({chair.pk})), change,
                  f"{chair.name} taken out of service" if not active else f"{chair.name} back in service")


# --- Several changes at once, and what a change strands that nothing stranded before ---------------------------
# The admin saves a clinic with its hours, closures and chairs in one form, a staff member with shifts and time off;
# the desk's week grid resaves a pattern. Their confirm steps list what the change itself strands.


def impact_merge(impacts: list[Impact]) -> Impact:
    """One change made of several of one clinic's (the first's clinic): drops and adds together, the scopes'
    union (widened to every chair or nurse when one of them is not limited: a dry run re-checks a few more)."""
    if len(impacts) == 1:
        return impacts[0]
    merged: dict[str, Any] = {}
    for f in fields(CalendarChange):
        values = [getattr(i.change, f.name) for i in impacts]
        if f.name == "opening_hours":
            given = [v for v in values if v is not None]
            merged[f.name] = given[-1] if given else None
        elif isinstance(values[0], frozenset):
            merged[f.name] = frozenset().union(*values)
        else:
            merged[f.name] = tuple(row for value in values for row in value)

    def ids(name: str) -> frozenset[int] | None:
        sets = [getattr(i.scope, name) for i in impacts]
        return None if any(s is None for s in sets) else frozenset().union(*sets)

    scope = Scope(tuple(span for i in impacts for span in i.scope.spans), chair_ids=ids("chair_ids"), nurse_ids=ids("nurse_ids"))
    causes = list(dict.fromkeys(i.cause for i in impacts))
    return Impact(impacts[0].clinic, scope, CalendarChange(**merged), "; ".join(causes))


def impact_newly_stranded(impact: Impact, *, stored: Clinic | None = None) -> list[dict[str, Any]]:
    """The sessions the change would strand that the calendar as stored does not strand already (those are on
    the Needs moving list, or will be at the next save): what a confirm step asks about. `stored`: the clinic as
    saved when `impact.clinic` carries unsaved values (a new time zone). Pure reads."""
    after = impact_dry_run(clinic=impact.clinic, scope=impact.scope, change=impact.change)
    if not after:
        return after
    before = {s["id"] for s in impact_dry_run(clinic=stored or impact.clinic, scope=impact.scope)}
    return [s for s in after if s["id"] not in before]
