"""The gates this app registers on bookings' transitions (safety.apps): no start while checks are pending or
flagged and not overridden (`checks_pending`), no completion without the recovery check (`recovery_check_pending`)."""

from __future__ import annotations

from bookings.models import InfusionSession
from bookings.services.gates import GateRefusal
from safety import error_codes as codes
from safety.models import CheckKind
from safety.selectors import checks_status

_LABELS = dict(CheckKind.choices) | {
    "recovery_check": "recovery check", "alert_and_oriented": "alert and oriented", "escort_present": "escort present",
}


def _names(kinds: list[str]) -> str:
    return ", ".join(str(_LABELS.get(k, k)).lower() for k in kinds)


def start_gate(session: InfusionSession) -> GateRefusal | None:
    status = checks_status(session=session)
    if status.may_start:
        return None
    pending, flagged = status.pending, status.flagged
    parts = [f"flagged: {_names(flagged)}" if flagged else "", f"pending: {_names(pending)}" if pending else ""]
    return GateRefusal(
        codes.CHECKS_PENDING,
        "The safety checks must pass, or a clinician override them with a reason, before the session starts ("
        + "; ".join(p for p in parts if p) + ").",
        {"pending": pending, "flagged": flagged},
    )


def complete_gate(session: InfusionSession) -> GateRefusal | None:
    status = checks_status(session=session)
    if status.may_complete:
        return None
    if status.recovery is None:
        return GateRefusal(codes.RECOVERY_CHECK_PENDING, "Record the recovery check before the session is completed.",
                           {"pending": ["recovery_check"], "flagged": []})
    flagged = list(status.recovery_uncovered)
    return GateRefusal(
        codes.RECOVERY_CHECK_PENDING,
        f"The recovery check is flagged ({_names(flagged)}): a clinician must override it with a reason, or a "
        "corrected recovery check pass, before the session is completed.",
        {"pending": [], "flagged": flagged},
    )
