"""Reading the audit trail: entries a user may see, filtered, newest first."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.apps import apps
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from audit.records import PATIENT_MODEL


def _ref(key: str):
    return Cast(KeyTextTransform(key, "additional_data"), BigIntegerField())


def entry_list(
    *,
    user,
    patient: int | None = None,
    actor: int | None = None,
    action: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LogEntry]:
    """The entries of `user`'s clinics (every entry for a superuser); `until` is exclusive.

    An entry is a clinic's when its additional_data names the clinic, or names a patient who belongs
    to the clinic now. The clinic and patient lists are subqueries: one query for a page, one to count.
    """
    entries = LogEntry.objects.select_related("actor", "content_type").annotate(
        patient_ref=_ref("patient"), clinic_ref=_ref("clinic")
    )
    if not user.is_superuser:
        clinics = user.clinics.values("pk")
        patients = apps.get_model(PATIENT_MODEL).objects.filter(clinic__in=clinics).values("pk")
        entries = entries.filter(Q(clinic_ref__in=clinics) | Q(patient_ref__in=patients))
    if patient is not None:
        entries = entries.filter(patient_ref=patient)
    if actor is not None:
        entries = entries.filter(actor_id=actor)
    if action is not None:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(timestamp__gte=since)
    if until is not None:
        entries = entries.filter(timestamp__lt=until)
    return entries.order_by("-timestamp", "-pk")
