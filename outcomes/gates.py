"""What outcomes tells bookings' transitions (bookings/services/gates.py): a session with an unacknowledged urgent
flag does not start (409 urgent_flag_unacknowledged); a course that responds needs no review after session 3."""

from __future__ import annotations

from bookings.models import InfusionSession, TreatmentCycle
from bookings.services.gates import GateRefusal
from outcomes import error_codes as codes
from outcomes.models import UrgentFlag
from outcomes.selectors import cycle_measures


def urgent_flag_gate(session: InfusionSession) -> GateRefusal | None:
    open_flags = list(
        UrgentFlag.objects.filter(session=session, acknowledged_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if not open_flags:
        return None
    return GateRefusal(
        codes.URGENT_FLAG_UNACKNOWLEDGED,
        "A check-in answer needs a clinician's attention: acknowledge the urgent flag before starting the session.",
        {"flags": open_flags},
    )


def review_needed(cycle: TreatmentCycle) -> bool | None:
    """After the review session: a course whose latest score on each of its instruments shows a response (a drop of
    at least 50 % from the baseline) needs no review; one where any does not, does. No scores: not known (None),
    so bookings flags the course as it always has. Two queries."""
    latest = [series.reads[-1] for series in cycle_measures(cycle=cycle) if series.reads]
    if not latest:
        return None
    return not all(read.response for read in latest)
