"""Applying re-plan proposals (bookings.selectors.replan): each session through the moving services, in its
own transaction, so a refused move is reported and the others still happen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bookings import error_codes as codes
from bookings.models import InfusionSession, SessionStatus, transition_refusal
from bookings.selectors.replan import MOVE, NONE, REASSIGN, ReplanProposal, replan_proposals, replan_sessions
from bookings.services.moving import session_reassign, session_reschedule
from common.errors import ApplicationError
from scheduler.models import Chair, Clinic, StaffMember

#: Result outcomes, per session.
MOVED = "moved"
REASSIGNED = "reassigned"
REFUSED = "refused"


@dataclass(frozen=True)
class ReplanResult:
    session: InfusionSession
    outcome: str  # MOVED, REASSIGNED or REFUSED
    proposal: ReplanProposal
    starts_at: datetime | None = None
    code: str = ""
    message: str = ""


def sessions_replan(
    *, clinic: Clinic, sessions: Sequence[InfusionSession] | None = None, by=None
) -> list[ReplanResult]:
    """Re-plan the clinic's needs-moving sessions (or the given ones, which must be the clinic's): propose, then
    apply each proposal through session_reassign (same time: no email) or session_reschedule (the "moved" email),
    each in its own transaction. A refusal (no time found, a session that can no longer move, or the check
    under the locks says no) is reported with its code and message and leaves the other sessions' moves standing."""
    movable = replan_sessions(clinic=clinic, session_ids=None if sessions is None else [s.pk for s in sessions])
    proposals = replan_proposals(clinic=clinic, sessions=movable)
    results = [_stuck(s) for s in sessions or () if s.pk not in {m.pk for m in movable}]
    chairs = Chair.objects.in_bulk({p.chair_id for p in proposals if p.chair_id is not None})
    nurses = StaffMember.objects.in_bulk({p.nurse_id for p in proposals if p.nurse_id is not None})
    for p in proposals:
        s = p.session
        if p.kind == NONE:
            code, message = p.refusal or ("", "")
            results.append(ReplanResult(s, REFUSED, p, code=code, message=message))
            continue
        assert p.starts_at is not None and p.chair_id is not None and p.nurse_id is not None
        try:
            if p.kind == REASSIGN:
                done = session_reassign(session=s, chair=chairs[p.chair_id], nurse=nurses[p.nurse_id], by=by)
                results.append(ReplanResult(done, REASSIGNED, p, starts_at=done.starts_at))
            else:
                assert p.kind == MOVE
                moved = session_reschedule(
                    session=s, starts_at=p.starts_at, chair=chairs[p.chair_id], nurse=nurses[p.nurse_id], by=by
                )
                results.append(ReplanResult(moved[0], MOVED, p, starts_at=moved[0].starts_at))
        except ApplicationError as exc:
            results.append(ReplanResult(s, REFUSED, p, code=exc.code, message=exc.message))
    return results


def _stuck(session: InfusionSession) -> ReplanResult:
    """A session asked for that cannot move (no longer booked or confirmed, or started): refused as a move is."""
    if session.status in (SessionStatus.BOOKED, SessionStatus.CONFIRMED):
        message = "The session has started: it can no longer move."
    else:
        message = transition_refusal(SessionStatus(session.status).label.lower(), "move")
    return ReplanResult(session, REFUSED, ReplanProposal(session, NONE), code=codes.INVALID_TRANSITION, message=message)
