"""What cancelling would do, said before it is done: which sessions go, and which count as late.

The booking services decide lateness with the same function, so the desk's warning and the recorded status
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bookings.models import UPCOMING_STATUSES, InfusionSession


def cancel_is_late(*, session: InfusionSession, now: datetime) -> bool:
    """A cancellation closer to the start than the clinic's late-cancel hours is a late one."""
    return session.starts_at - now < timedelta(hours=session.clinic.late_cancel_hours)


@dataclass(frozen=True)
class CancelPreview:
    """One session a cancellation would end, and whether it would count as late."""

    session: InfusionSession
    late: bool


def cycle_cancel_preview(*, sessions: Iterable[InfusionSession], now: datetime) -> list[CancelPreview]:
    """The course's sessions a whole-course cancel would end (booked or confirmed), in order. No query when
    the sessions come with their clinic."""
    return [
        CancelPreview(session=s, late=cancel_is_late(session=s, now=now))
        for s in sorted(sessions, key=lambda s: (s.sequence, s.pk))
        if s.status in UPCOMING_STATUSES
    ]
