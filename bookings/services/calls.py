"""The desk's phone calls about a session: the "called" mark on tomorrow's unconfirmed list."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit import records as audit
from bookings import error_codes as codes
from bookings.models import UPCOMING_STATUSES, EventKind, InfusionSession
from bookings.services.audit import audit_entry, event
from bookings.services.errors import BookingError
from bookings.services.locks import lock_session


@transaction.atomic
def session_mark_called(*, session: InfusionSession, by) -> InfusionSession:
    """Record that `by` phoned the patient about this upcoming session, now.

    Calling again records the latest call (the list shows when the patient was last tried). The session's
    version is left alone: a phone call changes nothing the patient's email links are bound to.
    """
    now = timezone.now()
    _, current = lock_session(session)
    if current.status not in UPCOMING_STATUSES:
        raise BookingError(
            codes.INVALID_TRANSITION,
            "Only an upcoming session can be marked as called.",
            details={"session": current.pk, "status": current.status, "action": "called"},
        )
    before = {"called_at": current.called_at, "called_by": current.called_by_id}
    InfusionSession.objects.filter(pk=current.pk).update(called_at=now, called_by=by, updated_at=now)
    current.refresh_from_db()
    event(current, EventKind.CALLED, by=by, at=now).save()
    changes = {"called_at": [before["called_at"], now], "called_by": [before["called_by"], getattr(by, "pk", None)]}
    audit.record_many([audit_entry(current, audit.UPDATE, changes, by)])
    return current
