"""The start gate: a session with an unacknowledged urgent flag does not start (409 urgent_flag_unacknowledged)."""

from __future__ import annotations

from bookings.models import InfusionSession
from bookings.services.gates import GateRefusal
from outcomes import error_codes as codes
from outcomes.models import UrgentFlag


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
