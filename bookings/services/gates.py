"""Gates on a session's transitions that apps above bookings add: a clinical rule may hold a session back.

bookings may not import the apps above it (import-linter's layers), yet a session must not start while its
safety checks are pending or an urgent questionnaire answer is unacknowledged, nor complete without its
recovery check. Such an app registers a gate in its AppConfig.ready() (no database work there):

    gate_register("start", safety_checks_gate)

A gate is called inside the transition's transaction, with the session and its course locked, before the
status changes. It answers None to let the session through, or a `GateRefusal` (a code, a human message and
details) that the transition raises as a BookingError answered with 409: the session's stored state (checks
pending, a flag unacknowledged) holds it back. The gates run in the order registered; the first refusal wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bookings.models import InfusionSession, TreatmentCycle
from bookings.services.errors import BookingError

Action = Literal["start", "complete"]


@dataclass(frozen=True)
class GateRefusal:
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


Gate = Callable[[InfusionSession], GateRefusal | None]

_gates: dict[str, list[Gate]] = {"start": [], "complete": []}


def gate_register(action: Action, gate: Gate) -> None:
    """Add a gate to a transition (once: registering the same function again changes nothing)."""
    if gate not in _gates[action]:
        _gates[action].append(gate)


def gate_unregister(action: Action, gate: Gate) -> None:
    if gate in _gates[action]:
        _gates[action].remove(gate)


def gates_check(action: Action, session: InfusionSession) -> None:
    """Raise the first gate's refusal as a BookingError; nothing when every gate lets the session through."""
    for gate in _gates[action]:
        refusal = gate(session)
        if refusal is not None:
            error = BookingError(refusal.code, refusal.message, details={"session": session.pk, **refusal.details})
            error.status = 409
            raise error


# --- The course review after the protocol's review session ------------------------------------------------------

#: Whether a course that has just completed its review session (Protocol.review_after_session) needs a clinician's
#: review: True (no response), False (a response is seen), None (nothing known: bookings flags it, as it always has).
ReviewJudge = Callable[[TreatmentCycle], bool | None]

_review_judges: list[ReviewJudge] = []


def review_judge_register(judge: ReviewJudge) -> None:
    if judge not in _review_judges:
        _review_judges.append(judge)


def review_judge_unregister(judge: ReviewJudge) -> None:
    if judge in _review_judges:
        _review_judges.remove(judge)


def review_wanted(cycle: TreatmentCycle) -> bool:
    """Flag the course for review unless a judge sees a response (False) and none asks for one (True)."""
    answers = [judge(cycle) for judge in _review_judges]
    return not (False in answers and True not in answers)
