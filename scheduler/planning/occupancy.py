"""What is already booked, indexed by chair, nurse and patient for fast overlap look-ups."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta

from scheduler.planning.values import Booking, ChairClosure, _utc

#: The nurse and patient of a chair closure's busy interval: no real id (ids are positive), never looked up.
_NOBODY = -1


class Occupancy:
    """The busy intervals of chairs, nurses and patients, indexed for overlap look-ups.

    Lists are kept sorted by start; an overlap search bisects to the query's end and walks back no
    further than the longest booking in that list, so a look-up touches only nearby bookings. Starts,
    ends and lengths are kept in UTC: bookings arrive both from the database (UTC) and from the desk
    (clinic zone).
    """

    KINDS = ("chair", "nurse", "patient")

    def __init__(self, bookings: Iterable[Booking] = ()) -> None:
        self._by: dict[str, dict[int, list[Booking]]] = {k: {} for k in self.KINDS}
        self._starts: dict[str, dict[int, list[datetime]]] = {k: {} for k in self.KINDS}
        self._ends: dict[str, dict[int, list[datetime]]] = {k: {} for k in self.KINDS}
        self._longest: dict[str, dict[int, timedelta]] = {k: {} for k in self.KINDS}
        #: (kind, key) whose bookings overlap one another (a nurse's do; a chair's or a patient's only in
        #: hand-made data): is_free() then walks instead of trusting the last booking alone.
        self._tangled: set[tuple[str, int]] = set()
        # Grouped by key in one pass; a key's sorted lists are built when first asked for (most patients
        # of a clinic's month never are).
        self._pending: dict[str, dict[int, list[Booking]]] = {k: {} for k in self.KINDS}
        chairs, nurses, patients = (self._pending[k] for k in self.KINDS)
        for booking in bookings:
            chairs.setdefault(booking.chair_id, []).append(booking)
            nurses.setdefault(booking.nurse_id, []).append(booking)
            patients.setdefault(booking.patient_id, []).append(booking)

    def _index(self, kind: str, key: int) -> None:
        pending = self._pending[kind].pop(key, None)
        if not pending:
            return
        # Built in one go (as _place_one would, appending in start order): a stable sort, then the lists.
        spans = sorted(((_utc(b.start), _utc(b.end), b) for b in pending), key=lambda t: t[0])
        starts = [s for s, _, _ in spans]
        ends = [e for _, e, _ in spans]
        self._by[kind][key] = [b for _, _, b in spans]
        self._starts[kind][key] = starts
        self._ends[kind][key] = ends
        self._longest[kind][key] = max(timedelta(0), *(e - s for s, e, _ in spans))
        if any(a > b for a, b in zip(ends, starts[1:], strict=False)):
            self._tangled.add((kind, key))

    def add(self, booking: Booking) -> None:
        for kind, key in (("chair", booking.chair_id), ("nurse", booking.nurse_id), ("patient", booking.patient_id)):
            self._index(kind, key)
            self._place_one(kind, key, booking)

    def block_chairs(self, closures: Iterable[ChairClosure]) -> Occupancy:
        """Mark each closure's chair busy over its span, so every chair look-up (the planner's, the checks')
        treats a chair out of service like a taken one; `check_chair` names it `chair_out_of_service`."""
        for closure in closures:
            self._index("chair", closure.chair_id)
            self._place_one(
                "chair", closure.chair_id,
                Booking(closure.start, closure.end, closure.chair_id, _NOBODY, _NOBODY, None, out_of_service=True),
            )
        return self

    def _place_one(self, kind: str, key: int, booking: Booking) -> None:
        start, end = _utc(booking.start), _utc(booking.end)
        items = self._by[kind].setdefault(key, [])
        starts = self._starts[kind].setdefault(key, [])
        ends = self._ends[kind].setdefault(key, [])
        at = bisect_right(starts, start)
        if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            self._tangled.add((kind, key))
        items.insert(at, booking)
        starts.insert(at, start)
        ends.insert(at, end)
        longest = self._longest[kind]
        longest[key] = max(end - start, longest.get(key, timedelta(0)))

    def overlapping(
        self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()
    ) -> list[Booking]:
        if key in self._pending[kind]:
            self._index(kind, key)
        items = self._by[kind].get(key)
        if not items:
            return []
        start, end = _utc(start), _utc(end)
        longest = self._longest[kind][key]
        starts = self._starts[kind][key]
        ends = self._ends[kind][key]
        hi = bisect_left(starts, end)
        found: list[Booking] = []
        for i in range(hi - 1, -1, -1):
            if starts[i] + longest <= start:
                break
            if ends[i] > start and items[i].session_id not in exclude:
                found.append(items[i])
        found.reverse()
        return found

    def is_free(self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()) -> bool:
        """No booking of `key` overlaps [start, end), for a kind whose bookings never overlap each other.

        Chairs and patients hold one session at a time (the database's exclusion constraints), so only
        the last booking starting before `end` can reach into the span: one bisection, no walk.
        """
        if key in self._pending[kind]:
            self._index(kind, key)
        if exclude or (kind, key) in self._tangled:
            return not self.overlapping(kind, key, start, end, exclude)
        starts = self._starts[kind].get(key)
        if not starts:
            return True
        i = bisect_left(starts, _utc(end)) - 1
        return i < 0 or self._ends[kind][key][i] <= _utc(start)

    def near(
        self, kind: str, key: int, start: datetime, end: datetime, exclude: frozenset[int] = frozenset()
    ) -> list[Booking]:
        """Bookings of `key` that start in [start, end)."""
        if key in self._pending[kind]:
            self._index(kind, key)
        items = self._by[kind].get(key) or []
        starts = self._starts[kind].get(key) or []
        lo, hi = bisect_left(starts, _utc(start)), bisect_left(starts, _utc(end))
        return [b for b in items[lo:hi] if b.session_id not in exclude]
