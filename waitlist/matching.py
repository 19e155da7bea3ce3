"""Which waiting entries a freed slot suits, and the course or session time it would give each (reads only).

A slot is (clinic, chair, start, end). A session entry suits it when the session can move to that very
start (session_options: the course stays valid) earlier than it is now; a new-course entry when the
planner's earliest course under the entry's constraints begins on the slot's day (the offer holds what the
planner proposes, usually the freed time itself).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from bookings.models import UPCOMING_STATUSES
from bookings.selectors import cycle_proposal, session_options
from common.errors import ApplicationError
from scheduler import planning
from scheduler.models import Clinic
from waitlist.models import EntryKind, EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

#: How many waiting entries one freed slot is tried against (earliest first).
MATCH_TRIES = 25
#: How many of a session's next free times are looked through for the slot's start.
SESSION_OPTIONS = 200


@dataclass(frozen=True)
class Slot:
    clinic_id: int
    chair_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Planned:
    """A session as an offer holds it: its start (UTC), end, chair and nurse."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    chair_id: int
    nurse_id: int

    def as_json(self) -> dict:
        return {"starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat(),
                "chair": self.chair_id, "nurse": self.nurse_id}

    @classmethod
    def from_json(cls, row: dict) -> Planned:
        return cls(dt.datetime.fromisoformat(row["starts_at"]), dt.datetime.fromisoformat(row["ends_at"]),
                   int(row["chair"]), int(row["nurse"]))


def constraints_allow(entry: WaitlistEntry, start: dt.datetime, end: dt.datetime, tz) -> bool:
    """Whether a session at start..end keeps to the entry's weekdays, times of day and dates (clinic time)."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    if entry.weekdays and day.weekday() not in entry.weekdays:
        return False
    if entry.time_from is not None and local_start.time() < entry.time_from:
        return False
    if entry.time_to is not None and (local_end.date() > day or local_end.time() > entry.time_to):
        return False
    if entry.earliest_date is not None and day < entry.earliest_date:
        return False
    return not (entry.latest_date is not None and day > entry.latest_date)


def entry_plan(entry: WaitlistEntry, *, starts_at: dt.datetime, chair_id: int | None) -> list[Planned] | None:
    """What the entry would be offered for a slot starting at `starts_at` (a chair preferred), or None."""
    clinic = entry.clinic
    tz = clinic.tz
    day = planning.local_date(starts_at, tz)
    if entry.weekdays and day.weekday() not in entry.weekdays:
        return None  # whichever kind: the offer's (first) session would fall on a day the patient cannot come
    if entry.kind == EntryKind.SESSION:
        session = entry.session
        assert session is not None
        if session.status not in UPCOMING_STATUSES or starts_at >= session.starts_at:
            return None
        # The session would keep its length: a start the entry's times and dates rule out is not planned for.
        if not constraints_allow(entry, starts_at, starts_at + (session.ends_at - session.starts_at), tz):
            return None
        try:
            options = session_options(session=session, count=SESSION_OPTIONS, earliest=day)
        except ApplicationError:
            return None
        at_start = [o for o in options if o.start == starts_at]
        at_start.sort(key=lambda o: o.chair_id != chair_id)
        for o in at_start:
            if constraints_allow(entry, o.start, o.end, tz):
                return [Planned(o.start, o.end, o.chair_id, o.nurse_id)]
        return None
    assert entry.protocol is not None
    weekdays = frozenset(entry.weekdays) if entry.weekdays else None
    try:
        proposal = cycle_proposal(
            patient=entry.patient, protocol=entry.protocol, clinic=clinic, earliest_date=day, weekdays=weekdays,
            time_from=entry.time_from, time_to=entry.time_to, chair=None, alternatives=0,
        )
    except ApplicationError:
        return None
    sessions = proposal.sessions
    first = sessions[0]
    if planning.local_date(first.start, tz) != day or not constraints_allow(entry, first.start, first.end, tz):
        return None
    return [Planned(s.start, s.end, s.chair_id, s.nurse_id) for s in sessions]


def slot_is_held(slot: Slot) -> bool:
    """Whether an open offer already holds the chair at an overlapping time."""
    return WaitlistOffer.objects.filter(
        clinic_id=slot.clinic_id, chair_id=slot.chair_id, status=OfferStatus.OFFERED,
        starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at,
    ).exists()


def entries_for_slot(clinic: Clinic, slot: Slot) -> list[WaitlistEntry]:
    """Waiting entries of the clinic, earliest first, that have not been offered this slot before, of patients who
    can be emailed: an automatic offer is an email, and one nobody reads would hold the slot for nothing (the desk
    offers by hand to a patient it phones)."""
    offered_before = WaitlistOffer.objects.filter(
        clinic_id=slot.clinic_id, chair_id=slot.chair_id, starts_at=slot.starts_at
    ).values("entry_id")
    day = planning.local_date(slot.starts_at, clinic.tz)
    return list(
        WaitlistEntry.objects.filter(clinic=clinic, status=EntryStatus.WAITING, patient__email_consent=True)
        .exclude(patient__email="")
        .exclude(pk__in=offered_before)
        .filter(Q(earliest_date__isnull=True) | Q(earliest_date__lte=day))
        .filter(Q(latest_date__isnull=True) | Q(latest_date__gte=day))
        .select_related("clinic", "patient", "protocol", "session__cycle__protocol", "session__clinic")
        .order_by("created_at", "pk")[:MATCH_TRIES]
    )
