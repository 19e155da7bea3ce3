"""Patients' own requests, from the links in their emails: to move a session, to receive no more email."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit import records as audit
from bookings.models import UPCOMING_STATUSES, InfusionSession, Patient
from bookings.outbox import outbox_patient_unsubscribed
from bookings.services.audit import audit_entry, event
from bookings.services.errors import transition_error
from bookings.services.locks import lock_session


@transaction.atomic
def session_request_reschedule(*, session: InfusionSession, note: str = "") -> InfusionSession:
    """The patient asked to move this session; it shows in the staff's worklist until it moves.

    Asking twice keeps the first request's time. Only an upcoming session can be asked about.
    """
    now = timezone.now()
    _, current = lock_session(session)
    if current.status not in UPCOMING_STATUSES:
        raise transition_error(current, "move")
    if current.reschedule_requested_at is None:
        InfusionSession.objects.filter(pk=current.pk).update(reschedule_requested_at=now, updated_at=now)
        current.refresh_from_db()
        event(current, "reschedule_requested", by=None, at=now, data={"note": note[:300]} if note else None).save()
        audit.record_many([audit_entry(current, audit.UPDATE, {"reschedule_requested_at": [None, now]}, None)])
    return current


@transaction.atomic
def patient_unsubscribe(*, patient: Patient, source: str = "email link") -> Patient:
    """The patient withdrew consent to email: nothing more is sent to them. Harmless twice."""
    now = timezone.now()
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.email_consent:
        Patient.objects.filter(pk=locked.pk).update(
            email_consent=False, email_consent_withdrawn_at=now, email_consent_source=source[:80], updated_at=now
        )
        audit.record(
            locked, audit.UPDATE, patient_id=locked.pk, clinic_id=locked.clinic_id,
            changes={"email_consent": [True, False], "email_consent_withdrawn_at": [None, now]},
        )
        locked.refresh_from_db()
    outbox_patient_unsubscribed(patient_id=locked.pk)
    return locked
