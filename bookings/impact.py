"""The bookings side of scheduler.impact: the dry run and the mark, as the hook scheduler calls.

The mark also offers the waitlist what a closure's removal or shortening freed: the spans of a change that is not
about nurses and has an end are closures' (old and new); whatever of them is free now was closed before.
"""

from __future__ import annotations

from typing import Any

from bookings.selectors.impact import sessions_stranded, stranded_as_dict
from bookings.services.freed import lifted_slots_freed
from bookings.services.stranding import sessions_mark_stranded
from scheduler.impact import Scope
from scheduler.models import Clinic
from scheduler.selectors import CalendarChange


class BookingsImpact:
    def dry_run(self, *, clinic: Clinic, scope: Scope, change: CalendarChange) -> list[dict[str, Any]]:
        return [stranded_as_dict(item) for item in sessions_stranded(clinic=clinic, scope=scope, change=change)]

    def mark(self, *, clinic: Clinic, scope: Scope, cause: str, by) -> list[dict[str, Any]]:
        marked = [stranded_as_dict(item) for item in sessions_mark_stranded(clinic=clinic, scope=scope, cause=cause, by=by)]
        if scope.nurse_ids is None:
            lifted_slots_freed(clinic=clinic, spans=scope.spans, chair_ids=scope.chair_ids)
        return marked
