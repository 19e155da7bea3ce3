"""Sending offer emails, each once: the row is locked while it is decided, sent and marked (as the reminder
outbox does, notifications.services). The email says "an earlier appointment is available", the time in the
patient's zone, and the accept/decline links; never what the appointment is for."""

from __future__ import annotations

import logging
from email.utils import formataddr

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst

from notifications.emails import format_when, sender
from waitlist import links
from waitlist.models import OfferEmail, OfferEmailKind, OfferEmailStatus, OfferStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SUBJECTS = {
    OfferEmailKind.OFFER: "An earlier appointment is available",
    OfferEmailKind.TAKEN: "The earlier appointment was taken",
}


def offer_email_message(row: OfferEmail, *, now) -> EmailMultiAlternatives:
    offer = row.offer
    patient, clinic = offer.entry.patient, offer.clinic
    context = {
        "first_name": patient.first_name,
        "clinic_name": capfirst(clinic.name_for_patients),
        "clinic_phone": clinic.phone,
        "when": format_when(offer.starts_at, patient.tz, clinic.clock_format),
        "until": format_when(offer.expires_at, patient.tz, clinic.clock_format),
        "accept_url": links.offer_url(action=links.ACCEPT, offer_id=offer.pk, expires_at=offer.expires_at),
        "decline_url": links.offer_url(action=links.DECLINE, offer_id=offer.pk, expires_at=offer.expires_at),
    }
    text = render_to_string(f"waitlist/email/{row.kind}.txt", context)
    reply_to = [formataddr((capfirst(clinic.name_for_patients), clinic.email))] if clinic.email else None
    return EmailMultiAlternatives(
        subject=SUBJECTS[OfferEmailKind(row.kind)], body=text, from_email=formataddr(sender(clinic)),
        to=[patient.email], reply_to=reply_to, headers={"Auto-Submitted": "auto-generated"},
    )


def _why_not(row: OfferEmail, now) -> str:
    patient = row.offer.entry.patient
    if not patient.email or not patient.email_consent:
        return "no email consent"
    if row.kind == OfferEmailKind.OFFER and (row.offer.status != OfferStatus.OFFERED or row.offer.expires_at <= now):
        return "offer no longer open"
    return ""


def offer_email_send(*, email_id: int) -> str:
    """Send one pending offer email, once. Returns its status after."""
    with transaction.atomic():
        row = (OfferEmail.objects.select_for_update(of=("self",))
               .select_related("offer__entry__patient", "offer__clinic").filter(pk=email_id).first())
        if row is None or row.status != OfferEmailStatus.PENDING:
            return row.status if row else "missing"
        now = timezone.now()
        reason = _why_not(row, now)
        if reason:
            OfferEmail.objects.filter(pk=row.pk).update(status=OfferEmailStatus.SKIPPED, status_reason=reason)
            return OfferEmailStatus.SKIPPED
        attempts = row.attempts + 1
        try:
            offer_email_message(row, now=now).send()
        except Exception as exc:  # noqa: BLE001 - any transport failure is recorded on the row
            status = OfferEmailStatus.FAILED if attempts >= MAX_ATTEMPTS else OfferEmailStatus.PENDING
            OfferEmail.objects.filter(pk=row.pk).update(attempts=attempts, status=status,
                                                       last_error=f"{type(exc).__name__}: {exc}"[:500])
            logger.warning("waitlist email %s not sent (attempt %s)", row.pk, attempts)
            return status
        OfferEmail.objects.filter(pk=row.pk).update(status=OfferEmailStatus.SENT, attempts=attempts, sent_at=now)
        return OfferEmailStatus.SENT


def offer_emails_pending() -> list[int]:
    return list(OfferEmail.objects.filter(status=OfferEmailStatus.PENDING).values_list("pk", flat=True)[:500])
