"""Marking the sessions a saved calendar change strands ("needs moving"), in the change's own transaction.

The mark is three fields on the session (`needs_moving_since`, `needs_moving_reasons`, `needs_moving_cause`),
not a row of its own: a session needs moving or it does not, and the desk's worklist and day board read it
with the session. It does not bump the session's version (patient links stay valid: nothing changed for the
patient yet). Moving or cancelling the session clears it (services/moving.py, services/transitions.py); a
later change in the same scope re-checks and clears it when the cause is gone.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit import records as audit
from bookings.models import NEEDS_MOVING_CLEARED, InfusionSession
from bookings.selectors.impact import Stranded, sessions_in_scope, sessions_stranded
from bookings.services.audit import audit_entry
from scheduler.impact import Scope
from scheduler.models import Clinic

_FIELDS = ("needs_moving_since", "needs_moving_reasons", "needs_moving_cause")


@transaction.atomic
def sessions_mark_stranded(*, clinic: Clinic, scope: Scope, cause: str, by) -> list[Stranded]:
    """Re-check every upcoming session in scope against the calendar as saved; mark the stranded ones (keeping
    an earlier mark's time), clear the others' marks. Answers the stranded sessions, each audited when changed."""
    now = timezone.now()
    sessions = list(sessions_in_scope(clinic=clinic, scope=scope, now=now).select_for_update(of=("self",)))
    stranded = sessions_stranded(clinic=clinic, scope=scope, sessions=sessions, now=now)
    by_id = {item.session.pk: item for item in stranded}
    entries = []
    for session in sessions:
        item = by_id.get(session.pk)
        before = audit.snapshot(session, _FIELDS)
        if item is not None:
            after = {
                "needs_moving_since": session.needs_moving_since or now,
                "needs_moving_reasons": item.codes,
                "needs_moving_cause": cause[:300] if session.needs_moving_since is None else session.needs_moving_cause,
            }
        elif session.needs_moving_since is not None:
            after = dict(NEEDS_MOVING_CLEARED)
        else:
            continue
        changes = audit.diff(before, after)
        if not changes:
            continue
        InfusionSession.objects.filter(pk=session.pk).update(**after, updated_at=now)
        for name, value in after.items():
            setattr(session, name, value)
        entries.append(audit_entry(session, audit.UPDATE, changes, by))
    audit.record_many(entries)
    return stranded
